#!/usr/bin/env python3
"""What the JIT did during a probe window: the server's compilation log (-Xlog:jit+compilation=debug:file=F:uptime,
one line per compilation as it starts, and "made not entrant" when compiled code is thrown away) lined up with the
probe's samples through the GC log (gc-p99.sh writes it with both wall-clock and uptime decorators).

Prints compilations in the window by tier, how many methods were thrown away (deoptimised or replaced), the methods
compiled most often in the window (the same method again and again at tier 4 is a deoptimisation loop, which never
settles), and how many of the slow samples (at or above the p99) had a C2 compilation start in the --before-ms
before they were sent or while they waited, against the same share of all samples.

    jit_events.py JIT_LOG GC_LOG SAMPLES [--before-ms 50] [--top 10]
"""
import argparse
import bisect
import collections
import datetime
import re

UPTIME_WALL = re.compile(r'^\[([0-9T:.\-+]+)\]\[(\d+)ms\]')
COMPILE = re.compile(r'^\[([\d.]+)s\]\s+(\d+)\s+([%sbn!]*)\s*(\d)?\s+(\S+)\s+\((\d+) bytes\)(.*)$')


def uptime_offset_ns(gc_log):
    """epoch ns minus uptime ns, from the first line of the GC log that carries both."""
    for line in open(gc_log, errors="replace"):
        m = UPTIME_WALL.match(line)
        if m:
            wall = datetime.datetime.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S.%f%z").timestamp()
            return int(wall * 1e9) - int(m.group(2)) * 1_000_000
    raise SystemExit("no wall-clock/uptime line in " + gc_log)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("jit_log")
    parser.add_argument("gc_log")
    parser.add_argument("samples")
    parser.add_argument("--before-ms", type=float, default=50)
    parser.add_argument("--top", type=int, default=10)
    args = parser.parse_args()

    samples = []
    for line in open(args.samples):
        parts = line.split()
        if len(parts) >= 2:
            samples.append((int(parts[0]), int(parts[1])))
    samples.sort()
    start, end = samples[0][0], samples[-1][0] + samples[-1][1]
    offset = uptime_offset_ns(args.gc_log)

    tiers = collections.Counter()
    thrown_away = 0
    methods = collections.Counter()
    c2_starts = []
    for line in open(args.jit_log, errors="replace"):
        m = COMPILE.match(line)
        if not m:
            continue
        at = offset + int(float(m.group(1)) * 1e9)
        if not start <= at <= end:
            continue
        if "made not entrant" in m.group(7) or "made zombie" in m.group(7):
            thrown_away += 1
            continue
        tier = m.group(4) or "?"
        tiers[tier + ("-osr" if "%" in m.group(3) else "")] += 1
        methods[(m.group(5), tier)] += 1
        if tier == "4":
            c2_starts.append(at)
    c2_starts.sort()

    seconds = (end - start) / 1e9
    print("window %.1f s: %d compilations (%s), %.1f/s; %d compiled methods thrown away" % (
        seconds, sum(tiers.values()), ", ".join("tier %s: %d" % kv for kv in sorted(tiers.items())),
        sum(tiers.values()) / seconds, thrown_away))
    print("compiled most often in the window (method, tier: count):")
    for (method, tier), count in methods.most_common(args.top):
        print("  %4d  tier %s  %s" % (count, tier, method))

    def near_c2(sent, latency):
        i = bisect.bisect_left(c2_starts, sent - int(args.before_ms * 1e6))
        return i < len(c2_starts) and c2_starts[i] <= sent + latency

    ordered = sorted(lat for _, lat in samples)
    p99 = ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]
    slow = [(s, lat) for s, lat in samples if lat >= p99]
    slow_near = sum(1 for s, lat in slow if near_c2(s, lat))
    all_near = sum(1 for s, lat in samples if near_c2(s, lat))
    print("slow samples (>= p99 %d us): %d, of which %d (%.0f%%) had a C2 compilation start within %.0f ms before or "
          "while waiting; all samples: %.0f%%" % (p99 // 1000, len(slow), slow_near, 100.0 * slow_near / max(1, len(slow)),
                                                args.before_ms, 100.0 * all_near / max(1, len(samples))))


if __name__ == "__main__":
    main()
