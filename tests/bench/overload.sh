#!/usr/bin/env bash
# Overload benchmark (the paper's Figures 10 and 11): goodput of the registrar on the provisioned WildFly against
# offered REGISTER load, with the overload valve on and off, over UDP and persistent TCP; and the server's CPU per
# shed request against CPU per served request.
#
# 1. Starts wildfly-config/target/server with the registrar (open registrar: no digest, see README) on a port offset
#    of its own, stopped at the end.
# 2. Capacity per transport: the highest REGISTER rate answered with zero failures (bench.sh's find_max).
# 3. With the valve on, then off (overload-valve-class = AdmitAllValve, reload): 0.5x, 1x, 2x, 3x (--levels) the
#    capacity for --step-seconds each, recording goodput (200s per second), 503s, timeouts, the probe's accepted
#    p50/p99, server CPU, and the time until the server is back to normal after the load stops.
# 4. CPU per message: the same rate once served, once all shed (valve forced overloaded by heap marks of 2%/1%).
# 5. results/overload/*.csv and goodput-against-offered-load plots (PNG).
#
# Everything runs on 127.0.0.0/8; every SIPp run is bounded by `timeout`; every process started here is stopped on exit.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SERVER="$(cd "$HERE/../.." && pwd)/wildfly-config/target/server"
OFFSET=800
STEP_SECONDS=20
CAPACITY_STEP_SECONDS=10
LEVELS="0.5 1 2 3"
TRANSPORTS="udp,tcp"
VALVES="on,off"
CAPACITY_LADDER="500 1000 2000 3000 4000 6000 8000 12000"
CPU_RATE=1000
CAPACITY_UDP=""
CAPACITY_TCP=""
SKIP_CPU=0
OUT="$HERE/results/overload"
PROBE_RATE=50
BISECTIONS=2
RECOVERY_LIMIT=30
# SIPp's ceilings on this machine (bench README, SIPp against SIPp): rates above them measure the generator.
SIPP_CEILING_UDP=17500
SIPP_CEILING_TCP=35000

usage() {
    cat <<USAGE
Usage: $0 [--transports udp,tcp] [--valves on,off] [--levels "0.5 1 2 3"] [--step-seconds N] [--port-offset N]
          [--capacity-udp N] [--capacity-tcp N] [--cpu-rate N] [--skip-cpu] [--out DIR]
  --capacity-*   skip the capacity search for that transport and use N REGISTER/s
  --port-offset  WildFly's port offset (default $OFFSET: SIP on $((5060 + OFFSET)), management on $((9990 + OFFSET)))
USAGE
}

while [ $# -gt 0 ]; do
    case "$1" in
        --transports) TRANSPORTS="$2"; shift ;;
        --valves) VALVES="$2"; shift ;;
        --levels) LEVELS="$2"; shift ;;
        --step-seconds) STEP_SECONDS="$2"; shift ;;
        --port-offset) OFFSET="$2"; shift ;;
        --capacity-udp) CAPACITY_UDP="$2"; shift ;;
        --capacity-tcp) CAPACITY_TCP="$2"; shift ;;
        --cpu-rate) CPU_RATE="$2"; shift ;;
        --skip-cpu) SKIP_CPU=1 ;;
        --out) OUT="$2"; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
    esac
    shift
done

command -v sipp >/dev/null 2>&1 || { echo "sipp is not installed (Debian package sip-tester)" >&2; exit 3; }
[ -x "$SERVER/bin/standalone.sh" ] || { echo "no server at $SERVER: build first (mvn -q -o verify -DskipTests)" >&2; exit 2; }

# The work directory and its cleanup, log, wait_ready, run_sipp, step, find_max.
source "$HERE/lib.sh"

