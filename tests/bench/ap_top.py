#!/usr/bin/env python3
"""Summarises an async-profiler CPU profile in collapsed form, recorded with the `threads` option (registrar-cpu.sh
--async-profiler): the share of samples per thread group, then, for the SIP threads (sip-io-*, sip-worker-*,
sip-timer-*), the frames with the most samples of their own (self) and the most samples under them (inclusive, each
frame counted once per stack), as percentages of the SIP threads' samples.

    ap_top.py profile.collapsed [--top 40] [--threads REGEX] [--under FRAME] [--per N]

--per N (an allocation profile recorded with `alloc,total`, whose counts are bytes) adds each line's bytes per
REGISTER, N being the REGISTERs served while it recorded.

--under FRAME restricts the inclusive and self tables to the stacks that pass through a frame containing FRAME (what a
call costs, broken down)."""
import argparse
import collections
import re
import sys


def thread_group(frame):
    name = frame.strip("[]").split(" tid=")[0]
    return re.sub(r"[0-9]+", "", name).rstrip("-#") or "?"


def kernel_entry(frames):
    """The innermost Java frame above a kernel leaf, with its caller: Unsafe.park < LinkedBlockingQueue.take, say."""
    java = [f for f in frames if "/" in f and not f.endswith("_[k]")]
    java = [f for f in java if not f.startswith(("jdk/internal/misc/", "java/util/concurrent/locks/",
                                               "java/util/concurrent/ForkJoinPool"))] or java
    if not java:
        return "(no Java frame)"
    inner = java[-1].rsplit("/", 1)[-1]
    return inner + (" < " + java[-2].rsplit("/", 1)[-1] if len(java) > 1 else "")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("collapsed")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--threads", default=r"^sip-(io|worker|timer)")
    parser.add_argument("--under", default=None)
    parser.add_argument("--per", type=int, default=0)
    args = parser.parse_args()
    groups = collections.Counter()
    self_samples, inclusive = collections.Counter(), collections.Counter()
    kernel_entries = collections.Counter()
    total = selected = 0
    wanted = re.compile(args.threads)
    for line in open(args.collapsed):
        stack, _, count = line.rstrip("\n").rpartition(" ")
        if not stack:
            continue
        count = int(count)
        frames = stack.split(";")
        group = thread_group(frames[0])
        total += count
        groups[group] += count
        if not wanted.search(group):
            continue
        frames = frames[1:]
        if args.under:
            hits = [i for i, f in enumerate(frames) if args.under in f]
            if not hits:
                continue
        selected += count
        # An allocation profile's leaf is the allocated class: its site is the frame that allocated it.
        leaf = frames[-1] if frames else "?"
        if args.per and len(frames) > 1:
            leaf = f"{leaf} < {frames[-2]}"
        self_samples[leaf] += count
        if frames and frames[-1].endswith("_[k]"):
            kernel_entries[kernel_entry(frames)] += count
        for frame in set(frames):
            inclusive[frame] += count

    def per(count):
        return f"{count / args.per:9.0f} B  " if args.per else ""

    if args.per:
        print(f"{total / args.per:.0f} bytes allocated per REGISTER ({args.per} REGISTERs), "
              f"{sum(c for g, c in groups.items() if wanted.search(g)) / args.per:.0f} of them on the selected threads")
    unit = "bytes" if args.per else "samples"
    print(f"{total} {unit}; threads matching {args.threads}: {sum(c for g, c in groups.items() if wanted.search(g))}"
          + (f"; under {args.under}: {selected}" if args.under else ""))
    print(f"\n== {unit} per thread group ==")
    for group, count in groups.most_common(15):
        print(f"{per(count)}{100 * count / max(total, 1):6.1f}%  {group}")
    kernel = sum(kernel_entries.values())
    # In an allocation profile "_[k]" marks an object allocated outside a TLAB, not a kernel frame.
    if not args.per:
        print(f"\n== in the kernel: {100 * kernel / max(selected, 1):.1f}% of the selected samples, by the Java frame "
              "that entered it (< its caller) ==")
        for entry, count in kernel_entries.most_common(12):
            print(f"{100 * count / max(selected, 1):6.1f}%  {entry[:170]}")
    for title, table in (("inclusive", inclusive), ("self", self_samples)):
        print(f"\n== {title}, % of the selected {unit} ==")
        for frame, count in table.most_common(args.top):
            print(f"{per(count)}{100 * count / max(selected, 1):6.1f}%  {frame[:170]}")


if __name__ == "__main__":
    sys.exit(main())
