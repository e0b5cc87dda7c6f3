#!/usr/bin/env python3
"""One CSV line for one step of register-capacity.sh from SIPp's statistics files (-trace_stat, last line of each):
nodes, offered/s, registered, failed, achieved/s, and the p50 and p99 of the REGISTER response time as the
upper bound of SIPp's repartition bucket that holds them (ResponseTimeRepartition of the scenario)."""
import csv
import glob
import sys

nodes, rate, elapsed, load, work = sys.argv[1:6]
ok = failed = 0
buckets = {}
for path in sorted(glob.glob(f"{work}/stat-{nodes}-{rate}-*.csv")):
    with open(path, newline="") as f:
        rows = list(csv.reader(f, delimiter=";"))
    if len(rows) < 2:
        continue
    header, last = rows[0], rows[-1]
    row = dict(zip(header, last))
    ok += int(row.get("SuccessfulCall(C)", 0) or 0)
    failed += int(row.get("FailedCall(C)", 0) or 0)
    for name, value in row.items():
        if name.startswith("ResponseTimeRepartition1_"):
            buckets[name] = buckets.get(name, 0) + int(value or 0)


def bound(name):
    label = name.split("_", 1)[1]
    return float("inf") if label.startswith(">=") else float(label.lstrip("<"))


def percentile(p):
    total = sum(buckets.values())
    if total == 0:
        return ""
    seen = 0
    for name in sorted(buckets, key=bound):
        seen += buckets[name]
        if seen >= p / 100 * total:
            b = bound(name)
            return "<" + str(int(b)) if b != float("inf") else ">=" + name.split(">=")[1]
    return ""


print(f"{nodes},{rate},{ok},{failed},{ok / float(elapsed):.0f},{percentile(50)},{percentile(99)},{load}")
