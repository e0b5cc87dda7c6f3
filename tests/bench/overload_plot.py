#!/usr/bin/env python3
"""Summarises an overload run (results/overload/ written by overload.sh): prints, per transport and valve, goodput as a
share of capacity at each offered level with whether the generator achieved the offered rate, 503s, timeouts, drops,
the in-dialog side stream's success, accepted p99, CPU and the recovery time, and the issue's goals against them;
writes summary.csv and cpu-summary.csv and draws goodput against offered load (figure10-udp.png, figure11-tcp.png:
valve on, valve off, the ideal min(offered, capacity) and the 90% line)."""
import os
import sys

from bench_results import draw, gnuplot_available, png_terminal, read as read_csv

FIGURES = {"udp": ("figure10-udp.png", "UDP"), "tcp": ("figure11-tcp.png", "persistent TCP")}


def read(path):
    return read_csv(path) if os.path.exists(path) else []


def num(value, default=0.0):
    try:
        return float(value)
    except (TypeError, ValueError):
        return default


def main(out):
    capacity = {}
    for row in read(os.path.join(out, "capacity.csv")):
        capacity[row["transport"]] = num(row["max_zero_failure_per_s"])
    rows = read(os.path.join(out, "overload.csv"))
    # run-info.csv: "key,value" lines; the server's share of its core when overload.sh ran with --server-cpu-quota.
    info = {}
    for line in open(os.path.join(out, "run-info.csv")) if os.path.exists(os.path.join(out, "run-info.csv")) else []:
        key, _, value = line.strip().partition(",")
        info[key] = value
    quota = num(info.get("server_cpu_quota_pct"), 100)
    where = "pinned to one core" if quota >= 100 else "pinned to %.0f%% of one core" % quota
    summary = []
    print("Goodput against offered load (capacity: the pinned server's highest rate with zero failures, valve off)")
    print("%-4s %-3s %5s %7s %8s %-22s %7s %6s %7s %8s %7s %7s %6s %8s %5s %6s %9s" % (
        "tr", "vlv", "level", "offered", "achieved", "offered reached", "goodput", "%cap", "503/s", "timeouts",
        "drops", "dialog%", "resp%", "p99 ms", "trans", "rec s", "cpu us/msg"))
    for row in rows:
        transport = row["transport"]
        cap = capacity.get(transport, 0)
        goodput = num(row["goodput_per_s"])
        share = 100.0 * goodput / cap if cap else 0
        drops = int(num(row["kernel_udp_drops"]) + num(row["held_back"]))
        responses = row["responses_success_pct"] if row["valve"] != "off" else "n/a"
        entry = dict(row)
        entry.update({"capacity_per_s": "%.0f" % cap, "goodput_pct_capacity": "%.1f" % share, "drops": drops})
        summary.append(entry)
        print("%-4s %-3s %5s %7s %8s %-22s %7.0f %5.0f%% %7s %8s %7d %7s %6s %8s %5s %6s %9s" % (
            transport, row["valve"], row["level"], row["offered_per_s"], row["achieved_offered_per_s"],
            row["offered_reached"], goodput, share, row["rejected_503_per_s"], row["timeouts"], drops,
            row["in_dialog_success_pct"], responses, row["accepted_p99_ms"], row["valve_transitions"],
            row["recovery_s"], row["cpu_us_per_answered"]))
    if summary:
        with open(os.path.join(out, "summary.csv"), "w") as f:
            columns = list(summary[0].keys())
            f.write(",".join(columns) + "\n")
            for entry in summary:
                f.write(",".join(str(entry[c]) for c in columns) + "\n")
        print("offered reached: 'no:generator-limit' = the generator could not offer the rate (the row measures less "
              "than asked); 'no:server-flow-control' = over TCP the server stopped reading, so TCP held the requests "
              "back in the generator. drops: UDP datagrams the kernel dropped at the server's socket, or TCP requests "
              "held back. dialog%: in-dialog requests answered (not 503, not timed out). resp%: stray responses the "
              "valve counted as admitted (valve on only). trans: valve state transitions during the step.")
        for transport in sorted({r["transport"] for r in rows}):
            # A server answering well above its "capacity" was not overloaded: the capacity was searched under
            # different conditions (on a shared host, another load average) and the levels are not what they say.
            cap = capacity.get(transport, 0)
            best = max((r for r in rows if r["transport"] == transport), key=lambda r: num(r["goodput_per_s"]))
            if cap and num(best["goodput_per_s"]) > 1.2 * cap:
                print("%s: WARNING the server answered %.0f/s (valve %s, %sx) against a capacity of %.0f/s: the capacity "
                      "is understated (searched under another host load? see capacity-steps.csv) and the steps above "
                      "1x are not overload; search it again in the same run" % (
                          transport, num(best["goodput_per_s"]), best["valve"], best["level"], cap))
            reached = [num(r["achieved_offered_per_s"]) for r in rows if r["transport"] == transport]
            short = [r for r in rows if r["transport"] == transport and r["offered_reached"] == "no:generator-limit"]
            if short:
                print("%s: the generator reached at most %.0f/s; levels it could not offer: %s" % (
                    transport, max(reached), ", ".join(sorted({r["level"] + "x" for r in short}))))

    cpu = read(os.path.join(out, "cpu.csv"))
    if cpu:
        served = {r["transport"]: num(r["us_per_message"]) for r in cpu if r["mode"] == "served"}
        with open(os.path.join(out, "cpu-summary.csv"), "w") as f:
            f.write("transport,mode,rate_per_s,achieved_per_s,messages,us_per_message,share_of_served\n")
            print("\nServer CPU per message (utime+stime minus idle)")
            for r in cpu:
                base = served.get(r["transport"], 0)
                share = "%.1f%%" % (100 * num(r["us_per_message"]) / base) if base > 0 else ""
                f.write("%s,%s,%s,%s,%s,%s,%s\n" % (r["transport"], r["mode"], r["rate_per_s"], r["achieved_per_s"],
                                                    r["messages"], r["us_per_message"], share))
                print("cpu %-4s %-8s at %6s/s (achieved %6s/s): %8s us/message over %8s messages, %6s of served" % (
                    r["transport"], r["mode"], r["rate_per_s"], r["achieved_per_s"], r["us_per_message"],
                    r["messages"], share))

    if not rows or not gnuplot_available():
        return
    terminal = png_terminal("800,520")
    for transport, (name, title) in FIGURES.items():
        mine = [r for r in rows if r["transport"] == transport]
        if not mine or transport not in capacity:
            continue
        cap = capacity[transport]
        plots = []
        for valve, point in (("on", 7), ("off", 5), ("on-queue", 9), ("on-drop", 11), ("on-read-all", 13)):
            points = sorted(((num(r["offered_per_s"]), num(r["goodput_per_s"])) for r in mine if r["valve"] == valve))
            if not points:
                continue
            path = os.path.join(out, "plot-%s-%s.dat" % (transport, valve))
            with open(path, "w") as f:
                f.writelines("%.0f %.0f\n" % p for p in points)
            plots.append("'%s' using 1:2 with linespoints lw 2 pt %d title 'valve %s'" % (path, point, valve))
        top = max(num(r["offered_per_s"]) for r in mine) * 1.05
        ceiling = max([cap] + [num(r["goodput_per_s"]) for r in mine]) * 1.15
        png = os.path.join(out, name)
        script = f"""
{terminal}
set output '{png}'
set title 'REGISTER goodput, {title}, registrar on WildFly {where} (capacity {cap:.0f}/s)' noenhanced
set xlabel 'offered load (REGISTER/s)'
set ylabel 'goodput (REGISTER answered 200 per s)'
set key outside bottom center horizontal
set grid
set xrange [0:{top:.0f}]
set yrange [0:{ceiling:.0f}]
plot {", ".join(plots)}, \\
     x < {cap:.0f} ? x : {cap:.0f} with lines dt 2 lc rgb 'gray' title 'min(offered, capacity)', \\
     {0.9 * cap:.0f} with lines dt 3 lc rgb 'red' title '90% of capacity (the goal)'
"""
        draw(script, png)
        for valve in ("on", "off", "on-queue", "on-drop", "on-read-all"):
            path = os.path.join(out, "plot-%s-%s.dat" % (transport, valve))
            if os.path.exists(path):
                os.remove(path)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "results", "overload"))
