#!/bin/bash
# Heap per idle registered flow, class by class: holds a first set of flows, takes a class histogram after a full
# GC (jcmd GC.class_histogram), adds a second set, takes another, and prints the difference per added flow.
# Both sets stay open while the second histogram is taken, so the JIT, caches and pools are warm in both.
#
#   tests/loadgen/flow-heap.sh --pid PID --target 127.0.0.1:5060 [--domain D] [--first 1000] [--added 18000]
#                              [--settle 15] [--dump] [--out DIR]
#
# --settle waits that many seconds after the added flows are registered before the second histogram, so that the
# write-back flush of their bindings has committed: a histogram taken during it also counts the flush's transient
# objects (H2's undo log, the dirty set), about 60 B per flow in a run of 2026-11-26 taken 3 s after.
#
# --dump also writes a heap dump (jcmd GC.heap_dump, live objects) right after each histogram, for what a class
# histogram cannot tell apart (which byte[]s and Strings grew, and whose they are: tests/loadgen/hprof_growth.py).
#
# Needs the load generator built (see README.md) and jcmd on the PATH; loopback targets only (the load generator
# refuses others). Every load generator run is bounded by its --duration. Run it under the machine's benchmark lock.
set -euo pipefail
cd "$(dirname "$0")/../.."

PID="" TARGET=127.0.0.1:5060 DOMAIN="" FIRST=1000 ADDED=18000 SETTLE=15 OUT=target/flow-heap DUMP=0
while [ $# -gt 0 ]; do
    case "$1" in
        --pid) PID=$2; shift 2 ;;
        --target) TARGET=$2; shift 2 ;;
        --domain) DOMAIN=$2; shift 2 ;;
        --first) FIRST=$2; shift 2 ;;
        --added) ADDED=$2; shift 2 ;;
        --settle) SETTLE=$2; shift 2 ;;
        --out) OUT=$2; shift 2 ;;
        --dump) DUMP=1; shift ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done
[ -n "$PID" ] || { echo "--pid of the server JVM is required" >&2; exit 2; }
mkdir -p "$OUT"
CP="tests/loadgen/target/classes:$(cat tests/loadgen/target/loadgen.classpath)"
LOADGEN=(java -Xms128m -Xmx256m -cp "$CP" org.sipcity.loadgen.LoadGeneratorMain --target "$TARGET" --transport tcp
         --register-interval 3600 --ping-interval 100)
[ -n "$DOMAIN" ] && LOADGEN+=(--domain "$DOMAIN")

# Waits (bounded) until a load generator's CSV has its first step row.
wait_step() {
    for _ in $(seq 1 240); do
        [ -f "$1" ] && [ "$(wc -l < "$1")" -ge 2 ] && return 0
        sleep 1
    done
    echo "no step row in $1 after 240 s" >&2
    return 1
}

rm -f "$OUT"/first.csv "$OUT"/added.csv
"${LOADGEN[@]}" --connections "$FIRST" --step "$FIRST" --sources 127.0.0.2 --first-user 100000 \
    --probes 500 --probe-rate 500 --duration 270s --hold 250s --csv "$OUT/first.csv" > "$OUT/first.log" 2>&1 &
FIRST_PID=$!
trap 'kill $FIRST_PID 2>/dev/null || true' EXIT
wait_step "$OUT/first.csv"
sleep 3
jcmd "$PID" GC.class_histogram > "$OUT/histogram-first.txt"
grep VmRSS "/proc/$PID/status" | awk '{ print $2 }' > "$OUT/rss-kb.txt"
[ "$DUMP" = 0 ] || jcmd "$PID" GC.heap_dump "$(cd "$OUT" && pwd)/first.hprof" > /dev/null
uptime > "$OUT/load.txt"

"${LOADGEN[@]}" --connections "$ADDED" --step "$ADDED" --sources 127.0.0.3,127.0.0.4 --processes 2 \
    --first-user 200000 --warmup-probes 0 --probes 200 --probe-rate 200 --setup-concurrency 128 \
    --duration $((200 + SETTLE))s --hold $((20 + SETTLE))s --csv "$OUT/added.csv" > "$OUT/added.log" 2>&1 &
ADDED_PID=$!
wait_step "$OUT/added.csv"
sleep $((3 + SETTLE))
jcmd "$PID" GC.class_histogram > "$OUT/histogram-added.txt"
grep VmRSS "/proc/$PID/status" | awk '{ print $2 }' >> "$OUT/rss-kb.txt"
[ "$DUMP" = 0 ] || jcmd "$PID" GC.heap_dump "$(cd "$OUT" && pwd)/added.hprof" > /dev/null
uptime >> "$OUT/load.txt"
wait $ADDED_PID || true

python3 - "$OUT" <<'PY'
import csv, re, sys
out = sys.argv[1]
def histogram(name):
    counts = {}
    for line in open(f"{out}/{name}"):
        m = re.match(r"\s*\d+:\s+(\d+)\s+(\d+)\s+(\S+)", line)
        if m:
            counts[m.group(3)] = (int(m.group(1)), int(m.group(2)))
    return counts
added = int(list(csv.DictReader(open(f"{out}/added.csv")))[-1]["registered"])
before, after = histogram("histogram-first.txt"), histogram("histogram-added.txt")
rows = []
for name in set(before) | set(after):
    n0, b0 = before.get(name, (0, 0))
    n1, b1 = after.get(name, (0, 0))
    rows.append((b1 - b0, n1 - n0, name))
rows.sort(reverse=True)
total = sum(r[0] for r in rows)
h2 = sum(r[0] for r in rows if r[2].startswith("org.h2."))
print(f"flows added and registered: {added}")
print(f"heap per flow: {total / added:.0f} B (of which org.h2.* objects of the embedded database: {h2 / added:.0f} B)")
rss = [int(l) for l in open(f"{out}/rss-kb.txt") if l.strip()]
if len(rss) == 2:
    print(f"server RSS: {rss[0]} kB -> {rss[1]} kB, {(rss[1] - rss[0]) * 1024 / added:.0f} B per flow (the heap's pages "
          "count once touched: with the launch script's fixed heap this is the native memory the flows added)")
def origin(name):
    for prefix, label in (("io.netty.", "Netty"), ("org.sipcity.registrar.", "registrar"), ("org.sipcity.", "SIP stack"),
                          ("org.h2.", "H2")):
        if name.startswith(prefix) or name.startswith("[L" + prefix):
            return label
    return "JDK (String, byte[], maps, addresses: shared by all of the above)"
groups = {}
for b, n, name in rows:
    groups[origin(name)] = groups.get(origin(name), 0) + b
print("by origin: " + ", ".join(f"{k} {v / added:.0f} B" for k, v in sorted(groups.items(), key=lambda kv: -kv[1])))
print(f"{'B/flow':>8} {'objects':>8}  class")
for b, n, name in rows[:30]:
    print(f"{b / added:8.1f} {n / added:8.2f}  {name}")
PY
