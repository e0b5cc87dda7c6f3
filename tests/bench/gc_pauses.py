#!/usr/bin/env python3
"""GC pauses of a unified JVM log (-Xlog:gc*,gc+age=trace:file=...:time,uptimemillis,level,tags) within a wall-clock
window: how many, how long, how often; every safepoint (-Xlog:safepoint: GC or not, the time threads were really
stopped, reaching the safepoint included); for G1 also what each young collection kept (survivor regions after it, old
regions it added: promotion) and the bytes of its survivors by age; for ZGC its cycles and allocation stalls.

    gc_pauses.py gc.log [--from EPOCH_S] [--to EPOCH_S] [--summary FILE]   prints one CSV line (--header: its names)
"""
import argparse
import collections
import datetime
import re
import statistics

HEADER = ("pauses,pauses_per_s,pause_p50_ms,pause_p90_ms,pause_max_ms,pause_ms_per_s,young,young_interval_s,"
          "eden_mb_per_young,survivor_mb_after_young,promoted_mb_per_young,zgc_cycles,alloc_stalls,alloc_stall_max_ms,"
          "safepoints,safepoint_ms_per_s,safepoint_max_ms,safepoint_max_non_gc_ms")

LINE = re.compile(r"^\[([^\]]+)\]\[(\d+)ms\]\[(\w+)\s*\]\[([\w,]+)\s*\]\s?(.*)$")
PAUSE = re.compile(r"\bPause\b.*?(\d+\.\d+)ms$")
GCID = re.compile(r"GC\((\d+)\)")
REGIONS = re.compile(r"(Eden|Survivor|Old|Humongous) regions: (\d+)->(\d+)")
AGE = re.compile(r"- age\s+(\d+):\s+(\d+) bytes")
REGION_SIZE = re.compile(r"Heap Region Size: (\d+)([KMG])")
SAFEPOINT = re.compile(r'Safepoint "(\w+)".*?Total: (\d+) ns')
# Safepoint operations that are a collector's pause (G1, Parallel, Serial, ZGC, Shenandoah); any other stops threads too
GC_OPERATIONS = re.compile(r"^(G1|Parallel|Serial|Collect|Z|Shenandoah|CGC|GenCollect|Handshake.*GC)")
STALL = re.compile(r"Allocation Stall .*?(\d+\.\d+)ms")
ZGC_CYCLE = re.compile(r"Garbage Collection \(")
PHASE = re.compile(r"GC\(\d+\)\s+(Pre Evacuate Collection Set|Merge Heap Roots|Evacuate Collection Set|"
                   r"Post Evacuate Collection Set|Other): (\d+\.\d+)ms")


def epoch(stamp):
    return datetime.datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%f%z").timestamp()


