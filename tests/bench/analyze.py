#!/usr/bin/env python3
"""Summarises a REGISTER benchmark run (results/steps.csv, results/max-rate.csv written by bench.sh): prints our
figure, Kamailio's and the ratio per transport, names the limit (server or generator, from the SIPp-against-SIPp
ceiling), writes results/summary.csv and draws latency against offered rate per target (results/figure8-*.png)."""
import csv
import os
import sys

from bench_results import as_int, draw, gnuplot_available, png_terminal, read

TRANSPORT_TITLES = {"udp": "UDP", "tcp": "persistent TCP", "tcp-tn": "transaction TCP",
                    "tcp-tn-loadgen": "transaction TCP (loadgen)", "tls": "persistent TLS"}
LATENCY_RATE = 2500


def main(out):
    steps = read(os.path.join(out, "steps.csv"))
    maxima = {(row["target"], row["transport"]): row for row in read(os.path.join(out, "max-rate.csv"))}
    transports = [t for t in TRANSPORT_TITLES if any(k[1] == t for k in maxima)]

    def latency(target, transport):
        for row in steps:
            if row["target"] == target and row["transport"] == transport and as_int(row["offered_per_s"]) == LATENCY_RATE:
                return row["p50_us"], row["p99_us"]
        return "", ""

    failures = {}
    failures_path = os.path.join(out, "failures.csv")
    if os.path.exists(failures_path):
        for row in read(failures_path):
            failures[(row["target"], row["transport"], as_int(row["offered_per_s"]))] = row

    def first_failure(target, transport):
        """What failed the first failing step: 503s from the transaction budget, other 503s, timeouts."""
        first = as_int(maxima.get((target, transport), {}).get("first_failure_per_s"))
        row = failures.get((target, transport, first)) if first else None
        return "" if row is None else failure_cause(first, row)

    summary = []
    for transport in transports:
        ceiling = as_int(maxima.get(("sipp", transport), {}).get("max_zero_failure_per_s"))
        ours = as_int(maxima.get(("ours", transport), {}).get("max_zero_failure_per_s"))
        kamailio = as_int(maxima.get(("kamailio", transport), {}).get("max_zero_failure_per_s"))
        wildfly = as_int(maxima.get(("wildfly", transport), {}).get("max_zero_failure_per_s"))

        def limit(value, target):
            cause = first_failure(target, transport)
            cause = "; " + cause if cause else ""
            if value is None or ceiling is None:
                return "unknown" + cause
            if value > 1.1 * ceiling:
                # SIPp as the server stopped first: the pair's figure bounds neither side here.
                return "server or generator (above SIPp against SIPp, whose server side limits it)" + cause
            return ("generator (within 10% of SIPp against SIPp)" if value >= 0.9 * ceiling else "server") + cause

        ratio = "%.2f" % (ours / kamailio) if ours and kamailio else ""
        ours_p50, ours_p99 = latency("ours", transport)
        kam_p50, kam_p99 = latency("kamailio", transport)
        wf_p50, wf_p99 = latency("wildfly", transport)
        summary.append({
            "transport": transport, "sipp_ceiling_per_s": ceiling if ceiling is not None else "",
            "ours_max_per_s": ours if ours is not None else "", "ours_limit": limit(ours, "ours"),
            "kamailio_max_per_s": kamailio if kamailio is not None else "", "kamailio_limit": limit(kamailio, "kamailio"),
            "ratio_ours_to_kamailio": ratio,
            "ours_p50_us_at_2500": ours_p50, "ours_p99_us_at_2500": ours_p99,
            "kamailio_p50_us_at_2500": kam_p50, "kamailio_p99_us_at_2500": kam_p99,
            "wildfly_max_per_s": wildfly if wildfly is not None else "", "wildfly_limit": limit(wildfly, "wildfly"),
            "ratio_wildfly_to_kamailio": "%.2f" % (wildfly / kamailio) if wildfly and kamailio else "",
            "wildfly_p50_us_at_2500": wf_p50, "wildfly_p99_us_at_2500": wf_p99,
        })
    if summary:
        with open(os.path.join(out, "summary.csv"), "w", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=list(summary[0]))
            writer.writeheader()
            writer.writerows(summary)

    print("%-16s %10s %10s %10s %6s  %-22s %-22s" % ("transport", "SIPp-SIPp", "ours", "Kamailio", "ratio",
                                                    "ours p50/p99 @2500", "Kamailio p50/p99 @2500"))
    for row in summary:
        print("%-16s %10s %10s %10s %6s  %-22s %-22s" % (
            TRANSPORT_TITLES[row["transport"]], row["sipp_ceiling_per_s"], row["ours_max_per_s"],
            row["kamailio_max_per_s"], row["ratio_ours_to_kamailio"],
            "%s/%s us" % (row["ours_p50_us_at_2500"], row["ours_p99_us_at_2500"]),
            "%s/%s us" % (row["kamailio_p50_us_at_2500"], row["kamailio_p99_us_at_2500"])))
        print("%-16s limit: ours by the %s, Kamailio by the %s" % ("", row["ours_limit"], row["kamailio_limit"]))
        if row["wildfly_max_per_s"] != "":
            print("%-16s WildFly + registrar: %s/s (ratio to Kamailio %s), p50/p99 @2500 %s/%s us, limit: the %s" % (
                "", row["wildfly_max_per_s"], row["ratio_wildfly_to_kamailio"], row["wildfly_p50_us_at_2500"],
                row["wildfly_p99_us_at_2500"], row["wildfly_limit"]))
    transaction_tcp_ratios(out, maxima)
    plot(out, steps)


