#!/usr/bin/env bash
# CPU of the registrar on WildFly per CRLF keep-alive ping and per REGISTER refresh over persistent TCP flows, for
# the projection to 300,000 and 1,000,000 flows (tests/SCALE.md): what a node spends keeping idle flows alive.
#
# A fresh copy of the provisioned server (open registrar for bench.invalid, write-back to the file H2, the valve's
# marks raised out of the way: tests/bench/registrar_server.sh), its process CPU (utime + stime from /proc) sampled
# every second, then one load generator run (two worker processes, sources 127.0.0.2-4):
#   0. 15 s of the server idle, no flow: the background (timers, the flusher's empty passes, GC);
#   1. --flows flows registered, each pinging (CRLFCRLF, RFC 5626 §4.4.1) every 80-100% of --ping-interval, so
#      about flows / (0.9 × interval) pings a second, and none refreshing by itself (Expires 3600);
#   2. --warmup (20,000) unmeasured REGISTER refreshes at 2,000/s (the JIT compiles the refresh path first), then
#      --settle s of pings only: the ping window is its last 15 s;
#   3. --probes REGISTER refreshes at --probe-rate on randomly chosen flows (the pings go on): the REGISTER window;
#   4. 40 s of pings only (hold), a second ping window.
# Per ping: (CPU a second in a ping window - the idle background) / pings a second. Per REGISTER: (CPU of the
# REGISTER window - the ping windows' CPU a second × its length) / REGISTERs. Pings a second are counted by the
# generator (pings sent over the run / seconds the flows were up), not assumed.
#
#   tests/loadgen/flow-cpu.sh [--port-offset 1300] [--flows 18000] [--ping-interval 4] [--probes 15000]
#                             [--probe-rate 1000] [--settle 30] [--warmup 20000] [--lock /path/to/lock] [--out DIR]
#
# --lock takes that flock around the measured part (idle window and generator: about 3 minutes); the server boots
# outside it. Bounded: the generator stops itself after 240 s and is killed at 300 s. Loopback only. Needs the
# server and the generator built: mvn -q -o verify -pl wildfly-config,tests/loadgen -am -DskipTests -Dsipcity.no-cluster
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
OFFSET=1300
FLOWS=18000
PING_INTERVAL=4
PROBES=15000
PROBE_RATE=1000
SETTLE=30
WARMUP=20000
LOCK=""
OUT=""
SERVER="$ROOT/wildfly-config/target/server"

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
    case "$1" in
        --port-offset) OFFSET="$2"; shift ;;
        --flows) FLOWS="$2"; shift ;;
        --ping-interval) PING_INTERVAL="$2"; shift ;;
        --probes) PROBES="$2"; shift ;;
        --probe-rate) PROBE_RATE="$2"; shift ;;
        --settle) SETTLE="$2"; shift ;;
        --warmup) WARMUP="$2"; shift ;;
        --lock) LOCK="$2"; shift ;;
        --out) OUT="$2"; shift ;;
        --server) SERVER="$2"; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
    esac
    shift
done
[ -x "$SERVER/bin/standalone.sh" ] || { echo "no provisioned server in $SERVER (see --help)" >&2; exit 2; }
[ -f "$ROOT/tests/loadgen/target/loadgen.classpath" ] || { echo "the load generator is not built (see --help)" >&2; exit 2; }
[ "$SETTLE" -ge 20 ] || { echo "--settle must be at least 20 s (the ping window is its last 15 s)" >&2; exit 2; }
OUT="${OUT:-$HERE/results/flow-cpu-$(date -u +%Y-%m-%d-%H%M)}"
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
SIP_PORT=$(( 5060 + OFFSET ))
MGMT_PORT=$(( 9990 + OFFSET ))
WORK="$(mktemp -d -t sipcity-flow-cpu.XXXXXX)"
CP="$ROOT/tests/loadgen/target/classes:$(cat "$ROOT/tests/loadgen/target/loadgen.classpath")"

log() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*" | tee -a "$OUT/run.log" >&2; }
source "$ROOT/tests/bench/registrar_server.sh"
SAMPLER_PID=""
cleanup() {
    [ -z "$SAMPLER_PID" ] || kill "$SAMPLER_PID" 2>/dev/null || true
    stop_server
    rm -rf "$WORK"
}
trap cleanup EXIT

log "copying and starting the server (port offset $OFFSET, SIP on $SIP_PORT)"
copy_server
start_server -Dsipcity.registrar.authenticate=false -Dsipcity.registrar.domains=bench.invalid
log "server up, pid $JAVA_PID"

# One line a second: epoch seconds, the server's CPU ticks (utime + stime), the 1-minute load average; and in
# threads.txt the same second's ticks per thread group (thread names without digits: sip-io-, sip-worker-, C2
# CompilerThre, GC Thread#, ...), to say where a window's CPU went. Bounded.
( for _ in $(seq 1 1200); do
      now="$(date +%s.%N)"
      printf '%s %s %s\n' "$now" "$(awk '{ print $14 + $15 }' "/proc/$JAVA_PID/stat" 2>/dev/null || echo -1)" \
          "$(cut -d' ' -f1 /proc/loadavg)" >>"$OUT/cpu.txt"
      for task in /proc/"$JAVA_PID"/task/*; do
          printf '%s\t%s\n' "$(tr -d '0-9' <"$task/comm" 2>/dev/null)" "$(sed 's/^.*) //' "$task/stat" 2>/dev/null | awk '{ print $12 + $13 }')"
      done | awk -F'\t' -v now="$now" '{ t[$1] += $2 } END { for (g in t) printf "%s\t%s\t%d\n", now, g, t[g] }' >>"$OUT/threads.txt"
      sleep 1
  done ) &
SAMPLER_PID=$!

GEN=(timeout 300 java -Xms128m -Xmx256m -cp "$CP" org.sipcity.loadgen.LoadGeneratorMain
     --target "127.0.0.1:$SIP_PORT" --domain bench.invalid --transport tcp --connections "$FLOWS" --step "$FLOWS"
     --sources 127.0.0.2,127.0.0.3,127.0.0.4 --processes 2 --first-user 700000 --setup-concurrency 64
     --warmup-probes "$WARMUP" --warmup-rate 2000 --settle "$SETTLE" --probes "$PROBES" --probe-rate "$PROBE_RATE"
     --register-interval 3600 --ping-interval "$PING_INTERVAL" --duration 240s --hold 40s --csv "$OUT/flow-cpu.csv")
# marks.txt: epoch seconds of the idle window's end, of the flows' start, of the CSV row (the REGISTER window's end)
# and of the generator's end, for cutting the windows out of cpu.txt.
MEASURE=(bash -c '
    out="$0"
    date +%s.%N >"$out/marks.txt"; sleep 15; date +%s.%N >>"$out/marks.txt"
    "$@" &
    gen=$!
    for _ in $(seq 1 600); do
        [ -f "$out/flow-cpu.csv" ] && [ "$(wc -l <"$out/flow-cpu.csv")" -ge 2 ] && break
        kill -0 "$gen" 2>/dev/null || break
        sleep 0.2
    done
    date +%s.%N >>"$out/marks.txt"
    wait "$gen"; rc=$?
    date +%s.%N >>"$out/marks.txt"
    exit $rc' "$OUT" "${GEN[@]}")
log "measuring: 15 s idle, then LoadGeneratorMain ${GEN[*]:8}"
if [ -n "$LOCK" ]; then
    flock "$LOCK" "${MEASURE[@]}" >"$OUT/loadgen.log" 2>&1 || log "load generator exit $?"
else
    "${MEASURE[@]}" >"$OUT/loadgen.log" 2>&1 || log "load generator exit $?"
fi
kill "$SAMPLER_PID" 2>/dev/null || true
SAMPLER_PID=""
stop_server

python3 "$HERE/flow_cpu_summary.py" "$OUT" "$PROBES" "$PROBE_RATE" "$(getconf CLK_TCK)" "$FLOWS" "$PING_INTERVAL" \
    | tee "$OUT/summary.txt"
