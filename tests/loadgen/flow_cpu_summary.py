#!/usr/bin/env python3
"""The figures of a flow-cpu.sh run from what it kept in OUT (cpu.txt, threads.txt, marks.txt, flow-cpu.csv,
loadgen.log): the server's CPU per CRLF ping and per REGISTER refresh, in all and without the JIT's compiler threads
(a server a few minutes old is still compiling; a production node is not), and per thread group in each window.

    flow_cpu_summary.py OUT PROBES PROBE_RATE CLK_TCK FLOWS PING_INTERVAL
"""
import csv, re, sys
out, probes, rate, hz, flows, interval = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), float(sys.argv[6])
marks = [float(l) for l in open(f"{out}/marks.txt")]
if len(marks) < 4:
    print(f"the run did not finish (marks: {len(marks)}): see {out}/loadgen.log"); sys.exit(1)
idle_start, flows_start, row_at, gen_end = marks[:4]
samples = [(float(t), int(c), float(l)) for t, c, l in (line.split() for line in open(f"{out}/cpu.txt")) if int(c) >= 0]
def cpu(a, b):
    """CPU seconds of the server between a and b (the samples nearest inside), per second, and the load seen."""
    inside = [s for s in samples if a <= s[0] <= b]
    if len(inside) < 2:
        return float("nan"), float("nan"), (float("nan"), float("nan"))
    (t0, c0, _), (t1, c1, _) = inside[0], inside[-1]
    loads = [s[2] for s in inside]
    return (c1 - c0) / hz, (c1 - c0) / hz / (t1 - t0), (min(loads), max(loads))
row = list(csv.DictReader(open(f"{out}/flow-cpu.csv")))[-1]
probe_seconds = probes / rate
reg_window = (row_at - probe_seconds, row_at)
ping_window = (reg_window[0] - 16, reg_window[0] - 1)      # the last 15 s of the settle
hold_window = (row_at + 3, min(row_at + 38, gen_end - 2))   # the hold after the row, less its edges
idle = cpu(idle_start + 1, flows_start - 1)
ping1, ping2, reg = cpu(*ping_window), cpu(*hold_window), cpu(*reg_window)
m = None
for line in open(f"{out}/loadgen.log"):
    m = re.search(r"pings[= ](\d+).*pongs[= ](\d+)", line) or m
pings_total = int(m.group(1)) if m else -1
pongs_total = int(m.group(2)) if m else -1
up_seconds = gen_end - flows_start
ping_rate_nominal = int(row["open_flows"]) / (0.9 * interval)
# measured: pings sent between the row and the generator's end (the hold, its closing seconds included)
ping_rate_hold = (pings_total - int(row["pings_sent"])) / (gen_end - row_at) if pings_total >= 0 else float("nan")
print(f"flows open and registered: {row['open_flows']} / {row['registered']}, failures {row['failures']}, probe failures {row['probe_failures']}")
print(f"pings sent {pings_total}, pongs {pongs_total}, missed {row['pongs_missed']} at the row (over the run); "
      f"{ping_rate_hold:.0f} pings/s sent in the hold, nominal {ping_rate_nominal:.0f}/s (flows / 0.9 interval; used below)")
print(f"server CPU, idle, no flow: {idle[1] * 1e3:.1f} ms/s (load {idle[2][0]:.1f}-{idle[2][1]:.1f})")
for name, window in (("pings only (settle)", ping1), ("pings only (hold)", ping2)):
    per_ping = (window[1] - idle[1]) / ping_rate_nominal * 1e6
    print(f"server CPU, {name}: {window[1] * 1e3:.1f} ms/s (load {window[2][0]:.1f}-{window[2][1]:.1f}): {per_ping:.1f} us per ping above idle")
ping_cpu = (ping1[1] + ping2[1]) / 2
per_register = (reg[0] - ping_cpu * probe_seconds) / probes * 1e6
print(f"server CPU, {probes} REGISTERs at {rate:.0f}/s with the pings: {reg[1] * 1e3:.1f} ms/s (load {reg[2][0]:.1f}-{reg[2][1]:.1f}): {per_register:.1f} us per REGISTER above the pings")
print(f"REGISTER p50 / p99 in that window: {float(row['probe_p50_us']):.0f} / {float(row['probe_p99_us']):.0f} us")
# where the CPU went: ticks per thread group in each window, as ms of CPU a second
import collections
by_time = collections.defaultdict(dict)
for line in open(f"{out}/threads.txt"):
    t, group, ticks = line.rstrip("\n").split("\t")
    by_time[float(t)][group or "?"] = int(ticks)
times = sorted(by_time)
def groups(a, b):
    inside = [t for t in times if a <= t <= b]
    if len(inside) < 2:
        return {}
    t0, t1 = inside[0], inside[-1]
    return {g: (by_time[t1].get(g, 0) - by_time[t0].get(g, 0)) / hz / (t1 - t0) * 1e3 for g in by_time[t1]}
windows = [("idle", (idle_start + 1, flows_start - 1)), ("pings", ping_window), ("REGISTERs", reg_window), ("hold", hold_window)]
table = {name: groups(*w) for name, w in windows}
names = sorted({g for w in table.values() for g in w}, key=lambda g: -max(w.get(g, 0) for w in table.values()))
print("ms of CPU a second per thread group: " + " | ".join(f"{n:>9}" for n, _ in windows))
for g in names[:12]:
    print(f"  {g:>20}: " + " | ".join(f"{table[n].get(g, 0):9.1f}" for n, _ in windows))
# The same per ping and per REGISTER without the JIT's compiler threads ("C1/C2 CompilerThread", digits dropped)
def without_jit(name):
    return sum(v for g, v in table[name].items() if "CompilerThre" not in g) / 1e3   # CPU seconds a second
if all(table.values()):
    idle_nj = without_jit("idle")
    pings_nj = [(without_jit("pings") - idle_nj) / ping_rate_nominal * 1e6,
                (without_jit("hold") - idle_nj) / ping_rate_hold * 1e6]
    ping_cpu_nj = (without_jit("pings") + without_jit("hold")) / 2
    register_nj = (without_jit("REGISTERs") - ping_cpu_nj) / rate * 1e6
    io_ping = (table["pings"].get("sip-io--", 0) - table["idle"].get("sip-io--", 0)) / 1e3 / ping_rate_nominal * 1e6
    print(f"without the JIT's compiler threads: {pings_nj[0]:.1f} / {pings_nj[1]:.1f} us per ping (settle / hold; the "
          f"event loops {io_ping:.1f} us of it in the settle), {register_nj:.1f} us per REGISTER above the pings")
