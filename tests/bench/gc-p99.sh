#!/usr/bin/env bash
# REGISTER p99 at a fixed rate over persistent TCP against the registrar on WildFly, with the JVM's GC log beside it:
# how long and how often the young pauses are, how much survives each, and (with --histo) which classes are live.
#
# A fresh copy of the provisioned server (open registrar for bench.invalid, write-back to file H2, the valve's marks
# raised out of the way as in registrar-cpu.sh), started through bin/standalone.sh so that the launch configuration
# (heap, GC, ...) is the product's; SIPPCITY_* variables and --java-opts change it. Then:
# For each transport of --transports (tcp: two persistent TCP connections; udp: two UDP sockets), in that order:
#   1. warm-up: SIPp registers the 20,000 users of sipp/users.csv at the rate (--warm-passes times, default 2, for
#      the first transport: bindings made, JIT settling; once for the others; the last pass as long as the window, so
#      that its mix of moved and refreshed bindings is not new to the JIT), with probe.py beside it from its first
#      pass to its last (same users, source address and transport as the window's probe, unmeasured): the probe's
#      100 AORs are bound and their first REGISTERs' inserts are over before the window, so the window measures
#      refreshes only, like SIPp's, on a server whose JIT is not re-profiling (until 2026-11-26 the window's probe
#      made those inserts in its first second, and C2 threw away and recompiled the flush path for ~16 s of it);
#   2. measured: SIPp at RATE for SECONDS, and probe.py (200 REGISTER/s, one request outstanding, same transport) for
#      the same time: probe p50/p90/p99/p99.9, what the slow samples waited for (tail_causes.py), GC pauses and every
#      safepoint of the window, and the server's CPU per REGISTER (utime+stime from /proc over the window, the GC's
#      concurrent threads included, divided by the REGISTERs answered); and per thread group how often its threads
#      ran and how long each time they waited for a core first (thread_sched.py, the kernel's schedstat);
# then, with --max-rate "RATE ...": bench.sh on the same server (target wildfly, same transports, that ladder,
# 8 s steps, two bisections): the highest REGISTER rate with zero failed calls under this JVM;
# and with --histo N: N class histograms of the live heap (jcmd GC.class_histogram: each forces a full collection,
# so they are taken in a run of their own after the measured ones, at the same rate).
# --target kamailio measures Kamailio 5.6 (kamailio/kamailio.cfg, usrloc in memory) on the same port instead, the same
# way (its CPU is that of all its processes; no GC): the control that shows what the host and the probe give alone.
# --jfr records the first transport's window with JFR (profile settings) into OUT: it costs CPU, so not for figures.
# Loopback only; every SIPp and probe run is bounded by `timeout`; the server is stopped on exit.
#   flock <lock> tests/bench/gc-p99.sh [--rate 2500] [--seconds 60] [--transports tcp,udp] [--port-offset 1300]
#                                      [--label NAME] [--java-opts '-XX:...'] [--max-rate "RATE ..."] [--histo N]
#                                      [--jfr] [--target wildfly|kamailio] [--warm-passes N] [--out DIR]
#   SIPCITY_GC=zgc flock <lock> tests/bench/gc-p99.sh --label zgc
#   gc-ab.sh runs it for several JVM configurations in a row (one lock hold) and prints one table.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
RATE=2500
SECONDS_PER_RUN=60
OFFSET=1300
LABEL=default
EXTRA_OPTS=""
HISTO=0
TRANSPORTS=tcp
MAX_RATE_LADDER=""
JFR=0
TARGET=wildfly
WARM_PASSES=2
SERVER="$ROOT/wildfly-config/target/server"
OUT=""