HOST=127.0.0.1
USERS=$(( $(wc -l <"$HERE/sipp/users.csv") - 1 ))
SIP_PORT=$(( 5060 + OFFSET ))
MGMT_PORT=$(( 9990 + OFFSET ))
SIPP_SCENARIO="$HERE/sipp/register-uac.xml"
# Calls in flight allowed: 3 s of the rate, so that SIPp keeps offering while answers are late (it would otherwise
# throttle itself, hiding the overload).
SIPP_LIMIT_SECONDS=3
mkdir -p "$OUT"
: >"$OUT/cli.log"
STEPS_CSV="$OUT/capacity-steps.csv"
MAX_CSV="$OUT/capacity.csv"
RESULTS_CSV="$OUT/overload.csv"
CPU_CSV="$OUT/cpu.csv"

SERVER_PID=""
start_server() {
    log "server: starting $SERVER (port offset $OFFSET)"
    rm -f "$WORK/server.pid"
    # A copy of the configuration, so that the valve settings written below never stay in standalone.xml.
    cp "$SERVER/standalone/configuration/standalone.xml" "$SERVER/standalone/configuration/standalone-overload-bench.xml"
    LAUNCH_JBOSS_IN_BACKGROUND=1 JBOSS_PIDFILE="$WORK/server.pid" "$SERVER/bin/standalone.sh" \
        -c standalone-overload-bench.xml -Djboss.socket.binding.port-offset="$OFFSET" -Dsipcity.registrar.authenticate=false \
        -Dsipcity.registrar.domains=bench.invalid >"$WORK/server.log" 2>&1 &
    STARTED_PIDS+=("$!")
    local i
    for i in $(seq 1 60); do
        [ -s "$WORK/server.pid" ] && break
        sleep 1
    done
    SERVER_PID="$(cat "$WORK/server.pid")"
    STARTED_PIDS+=("$SERVER_PID")
    wait_ready "$HOST" "$SIP_PORT" udp
    wait_ready "$HOST" "$SIP_PORT" tcp
    if grep -q "WFLYCTL0080\|started (with errors)" "$WORK/server.log"; then
        grep "WFLYCTL0080\|ERROR" "$WORK/server.log" | head -5 >&2
        echo "the server started with errors (a port of offset $OFFSET in use?)" >&2
        exit 1
    fi
    log "server: pid $SERVER_PID, SIP on $HOST:$SIP_PORT, management on $HOST:$MGMT_PORT"
}

# One management operation through jboss-cli; tried three times (the CLI's own JVM may time out connecting on a
# loaded host); its output ends up in OUT/cli.log.
cli() {
    local attempt
    for attempt in 1 2 3; do
        if "$SERVER/bin/jboss-cli.sh" -c --controller="$HOST:$MGMT_PORT" --timeout=30000 --command="$1" >>"$OUT/cli.log" 2>&1; then
            return 0
        fi
        log "cli: '$1' failed (attempt $attempt), see $OUT/cli.log"
        sleep 2
    done
    return 1
}

# Writes the valve's attributes (a CLI batch) and reloads; waits until SIP answers again.
configure_valve() {
    local what="$1"
    case "$what" in
        on) cli "/subsystem=sip:undefine-attribute(name=overload-valve-class)"
            cli "/subsystem=sip:undefine-attribute(name=overload-heap-high)"
            cli "/subsystem=sip:undefine-attribute(name=overload-heap-low)" ;;
        off) cli "/subsystem=sip:write-attribute(name=overload-valve-class, value=org.sipcity.stack.overload.AdmitAllValve)" ;;
        # Heap occupancy after GC is far above 2% in any running server: the valve stays overloaded and sheds all new work.
        forced) cli "/subsystem=sip:undefine-attribute(name=overload-valve-class)"
            cli "/subsystem=sip:write-attribute(name=overload-heap-low, value=1)"
            cli "/subsystem=sip:write-attribute(name=overload-heap-high, value=2)" ;;
    esac
    log "valve $what: reloading"
    cli "reload"
    wait_ready "$HOST" "$SIP_PORT" tcp
    # Warm-up after the reload (the JIT keeps its code, the stack and container are new).
    run_sipp "$HOST" "$SIP_PORT" tcp 500 3 >/dev/null 2>&1 || true
}

