#!/usr/bin/env bash
# Overload benchmark (the paper's Figures 10 and 11): goodput of the registrar on the provisioned WildFly against
# offered REGISTER load, with the overload valve on and off, over UDP and persistent TCP; and the server's CPU per
# shed request against CPU per served request.
#
# 1. Starts wildfly-config/target/server with the registrar (open registrar: no digest, see README) on a port offset
#    of its own, stopped at the end.
# 2. Capacity per transport of the deployed product itself: the highest REGISTER rate answered with zero failures
#    (bench.sh's find_max), searched with the valve off so that the valve's own marks do not clip it.
# 3. With the valve on, then off (overload-valve-class = AdmitAllValve, reload): 0.5x, 1x, 2x, 3x, 4x (--levels) the
#    capacity for --step-seconds each, recording goodput (200s per second), 503s, timeouts, the probe's accepted
#    p50/p99, server CPU, the transport's dropped sends and read pauses, and the time until the server is back to
#    normal after the load stops (with a trace of the valve's signals meanwhile: recovery-trace.csv).
# 4. CPU per message, per transport, at the capacity rate and above it: served (valve on, not overloaded), shed with
#    503 (valve forced overloaded by heap marks of 2%/1%) at 1x and 2x capacity, and over UDP dropped silently
#    (overload-udp-drop) at 1x.
# 5. results/overload/*.csv and goodput-against-offered-load plots (PNG).
#
# Bounded: every SIPp run by `timeout`, every wait by a limit, and the whole run by --max-minutes (default 75): past
# it no new step starts and the results so far are written. Everything runs on 127.0.0.0/8; every process started
# here is stopped on exit.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SERVER="$(cd "$HERE/../.." && pwd)/wildfly-config/target/server"
OFFSET=800
STEP_SECONDS=20
CAPACITY_STEP_SECONDS=10
LEVELS="0.5 1 2 3 4"
TRANSPORTS="udp,tcp"
VALVES="on,off"
# Up to 16,000/s: on a quiet host the registrar on WildFly answered 10,000/s over TCP without a failure.
CAPACITY_LADDER="1000 2000 4000 6000 8000 12000 16000"
MAX_MINUTES=75
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
Usage: $0 [--transports udp,tcp] [--valves on,off] [--levels "0.5 1 2 3 4"] [--step-seconds N] [--port-offset N]
          [--capacity-udp N] [--capacity-tcp N] [--capacity-ladder "1000 2000 ..."] [--skip-cpu] [--max-minutes N]
          [--out DIR]
  --capacity-*   skip the capacity search for that transport and use N REGISTER/s
  --max-minutes  no new step starts after this many minutes (default $MAX_MINUTES)
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
        --capacity-ladder) CAPACITY_LADDER="$2"; shift ;;
        --max-minutes) MAX_MINUTES="$2"; shift ;;
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

# jboss-cli with one argument (--command=... or --file=...), tried three times (the CLI's own JVM may time out
# connecting on a loaded host); its output ends up in OUT/cli.log. WHAT names the attempt in the log.
cli_retried() {
    local what="$1" argument="$2" attempt
    for attempt in 1 2 3; do
        if "$SERVER/bin/jboss-cli.sh" -c --controller="$HOST:$MGMT_PORT" --timeout=30000 "$argument" >>"$OUT/cli.log" 2>&1; then
            return 0
        fi
        log "cli: $what failed (attempt $attempt), see $OUT/cli.log"
        sleep 2
    done
    return 1
}

# One management operation.
cli() {
    cli_retried "'$1'" --command="$1"
}

# Runs a CLI script (one JVM for all its operations).
cli_script() {
    local script="$WORK/valve.cli"
    printf '%s\n' "$@" >"$script"
    cli_retried script --file="$script"
}

