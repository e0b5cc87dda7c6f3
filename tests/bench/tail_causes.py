#!/usr/bin/env python3
"""What the slow REGISTERs of a probe run waited for: lines the probe's samples (probe.py --samples: send time in epoch
ns, latency in ns) up with the stops of the server's JVM in its unified log (-Xlog:safepoint with the time decorator:
every safepoint, GC or not, ends at its line's time stamp and lasted its Total).

A slow sample (latency at or above --threshold-us, default the run's p99) is counted as
  - "in a stop" when a safepoint overlapped it: the request waited for the stop itself;
  - "after a stop" when it was sent within --drain-ms after a stop ended: it queued behind the load the stop held up;
  - "elsewhere" otherwise (CPU contention on the host, the server's own work between stops, the probe itself).

With --jfr RECORDING (gc-p99.sh --jfr) the slow samples outside any stop are also matched against the server's CPU
samples: how many of them saw a sample of each thread group while they waited, against the share of all probe
samples that did (a group seen far more often around slow samples than around all of them is what they waited for).

    tail_causes.py SAMPLES GC_LOG [--threshold-us N] [--drain-ms 20] [--jfr RECORDING] [--longest N]
prints percentiles (p50, p90, p99, p99.9, max in us) and one line per cause, and with --csv one CSV line:
p999_us,slow,slow_in_stop,slow_after_stop,slow_elsewhere
"""
import argparse
import bisect
import datetime
import json
import re
import subprocess

SAFEPOINT = re.compile(r'^\[([^\]]+)\].*\[safepoint\s*\] Safepoint "(\w+)".*?Total: (\d+) ns')


def percentile(ordered, fraction):
    if not ordered:
        return 0.0
    index = min(len(ordered) - 1, max(0, int(round(fraction * len(ordered) + 0.5)) - 1))
    return ordered[index]


def stops(path):
    """(start_ns, end_ns, operation) of every safepoint of the log, in time order."""
    found = []
    for line in open(path, errors="replace"):
        m = SAFEPOINT.match(line)
        if m:
            end = int(datetime.datetime.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S.%f%z").timestamp() * 1e9)
            # the stamp has ms resolution: widen the stop by 1 ms at its end
            found.append((end - int(m.group(3)), end + 1_000_000, m.group(2)))
    found.sort()
    return found


def thread_samples(recording):
    """{thread group: sorted epoch ns of its CPU samples} from a JFR recording."""
    raw = subprocess.run(["jfr", "print", "--json", "--stack-depth", "1", "--events", "jdk.ExecutionSample", recording],
                         check=True, capture_output=True, text=True).stdout
    groups = {}
    for event in json.loads(raw)["recording"]["events"]:
        values = event["values"]
        name = (values.get("sampledThread") or {}).get("javaName") or "?"
        group = re.sub(r"\d+", "N", re.sub(r" /\S+", "", name))
        at = datetime.datetime.fromisoformat(values["startTime"].replace("Z", "+00:00"))
        groups.setdefault(group, []).append(int(at.timestamp() * 1e9))
    return {group: sorted(times) for group, times in groups.items()}


def seen(times, start, end):
    i = bisect.bisect_left(times, start)
    return i < len(times) and times[i] <= end


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("samples")
    parser.add_argument("log")
    parser.add_argument("--threshold-us", type=float, default=0, help="slow from this latency on (default the p99)")
    parser.add_argument("--drain-ms", type=float, default=20.0)
    parser.add_argument("--csv", action="store_true")
    parser.add_argument("--jfr", help="a JFR recording of the server over the probe's run")
    parser.add_argument("--longest", type=int, default=0,
                        help="also list the N longest samples with the stops they overlapped (what set the maximum)")
    args = parser.parse_args()
    samples = [tuple(map(int, line.split())) for line in open(args.samples) if line.strip()]
    ordered = sorted(latency / 1000.0 for _, latency in samples)
    threshold = args.threshold_us or percentile(ordered, 0.99)
    windows = stops(args.log)
    ends = [w[1] for w in windows]
    in_stop = after_stop = elsewhere = 0
    unexplained = []
    operations = {}
    for sent, latency in samples:
        if latency / 1000.0 < threshold:
            continue
        done = sent + latency
        # the stops ending after the request was sent, up to the first one starting after its answer
        i = bisect.bisect_left(ends, sent)
        overlapping = [w for w in windows[i:i + 50] if w[0] < done]
        if overlapping:
            in_stop += 1
            for w in overlapping:
                operations[w[2]] = operations.get(w[2], 0) + 1
            continue
        j = bisect.bisect_right(ends, sent) - 1
        if j >= 0 and sent - ends[j] <= args.drain_ms * 1e6:
            after_stop += 1
        else:
            elsewhere += 1
            unexplained.append((sent, done))
    slow = in_stop + after_stop + elsewhere
    p999 = percentile(ordered, 0.999)
    if args.csv:
        print(f"{p999:.0f},{slow},{in_stop},{after_stop},{elsewhere}")
        return
    print(f"samples {len(ordered)}: p50 {percentile(ordered, 0.5):.0f} us, p90 {percentile(ordered, 0.9):.0f}, "
          f"p99 {percentile(ordered, 0.99):.0f}, p99.9 {p999:.0f}, max {ordered[-1] if ordered else 0:.0f}")
    print(f"slow (>= {threshold:.0f} us): {slow}")
    print(f"  in a stop of the JVM: {in_stop}" + (" (" + ", ".join(f"{k} {v}" for k, v in sorted(
        operations.items(), key=lambda kv: -kv[1])) + ")" if operations else ""))
    print(f"  sent within {args.drain_ms:.0f} ms after a stop: {after_stop}")
    print(f"  elsewhere: {elsewhere}")
    print(f"stops in the log: {len(windows)}")
    if args.longest:
        print(f"the {args.longest} longest samples and the stops they overlapped:")
        for sent, latency in sorted(samples, key=lambda sample: -sample[1])[:args.longest]:
            i = bisect.bisect_left(ends, sent)
            hit = [w for w in windows[i:i + 50] if w[0] < sent + latency]
            print(f"  {latency / 1e6:.1f} ms: " + (", ".join(f"{w[2]} {(w[1] - w[0]) / 1e6 - 1:.1f} ms" for w in hit)
                                                   if hit else "no stop"))
    if args.jfr:
        groups = thread_samples(args.jfr)
        first = min(t[0] for t in groups.values() if t)
        last = max(t[-1] for t in groups.values() if t)
        # every probe sample's window as long as a slow one at least, so that the two shares compare like for like
        length = int(threshold * 1000)
        everything = [(sent, sent + max(latency, length)) for sent, latency in samples if first <= sent <= last]
        slow_in = [(a, b) for a, b in unexplained if first <= a <= last]
        print(f"slow samples elsewhere within the recording: {len(slow_in)}; thread groups with a CPU sample while "
              f"they waited, against all {len(everything)} probe samples (windows of at least {threshold:.0f} us):")
        rows = []
        for group, times in groups.items():
            near_slow = sum(seen(times, a, b) for a, b in slow_in)
            near_all = sum(seen(times, a, b) for a, b in everything)
            rows.append((near_slow / max(len(slow_in), 1), near_all / max(len(everything), 1), group, len(times)))
        for share_slow, share_all, group, count in sorted(rows, reverse=True)[:12]:
            print(f"  {group}: {100 * share_slow:.0f}% of slow, {100 * share_all:.1f}% of all ({count} CPU samples)")


if __name__ == "__main__":
    main()
