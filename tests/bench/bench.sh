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

WORK="$(mktemp -d -t sipcity-bench.XXXXXX)"
STARTED_PIDS=()
cleanup() {
    local pid
    for pid in "${STARTED_PIDS[@]:-}"; do
        [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
    done
    sleep 1
    for pid in "${STARTED_PIDS[@]:-}"; do
        [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null || true
    done
    if [ -f "$WORK/kamailio.pid" ]; then
        kill "$(cat "$WORK/kamailio.pid")" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

# Waits (at most 30 s) until HOST:PORT answers a REGISTER over TRANSPORT (udp by default, or tcp).
wait_ready() {
    local host="$1" port="$2" transport="${3:-udp}" i
    for i in $(seq 1 30); do
        if python3 "$HERE/probe.py" --host "$host" --port "$port" --transport "$transport" --rate 10 --duration 0.3 \
                --timeout 0.2 \
                | awk -F';' '{ exit !($1 > 0) }'; then
            return 0
        fi
        sleep 1
    done
    echo "no answer from $host:$port within 30 s" >&2
    return 1
}

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

# Number of SIPp client processes per transport: several for TCP (one persistent connection each; transaction TCP
# needs several source addresses, each stalls at ~1-1.5k new connections/s in TIME_WAIT).
processes_for() {
    case "$1" in udp) echo 2 ;; tcp) echo 2 ;; tcp-tn) echo 4 ;; esac
}

# Runs SIPp clients at RATE REGISTER/s for SECONDS; prints "sent;succeeded;failed;retransmissions;seconds;rt_ms"
# and returns non-zero when any call failed or the calls did not complete in time.
run_sipp() {
    local host="$1" port="$2" transport="$3" rate="$4" seconds="$5"
    local processes mode i pids=() status=0 calls per_rate per_calls start end
    processes="$(processes_for "$transport")"
    case "$transport" in udp) mode=u1 ;; tcp) mode=t1 ;; tcp-tn) mode=tn ;; esac
    calls=$(( rate * seconds ))
    per_calls=$(( calls / processes ))
    per_rate="$(awk -v r="$rate" -v p="$processes" 'BEGIN { printf "%.3f", r / p }')"
    local limit=$(( rate > 2000 ? rate : 2000 ))
    start="$(date +%s.%N)"
    for i in $(seq 1 "$processes"); do
        rm -f "$WORK/stat-$i.csv"
        ( cd "$WORK" && exec timeout -k 2 $(( seconds + 8 )) sipp "$host:$port" -sf "$HERE/sipp/register-uac.xml" \
            -inf "$HERE/sipp/users.csv" -i "127.0.0.$(( i + 1 ))" -t "$mode" -r "$per_rate" -m "$per_calls" \
            -l "$limit" -buff_size 4194304 -max_socket 16000 -nostdin -recv_timeout 2000 \
            -trace_stat -stf "stat-$i.csv" -fd 1 >"$WORK/sipp-$i.log" 2>&1 ) &
        pids+=("$!")
    done
    for i in "${pids[@]}"; do
        wait "$i" || status=1
    done
    end="$(date +%s.%N)"
    local sent=0 ok=0 failed=0 retrans=0 rt_sum=0
    for i in $(seq 1 "$processes"); do
        if [ -s "$WORK/stat-$i.csv" ]; then
            read -r s o f r rt < <(tail -1 "$WORK/stat-$i.csv" | awk -F';' '{
                split($70, t, ":"); print $13, $16, $18, $58, (t[1]*3600 + t[2]*60 + t[3]) * 1000 + t[4] / 1000 }')
        else
            s=0; o=0; f="$per_calls"; r=0; rt=0
        fi
        sent=$(( sent + s )); ok=$(( ok + o )); failed=$(( failed + f )); retrans=$(( retrans + r ))
        rt_sum="$(awk -v a="$rt_sum" -v b="$rt" 'BEGIN { print a + b }')"
    done
    local elapsed
    elapsed="$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.2f", e - s }')"
    # Complete in time: every call answered and the run no more than 5% (+0.5 s start-up) longer than asked.
    if [ "$ok" -lt $(( per_calls * processes )) ] || [ "$failed" -gt 0 ] \
        || awk -v e="$elapsed" -v s="$seconds" 'BEGIN { exit !(e > s * 1.05 + 0.5) }'; then
        status=1
    fi
    printf '%s;%s;%s;%s;%s;%s\n' "$sent" "$ok" "$failed" "$retrans" "$elapsed" \
        "$(awk -v a="$rt_sum" -v p="$processes" 'BEGIN { printf "%.3f", a / p }')"
    return "$status"
}

