#!/usr/bin/env python3
"""Every INTERVAL seconds for SECONDS, the CPU and the run-queue wait of a JVM's thread groups (event loops, the
registrar's write-back flusher, H2, the JIT compilers, GC, the rest) and of the SIPp and probe processes beside it, in
percent of one core: what shares the two cores when the event loops fall behind (thread_sched.py gives the same
kernel accounting, /proc/PID/task/TID/schedstat, over a whole window).

    sched_timeline.py PID SECONDS INTERVAL > timeline.txt
"""
import os, sys, time, re
pid, secs, iv = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])
def group(name):
    for pre, g in (("sip-io", "loops"), ("sipcity-locatio", "flusher"), ("H2", "h2"), ("C2", "c2"), ("C1", "c1"),
                   ("GC Thread", "gc"), ("G1", "gc")):
        if name.startswith(pre): return g
    return "other"
def snap():
    d = {}
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        sys.exit(f"process {pid} is gone")
    for t in tasks:
        try:
            name = open(f"/proc/{pid}/task/{t}/comm").read().strip()
            run, wait, _ = open(f"/proc/{pid}/task/{t}/schedstat").read().split()
        except OSError: continue
        g = group(name); r, w = d.get(g, (0, 0)); d[g] = (r + int(run), w + int(wait))
    for p in os.listdir("/proc"):
        if not p.isdigit(): continue
        try:
            if open(f"/proc/{p}/comm").read().strip() not in ("sipp", "python3"): continue
            cmd = open(f"/proc/{p}/cmdline").read()
            g = "sipp" if "sipp" in cmd else ("probe" if "probe.py" in cmd else None)
            if not g: continue
            for t in os.listdir(f"/proc/{p}/task"):
                run, wait, _ = open(f"/proc/{p}/task/{t}/schedstat").read().split()
                r, w = d.get(g, (0, 0)); d[g] = (r + int(run), w + int(wait))
        except OSError: continue
    return d
groups = ["loops", "flusher", "h2", "c2", "c1", "gc", "other", "sipp", "probe"]
print("time " + " ".join(f"{g}_cpu {g}_wait" for g in groups))
prev, pt = snap(), time.time()
end = pt + secs
while time.time() < end:
    time.sleep(iv)
    cur, ct = snap(), time.time()
    dt = (ct - pt) * 1e7
    row = []
    for g in groups:
        r0, w0 = prev.get(g, (0, 0)); r1, w1 = cur.get(g, (0, 0))
        row.append(f"{max(0,r1-r0)/dt:.0f} {max(0,w1-w0)/dt:.0f}")
    print(time.strftime("%H:%M:%S", time.gmtime(ct)) + f".{int(ct*10)%10} " + " ".join(row), flush=True)
    prev, pt = cur, ct