# Sets the valve up and reloads; waits until SIP answers again. on: the default valve at its default marks; off:
# AdmitAllValve; forced: the default valve overloaded for good (heap after GC is far above 2% in any running server,
# so every new REGISTER is shed with a 503); forced-drop: the same, shed UDP requests dropped silently.
configure_valve() {
    local what="$1" class drop=false heap="undefine"
    case "$what" in
        on) class="" ;;
        off) class="org.sipcity.stack.overload.AdmitAllValve" ;;
        forced) class=""; heap="forced" ;;
        forced-drop) class=""; heap="forced"; drop=true ;;
    esac
    local ops=()
    if [ -n "$class" ]; then
        ops+=("/subsystem=sip:write-attribute(name=overload-valve-class, value=$class)")
    else
        ops+=("/subsystem=sip:undefine-attribute(name=overload-valve-class)")
    fi
    if [ "$heap" = forced ]; then
        ops+=("/subsystem=sip:write-attribute(name=overload-heap-low, value=1)" "/subsystem=sip:write-attribute(name=overload-heap-high, value=2)")
    else
        ops+=("/subsystem=sip:undefine-attribute(name=overload-heap-high)" "/subsystem=sip:undefine-attribute(name=overload-heap-low)")
    fi
    ops+=("/subsystem=sip:write-attribute(name=overload-udp-drop, value=$drop)" "reload")
    log "valve $what: reloading"
    cli_script "${ops[@]}"
    wait_ready "$HOST" "$SIP_PORT" tcp
    # Warm-up after the reload (the JIT keeps its code, the stack and container are new).
    run_sipp "$HOST" "$SIP_PORT" tcp 500 3 >/dev/null 2>&1 || true
}

metrics_text() {
    curl -s --max-time 2 "http://$HOST:$MGMT_PORT/metrics"
}

# A metric of /subsystem=sip (Prometheus name without the wildfly_sip_ prefix; counters may carry _total): its value,
# or -1 when absent.
metric() {
    metrics_text | awk -v name="wildfly_sip_$1" '($1 == name || $1 == name "_total") { printf "%.0f", $2; found = 1 } END { if (!found) printf "-1" }'
}