metric() {
    curl -s --max-time 2 "http://$HOST:$MGMT_PORT/metrics" | awk -v name="wildfly_sip_$1" '$1 == name { printf "%.0f", $2; found = 1 } END { if (!found) printf "-1" }'
}

cpu_ticks() {
    awk '{ print $14 + $15 }' "/proc/$SERVER_PID/stat"
}

# Lets UDP transactions in Completed state (Timer J, 32 s) drain so one step does not fill the next one's
# live-transaction bound; at most 40 s.
settle() {
    local i
    for i in $(seq 1 80); do
        [ "$(metric active_transactions)" -lt 200 ] && return 0
        sleep 0.5
    done
    log "settle: $(metric active_transactions) transactions still live after 40 s"
}
AFTER_STEP=settle

# Seconds from now until the server is back to normal: REGISTERs answered 200 within 200 ms (probe) and, with the
# valve on, its state NORMAL. Prints the seconds, or -1 after RECOVERY_LIMIT s.
recovery_seconds() {
    local transport="$1" valve="$2" start now probe
    start="$(date +%s.%N)"
    while true; do
        now="$(date +%s.%N)"
        if awk -v s="$start" -v n="$now" -v l="$RECOVERY_LIMIT" 'BEGIN { exit !(n - s > l) }'; then
            echo -1; return
        fi
        probe="$(python3 "$HERE/probe.py" --host "$HOST" --port "$SIP_PORT" --transport "$transport" --rate 20 \
            --duration 0.25 --timeout 0.2 --accepted-only 2>/dev/null || true)"
        if echo "$probe" | awk -F';' '{ exit !($1 > 0 && $2 == 0 && $7 == 0 && $5 < 200000) }' \
            && { [ "$valve" = off ] || [ "$(metric overload_state)" = 0 ]; }; then
            awk -v s="$start" -v n="$(date +%s.%N)" 'BEGIN { printf "%.1f", n - s }'
            return
        fi
        sleep 0.25
    done
}

# Sums SIPp's final counters over the processes of the last run_sipp: ok;503-or-other-unexpected;timeouts;retransmissions.
sipp_outcome() {
    python3 - "$WORK" <<'PY'
import csv, glob, sys
totals = {"SuccessfulCall(C)": 0, "FailedUnexpectedMessage(C)": 0, "FailedTimeoutOnRecv(C)": 0,
          "FailedMaxUDPRetrans(C)": 0, "FailedCall(C)": 0, "Retransmissions(C)": 0}
for path in glob.glob(sys.argv[1] + "/stat-*.csv"):
    rows = list(csv.reader(open(path), delimiter=";"))
    if len(rows) < 2:
        continue
    header, last = rows[0], rows[-1]
    for name in totals:
        if name in header:
            totals[name] += int(last[header.index(name)] or 0)
timeouts = totals["FailedTimeoutOnRecv(C)"] + totals["FailedMaxUDPRetrans(C)"]
other = totals["FailedCall(C)"] - totals["FailedUnexpectedMessage(C)"] - timeouts
print("%d;%d;%d;%d;%d" % (totals["SuccessfulCall(C)"], totals["FailedUnexpectedMessage(C)"], timeouts, max(0, other),
                          totals["Retransmissions(C)"]))
PY
}