def failure_cause(rate, row):
    """One failed step's row of failures.csv in words: 503s the server counted as refused for its completed-transaction
    budget (a memory limit of UDP, not CPU), other 503s (the overload valve's, or the live-transaction limit's),
    timeouts, other answers."""
    parts = []
    # -1 or empty: the server had no such counter, or is not ours.
    budget = as_int(row.get("server_refused_completed_memory"))
    budget = budget if budget is not None and budget >= 0 else None
    total = as_int(row.get("server_refused_total"))
    total = total if total is not None and total >= 0 else None
    got_503 = as_int(row.get("responses_503")) or 0
    if budget:
        parts.append("%d x 503 from the transaction budget (completed-transaction memory)" % budget)
    if total and budget is None:
        parts.append("%d x 503 from the transaction layer (live limit or completed-transaction budget)" % total)
    elif total and total > budget:
        parts.append("%d x 503 from the live-transaction limit" % (total - budget))
    valve = as_int(row.get("server_valve_rejections"))
    valve = valve if valve is not None and valve >= 0 else None
    if valve:
        parts.append("%d x 503 from the overload valve" % valve)
    counted = max(total or 0, budget or 0) + (valve or 0)
    if got_503 > counted:
        parts.append("%d x 503 from elsewhere%s" % (got_503 - counted,
                                                    " (overload valve, container)" if valve is None else ""))
    if as_int(row.get("timeouts")):
        parts.append("%s timeouts" % row["timeouts"])
    if as_int(row.get("other_responses")):
        parts.append("%s other answers (%s)" % (row["other_responses"], row.get("responses_seen", "")))
    if not parts and not as_int(row.get("failed")):
        parts.append("too slow (every call answered, the run over 5% longer than asked)")
    return "first failure at %d/s: %s" % (rate, ", ".join(parts) if parts else "no cause recorded")


def transaction_tcp_ratios(out, maxima):
    """Issue 6's goal: transaction TCP at least 0.8x persistent TCP, per target, from the same run."""
    rows = []
    for target in sorted({k[0] for k in maxima}):
        persistent = as_int(maxima.get((target, "tcp"), {}).get("max_zero_failure_per_s"))
        for transport in ("tcp-tn", "tcp-tn-loadgen"):
            tn = as_int(maxima.get((target, transport), {}).get("max_zero_failure_per_s"))
            if tn is None:
                continue
            rows.append({"target": target, "transport": transport, "transaction_tcp_per_s": tn,
                         "persistent_tcp_per_s": persistent if persistent is not None else "",
                         "ratio": "%.2f" % (tn / persistent) if persistent else ""})
    if not rows:
        return
    with open(os.path.join(out, "transaction-tcp.csv"), "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    for row in rows:
        print("%-16s %s: %s/s against persistent TCP %s/s, ratio %s" % (
            "transaction TCP", row["target"], row["transaction_tcp_per_s"], row["persistent_tcp_per_s"] or "-",
            row["ratio"] or "-"))


def plot(out, steps):
    if not gnuplot_available():
        return
    targets = sorted({row["target"] for row in steps})
    for target in targets:
        series = []
        for transport in TRANSPORT_TITLES:
            rows = sorted((r for r in steps if r["target"] == target and r["transport"] == transport
                           and as_int(r["probe_samples"])), key=lambda r: as_int(r["offered_per_s"]))
            if not rows:
                continue
            data = os.path.join(out, "plot-%s-%s.dat" % (target, transport))
            with open(data, "w") as f:
                f.write("# offered_per_s p50_us p99_us pass\n")
                for r in rows:
                    f.write("%s %s %s %s\n" % (r["offered_per_s"], r["p50_us"], r["p99_us"], r["pass"]))
            series.append((transport, data))
        if not series:
            continue
        png = os.path.join(out, "figure8-%s.png" % target)
        lines = []
        for index, (transport, data) in enumerate(series, start=1):
            title = TRANSPORT_TITLES[transport]
            lines.append("'%s' using 1:2 with linespoints lc %d pt 7 title '%s p50'" % (data, index, title))
            lines.append("'%s' using 1:3 with linespoints lc %d pt 5 dt 2 title '%s p99'" % (data, index, title))
        script = "\n".join([
            png_terminal("1000,560"),
            "set output '%s'" % png,
            "set title 'REGISTER latency against offered rate: %s (probe at %s, 2 shared cores)' " % (
                {"ours": "our stack (TinyResponder)", "wildfly": "WildFly + registrar WAR", "kamailio": "Kamailio 5.6",
                 "sipp": "SIPp against SIPp"}.get(target, target),
                "200 REGISTER/s"),
            "set xlabel 'offered REGISTER/s'", "set ylabel 'latency (us, log scale)'",
            "set logscale y", "set grid", "set key outside right top",
            "plot " + ", ".join(lines), ""])
        draw(script, png)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "results"))
