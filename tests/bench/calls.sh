#!/usr/bin/env bash
# Calls per second through a stateful proxy: SIPp as the caller (sipp/call-uac.xml: INVITE, 100, 180, 200, ACK, BYE,
# 200) -> the proxy -> SIPp as the callee (sipp/call-uas.xml), registered at the proxy as callee@bench.invalid. For
# each target and transport finds the highest call rate with zero failed calls by stepping and bisecting (lib.sh's
# step/find_max, as bench.sh), writes CSV and a PNG under results-calls/ and prints our figure, Kamailio's, the ratio
# and SIPp against SIPp (the caller calling the callee directly: the generator's own ceiling).
#
# Targets: sipp (no proxy), ours (WildFly with the registrar/proxy WAR, started beforehand: see README), kamailio
# (Kamailio 5.6 with kamailio/proxy.cfg, started here). Transports: udp, tcp (persistent: one connection per SIPp
# caller process, two processes; the proxy opens its own connections to the callee).
#
# Everything runs on 127.0.0.0/8; every step is bounded by `timeout`; every process started here is stopped on exit.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
STEP_SECONDS=10
TARGETS="sipp,ours,kamailio"
TRANSPORTS="udp,tcp"
OURS="127.0.0.1:5960"
KAMAILIO_PORT=15071
CALLEE_PORT=15081
LADDER="1000 2000 3000 4000 5000 6000 8000 10000 12000 15000 20000"
OUT="$HERE/results-calls"
OURS_PID=""
PROBE_RATE=0
BISECTIONS=2
# Warm-up of each proxy before its search (RATE:SECONDS pairs), not counted.
WARMUP="500:4 1000:10 3000:10"

usage() {
    cat <<USAGE
Usage: $0 [--targets sipp,ours,kamailio] [--transports udp,tcp] [--ours HOST:PORT] [--ours-pid PID] [--step-seconds N]
          [--ladder "1000 2000 ..."] [--warmup "RATE:SECONDS ..."] [--out DIR]
  --ours     where WildFly with the registrar WAR listens (open registrar for domain bench.invalid, started
             beforehand as the README shows), default $OURS
  --ours-pid the process id of that server, for its CPU time per call (default: the process listening on its port)
  --ladder   offered calls/s tried in turn until the first failure, then bisected twice (default "$LADDER")
  --warmup   "RATE:SECONDS ..." run through each proxy before its search, not counted (default "$WARMUP")
  --out      results directory (default results-calls/); steps.csv and max-rate.csv are appended to, so that
             targets measured in separate locked runs land in one table; start a new run with a new or empty DIR
USAGE
}

while [ $# -gt 0 ]; do
    case "$1" in
        --targets) TARGETS="$2"; shift ;;
        --transports) TRANSPORTS="$2"; shift ;;
        --ours) OURS="$2"; shift ;;
        --ours-pid) OURS_PID="$2"; shift ;;
        --step-seconds) STEP_SECONDS="$2"; shift ;;
        --ladder) LADDER="$2"; shift ;;
        --warmup) WARMUP="$2"; shift ;;
        --out) OUT="$2"; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
    esac
    shift
done

OURS_HOST="${OURS%:*}"
OURS_PORT="${OURS##*:}"
case "$OURS_HOST" in 127.*) ;; *) echo "refusing a target off loopback: $OURS_HOST" >&2; exit 2 ;; esac
command -v sipp >/dev/null 2>&1 || { echo "sipp is not installed (Debian package sip-tester): skipped" >&2; exit 3; }

mkdir -p "$OUT"
# Every step as it ran, also kept with the results.
exec 2> >(tee -a "$OUT/run.log" >&2)
# lib.sh: the work directory and its cleanup, log, run_sipp, step, find_max.
source "$HERE/lib.sh"
SIPP_SCENARIO="$HERE/sipp/call-uac.xml"
# A call lasts a few round trips; calls in flight up to one second of the rate, as for REGISTER.
SIPP_LIMIT_SECONDS=1