usage() {
    sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'
}
while [ $# -gt 0 ]; do
    case "$1" in
        --rate) RATE="$2"; shift ;;
        --seconds) SECONDS_PER_RUN="$2"; shift ;;
        --port-offset) OFFSET="$2"; shift ;;
        --label) LABEL="$2"; shift ;;
        --java-opts) EXTRA_OPTS="$2"; shift ;;
        --histo) HISTO="$2"; shift ;;
        --transports) TRANSPORTS="$2"; shift ;;
        --max-rate) MAX_RATE_LADDER="$2"; shift ;;
        --jfr) JFR=1 ;;
        --target) TARGET="$2"; shift ;;
        --warm-passes) WARM_PASSES="$2"; shift ;;
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
KAMAILIO_PID=""
stop_kamailio() { [ -z "$KAMAILIO_PID" ] || kill "$KAMAILIO_PID" 2>/dev/null || true; KAMAILIO_PID=""; }
WARM_PROBE_PID=""
cleanup() { stop_warm_probe; stop_server; stop_kamailio; rm -rf "$WORK"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ "$TARGET" = kamailio ]; then
    command -v kamailio >/dev/null 2>&1 || { echo "kamailio is not installed" >&2; exit 3; }
    mkdir -p "$WORK/kamailio-run"
    : >"$WORK/gc.log"
    kamailio -f "$HERE/kamailio/kamailio.cfg" -l "udp:127.0.0.1:$SIP_PORT" -l "tcp:127.0.0.1:$SIP_PORT" \
        -Y "$WORK/kamailio-run" -P "$WORK/kamailio.pid" -DD -E -m 512 -M 32 >"$WORK/kamailio.log" 2>&1 &
    KAMAILIO_PID=$!
    for _ in $(seq 1 30); do
        python3 "$HERE/probe.py" --port "$SIP_PORT" --transport udp --rate 10 --duration 0.3 --timeout 0.2 \
            | awk -F';' '{ exit !($1 > 0) }' && break
        sleep 1
    done
    echo "kamailio $(kamailio -v | head -1)" >"$OUT/jvm-options.txt"
    log "kamailio up (pid $KAMAILIO_PID, port $SIP_PORT, label $LABEL, load $(cut -d' ' -f1-3 /proc/loadavg))"
    server_pids() { echo "$KAMAILIO_PID $(pgrep -P "$KAMAILIO_PID" | tr '\n' ' ')"; }
    # CPU of the main process and all of its children (the workers), in clock ticks
    server_ticks() {
        local pids
        pids="$KAMAILIO_PID $(pgrep -P "$KAMAILIO_PID" | tr '\n' ' ')"
        for pid in $pids; do cat "/proc/$pid/stat" 2>/dev/null; done | awk '{ t += $14 + $15 } END { print t + 0 }'
    }
else
    copy_server
    # The GC log of our own, with wall-clock times to cut out the measured window; WildFly's own gc.log stays as it is.
    # Given to standalone.sh only: jboss-cli.sh reads JAVA_OPTS too, and its JVMs would write over the log.
    SERVER_JAVA_OPTS="-Djava.net.preferIPv4Stack=true -Djboss.modules.system.pkgs=org.jboss.byteman -Djava.awt.headless=true \
     -Xlog:gc*=info,gc+age=trace,gc+phases=debug,safepoint=info:file=$WORK/gc.log:time,uptimemillis,level,tags $EXTRA_OPTS"
    start_server -Dsipcity.registrar.authenticate=false -Dsipcity.registrar.domains=bench.invalid
    tr '\0' ' ' <"/proc/$JAVA_PID/cmdline" | grep -o -- ' -X[^ ]*\| -XX:[^ ]*' | grep -v Xlog | tr -d '\n' >"$OUT/jvm-options.txt"
    log "server up (pid $JAVA_PID, port offset $OFFSET, label $LABEL, load $(cut -d' ' -f1-3 /proc/loadavg)):$(cat "$OUT/jvm-options.txt")"
    # CPU time of the server process so far (user + system, all threads), in clock ticks.
    server_ticks() { awk '{ print $14 + $15 }' "/proc/$JAVA_PID/stat"; }
    server_pids() { echo "$JAVA_PID"; }
fi

# SIPp: two processes over one persistent TCP connection (or one UDP socket) each. Prints "ok;failed;seconds".
run_sipp() {
    local rate="$1" seconds="$2" transport="${3:-tcp}" i pids=() per_rate per_calls start end mode=t1
    [ "$transport" = udp ] && mode=u1
    per_rate="$(awk -v r="$rate" 'BEGIN { printf "%.3f", r / 2 }')"
    per_calls=$(( rate * seconds / 2 ))
    start="$(date +%s.%N)"
    for i in 1 2; do
        rm -f "$WORK/stat-$i.csv"
        ( cd "$WORK" && exec timeout -k 2 $(( seconds + 20 )) sipp "127.0.0.1:$SIP_PORT" -sf "$HERE/sipp/register-uac.xml" \
            -inf "$HERE/sipp/users.csv" -i "127.0.0.$(( i + 1 ))" -t "$mode" -r "$per_rate" -m "$per_calls" \
            -l $(( rate > 2000 ? rate : 2000 )) -buff_size 4194304 -nostdin -recv_timeout 5000 \
            -trace_stat -stf "stat-$i.csv" -fd 1 >"$WORK/sipp-$i.log" 2>&1 ) &
        pids+=("$!")
    done
    for i in "${pids[@]}"; do wait "$i" || true; done
    end="$(date +%s.%N)"
    sipp_totals "$per_calls" "$start" "$end"
}