# One overload step: SIPp at RATE for STEP_SECONDS plus the accepted-latency probe; appends a row to overload.csv.
overload_step() {
    local transport="$1" valve="$2" level="$3" rate="$4"
    local cpu_before cpu_after shed_before shed_after sent_before sent_after backed_before backed_after sipp_line outcome probe_line recovery
    rm -f "$WORK"/stat-*.csv
    shed_before="$(metric overload_shed_new_work)"
    sent_before="$(metric overload_rejections_sent)"
    backed_before="$(metric overload_shed_backed_up)"
    cpu_before="$(cpu_ticks)"
    ( sleep 1; exec timeout -k 2 $(( STEP_SECONDS + 5 )) python3 "$HERE/probe.py" --host "$HOST" --port "$SIP_PORT" \
        --transport "$transport" --rate "$PROBE_RATE" --duration $(( STEP_SECONDS - 2 )) --accepted-only \
        >"$WORK/probe.out" 2>"$WORK/probe.err" ) &
    local probe_pid=$!
    sipp_line="$(run_sipp "$HOST" "$SIP_PORT" "$transport" "$rate" "$STEP_SECONDS" || true)"
    cpu_after="$(cpu_ticks)"
    recovery="$(recovery_seconds "$transport" "$valve")"
    wait "$probe_pid" || true
    shed_after="$(metric overload_shed_new_work)"
    sent_after="$(metric overload_rejections_sent)"
    backed_after="$(metric overload_shed_backed_up)"
    outcome="$(sipp_outcome)"
    probe_line="$(cat "$WORK/probe.out" 2>/dev/null)"
    [ -n "$probe_line" ] || probe_line="0;0;;;;;0"
    local seconds ok
    seconds="$(echo "$sipp_line" | cut -d';' -f5)"
    ok="$(echo "$outcome" | cut -d';' -f1)"
    local goodput
    goodput="$(awk -v o="$ok" -v s="$seconds" 'BEGIN { printf "%.0f", (s > 0 ? o / s : 0) }')"
    local row
    row="$transport,$valve,$level,$rate,$seconds,$(echo "$sipp_line" | cut -d';' -f1),$goodput,$(echo "$outcome" | tr ';' ','),$(echo "$probe_line" | tr ';' ','),$recovery,$(( cpu_after - cpu_before )),$(( shed_after - shed_before )),$(( sent_after - sent_before )),$(( backed_after - backed_before ))"
    echo "$row" >>"$RESULTS_CSV"
    log "$transport valve $valve ${level}x ${rate}/s: goodput ${goodput}/s (ok;unexpected;timeouts;other;retrans $outcome; probe n;lost;p50;p90;p99;max us;rejected $probe_line; recovery ${recovery} s)"
    settle
}

# CPU of the server process per message at CPU_RATE over TCP: served (valve on, not overloaded) vs shed (forced).
cpu_run() {
    local mode="$1" idle_before idle_after before after line outcome ok unexpected
    # The server's own background CPU (timers, GC, management) over the same time, subtracted.
    idle_before="$(cpu_ticks)"; sleep "$STEP_SECONDS"; idle_after="$(cpu_ticks)"
    rm -f "$WORK"/stat-*.csv
    before="$(cpu_ticks)"
    line="$(run_sipp "$HOST" "$SIP_PORT" tcp "$CPU_RATE" "$STEP_SECONDS" || true)"
    after="$(cpu_ticks)"
    outcome="$(sipp_outcome)"
    ok="$(echo "$outcome" | cut -d';' -f1)"; unexpected="$(echo "$outcome" | cut -d';' -f2)"
    local hz; hz="$(getconf CLK_TCK)"
    local seconds; seconds="$(echo "$line" | cut -d';' -f5)"
    echo "$mode,$CPU_RATE,$seconds,$ok,$unexpected,$(( after - before )),$(( idle_after - idle_before )),$hz" >>"$CPU_CSV"
    log "cpu $mode: ok $ok, 503 $unexpected, cpu $(( after - before )) ticks (idle $(( idle_after - idle_before )) ticks over ${STEP_SECONDS} s)"
}

