#!/usr/bin/env python3
"""How long a server's threads waited for a core, per thread group, over a window: the kernel's own accounting
(/proc/PID/task/TID/schedstat: time on a CPU, time runnable but waiting on a run queue, time slices run; and
/proc/PID/task/TID/status: voluntary and involuntary context switches).

A request that needs N wake-ups of N threads (event loop, worker, event loop again) pays N run-queue waits; on a
busy 2-core host each is often a scheduler tick or more. The figures per REGISTER (--per COUNT) show how many
wake-ups our path costs against Kamailio's and how long each waited, which JFR cannot see (it samples running
threads only).

    thread_sched.py snapshot PID [PID ...] > before.json       # PIDs: a JVM, or Kamailio's main process and workers
    thread_sched.py diff before.json after.json [--per COUNT] [--top N]
prints one line per thread group (thread name without its trailing number): CPU ms, run-queue wait ms, slices,
mean wait per slice (us), involuntary switches; with --per, slices and CPU per request; and --csv one line:
cpu_ms,wait_ms,slices,wait_us_per_slice,involuntary[,slices_per_request]; with --csv --label L one line per thread
group instead: L,group,threads,cpu_ms,wait_ms,slices,involuntary (L: the caller's columns, e.g. udp,on,2)
"""
import argparse
import json
import os
import re
import sys


def read_task(path):
    try:
        with open(os.path.join(path, "schedstat")) as f:
            cpu, wait, slices = (int(x) for x in f.read().split()[:3])
        voluntary = involuntary = 0
        with open(os.path.join(path, "status")) as f:
            for line in f:
                if line.startswith("voluntary_ctxt_switches:"):
                    voluntary = int(line.split()[1])
                elif line.startswith("nonvoluntary_ctxt_switches:"):
                    involuntary = int(line.split()[1])
        with open(os.path.join(path, "comm")) as f:
            name = f.read().strip()
    except (OSError, ValueError):
        return None   # the thread ended while we read it
    return {"name": name, "cpu": cpu, "wait": wait, "slices": slices, "vol": voluntary, "invol": involuntary}


def snapshot(pids):
    tasks = {}
    for pid in pids:
        base = "/proc/%s/task" % pid
        try:
            tids = os.listdir(base)
        except OSError:
            continue
        for tid in tids:
            task = read_task(os.path.join(base, tid))
            if task:
                tasks["%s/%s" % (pid, tid)] = task
    return tasks


def group(name):
    """sip-worker-12 -> sip-worker, C2 CompilerThre -> C2 CompilerThre, GC Thread#1 -> GC Thread"""
    return re.sub(r"[-#_ ]?\d+$", "", re.sub(r"-\d+-\d+$", "", name)) or name


def diff(before, after):
    groups = {}
    for key, task in after.items():
        old = before.get(key, {"cpu": 0, "wait": 0, "slices": 0, "vol": 0, "invol": 0})
        delta = [task[k] - old[k] for k in ("cpu", "wait", "slices", "vol", "invol")]
        if delta[2] <= 0:
            continue   # did not run in the window
        g = groups.setdefault(group(task["name"]), {"cpu": 0, "wait": 0, "slices": 0, "vol": 0, "invol": 0, "threads": 0})
        g["threads"] += 1
        for k, d in zip(("cpu", "wait", "slices", "vol", "invol"), delta):
            g[k] += d
    return groups


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    snap = sub.add_parser("snapshot")
    snap.add_argument("pids", nargs="+")
    d = sub.add_parser("diff")
    d.add_argument("before")
    d.add_argument("after")
    d.add_argument("--per", type=int, default=0, help="requests answered in the window")
    d.add_argument("--top", type=int, default=15)
    d.add_argument("--csv", action="store_true")
    d.add_argument("--label", help="with --csv: one line per thread group, each starting with this")
    args = parser.parse_args()
    if args.command == "snapshot":
        json.dump(snapshot(args.pids), sys.stdout)
        return
    groups = diff(json.load(open(args.before)), json.load(open(args.after)))
    total = {k: sum(g[k] for g in groups.values()) for k in ("cpu", "wait", "slices", "invol")}
    if args.csv and args.label is not None:
        for name, g in sorted(groups.items(), key=lambda item: -item[1]["cpu"]):
            print("%s,%s,%d,%.0f,%.0f,%d,%d" % (args.label, name.replace(",", " "), g["threads"], g["cpu"] / 1e6,
                                                g["wait"] / 1e6, g["slices"], g["invol"]))
        return
    if args.csv:
        line = "%.0f,%.0f,%d,%.0f,%d" % (total["cpu"] / 1e6, total["wait"] / 1e6, total["slices"],
                                         total["wait"] / 1e3 / max(1, total["slices"]), total["invol"])
        if args.per:
            line += ",%.2f" % (total["slices"] / args.per)
        print(line)
        return
    print("%-28s %7s %9s %9s %9s %11s %8s%s" % ("thread group", "threads", "CPU ms", "wait ms", "slices",
                                               "wait/slice", "invol", "  slices/req CPU us/req" if args.per else ""))
    ordered = sorted(groups.items(), key=lambda item: -item[1]["cpu"])
    for name, g in ordered[:args.top] + [("(all)", dict(total, threads=sum(x["threads"] for x in groups.values())))]:
        per = ""
        if args.per:
            per = "  %10.2f %10.1f" % (g["slices"] / args.per, g["cpu"] / 1e3 / args.per)
        print("%-28s %7d %9.0f %9.0f %9d %9.0f us %8d%s" % (name[:28], g["threads"], g["cpu"] / 1e6, g["wait"] / 1e6,
                                                          g["slices"], g["wait"] / 1e3 / max(1, g["slices"]),
                                                          g["invol"], per))


if __name__ == "__main__":
    main()