[ -s "$STEPS_CSV" ] || echo "target,transport,offered_per_s,achieved_per_s,sent,succeeded,failed,retransmissions,seconds,sipp_rt_mean_ms,pass,probe_samples,probe_lost,p50_us,p90_us,p99_us,max_us" >"$STEPS_CSV"
[ -s "$MAX_CSV" ] || echo "target,transport,max_zero_failure_per_s,first_failure_per_s" >"$MAX_CSV"
CPU_CSV="$OUT/cpu.csv"
[ -s "$CPU_CSV" ] || echo "target,transport,offered_per_s,calls_completed,seconds,cpu_seconds,idle_cpu_seconds,cpu_us_per_call,load_average" >"$CPU_CSV"
echo "$(date -u +%Y-%m-%dT%H:%M:%SZ),targets=$TARGETS,transports=$TRANSPORTS,step_seconds=$STEP_SECONDS,load=$(cut -d' ' -f1-3 /proc/loadavg | tr ' ' '/')" \
    >>"$OUT/runs.log"

# SIPp as the callee on CALLEE_PORT. lib.sh's step() restarts it before every step of the target "sipp"; for the
# proxies AFTER_STEP restarts it only when it is gone (ensure_callee): a closed callee port draws ICMP errors for
# whatever the proxy still sends there, which can fail the next step's calls for a reason that is not the proxy's.
SIPP_UAS_PID=""
SIPP_UAS_TRANSPORT=""
start_sipp_uas() {
    local transport="$1" mode=u1
    [ "$transport" = udp ] || mode=t1
    sipp -sf "$HERE/sipp/call-uas.xml" -i 127.0.0.1 -p "$CALLEE_PORT" -t "$mode" -buff_size 4194304 \
        -max_socket 16000 -nostdin >>"$WORK/sipp-callee-$transport.log" 2>&1 &
    SIPP_UAS_PID="$!"
    STARTED_PIDS+=("$SIPP_UAS_PID")
    sleep 0.5
    kill -0 "$SIPP_UAS_PID" 2>/dev/null || { log "the SIPp callee did not start"; tail -5 "$WORK/sipp-callee-$transport.log" >&2; return 1; }
}

# The proxy under test (PROXY_HOST:PROXY_PORT) and the transport of the current search.
PROXY_HOST=""
PROXY_PORT=""
restart_callee() {
    stop_sipp_uas
    # Over UDP the REGISTER leaves from the callee's port, before SIPp binds it (see register_callee.py).
    local answer
    answer="$(python3 "$HERE/register_callee.py" --proxy "$PROXY_HOST:$PROXY_PORT" --transport "$SIPP_UAS_TRANSPORT" \
        --contact-port "$CALLEE_PORT")" || { log "callee not registered at $PROXY_HOST:$PROXY_PORT: $answer"; exit 1; }
    start_sipp_uas "$SIPP_UAS_TRANSPORT" || exit 1
}

# CPU time of the proxy per completed call, which survives a shared host better than calls/s: utime + stime of its
# processes (CPU_PIDS) over SIPp's load, minus what they burn idle (measured for 3 s before each search).
CLK_TCK="$(getconf CLK_TCK)"
CPU_PIDS=""
IDLE_TICKS_PER_S=0
cpu_ticks() {
    local pid total=0
    for pid in $CPU_PIDS; do
        total=$(( total + $(awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null || echo 0) ))
    done
    echo "$total"
}
measure_idle_cpu() {
    local before
    before="$(cpu_ticks)"
    sleep 3
    IDLE_TICKS_PER_S="$(awk -v t=$(( $(cpu_ticks) - before )) 'BEGIN { printf "%.2f", t / 3 }')"
}
CPU_START=0
CPU_T0=0
cpu_before() {
    CPU_START="$(cpu_ticks)"
    CPU_T0="$(date +%s.%N)"
}
cpu_after() {
    local target="$1" transport="$2" rate="$3" line="$4" ticks completed
    ticks=$(( $(cpu_ticks) - CPU_START ))
    completed="$(echo "$line" | cut -d';' -f2)"
    awk -v tg="$target" -v tr="$transport" -v r="$rate" -v c="$completed" -v t="$ticks" -v hz="$CLK_TCK" \
        -v idle="$IDLE_TICKS_PER_S" -v t0="$CPU_T0" -v t1="$(date +%s.%N)" -v la="$(cut -d' ' -f1 /proc/loadavg)" \
        'BEGIN { s = t1 - t0; cpu = t / hz; idle_s = idle * s / hz;
                 printf "%s,%s,%s,%s,%.2f,%.2f,%.2f,%s,%s\n", tg, tr, r, c, s, cpu, idle_s,
                        (c > 0 ? sprintf("%.0f", (cpu - idle_s) * 1e6 / c) : ""), la }' >>"$CPU_CSV"
}