echo "target,transport,offered_per_s,achieved_per_s,sent,succeeded,failed,retransmissions,seconds,sipp_rt_mean_ms,pass,probe_samples,probe_lost,p50_us,p90_us,p99_us,max_us" >"$STEPS_CSV"
echo "target,transport,max_zero_failure_per_s,first_failure_per_s" >"$MAX_CSV"
echo "transport,valve,level,offered_per_s,seconds,sent,goodput_per_s,ok,rejected_503,timeouts,other_failed,retransmissions,probe_samples,probe_lost,probe_p50_us,probe_p90_us,probe_p99_us,probe_max_us,probe_rejected,recovery_s,cpu_ticks,valve_shed_new_work,valve_503_sent,valve_shed_backed_up" >"$RESULTS_CSV"
{
    echo "date_utc,$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "cpus,$(nproc)"
    echo "cpu_model,$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo | tr ',' ' ')"
    echo "sipp,$(sipp -v 2>&1 | awk '/SIPp v/ { print $2; exit }')"
    echo "step_seconds,$STEP_SECONDS"
    echo "load_average_at_start,$(cut -d' ' -f1-3 /proc/loadavg)"
} >"$OUT/run-info.csv"

start_server
# Every user of users.csv registered once (each SIPp process starts at its first line), so that every measured step
# refreshes bindings rather than first inserting some (a first registration writes a new row: slower); then the JIT.
log "warm-up: registering the ${USERS} users of users.csv"
run_sipp "$HOST" "$SIP_PORT" tcp $(( USERS / 20 )) 40 >/dev/null 2>&1 || true
run_sipp "$HOST" "$SIP_PORT" udp 1000 5 >/dev/null 2>&1 || true
settle

IFS=',' read -r -a transport_list <<<"$TRANSPORTS"
IFS=',' read -r -a valve_list <<<"$VALVES"
declare -A CAPACITY=([udp]="$CAPACITY_UDP" [tcp]="$CAPACITY_TCP")
for transport in "${transport_list[@]}"; do
    if [ -z "${CAPACITY[$transport]}" ]; then
        saved="$STEP_SECONDS"; STEP_SECONDS="$CAPACITY_STEP_SECONDS"
        find_max ours "$HOST" "$SIP_PORT" "$transport" "$CAPACITY_LADDER"
        STEP_SECONDS="$saved"
        CAPACITY[$transport]="$(awk -F',' -v t="$transport" '$2 == t { c = $3 } END { print c }' "$MAX_CSV")"
    else
        echo "ours,$transport,${CAPACITY[$transport]},given" >>"$MAX_CSV"
    fi
    log "capacity $transport: ${CAPACITY[$transport]}/s"
done

for valve in "${valve_list[@]}"; do
    configure_valve "$valve"
    for transport in "${transport_list[@]}"; do
        ceiling=$SIPP_CEILING_UDP; [ "$transport" = tcp ] && ceiling=$SIPP_CEILING_TCP
        for level in $LEVELS; do
            rate="$(awk -v l="$level" -v c="${CAPACITY[$transport]}" 'BEGIN { printf "%.0f", l * c }')"
            [ "$rate" -gt "$ceiling" ] && log "note: ${rate}/s is above SIPp's own ceiling over $transport (${ceiling}/s)"
            overload_step "$transport" "$valve" "$level" "$rate"
        done
    done
done

if [ "$SKIP_CPU" = 0 ]; then
    echo "mode,rate_per_s,seconds,ok,rejected_503,cpu_ticks,idle_cpu_ticks,ticks_per_s" >"$CPU_CSV"
    configure_valve on
    cpu_run served
    configure_valve forced
    state="$(metric overload_state)"; loss="$(metric overload_new_work_loss_percent)"
    log "valve forced: state $state, new-work loss $loss%"
    cpu_run shed
    configure_valve on
fi

command -v gnuplot >/dev/null 2>&1 || { log "installing gnuplot-nox"; apt-get install -y -q gnuplot-nox >/dev/null; }
python3 "$HERE/overload_plot.py" "$OUT"
cp "$WORK/server.log" "$OUT/server.log" 2>/dev/null || true
