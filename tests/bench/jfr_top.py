#!/usr/bin/env python3
"""Summarises a JFR recording of the server (registrar-cpu.sh): CPU samples (jdk.ExecutionSample) by thread, by the
top frame (self time), by the first frame of our own code, and inclusively by library; heap allocated
(jdk.ThreadAllocationStatistics, first and last reading per thread) in total, per registration (--per N) and by thread
group; allocation samples (jdk.ObjectAllocationSample) by thread group and first frame of our code, and by class
and top frames. With --threads REGEX only the samples of matching thread groups count (e.g. 'sip-(io|worker)', the
SIP path without the write-back flusher), and a table of our methods counted inclusively (a sample counts once in
every method of ours on its stack) is added. Allocation samples are counted, not summed by their weight: one sample's weight is all the thread
allocated since its previous sample, so a thread sampled rarely (the write-back flusher) gets huge single weights.
Needs the JDK's `jfr` tool on the PATH. Prints plain text."""
import argparse
import collections
import json
import re
import subprocess

# Inclusive buckets: a sample counts in every bucket one of whose prefixes appears anywhere on its stack.
LIBRARIES = [
    ("write-back flush (JpaLocationService.flush)", ("org.sipcity.registrar.location.jpa.JpaLocationService.flush",)),
    ("Hibernate", ("org.hibernate.",)),
    ("H2", ("org.h2.",)),
    ("JCA pool / datasource", ("org.jboss.jca.", "org.jboss.as.connector.")),
    ("registrar (org.sipcity.registrar)", ("org.sipcity.registrar.",)),
    ("digest (MessageDigest, Mac)", ("java.security.MessageDigest.", "javax.crypto.Mac.")),
    ("container (org.sipcity.sip.container)", ("org.sipcity.sip.container.",)),
    ("SIP stack (org.sipcity.stack)", ("org.sipcity.stack.",)),
    ("Netty", ("io.netty.",)),
    ("CDI (Weld)", ("org.jboss.weld.",)),
    ("logging", ("org.jboss.logging.", "org.jboss.logmanager.")),
]


def frame_name(frame):
    method = frame["method"]
    return method["type"]["name"].replace("/", ".") + "." + method["name"]


def thread_group(name):
    # H2's background writer names its database file: keep the name, not the path
    return re.sub(r"\d+", "N", re.sub(r" /\S+", "", name or "?"))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("recording")
    parser.add_argument("--per", type=int, default=0, help="registrations served during the recording")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--threads", help="regular expression: only samples of matching thread groups")
    args = parser.parse_args()
    raw = subprocess.run(["jfr", "print", "--json", "--stack-depth", "96", "--events",
                          "jdk.ExecutionSample,jdk.ThreadAllocationStatistics,jdk.ObjectAllocationSample", args.recording],
                         check=True, capture_output=True, text=True).stdout
    events = json.loads(raw)["recording"]["events"]
    wanted = re.compile(args.threads) if args.threads else None

    def kept(values, thread_key):
        return wanted is None or wanted.search(thread_group((values.get(thread_key) or {}).get("javaName")))

    samples = [e["values"] for e in events if e["type"] == "jdk.ExecutionSample" and kept(e["values"], "sampledThread")]
    allocations = collections.defaultdict(list)
    allocation_groups = {}
    for e in events:
        if e["type"] == "jdk.ThreadAllocationStatistics":
            values = e["values"]
            thread = values.get("thread") or {}
            key = thread.get("javaThreadId") or thread.get("osThreadId")
            allocations[key].append(values["allocated"])
            allocation_groups[key] = thread_group(thread.get("javaName"))
    allocated = sum(max(v) - min(v) for v in allocations.values())
    per = f", {allocated / args.per / 1024:.1f} KiB per registration" if args.per else ""
    print(f"allocated {allocated / 1e6:.1f} MB in the recording ({len(allocations)} threads){per}")
    allocated_by_group = collections.Counter()
    for key, readings in allocations.items():
        allocated_by_group[allocation_groups[key]] += max(readings) - min(readings)
    for group, size in allocated_by_group.most_common(6):
        share = f"{size / args.per / 1024:8.1f} KiB per registration" if args.per else f"{size / 1e6:8.1f} MB"
        print(f"  {share}  {group}")
    allocation_samples = [e["values"] for e in events
                          if e["type"] == "jdk.ObjectAllocationSample" and kept(e["values"], "eventThread")]

    total = len(samples)
    print(f"{total} CPU samples")
    by_thread = collections.Counter()
    by_self = collections.Counter()
    by_own = collections.Counter()
    by_library = collections.Counter()
    by_own_inclusive = collections.Counter()
    for sample in samples:
        by_thread[thread_group((sample.get("sampledThread") or {}).get("javaName"))] += 1
        frames = [frame_name(f) for f in (sample.get("stackTrace") or {}).get("frames", [])]
        if not frames:
            continue
        by_self[frames[0]] += 1
        own = next((f for f in frames if f.startswith("org.sipcity.") and "$$Lambda" not in f), "(none of ours)")
        by_own[own] += 1
        for method in {f for f in frames if f.startswith("org.sipcity.") and "$$Lambda" not in f}:
            by_own_inclusive[method] += 1
        for label, prefixes in LIBRARIES:
            if any(f.startswith(prefixes) for f in frames):
                by_library[label] += 1

    def table(title, counter, limit):
        print(f"\n{title}")
        for name, count in counter.most_common(limit):
            print(f"  {100 * count / total:5.1f}%  {count:6d}  {name}")

    table("by thread", by_thread, 15)
    table("inclusive, by library (a sample may count in several)", by_library, len(LIBRARIES))
    table("first frame of our code", by_own, args.top)
    table("top frame (self)", by_self, args.top)
    if wanted is not None:
        table("our methods, inclusive", by_own_inclusive, 2 * args.top)

    by_thread_own = collections.Counter()
    by_class_top = collections.Counter()
    for sample in allocation_samples:
        frames = [frame_name(f) for f in (sample.get("stackTrace") or {}).get("frames", [])]
        own = next((f for f in frames if f.startswith("org.sipcity.") and "$$Lambda" not in f), "(none of ours)")
        by_thread_own[f"{thread_group((sample.get('eventThread') or {}).get('javaName'))}  {own}"] += 1
        by_class_top[sample["objectClass"]["name"].replace("/", ".") + " @ " + " < ".join(frames[:3])] += 1
    total = len(allocation_samples)
    print(f"\n{total} allocation samples")
    table("allocation samples by thread and first frame of our code", by_thread_own, args.top)
    table("allocation samples by class and top frames", by_class_top, args.top)


if __name__ == "__main__":
    main()
