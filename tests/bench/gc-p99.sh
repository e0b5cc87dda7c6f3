#!/usr/bin/env bash
# REGISTER p99 at a fixed rate over persistent TCP against the registrar on WildFly, with the JVM's GC log beside it:
# how long and how often the young pauses are, how much survives each, and (with --histo) which classes are live.
#
# A fresh copy of the provisioned server (open registrar for bench.invalid, write-back to file H2, the valve's marks
# raised out of the way as in registrar-cpu.sh), started through bin/standalone.sh so that the launch configuration
# (heap, GC, ...) is the product's; SIPPCITY_* variables and --java-opts change it. Then:
#   1. warm-up: SIPp registers the 20,000 users of sipp/users.csv at the rate, twice (bindings made, JIT settled);
#   2. measured: SIPp at RATE for SECONDS over two persistent TCP connections, and probe.py (200 REGISTER/s, one
#      persistent TCP connection of its own) for the same time: p50/p99 of the probe, GC pauses of the window;
#   3. with --histo N: N class histograms of the live heap (jcmd GC.class_histogram: each forces a full collection,
#      so they are taken in a run of their own after the measured one, at the same rate).
# Loopback only; every SIPp and probe run is bounded by `timeout`; the server is stopped on exit.
#   flock <lock> tests/bench/gc-p99.sh [--rate 2500] [--seconds 60] [--port-offset 1300] [--label NAME]
#                                      [--java-opts '-XX:...'] [--histo N] [--out DIR]
#   SIPCITY_GC=zgc flock <lock> tests/bench/gc-p99.sh --label zgc
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
RATE=2500
SECONDS_PER_RUN=60
OFFSET=1300
LABEL=default
EXTRA_OPTS=""
HISTO=0
SERVER="$ROOT/wildfly-config/target/server"
OUT=""

usage() {
    sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'
}
while [ $# -gt 0 ]; do
    case "$1" in
        --rate) RATE="$2"; shift ;;
        --seconds) SECONDS_PER_RUN="$2"; shift ;;
        --port-offset) OFFSET="$2"; shift ;;
        --label) LABEL="$2"; shift ;;
        --java-opts) EXTRA_OPTS="$2"; shift ;;
        --histo) HISTO="$2"; shift ;;
        --server) SERVER="$2"; shift ;;
        --out) OUT="$2"; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
    esac
    shift
done
OUT="${OUT:-$HERE/results-gc/$(date -u +%Y%m%d-%H%M)-$LABEL}"
[ -x "$SERVER/bin/standalone.sh" ] || { echo "no provisioned server: mvn -q -o verify -pl wildfly-config -am -DskipTests" >&2; exit 2; }
command -v sipp >/dev/null 2>&1 || { echo "sipp is not installed (Debian sip-tester)" >&2; exit 3; }

SIP_PORT=$(( 5060 + OFFSET ))
MGMT_PORT=$(( 9990 + OFFSET ))
WORK="$(mktemp -d -t sipcity-gc.XXXXXX)"
mkdir -p "$OUT"

log() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*" | tee -a "$OUT/run.log" >&2; }
source "$HERE/registrar_server.sh"
cleanup() { stop_server; rm -rf "$WORK"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

copy_server
# The GC log of our own, with wall-clock times to cut out the measured window; WildFly's own gc.log stays as it is.
# Given to standalone.sh only: jboss-cli.sh reads JAVA_OPTS too, and its JVMs would write over the log.
SERVER_JAVA_OPTS="-Djava.net.preferIPv4Stack=true -Djboss.modules.system.pkgs=org.jboss.byteman -Djava.awt.headless=true \
 -Xlog:gc*=info,gc+age=trace,gc+phases=debug,safepoint=info:file=$WORK/gc.log:time,uptimemillis,level,tags $EXTRA_OPTS"
start_server -Dsipcity.registrar.authenticate=false -Dsipcity.registrar.domains=bench.invalid
tr '\0' ' ' <"/proc/$JAVA_PID/cmdline" | grep -o -- ' -X[^ ]*\| -XX:[^ ]*' | grep -v Xlog | tr -d '\n' >"$OUT/jvm-options.txt"
log "server up (pid $JAVA_PID, port offset $OFFSET, label $LABEL, load $(cut -d' ' -f1-3 /proc/loadavg)):$(cat "$OUT/jvm-options.txt")"

# SIPp: two processes over one persistent TCP connection each. Prints "ok;failed;seconds".
run_sipp() {
    local rate="$1" seconds="$2" i pids=() per_rate per_calls start end
    per_rate="$(awk -v r="$rate" 'BEGIN { printf "%.3f", r / 2 }')"
    per_calls=$(( rate * seconds / 2 ))
    start="$(date +%s.%N)"
    for i in 1 2; do
        rm -f "$WORK/stat-$i.csv"
        ( cd "$WORK" && exec timeout -k 2 $(( seconds + 20 )) sipp "127.0.0.1:$SIP_PORT" -sf "$HERE/sipp/register-uac.xml" \
            -inf "$HERE/sipp/users.csv" -i "127.0.0.$(( i + 1 ))" -t t1 -r "$per_rate" -m "$per_calls" \
            -l $(( rate > 2000 ? rate : 2000 )) -buff_size 4194304 -nostdin -recv_timeout 5000 \
            -trace_stat -stf "stat-$i.csv" -fd 1 >"$WORK/sipp-$i.log" 2>&1 ) &
        pids+=("$!")
    done
    for i in "${pids[@]}"; do wait "$i" || true; done
    end="$(date +%s.%N)"
    sipp_totals "$per_calls" "$start" "$end"
}

warm=$(( 20000 / RATE + 1 ))
log "warm-up: $(run_sipp "$RATE" "$warm"); again $(run_sipp "$RATE" "$warm")"
sleep 2
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
window_start="$(date -u +%s.%N)"
timeout -k 2 $(( SECONDS_PER_RUN + 15 )) python3 "$HERE/probe.py" --port "$SIP_PORT" --transport tcp --rate 200 \
    --duration "$SECONDS_PER_RUN" --domain bench.invalid --source 127.0.0.9 >"$WORK/probe.out" 2>&1 &
probe_pid=$!
line="$(run_sipp "$RATE" "$SECONDS_PER_RUN")"
wait "$probe_pid" || true
window_end="$(date -u +%s.%N)"
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"
IFS=';' read -r ok failed elapsed <<<"$line"
probe="$(tail -1 "$WORK/probe.out")"
log "measured: $RATE/s for $SECONDS_PER_RUN s: ok $ok, failed $failed, ${elapsed} s; probe samples;lost;p50;p90;p99;max(us) = $probe; load $load_before -> $load_after"
cp "$WORK/gc.log" "$OUT/gc.log"
gc_line="$(python3 "$HERE/gc_pauses.py" "$OUT/gc.log" --from "$window_start" --to "$window_end" --summary "$OUT/gc-summary.txt")"
log "gc in the window: $gc_line"
{
    echo "date,label,rate_per_s,seconds,ok,failed,probe_samples,probe_lost,p50_us,p90_us,p99_us,max_us,load_before,load_after,$(python3 "$HERE/gc_pauses.py" --header)"
    echo "$(date -u +%FT%TZ),$LABEL,$RATE,$SECONDS_PER_RUN,$ok,$failed,${probe//;/,},${load_before// /;},${load_after// /;},$gc_line"
} >"$OUT/p99.csv"

if [ "$HISTO" -gt 0 ]; then
    histo_seconds=$(( HISTO * 10 + 10 ))
    run_sipp "$RATE" "$histo_seconds" >"$WORK/histo-run.txt" &
    sipp_pid=$!
    for n in $(seq 1 "$HISTO"); do
        sleep 10
        jcmd "$JAVA_PID" GC.class_histogram >"$OUT/histo-$n.txt" 2>&1 || true
    done
    wait "$sipp_pid" || true
    log "histograms under load: $HISTO in $OUT (run: $(cat "$WORK/histo-run.txt"))"
fi
cp "$WORK/console.log" "$OUT/console.log" 2>/dev/null || true
stop_server