def percentile(values, p):
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def analyse(path, start, end):
    region_mb = 1.0
    pauses = []              # (time, kind, ms)
    young = {}               # gc id -> dict
    ages = collections.defaultdict(list)
    stalls = []
    cycles = 0
    phases = collections.defaultdict(list)
    safepoints = []          # (end time, operation, total ms)
    for raw in open(path, errors="replace"):
        m = LINE.match(raw.rstrip("\n"))
        if not m:
            continue
        stamp, _, _, tags, text = m.groups()
        rs = REGION_SIZE.search(text)
        if rs:
            region_mb = int(rs.group(1)) * {"K": 1 / 1024, "M": 1, "G": 1024}[rs.group(2)]
        t = epoch(stamp)
        if t < start or t > end:
            continue
        sp = SAFEPOINT.search(text) if tags == "safepoint" else None
        if sp:
            safepoints.append((t, sp.group(1), int(sp.group(2)) / 1e6))
        gid = GCID.search(text)
        if tags in ("gc", "gc,phases"):
            p = PAUSE.search(text)
            if p:
                kind = "young" if "Pause Young" in text else text.split("Pause", 1)[1].split()[0]
                pauses.append((t, kind, float(p.group(1))))
                if kind == "young" and gid:
                    young.setdefault(gid.group(1), {})["t"] = t
            if ZGC_CYCLE.search(text) and "->" in text:
                cycles += 1
        ph = PHASE.search(text)
        if ph and tags == "gc,phases":
            phases[ph.group(1)].append(float(ph.group(2)))
        s = STALL.search(text)
        if s:
            stalls.append(float(s.group(1)))
        r = REGIONS.search(text)
        if r and gid:
            young.setdefault(gid.group(1), {})[r.group(1)] = (int(r.group(2)), int(r.group(3)))
        a = AGE.search(text)
        if a and gid:
            ages[int(a.group(1))].append(int(a.group(2)))
    span = max(end - start, 1e-9)
    ys = [y for y in young.values() if "t" in y and "Eden" in y]
    ytimes = sorted(y["t"] for y in ys)
    intervals = [b - a for a, b in zip(ytimes, ytimes[1:])]
    ms = [p[2] for p in pauses]
    row = {
        "pauses": len(pauses),
        "pauses_per_s": len(pauses) / span,
        "pause_p50_ms": statistics.median(ms) if ms else 0,
        "pause_p90_ms": percentile(ms, 90),
        "pause_max_ms": max(ms) if ms else 0,
        "pause_ms_per_s": sum(ms) / span,
        "young": len(ys),
        "young_interval_s": statistics.mean(intervals) if intervals else 0,
        "eden_mb_per_young": statistics.mean(y["Eden"][0] * region_mb for y in ys) if ys else 0,
        "survivor_mb_after_young": statistics.mean(y["Survivor"][1] * region_mb for y in ys if "Survivor" in y) if ys else 0,
        "promoted_mb_per_young": statistics.mean(max(0, y["Old"][1] - y["Old"][0]) * region_mb for y in ys if "Old" in y) if ys else 0,
        "zgc_cycles": cycles,
        "alloc_stalls": len(stalls),
        "alloc_stall_max_ms": max(stalls) if stalls else 0,
        "safepoints": len(safepoints),
        "safepoint_ms_per_s": sum(sp[2] for sp in safepoints) / span,
        "safepoint_max_ms": max((sp[2] for sp in safepoints), default=0.0),
        "safepoint_max_non_gc_ms": max((sp[2] for sp in safepoints if not GC_OPERATIONS.match(sp[1])), default=0.0),
    }
    lines = [f"window {span:.1f} s; pauses by kind:"]
    by_kind = collections.defaultdict(list)
    for _, kind, value in pauses:
        by_kind[kind].append(value)
    for kind, values in sorted(by_kind.items()):
        lines.append(f"  {kind}: {len(values)}, median {statistics.median(values):.1f} ms, max {max(values):.1f} ms")
    if safepoints:
        by_operation = collections.defaultdict(list)
        for _, operation, value in safepoints:
            by_operation[operation].append(value)
        lines.append("safepoints by operation (count, total ms, max ms):")
        for operation, values in sorted(by_operation.items(), key=lambda kv: -sum(kv[1])):
            lines.append(f"  {operation}: {len(values)}, {sum(values):.1f}, {max(values):.2f}")
    if phases:
        lines.append("G1 pause phases (median / max ms): " + "; ".join(
            f"{name} {statistics.median(v):.1f} / {max(v):.1f}" for name, v in phases.items()))
    if ages:
        lines.append("survivors by age (mean bytes at that age over the young collections of the window):")
        for age in sorted(ages):
            lines.append(f"  age {age}: {statistics.mean(ages[age]) / 1048576:.1f} MB ({len(ages[age])} collections)")
    lines.append("young collections: time, pause ms, eden before, survivor after, old before->after (MB)")
    pause_at = {p[0]: p[2] for p in pauses if p[1] == "young"}
    for y in sorted(ys, key=lambda y: y["t"]):
        e, s, o = y["Eden"], y.get("Survivor", (0, 0)), y.get("Old", (0, 0))
        lines.append(f"  {datetime.datetime.utcfromtimestamp(y['t']).strftime('%H:%M:%S.%f')[:-3]} "
                     f"{pause_at.get(y['t'], 0):6.1f} {e[0] * region_mb:7.0f} {s[1] * region_mb:6.0f} "
                     f"{o[0] * region_mb:6.0f}->{o[1] * region_mb:.0f}")
    return row, lines


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("log", nargs="?")
    parser.add_argument("--from", dest="start", type=float, default=0)
    parser.add_argument("--to", dest="end", type=float, default=1e12)
    parser.add_argument("--summary")
    parser.add_argument("--header", action="store_true")
    args = parser.parse_args()
    if args.header:
        print(HEADER)
        return
    row, lines = analyse(args.log, args.start, args.end)
    if args.summary:
        with open(args.summary, "w") as out:
            out.write("\n".join(lines) + "\n")
    print(",".join(f"{row[k]:.2f}" if isinstance(row[k], float) else str(row[k]) for k in HEADER.split(",")))


if __name__ == "__main__":
    main()
