#!/usr/bin/env python3
"""Summarises an overload run (results/overload/ written by overload.sh): prints, per transport and valve, goodput as a
share of capacity at each offered level, 503s, timeouts, the probe's accepted p50/p99 and the recovery time; writes summary.csv and draws goodput against offered load (figure10-udp.png,
figure11-tcp.png: valve on, valve off, and the ideal min(offered, capacity))."""
import csv
import os
import shutil
import subprocess
import sys

FIGURES = {"udp": ("figure10-udp.png", "UDP"), "tcp": ("figure11-tcp.png", "persistent TCP")}


def read(path):
    if not os.path.exists(path):
        return []
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def num(value, default=0.0):
    try:
        return float(value)
    except (TypeError, ValueError):
        return default


def main(out):
    capacity = {row["transport"]: num(row["max_zero_failure_per_s"]) for row in read(os.path.join(out, "capacity.csv"))}
    rows = read(os.path.join(out, "overload.csv"))
    summary = []
    print("transport valve level offered goodput %capacity 503s timeouts p50_ms p99_ms recovery_s cpu_us/msg")
    for row in rows:
        transport = row["transport"]
        cap = capacity.get(transport, 0)
        goodput = num(row["goodput_per_s"])
        share = 100.0 * goodput / cap if cap else 0
        messages = num(row["ok"]) + num(row["rejected_503"])
        cpu_us = num(row["cpu_ticks"]) * 10_000 / messages if messages else 0
        entry = {
            "transport": transport, "valve": row["valve"], "level": row["level"], "offered_per_s": row["offered_per_s"],
            "capacity_per_s": "%.0f" % cap, "goodput_per_s": "%.0f" % goodput, "goodput_pct_capacity": "%.1f" % share,
            "rejected_503": row["rejected_503"], "timeouts": row["timeouts"],
            "accepted_p50_ms": "%.2f" % (num(row["probe_p50_us"], float("nan")) / 1000),
            "accepted_p99_ms": "%.2f" % (num(row["probe_p99_us"], float("nan")) / 1000),
            "probe_lost": row["probe_lost"], "recovery_s": row["recovery_s"],
            "cpu_us_per_message": "%.0f" % cpu_us,
        }
        summary.append(entry)
        print("%-4s %-3s %4s %6s %6.0f %6.1f%% %7s %7s %7s %7s %5s %5.0f" % (
            transport, row["valve"], row["level"], row["offered_per_s"], goodput, share, row["rejected_503"],
            row["timeouts"], entry["accepted_p50_ms"], entry["accepted_p99_ms"], row["recovery_s"], cpu_us))
    if summary:
        with open(os.path.join(out, "summary.csv"), "w", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=list(summary[0].keys()))
            writer.writeheader()
            writer.writerows(summary)

    # CPU per message: cpu-summary.csv and its table are written by overload.sh itself.

    if not shutil.which("gnuplot"):
        print("gnuplot not found: no plots")
        return
    for transport, (name, title) in FIGURES.items():
        mine = [r for r in rows if r["transport"] == transport]
        if not mine or transport not in capacity:
            continue
        cap = capacity[transport]
        data = {}
        for valve in ("on", "off"):
            path = os.path.join(out, "plot-%s-%s.dat" % (transport, valve))
            with open(path, "w") as f:
                for r in sorted((r for r in mine if r["valve"] == valve), key=lambda r: num(r["offered_per_s"])):
                    f.write("%s %s\n" % (r["offered_per_s"], r["goodput_per_s"]))
            data[valve] = path
        top = max(num(r["offered_per_s"]) for r in mine) * 1.05
        ceiling = max([cap] + [num(r["goodput_per_s"]) for r in mine]) * 1.15
        script = f"""
set terminal pngcairo size 800,520 noenhanced
set output '{os.path.join(out, name)}'
set title 'REGISTER goodput, {title}, registrar on WildFly (capacity {cap:.0f}/s)'
set xlabel 'offered load (REGISTER/s)'
set ylabel 'goodput (REGISTER answered 200 per s)'
set key outside bottom center horizontal
set grid
set xrange [0:{top:.0f}]
set yrange [0:{ceiling:.0f}]
plot '{data['on']}' using 1:2 with linespoints lw 2 pt 7 title 'valve on', \\
     '{data['off']}' using 1:2 with linespoints lw 2 pt 5 title 'valve off', \\
     x < {cap:.0f} ? x : {cap:.0f} with lines dt 2 lc rgb 'gray' title 'min(offered, capacity)', \\
     {0.9 * cap:.0f} with lines dt 3 lc rgb 'red' title '90% of capacity (the goal)'
"""
        subprocess.run(["gnuplot"], input=script.encode(), check=True)
        for path in data.values():
            os.remove(path)
        print("wrote", os.path.join(out, name))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "results", "overload"))