TICK_HZ="$(getconf CLK_TCK)"

# The probe beside the warm-up: the window's probe exactly (users probe000-099, source 127.0.0.9, same transport and
# rate), unmeasured, bounded by timeout (SECONDS s) and stopped by stop_warm_probe when the warm-up ends.
start_warm_probe() {
    local transport="$1" seconds="$2"
    timeout -k 2 "$seconds" python3 "$HERE/probe.py" --port "$SIP_PORT" --transport "$transport" --rate 200 \
        --duration "$seconds" --domain bench.invalid --source 127.0.0.9 >"$WORK/warm-probe.out" 2>&1 &
    WARM_PROBE_PID=$!
}
# Stops it (SIGTERM: it writes its line, samples;lost;p50;p90;p99;max us, to WORK/warm-probe.out) and waits for it;
# not in a $(...) subshell, which cannot wait for it.
stop_warm_probe() {
    [ -n "$WARM_PROBE_PID" ] || return 0
    kill -TERM "$WARM_PROBE_PID" 2>/dev/null || true
    wait "$WARM_PROBE_PID" 2>/dev/null || true
    WARM_PROBE_PID=""
}

HEADER_WRITTEN=0
warm=$(( 20000 / RATE + 1 ))
first=1
IFS=',' read -r -a transport_list <<<"$TRANSPORTS"
for transport in "${transport_list[@]}"; do
    case "$transport" in tcp|udp) ;; *) echo "unknown transport $transport (tcp, udp)" >&2; exit 2 ;; esac
    passes=1
    [ "$first" = 1 ] && passes="$WARM_PASSES"
    # The last pass lasts as long as the window: a SIPp run's first round of the 20,000 users moves every binding to
    # the run's new connection, the rounds after it only refresh, and the window's mix of the two must not be new to
    # the JIT (with 9 s passes only, C2 threw away and recompiled the JPA write path 8-16 s into the window).
    last_pass=$(( SECONDS_PER_RUN > warm ? SECONDS_PER_RUN : warm ))
    # bounded: each SIPp pass is killed 20 s after its planned time (run_sipp), so this outlasts the warm-up
    start_warm_probe "$transport" $(( passes * (warm + 30) + last_pass + 30 ))
    for pass in $(seq 1 "$passes"); do
        seconds="$warm"
        [ "$pass" = "$passes" ] && seconds="$last_pass"
        log "warm-up ($transport) $pass of $passes, ${seconds} s: $(run_sipp "$RATE" "$seconds" "$transport")"
    done
    sleep 2
    stop_warm_probe
    log "warm-up probe ($transport, unmeasured; samples;lost;p50;p90;p99;max us): $(tail -1 "$WORK/warm-probe.out" 2>/dev/null)"
    if [ "$JFR" = 1 ] && [ "$first" = 1 ] && [ -n "$JAVA_PID" ]; then
        jcmd "$JAVA_PID" JFR.start name=window settings=profile filename="$OUT/window-$transport.jfr" >/dev/null
    fi
    load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
    ticks_before="$(server_ticks)"
    # shellcheck disable=SC2046
    python3 "$HERE/thread_sched.py" snapshot $(server_pids) >"$WORK/sched-before.json"
    window_start="$(date -u +%s.%N)"
    timeout -k 2 $(( SECONDS_PER_RUN + 15 )) python3 "$HERE/probe.py" --port "$SIP_PORT" --transport "$transport" --rate 200 \
        --duration "$SECONDS_PER_RUN" --domain bench.invalid --source 127.0.0.9 --samples "$OUT/probe-$transport.samples" \
        >"$WORK/probe.out" 2>&1 &
    probe_pid=$!
    line="$(run_sipp "$RATE" "$SECONDS_PER_RUN" "$transport")"
    wait "$probe_pid" || true
    window_end="$(date -u +%s.%N)"
    ticks_after="$(server_ticks)"
    # shellcheck disable=SC2046
    python3 "$HERE/thread_sched.py" snapshot $(server_pids) >"$WORK/sched-after.json"
    load_after="$(cut -d' ' -f1-3 /proc/loadavg)"
    if [ "$JFR" = 1 ] && [ "$first" = 1 ] && [ -n "$JAVA_PID" ]; then
        jcmd "$JAVA_PID" JFR.stop name=window >/dev/null || true
    fi
    IFS=';' read -r ok failed elapsed <<<"$line"
    probe="$(tail -1 "$WORK/probe.out")"
    IFS=';' read -r probe_n _ <<<"$probe"
    [[ "$probe_n" =~ ^[0-9]+$ ]] || probe_n=0
    cpu_us="$(awk -v t=$(( ticks_after - ticks_before )) -v hz="$TICK_HZ" -v n=$(( ok + probe_n )) \
        'BEGIN { printf "%.0f", (n > 0 ? t / hz * 1e6 / n : 0) }')"
    cp "$WORK/gc.log" "$OUT/gc.log"
    python3 "$HERE/thread_sched.py" diff "$WORK/sched-before.json" "$WORK/sched-after.json" --per $(( ok + probe_n )) \
        >"$OUT/sched-$transport.txt"
    sched_line="$(python3 "$HERE/thread_sched.py" diff "$WORK/sched-before.json" "$WORK/sched-after.json" \
        --per $(( ok + probe_n )) --csv | cut -d, -f4,6)"
    tail_line="0,0,0,0,0"
    if [ -s "$OUT/probe-$transport.samples" ]; then
        python3 "$HERE/tail_causes.py" "$OUT/probe-$transport.samples" "$OUT/gc.log" >"$OUT/tail-$transport.txt"
        tail_line="$(python3 "$HERE/tail_causes.py" --csv "$OUT/probe-$transport.samples" "$OUT/gc.log")"
    fi
    log "measured ($transport): $RATE/s for $SECONDS_PER_RUN s: ok $ok, failed $failed, ${elapsed} s; probe samples;lost;p50;p90;p99;max(us) = $probe; p99.9;slow;in a stop;after one;elsewhere = ${tail_line//,/;}; server CPU $cpu_us us per REGISTER; run-queue wait per slice;slices per REGISTER = ${sched_line/,/;}; load $load_before -> $load_after"
    gc_line="$(python3 "$HERE/gc_pauses.py" "$OUT/gc.log" --from "$window_start" --to "$window_end" --summary "$OUT/gc-summary-$transport.txt")"
    log "gc in the window ($transport): $gc_line"
    if [ "$HEADER_WRITTEN" = 0 ]; then
        echo "date,label,transport,rate_per_s,seconds,ok,failed,probe_samples,probe_lost,p50_us,p90_us,p99_us,max_us,p999_us,slow,slow_in_stop,slow_after_stop,slow_elsewhere,cpu_us_per_register,wait_us_per_slice,slices_per_register,load_before,load_after,$(python3 "$HERE/gc_pauses.py" --header)" >"$OUT/p99.csv"
        HEADER_WRITTEN=1
    fi
    echo "$(date -u +%FT%TZ),$LABEL,$transport,$RATE,$SECONDS_PER_RUN,$ok,$failed,${probe//;/,},$tail_line,$cpu_us,$sched_line,${load_before// /;},${load_after// /;},$gc_line" >>"$OUT/p99.csv"
    first=0
done

if [ -n "$MAX_RATE_LADDER" ]; then
    log "max zero-failure rate, ladder $MAX_RATE_LADDER (load $(cut -d' ' -f1-3 /proc/loadavg))"
    "$HERE/bench.sh" --targets wildfly --transports "$TRANSPORTS" --wildfly "127.0.0.1:$SIP_PORT" \
        --ladder "$MAX_RATE_LADDER" --step-seconds 8 --out "$OUT/max-rate" >"$WORK/bench.out" 2>&1 || true
    log "max zero-failure rate: $(tail -n +2 "$OUT/max-rate/max-rate.csv" 2>/dev/null | tr '\n' ' ') (load $(cut -d' ' -f1-3 /proc/loadavg))"
fi

if [ "$HISTO" -gt 0 ] && [ -n "$JAVA_PID" ]; then
    histo_seconds=$(( HISTO * 10 + 10 ))
    run_sipp "$RATE" "$histo_seconds" "${transport_list[0]}" >"$WORK/histo-run.txt" &
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
stop_kamailio