STEPS_CSV="$OUT/steps.csv"
MAX_CSV="$OUT/max-rate.csv"

# One measured step: SIPp at RATE plus the latency probe; appends a row to steps.csv; returns 0 when it passed.
step() {
    local target="$1" host="$2" port="$3" transport="$4" rate="$5"
    local probe_transport=udp sipp_line probe_line passed=1
    if [ "$target" = sipp ]; then
        stop_sipp_uas
        # `step` runs as an if-condition, where set -e does not apply: a server that did not start ends the run here.
        start_sipp_uas "$SIPP_UAS_TRANSPORT" || exit 1
    fi
    case "$transport" in tcp) probe_transport=tcp ;; tcp-tn) probe_transport=tcp-new ;; esac
    ( sleep 1; exec timeout -k 2 $(( STEP_SECONDS + 5 )) python3 "$HERE/probe.py" --host "$host" --port "$port" \
        --transport "$probe_transport" --rate "$PROBE_RATE" --duration $(( STEP_SECONDS - 2 )) \
        >"$WORK/probe.out" 2>"$WORK/probe.err" ) &
    local probe_pid=$!
    if sipp_line="$(run_sipp "$host" "$port" "$transport" "$rate" "$STEP_SECONDS")"; then passed=1; else passed=0; fi
    wait "$probe_pid" || true
    probe_line="$(cat "$WORK/probe.out" 2>/dev/null)"
    [ -n "$probe_line" ] || probe_line="0;0;;;;"
    local achieved
    achieved="$(echo "$sipp_line" | awk -F';' '{ printf "%.0f", ($5 > 0 ? $2 / $5 : 0) }')"
    echo "$target,$transport,$rate,$achieved,$(echo "$sipp_line" | tr ';' ','),$passed,$(echo "$probe_line" | tr ';' ',')" \
        >>"$STEPS_CSV"
    log "$target $transport ${rate}/s: $( [ "$passed" = 1 ] && echo pass || echo FAIL ) (sipp $sipp_line; probe n;lost;p50;p90;p99;max us $probe_line)"
    # Let queues and, after an overload, TIME_WAIT sockets and retransmissions drain before the next step.
    sleep $(( passed == 1 ? 1 : 5 ))
    return $(( 1 - passed ))
}

# Steps the rate up until the first failure, then bisects; appends the highest passing rate to max-rate.csv.
find_max() {
    local target="$1" host="$2" port="$3" transport="$4" ladder="$5"
    local best=0 failed_at=0 rate i
    for rate in $ladder; do
        if step "$target" "$host" "$port" "$transport" "$rate"; then best=$rate; else failed_at=$rate; break; fi
    done
    if [ "$failed_at" -gt 0 ]; then
        local low=$best high=$failed_at mid
        for i in $(seq 1 "$BISECTIONS"); do
            mid=$(( (low + high) / 2 ))
            [ $(( high - low )) -lt 500 ] && break
            if step "$target" "$host" "$port" "$transport" "$mid"; then low=$mid; else high=$mid; fi
        done
        best=$low
    fi
    echo "$target,$transport,$best,$failed_at" >>"$MAX_CSV"
    log "$target $transport: max zero-failure rate $best/s (first failure at ${failed_at}/s, 0 = none)"
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
