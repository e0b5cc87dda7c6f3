#!/usr/bin/env bash
# REGISTER benchmark with SIPp (the paper's Figure 8): for each target and transport, finds the highest REGISTER rate
# answered with zero failures by stepping the offered rate up, then bisecting between the last pass and the first
# failure; records latency percentiles (from probe.py, microsecond clock) against offered rate; writes CSV and PNG
# plots under results/ and prints our figure, Kamailio's and the ratio.
#
# Targets: sipp (SIPp answering REGISTER 200 itself: the generator's own ceiling), ours (TinyResponder on our stack
# by default, or any server given by --ours/--no-start/--target-cmd), kamailio (Kamailio 5.6 with kamailio/kamailio.cfg).
# Transports: udp, tcp (persistent: SIPp -t t1, one connection per SIPp process, several processes), tcp-tn
# (transaction TCP: a new connection per REGISTER, SIPp -t tn from several source addresses).
#
# Everything runs on 127.0.0.0/8; every step is bounded by `timeout`; every process started here is stopped on exit.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
STEP_SECONDS=10
TARGETS="sipp,ours,kamailio"
TRANSPORTS="udp,tcp,tcp-tn"
OURS="127.0.0.1:15060"
KAMAILIO_PORT=15070
SIPP_UAS_PORT=15080
NO_START=0
WILDFLY="127.0.0.1:5060"
TARGET_CMD=""
SMOKE=0
OUT="$HERE/results"
PROBE_RATE=200
BISECTIONS=2

usage() {
    cat <<USAGE
Usage: $0 [--smoke] [--targets sipp,ours,wildfly,kamailio] [--transports udp,tcp,tcp-tn] [--step-seconds N]
          [--ours HOST:PORT] [--no-start | --target-cmd 'COMMAND'] [--wildfly HOST:PORT] [--out DIR]
  --smoke        a few seconds at 200/s against our stack only (UDP and TCP); exit status 1 on any failure
  --ours         where our server listens (default $OURS); without --no-start/--target-cmd, TinyResponder is started there
  --no-start     our server is already running at --ours (e.g. WildFly with the registrar)
  --target-cmd   command that starts our server in the foreground (stopped at the end)
  --wildfly      where the provisioned WildFly with the registrar listens (target wildfly; start it yourself, open
                 registrar for domain bench.invalid: see README), default $WILDFLY
USAGE
}

while [ $# -gt 0 ]; do
    case "$1" in
        --smoke) SMOKE=1 ;;
        --targets) TARGETS="$2"; shift ;;
        --transports) TRANSPORTS="$2"; shift ;;
        --step-seconds) STEP_SECONDS="$2"; shift ;;
        --ours) OURS="$2"; shift ;;
        --no-start) NO_START=1 ;;
        --target-cmd) TARGET_CMD="$2"; shift ;;
        --wildfly) WILDFLY="$2"; shift ;;
        --out) OUT="$2"; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
    esac
    shift
done

OURS_HOST="${OURS%:*}"
OURS_PORT="${OURS##*:}"
case "$OURS_HOST" in 127.*) ;; *) echo "refusing a target off loopback: $OURS_HOST" >&2; exit 2 ;; esac
WILDFLY_HOST="${WILDFLY%:*}"
WILDFLY_PORT="${WILDFLY##*:}"
case "$WILDFLY_HOST" in 127.*) ;; *) echo "refusing a target off loopback: $WILDFLY_HOST" >&2; exit 2 ;; esac

if ! command -v sipp >/dev/null 2>&1; then
    echo "sipp is not installed (Debian package sip-tester): benchmark skipped" >&2
    exit 3
fi

# Shared with overload.sh: the work directory and its cleanup, log, wait_ready, run_sipp, step, find_max.
source "$HERE/lib.sh"

start_ours() {
    if [ "$NO_START" = 1 ]; then
        log "ours: using the running server at $OURS"
    elif [ -n "$TARGET_CMD" ]; then
        log "ours: starting: $TARGET_CMD"
        bash -c "$TARGET_CMD" >"$WORK/ours.log" 2>&1 &
        STARTED_PIDS+=("$!")
    else
        local classpath="$HERE/target/bench.classpath"
        if [ ! -s "$classpath" ]; then
            echo "missing $classpath: build first (mvn -q -o verify -pl tests/bench -am -DskipTests)" >&2
            exit 2
        fi
        log "ours: starting TinyResponder on $OURS (UDP and TCP)"
        java -Xms512m -Xmx512m -XX:+UseParallelGC -cp "$(cat "$classpath")" org.sipcity.interop.TinyResponder \
            "$OURS_HOST" "$OURS_PORT" >"$WORK/ours.log" 2>&1 &
        STARTED_PIDS+=("$!")
    fi
    wait_ready "$OURS_HOST" "$OURS_PORT"
    [ "$SMOKE" = 1 ] && return 0
    # Warm-up so the first measured step does not measure the JIT.
    run_sipp "$OURS_HOST" "$OURS_PORT" udp 2000 5 >/dev/null 2>&1 || true
    run_sipp "$OURS_HOST" "$OURS_PORT" tcp 2000 5 >/dev/null 2>&1 || true
}

start_kamailio() {
    command -v kamailio >/dev/null 2>&1 || { log "installing kamailio"; apt-get install -y -q kamailio >/dev/null; }
    kamailio -v | head -1 >&2
    mkdir -p "$WORK/kamailio-run"
    kamailio -f "$HERE/kamailio/kamailio.cfg" -l "udp:127.0.0.1:$KAMAILIO_PORT" -l "tcp:127.0.0.1:$KAMAILIO_PORT" \
        -Y "$WORK/kamailio-run" -P "$WORK/kamailio.pid" -DD -E -m 512 -M 32 >"$WORK/kamailio.log" 2>&1 &
    STARTED_PIDS+=("$!")
    wait_ready 127.0.0.1 "$KAMAILIO_PORT"
}