# A metric of one connector (label connector="udp" or "tcp", the names the provisioned server gives them).
connector_metric() {
    metrics_text | awk -v name="wildfly_sip_$1" -v label="connector=\"$2\"" '
        (index($1, name "{") == 1 || index($1, name "_total{") == 1) && index($1, label) > 0 { printf "%.0f", $2; found = 1 }
        END { if (!found) printf "-1" }'
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
# valve on, its state NORMAL. Prints the seconds, or -1 after RECOVERY_LIMIT s. Meanwhile appends the valve's
# signals to recovery-trace.csv (what holds it overloaded, if anything).
recovery_seconds() {
    local transport="$1" valve="$2" level="$3" start now probe elapsed
    start="$(date +%s.%N)"
    while true; do
        now="$(date +%s.%N)"
        elapsed="$(awk -v s="$start" -v n="$now" 'BEGIN { printf "%.1f", n - s }')"
        metrics_text | awk -v t="$transport" -v v="$valve" -v l="$level" -v e="$elapsed" '
            $1 ~ /^wildfly_sip_overload_(state|sojourn|event_loop_lag|heap_after_gc|new_work_loss)(_[a-z]+)?$/ { sub(/^wildfly_sip_overload_/, "", $1); m[$1] = $2 }
            $1 ~ /^wildfly_sip_oldest_task_wait/ { w = $2 }
            $1 ~ /^wildfly_sip_active_transactions/ { a = $2 }
            END { printf "%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\n", t, v, l, e, m["state"], m["sojourn_seconds"] m["sojourn"],
                  m["event_loop_lag_seconds"] m["event_loop_lag"], m["heap_after_gc_percent"] m["heap_after_gc"],
                  m["new_work_loss_percent"] m["new_work_loss"], w, a }' >>"$TRACE_CSV"
        if awk -v e="$elapsed" -v l="$RECOVERY_LIMIT" 'BEGIN { exit !(e > l) }'; then
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

RUN_START="$(date +%s)"
# True once the run has used its --max-minutes: no new step starts.
out_of_time() {
    [ $(( $(date +%s) - RUN_START )) -ge $(( MAX_MINUTES * 60 )) ]
}

# One overload step: SIPp at RATE for STEP_SECONDS plus the accepted-latency probe; appends a row to overload.csv.
overload_step() {
    local transport="$1" valve="$2" level="$3" rate="$4"
    local cpu_before cpu_after shed_before shed_after sent_before sent_after dropped_before dropped_after pauses_before pauses_after
    local sipp_line outcome probe_line recovery
    rm -f "$WORK"/stat-*.csv
    shed_before="$(metric overload_shed_new_work)"
    sent_before="$(metric overload_rejections_sent)"
    dropped_before="$(connector_metric dropped_sends "$transport")"
    pauses_before="$(connector_metric read_pauses "$transport")"
    cpu_before="$(cpu_ticks)"
    ( sleep 1; exec timeout -k 2 $(( STEP_SECONDS + 5 )) python3 "$HERE/probe.py" --host "$HOST" --port "$SIP_PORT" \
        --transport "$transport" --rate "$PROBE_RATE" --duration $(( STEP_SECONDS - 2 )) --accepted-only \
        >"$WORK/probe.out" 2>"$WORK/probe.err" ) &
    local probe_pid=$!
    sipp_line="$(run_sipp "$HOST" "$SIP_PORT" "$transport" "$rate" "$STEP_SECONDS" || true)"
    cpu_after="$(cpu_ticks)"
    recovery="$(recovery_seconds "$transport" "$valve" "$level")"
    wait "$probe_pid" || true
    shed_after="$(metric overload_shed_new_work)"
    sent_after="$(metric overload_rejections_sent)"
    dropped_after="$(connector_metric dropped_sends "$transport")"
    pauses_after="$(connector_metric read_pauses "$transport")"
    outcome="$(sipp_outcome)"
    probe_line="$(cat "$WORK/probe.out" 2>/dev/null)"
    [ -n "$probe_line" ] || probe_line="0;0;;;;;0"
    local seconds ok
    seconds="$(echo "$sipp_line" | cut -d';' -f5)"
    ok="$(echo "$outcome" | cut -d';' -f1)"
    local goodput
    goodput="$(awk -v o="$ok" -v s="$seconds" 'BEGIN { printf "%.0f", (s > 0 ? o / s : 0) }')"
    local row
    row="$transport,$valve,$level,$rate,$seconds,$(echo "$sipp_line" | cut -d';' -f1),$goodput,$(echo "$outcome" | tr ';' ','),$(echo "$probe_line" | tr ';' ','),$recovery,$(( cpu_after - cpu_before )),$(( shed_after - shed_before )),$(( sent_after - sent_before )),$(( dropped_after - dropped_before )),$(( pauses_after - pauses_before )),$(cut -d' ' -f1 /proc/loadavg)"
    echo "$row" >>"$RESULTS_CSV"
    log "$transport valve $valve ${level}x ${rate}/s: goodput ${goodput}/s (ok;unexpected;timeouts;other;retrans $outcome; probe n;lost;p50;p90;p99;max us;rejected $probe_line; recovery ${recovery} s; dropped sends $(( dropped_after - dropped_before )), read pauses $(( pauses_after - pauses_before )))"
    settle
}

# CPU of the server process per message: SIPp at RATE over TRANSPORT for STEP_SECONDS; the server's CPU (utime +
# stime) minus its idle CPU over as long, divided by the REGISTERs served (mode served) or by the requests the valve
# shed (modes shed, dropped: every datagram, SIPp's retransmissions included, is one shed message).
cpu_run() {
    local mode="$1" transport="$2" rate="$3" idle_before idle_after before after line outcome ok unexpected shed_before shed_after
    # The server's own background CPU (timers, GC, management) over the same time, subtracted.
    idle_before="$(cpu_ticks)"; sleep "$STEP_SECONDS"; idle_after="$(cpu_ticks)"
    rm -f "$WORK"/stat-*.csv
    shed_before="$(metric overload_shed_new_work)"
    before="$(cpu_ticks)"
    line="$(run_sipp "$HOST" "$SIP_PORT" "$transport" "$rate" "$STEP_SECONDS" || true)"
    after="$(cpu_ticks)"
    shed_after="$(metric overload_shed_new_work)"
    outcome="$(sipp_outcome)"
    ok="$(echo "$outcome" | cut -d';' -f1)"; unexpected="$(echo "$outcome" | cut -d';' -f2)"
    local hz seconds messages
    hz="$(getconf CLK_TCK)"
    seconds="$(echo "$line" | cut -d';' -f5)"
    if [ "$mode" = served ]; then messages="$ok"; else messages=$(( shed_after - shed_before )); fi
    local us
    us="$(awk -v c=$(( after - before )) -v i=$(( idle_after - idle_before )) -v h="$hz" -v m="$messages" \
        'BEGIN { printf "%.1f", (m > 0 ? (c - i) / h * 1e6 / m : 0) }')"
    echo "$transport,$mode,$rate,$seconds,$ok,$unexpected,$messages,$(( after - before )),$(( idle_after - idle_before )),$hz,$us,$(cut -d' ' -f1 /proc/loadavg)" >>"$CPU_CSV"
    log "cpu $transport $mode at ${rate}/s: $messages messages, $us us CPU each (ok $ok, 503 $unexpected, cpu $(( after - before )) ticks, idle $(( idle_after - idle_before )) ticks over ${STEP_SECONDS} s)"
}

TRACE_CSV="$OUT/recovery-trace.csv"
echo "transport,valve,level,seconds_after_load,state,sojourn_s,event_loop_lag_s,heap_after_gc_percent,new_work_loss_percent,oldest_task_wait_s,active_transactions" >"$TRACE_CSV"
echo "target,transport,offered_per_s,achieved_per_s,sent,succeeded,failed,retransmissions,seconds,sipp_rt_mean_ms,pass,probe_samples,probe_lost,p50_us,p90_us,p99_us,max_us" >"$STEPS_CSV"
echo "target,transport,max_zero_failure_per_s,first_failure_per_s" >"$MAX_CSV"
echo "transport,valve,level,offered_per_s,seconds,sent,goodput_per_s,ok,rejected_503,timeouts,other_failed,retransmissions,probe_samples,probe_lost,probe_p50_us,probe_p90_us,probe_p99_us,probe_max_us,probe_rejected,recovery_s,cpu_ticks,valve_shed_new_work,valve_503_sent,dropped_sends,read_pauses,load_average" >"$RESULTS_CSV"
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
[[ ",$TRANSPORTS," == *,udp,* ]] && { run_sipp "$HOST" "$SIP_PORT" udp 1000 5 >/dev/null 2>&1 || true; }
settle

IFS=',' read -r -a transport_list <<<"$TRANSPORTS"
IFS=',' read -r -a valve_list <<<"$VALVES"
declare -A CAPACITY=([udp]="$CAPACITY_UDP" [tcp]="$CAPACITY_TCP")
# The product's own capacity, valve off: with it on, a false trip of its marks would pass for the capacity.
if [ -z "${CAPACITY[udp]}${CAPACITY[tcp]}" ] || { [ -z "${CAPACITY[udp]}" ] && [[ ",$TRANSPORTS," == *,udp,* ]]; } \
    || { [ -z "${CAPACITY[tcp]}" ] && [[ ",$TRANSPORTS," == *,tcp,* ]]; }; then
    configure_valve off
fi
for transport in "${transport_list[@]}"; do
    if [ -z "${CAPACITY[$transport]}" ]; then
        saved="$STEP_SECONDS"; STEP_SECONDS="$CAPACITY_STEP_SECONDS"
        find_max ours "$HOST" "$SIP_PORT" "$transport" "$CAPACITY_LADDER"
        STEP_SECONDS="$saved"
        CAPACITY[$transport]="$(awk -F',' -v t="$transport" '$2 == t { c = $3 } END { print c }' "$MAX_CSV")"
        [ "${CAPACITY[$transport]}" -gt 0 ] || { log "capacity $transport: no rate of the ladder passed"; exit 1; }
    else
        echo "ours,$transport,${CAPACITY[$transport]},given" >>"$MAX_CSV"
    fi
    log "capacity $transport: ${CAPACITY[$transport]}/s"
done

for valve in "${valve_list[@]}"; do
    out_of_time && { log "out of time (--max-minutes $MAX_MINUTES): valve $valve not measured"; continue; }
    configure_valve "$valve"
    for transport in "${transport_list[@]}"; do
        ceiling=$SIPP_CEILING_UDP; [ "$transport" = tcp ] && ceiling=$SIPP_CEILING_TCP
        for level in $LEVELS; do
            out_of_time && { log "out of time: $transport ${level}x valve $valve not measured"; continue; }
            rate="$(awk -v l="$level" -v c="${CAPACITY[$transport]}" 'BEGIN { printf "%.0f", l * c }')"
            [ "$rate" -gt "$ceiling" ] && log "note: ${rate}/s is above SIPp's own ceiling over $transport (${ceiling}/s)"
            overload_step "$transport" "$valve" "$level" "$rate"
        done
    done
done

if [ "$SKIP_CPU" = 0 ]; then
    echo "transport,mode,rate_per_s,seconds,ok,rejected_503,messages,cpu_ticks,idle_cpu_ticks,ticks_per_s,us_per_message,load_average" >"$CPU_CSV"
    for transport in "${transport_list[@]}"; do
        out_of_time && { log "out of time: CPU per message over $transport not measured"; continue; }
        capacity="${CAPACITY[$transport]}"
        configure_valve on
        cpu_run served "$transport" "$capacity"
        configure_valve forced
        log "valve forced: state $(metric overload_state), new-work loss $(metric overload_new_work_loss_percent)%"
        cpu_run shed "$transport" "$capacity"
        cpu_run shed "$transport" $(( 2 * capacity ))
        if [ "$transport" = udp ]; then
            configure_valve forced-drop
            cpu_run dropped udp "$capacity"
        fi
    done
    python3 - "$CPU_CSV" "$OUT/cpu-summary.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
served = {r["transport"]: float(r["us_per_message"]) for r in rows if r["mode"] == "served"}
with open(sys.argv[2], "w") as out:
    out.write("transport,mode,rate_per_s,us_per_message,share_of_served\n")
    for r in rows:
        base = served.get(r["transport"], 0)
        share = "%.1f%%" % (100 * float(r["us_per_message"]) / base) if base > 0 else ""
        out.write("%s,%s,%s,%s,%s\n" % (r["transport"], r["mode"], r["rate_per_s"], r["us_per_message"], share))
        print("cpu %-4s %-8s at %6s/s: %8s us/message %s of served" % (r["transport"], r["mode"], r["rate_per_s"], r["us_per_message"], share))
PY
fi

command -v gnuplot >/dev/null 2>&1 || { log "installing gnuplot-nox"; apt-get install -y -q gnuplot-nox >/dev/null; }
python3 "$HERE/overload_plot.py" "$OUT"
# The server's log, with the paths of this machine replaced, so that it can be kept with the results.
sed -e "s|$SERVER|\$JBOSS_HOME|g" -e "s|$(cd "$HERE/../.." && pwd)|.|g" "$WORK/server.log" >"$OUT/server.log" 2>/dev/null || true
log "done in $(( ($(date +%s) - RUN_START) / 60 )) min"