# The server's process: the one listening on its port (ss), or --ours-pid.
server_pid_on() {
    ss -Hlnpu "sport = :$1" 2>/dev/null | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2
}

ensure_callee() {
    if [ -z "$SIPP_UAS_PID" ] || ! kill -0 "$SIPP_UAS_PID" 2>/dev/null; then
        log "the SIPp callee is gone: restarting it"
        restart_callee
    fi
}

start_kamailio() {
    command -v kamailio >/dev/null 2>&1 || { log "installing kamailio"; apt-get install -y -q kamailio >/dev/null; }
    kamailio -v | head -1 >&2
    mkdir -p "$WORK/kamailio-run"
    kamailio -f "$HERE/kamailio/proxy.cfg" -l "udp:127.0.0.1:$KAMAILIO_PORT" -l "tcp:127.0.0.1:$KAMAILIO_PORT" \
        -Y "$WORK/kamailio-run" -P "$WORK/kamailio.pid" -DD -E -m 512 -M 32 >"$WORK/kamailio.log" 2>&1 &
    STARTED_PIDS+=("$!")
    wait_ready 127.0.0.1 "$KAMAILIO_PORT"
}

# One search through a proxy: register the callee, warm up (JIT, connections), then step and bisect.
search_through() {
    local target="$1" transport="$2"
    SIPP_UAS_TRANSPORT="$transport"
    AFTER_STEP=""
    restart_callee
    # Warm-up, not counted: a freshly started WildFly runs the proxy path interpreted and compiles it for tens of
    # seconds (2026-11-27 00:49, AMD EPYC: 1,750 calls/s on a server started a minute before; 10,000 and more on the
    # same build after one warm-up pass). WARMUP: RATE:SECONDS pairs run in turn.
    local pair
    for pair in $WARMUP; do
        run_sipp "$PROXY_HOST" "$PROXY_PORT" "$transport" "${pair%%:*}" "${pair##*:}" >/dev/null 2>&1 || true
        ensure_callee
    done
    ensure_callee
    AFTER_STEP=ensure_callee
    if [ -n "$CPU_PIDS" ]; then
        measure_idle_cpu
        BEFORE_LOAD=cpu_before
        AFTER_LOAD=cpu_after
    fi
    find_max "$target" "$PROXY_HOST" "$PROXY_PORT" "$transport" "$LADDER"
    AFTER_STEP=""
    BEFORE_LOAD=""
    AFTER_LOAD=""
    stop_sipp_uas
}

IFS=',' read -r -a target_list <<<"$TARGETS"
IFS=',' read -r -a transport_list <<<"$TRANSPORTS"
for target in "${target_list[@]}"; do
    case "$target" in
        sipp)
            for transport in "${transport_list[@]}"; do
                SIPP_UAS_TRANSPORT="$transport"
                find_max sipp 127.0.0.1 "$CALLEE_PORT" "$transport" "$LADDER"
                stop_sipp_uas
            done ;;
        ours)
            PROXY_HOST="$OURS_HOST"; PROXY_PORT="$OURS_PORT"
            log "ours: the running server at $OURS"
            wait_ready "$PROXY_HOST" "$PROXY_PORT"
            CPU_PIDS="${OURS_PID:-$(server_pid_on "$PROXY_PORT")}"
            for transport in "${transport_list[@]}"; do
                search_through ours "$transport"
            done
            CPU_PIDS="" ;;
        kamailio)
            start_kamailio
            PROXY_HOST=127.0.0.1; PROXY_PORT="$KAMAILIO_PORT"
            # The main process and the workers it forked.
            CPU_PIDS="$(cat "$WORK/kamailio.pid") $(pgrep -P "$(cat "$WORK/kamailio.pid")" | tr '\n' ' ')"
            for transport in "${transport_list[@]}"; do
                search_through kamailio "$transport"
            done
            CPU_PIDS=""
            stop_kamailio ;;
        *) echo "unknown target $target" >&2; exit 2 ;;
    esac
done

python3 "$HERE/calls_analyze.py" "$OUT"