stop_kamailio() {
    [ -f "$WORK/kamailio.pid" ] && kill "$(cat "$WORK/kamailio.pid")" 2>/dev/null || true
    rm -f "$WORK/kamailio.pid"
}

# SIPp as the server for one transport (the SIPp-against-SIPp ceiling). It is restarted before every step: after an
# overload step SIPp as the server may be left aborted or wedged, which would fail every later step of the bisection.
SIPP_UAS_PID=""
SIPP_UAS_TRANSPORT=""
start_sipp_uas() {
    local transport="$1" mode=u1
    [ "$transport" != udp ] && mode=t1
    sipp -sf "$HERE/sipp/register-uas.xml" -i 127.0.0.1 -p "$SIPP_UAS_PORT" -t "$mode" -buff_size 4194304 \
        -max_socket 16000 -nostdin >>"$WORK/sipp-uas-$transport.log" 2>&1 &
    SIPP_UAS_PID="$!"
    STARTED_PIDS+=("$SIPP_UAS_PID")
    wait_ready 127.0.0.1 "$SIPP_UAS_PORT" "$( [ "$transport" = udp ] && echo udp || echo tcp )"
}

stop_sipp_uas() {
    if [ -n "$SIPP_UAS_PID" ]; then
        kill "$SIPP_UAS_PID" 2>/dev/null || true
        wait "$SIPP_UAS_PID" 2>/dev/null || true
        SIPP_UAS_PID=""
    fi
}

ladder_for() {
    case "$1" in
        tcp-tn) echo "1000 2500 5000 10000 20000" ;;
        *) echo "2500 5000 10000 20000 40000 60000 80000" ;;
    esac
}

if [ "$SMOKE" = 1 ]; then
    OUT="$WORK/smoke"
    mkdir -p "$OUT"
    STEPS_CSV="$OUT/steps.csv"
    start_ours
    failures=0
    for transport in udp tcp; do
        if line="$(run_sipp "$OURS_HOST" "$OURS_PORT" "$transport" 200 3)"; then
            log "smoke $transport: pass ($line)"
        else
            log "smoke $transport: FAIL ($line)"; failures=$(( failures + 1 ))
            tail -5 "$WORK/sipp-1.log" >&2 || true
        fi
    done
    probe="$(python3 "$HERE/probe.py" --host "$OURS_HOST" --port "$OURS_PORT" --transport tcp --rate 100 --duration 1)"
    log "smoke probe tcp (n;lost;p50;p90;p99;max us): $probe"
    echo "$probe" | awk -F';' '{ exit !($1 > 0 && $2 == 0) }' || failures=$(( failures + 1 ))
    [ "$failures" = 0 ] && log "smoke: zero failures" || log "smoke: $failures failure(s)"
    exit $(( failures > 0 ))
fi

mkdir -p "$OUT"
echo "target,transport,offered_per_s,achieved_per_s,sent,succeeded,failed,retransmissions,seconds,sipp_rt_mean_ms,pass,probe_samples,probe_lost,p50_us,p90_us,p99_us,max_us" >"$STEPS_CSV"
echo "target,transport,max_zero_failure_per_s,first_failure_per_s" >"$MAX_CSV"
{
    echo "date_utc,$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "cpus,$(nproc)"
    echo "cpu_model,$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo | tr ',' ' ')"
    echo "sipp,$(sipp -v 2>&1 | awk '/SIPp v/ { print $2; exit }')"
    echo "step_seconds,$STEP_SECONDS"
    echo "probe_rate_per_s,$PROBE_RATE"
} >"$OUT/run-info.csv"
IFS=',' read -r -a target_list <<<"$TARGETS"
IFS=',' read -r -a transport_list <<<"$TRANSPORTS"

for target in "${target_list[@]}"; do
    case "$target" in
        sipp)
            for transport in "${transport_list[@]}"; do
                SIPP_UAS_TRANSPORT="$transport"
                find_max sipp 127.0.0.1 "$SIPP_UAS_PORT" "$transport" "$(ladder_for "$transport")"
                stop_sipp_uas
            done ;;
        ours)
            start_ours
            for transport in "${transport_list[@]}"; do
                find_max ours "$OURS_HOST" "$OURS_PORT" "$transport" "$(ladder_for "$transport")"
            done ;;
        wildfly)
            log "wildfly: using the running server at $WILDFLY"
            wait_ready "$WILDFLY_HOST" "$WILDFLY_PORT"
            run_sipp "$WILDFLY_HOST" "$WILDFLY_PORT" udp 2000 5 >/dev/null 2>&1 || true
            run_sipp "$WILDFLY_HOST" "$WILDFLY_PORT" tcp 2000 5 >/dev/null 2>&1 || true
            for transport in "${transport_list[@]}"; do
                find_max wildfly "$WILDFLY_HOST" "$WILDFLY_PORT" "$transport" "$(ladder_for "$transport")"
            done ;;
        kamailio)
            start_kamailio
            for transport in "${transport_list[@]}"; do
                find_max kamailio 127.0.0.1 "$KAMAILIO_PORT" "$transport" "$(ladder_for "$transport")"
            done
            stop_kamailio ;;
        *) echo "unknown target $target" >&2; exit 2 ;;
    esac
done

command -v gnuplot >/dev/null 2>&1 || { log "installing gnuplot-nox"; apt-get install -y -q gnuplot-nox >/dev/null; }
python3 "$HERE/analyze.py" "$OUT"
