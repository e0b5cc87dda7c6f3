#!/usr/bin/env python3
"""Summarises a calls benchmark run (results-calls/steps.csv, max-rate.csv and cpu.csv, written by calls.sh): prints,
per transport, SIPp against SIPp, our proxy, Kamailio and the ratio, names which side limits, the proxies' CPU time per
call at their highest passing rate, writes summary.csv and draws
the completed call rate against the offered one per transport (calls-<transport>.png), failed steps marked."""
import csv
import os
import sys

from bench_results import as_int, draw, gnuplot_available, read

TRANSPORT_TITLES = {"udp": "UDP", "tcp": "persistent TCP"}
TARGET_TITLES = {"sipp": "SIPp caller -> SIPp callee (no proxy)", "ours": "through our proxy (WildFly + WAR)",
                 "kamailio": "through Kamailio 5.6 (tm, rr, usrloc)"}


def main(out):
    steps = read(os.path.join(out, "steps.csv"))
    cpu_path = os.path.join(out, "cpu.csv")
    cpu = read(cpu_path) if os.path.exists(cpu_path) else []

    def cpu_per_call(target, transport):
        """CPU µs per call at the highest offered rate whose step passed (the last such row wins)."""
        passed = {(r["offered_per_s"]) for r in steps if r["target"] == target and r["transport"] == transport
                  and r["pass"] == "1"}
        rows = [r for r in cpu if r["target"] == target and r["transport"] == transport
                and r["offered_per_s"] in passed and r["cpu_us_per_call"]]
        if not rows:
            return "", ""
        best = max(rows, key=lambda r: as_int(r["offered_per_s"]))
        return best["cpu_us_per_call"], best["offered_per_s"]

    # The last search of a (target, transport) wins when runs were appended to the same directory.
    maxima = {(row["target"], row["transport"]): row for row in read(os.path.join(out, "max-rate.csv"))}
    summary = []
    for transport in TRANSPORT_TITLES:
        if not any(key[1] == transport for key in maxima):
            continue
        value = {t: as_int(maxima.get((t, transport), {}).get("max_zero_failure_per_s")) for t in TARGET_TITLES}
        ceiling = value["sipp"]

        def limit(v):
            if v is None or ceiling is None:
                return "unknown"
            return "generator (within 10% of SIPp against SIPp)" if v >= 0.9 * ceiling else "proxy"

        summary.append({
            "transport": transport,
            "sipp_to_sipp_calls_per_s": "" if ceiling is None else ceiling,
            "ours_calls_per_s": "" if value["ours"] is None else value["ours"], "ours_limit": limit(value["ours"]),
            "kamailio_calls_per_s": "" if value["kamailio"] is None else value["kamailio"],
            "kamailio_limit": limit(value["kamailio"]),
            "ratio_ours_to_kamailio": "%.2f" % (value["ours"] / value["kamailio"])
            if value["ours"] and value["kamailio"] else "",
            "ours_cpu_us_per_call": cpu_per_call("ours", transport)[0],
            "ours_cpu_at_per_s": cpu_per_call("ours", transport)[1],
            "kamailio_cpu_us_per_call": cpu_per_call("kamailio", transport)[0],
            "kamailio_cpu_at_per_s": cpu_per_call("kamailio", transport)[1],
        })
    if summary:
        with open(os.path.join(out, "summary.csv"), "w", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=list(summary[0]))
            writer.writeheader()
            writer.writerows(summary)
    print("%-16s %12s %12s %12s %6s   (calls/s with zero failed calls)" % ("transport", "SIPp-SIPp", "ours",
                                                                           "Kamailio", "ratio"))
    for row in summary:
        print("%-16s %12s %12s %12s %6s" % (TRANSPORT_TITLES[row["transport"]], row["sipp_to_sipp_calls_per_s"],
                                           row["ours_calls_per_s"], row["kamailio_calls_per_s"],
                                           row["ratio_ours_to_kamailio"]))
        print("%-16s limit: ours by the %s, Kamailio by the %s" % ("", row["ours_limit"], row["kamailio_limit"]))
        if row["ours_cpu_us_per_call"] or row["kamailio_cpu_us_per_call"]:
            print("%-16s proxy CPU per call (idle subtracted): ours %s us at %s/s, Kamailio %s us at %s/s" % (
                "", row["ours_cpu_us_per_call"], row["ours_cpu_at_per_s"], row["kamailio_cpu_us_per_call"],
                row["kamailio_cpu_at_per_s"]))
    plot(out, steps)


def plot(out, steps):
    if not gnuplot_available():
        return
    for transport, title in TRANSPORT_TITLES.items():
        lines = []
        highest = 0
        for index, target in enumerate(TARGET_TITLES, start=1):
            rows = sorted((r for r in steps if r["target"] == target and r["transport"] == transport),
                          key=lambda r: as_int(r["offered_per_s"]))
            if not rows:
                continue
            data = os.path.join(out, "plot-%s-%s.dat" % (target, transport))
            with open(data, "w") as f:
                f.write("# offered_per_s achieved_per_s pass failed_calls\n")
                for r in rows:
                    f.write("%s %s %s %s\n" % (r["offered_per_s"], r["achieved_per_s"], r["pass"], r["failed"]))
                    highest = max(highest, as_int(r["offered_per_s"]) or 0)
            lines.append("'%s' using 1:2 with linespoints lc %d pt 7 title '%s'" % (data, index, TARGET_TITLES[target]))
            lines.append("'%s' using 1:($3 == 0 ? $2 : 1/0) with points lc %d pt 6 ps 2.5 notitle" % (data, index))
        if not lines:
            continue
        png = os.path.join(out, "calls-%s.png" % transport)
        script = "\n".join([
            "set terminal pngcairo size 1000,560 font ',10'",
            "set output '%s'" % png,
            "set title 'Calls (INVITE-100-180-200-ACK-BYE-200) over %s: completed against offered, 2 shared cores; "
            "circled = step failed'" % title,
            "set xlabel 'offered calls/s'", "set ylabel 'completed calls/s'", "set grid", "set key left top",
            "set xrange [0:%d]" % (highest * 1.05), "set yrange [0:]",
            "plot x with lines lc rgb 'gray' dt 3 title 'offered', " + ", ".join(lines), ""])
        draw(script, png)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "results-calls"))
