#!/usr/bin/env bash
# CPU of the registrar on WildFly per REGISTER served, shed with a 503 and dropped silently by the overload valve, at
# one fixed rate per transport, and where that CPU goes: user against kernel time, by thread, and (with --perf) the
# hottest functions of the process, Java and kernel alike.
#
# 1. Starts wildfly-config/target/server with the registrar (no digest) on its own port offset; stopped at the end.
# 2. Per transport and mode (served: the default valve, not overloaded; shed: DrainValve, every REGISTER answered 503;
#    dropped, UDP only: the same with overload-udp-drop): reload, warm up, the server's idle CPU over --seconds, then
#    SIPp at --rate-udp/--rate-tcp for --seconds. SIPp runs sipp/register-uac-any-final.xml, which takes a 503 as the
#    end of a call: it keeps offering its rate while every REGISTER is shed (over TCP, the 503 failing each call made
#    SIPp's rate collapse).
# 3. In --out (default results/shed-cost): cpu.csv, per message the server's CPU minus its idle CPU (utime + stime,
#    and each apart); threads.csv, CPU by thread group per run; with --perf, perf-TRANSPORT-MODE.txt (samples by thread,
#    the event loops' by function) and syscalls.csv (system calls per message).
#
# Messages: served = SIPp's answered REGISTERs minus the stack's stateless responses (503s); shed and dropped = the
# messages the connector received (DrainValve sheds every one; over UDP SIPp's retransmissions count too). Bounded:
# each SIPp run by `timeout`, each wait by a limit; only 127.0.0.0/8. Every process started here is stopped on exit.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SERVER="$(cd "$HERE/../.." && pwd)/wildfly-config/target/server"
OFFSET=1300
STEP_SECONDS=8
WARM_SECONDS=15
TRANSPORTS="udp,tcp"
MODES="served,shed,dropped"
RATE_UDP=1500
RATE_TCP=2000
PERF=0
OUT="$HERE/results/shed-cost"
PROBE_RATE=0
BISECTIONS=0

usage() {
    cat <<USAGE
Usage: $0 [--transports udp,tcp] [--modes served,shed,dropped] [--rate-udp N] [--rate-tcp N] [--seconds N]
          [--port-offset N] [--perf] [--server DIR] [--out DIR]
  --rate-*       REGISTER/s offered over that transport (defaults $RATE_UDP and $RATE_TCP): the same for every mode
  --seconds      length of each measured run and of each idle measurement (default $STEP_SECONDS)
  --warm-up      seconds of load at the rate before each measurement, after the reload (default $WARM_SECONDS)
  --perf         also profile each run with perf (cpu-clock, kernel and Java symbols): perf-TRANSPORT-MODE.txt
  --port-offset  WildFly's port offset (default $OFFSET)
  --server       the provisioned server to run (default wildfly-config/target/server), e.g. a copy of an older build
USAGE
}

while [ $# -gt 0 ]; do
    case "$1" in
        --transports) TRANSPORTS="$2"; shift ;;
        --modes) MODES="$2"; shift ;;
        --rate-udp) RATE_UDP="$2"; shift ;;
        --rate-tcp) RATE_TCP="$2"; shift ;;
        --seconds) STEP_SECONDS="$2"; shift ;;
        --warm-up) WARM_SECONDS="$2"; shift ;;
        --port-offset) OFFSET="$2"; shift ;;
        --perf) PERF=1 ;;
        --server) SERVER="$2"; shift ;;
        --out) OUT="$2"; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
    esac
    shift
done

command -v sipp >/dev/null 2>&1 || { echo "sipp is not installed (Debian package sip-tester)" >&2; exit 3; }
[ -x "$SERVER/bin/standalone.sh" ] || { echo "no server at $SERVER: build first (mvn -q -o verify -DskipTests)" >&2; exit 2; }
[ "$PERF" = 0 ] || command -v perf >/dev/null 2>&1 || { echo "--perf needs perf (Debian package linux-perf)" >&2; exit 3; }

# The work directory and its cleanup, log, wait_ready, run_sipp.
source "$HERE/lib.sh"
# Four persistent TCP connections (one SIPp each) rather than lib.sh's two: the rate per connection stays well below
# where one SIPp process tops out.
processes_for() {
    case "$1" in udp) echo 2 ;; *) echo 4 ;; esac
}

HOST=127.0.0.1
SIP_PORT=$(( 5060 + OFFSET ))
MGMT_PORT=$(( 9990 + OFFSET ))
SIPP_SCENARIO="$HERE/sipp/register-uac-any-final.xml"
SIPP_LIMIT_SECONDS=3
mkdir -p "$OUT"
: >"$OUT/cli.log"
CPU_CSV="$OUT/cpu.csv"
THREADS_CSV="$OUT/threads.csv"
HZ="$(getconf CLK_TCK)"

SERVER_PID=""
start_server() {
    log "server: starting $SERVER (port offset $OFFSET)"
    cp "$SERVER/standalone/configuration/standalone.xml" "$SERVER/standalone/configuration/standalone-shed-cost.xml"
    LAUNCH_JBOSS_IN_BACKGROUND=1 JBOSS_PIDFILE="$WORK/server.pid" "$SERVER/bin/standalone.sh" \
        -c standalone-shed-cost.xml -Djboss.socket.binding.port-offset="$OFFSET" -Dsipcity.registrar.authenticate=false \
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

cli_script() {
    local script="$WORK/valve.cli" attempt
    printf '%s\n' "$@" >"$script"
    for attempt in 1 2 3; do
        "$SERVER/bin/jboss-cli.sh" -c --controller="$HOST:$MGMT_PORT" --timeout=30000 --file="$script" \
            >>"$OUT/cli.log" 2>&1 && return 0
        log "cli: attempt $attempt failed, see $OUT/cli.log"
        sleep 2
    done
    return 1
}

# served: the default valve (SojournTimeValve) at its default marks, not overloaded; shed: DrainValve, which sheds all
# new work whatever the load (the default valve forced overloaded by low heap marks lets requests through whenever its
# heap reading ages out, about every 7 s with so little allocation); dropped: DrainValve with overload-udp-drop.
configure_valve() {
    local mode="$1" class="undefine-attribute(name=overload-valve-class)" drop=false
    [ "$mode" = served ] || class="write-attribute(name=overload-valve-class, value=org.sipcity.stack.overload.DrainValve)"
    [ "$mode" = dropped ] && drop=true
    log "valve for $mode: reloading"
    cli_script "/subsystem=sip:$class" "/subsystem=sip:write-attribute(name=overload-udp-drop, value=$drop)" reload
    wait_ready "$HOST" "$SIP_PORT" tcp
}

metric() {
    curl -s --max-time 2 "http://$HOST:$MGMT_PORT/metrics" | awk -v name="wildfly_sip_$1" \
        '($1 == name || $1 == name "_total") { printf "%.0f", $2; found = 1 } END { if (!found) printf "-1" }'
}

# A counter of one connector (label connector="udp" or "tcp").
connector_metric() {
    curl -s --max-time 2 "http://$HOST:$MGMT_PORT/metrics" | awk -v name="wildfly_sip_$1" -v label="connector=\"$2\"" '
        (index($1, name "{") == 1 || index($1, name "_total{") == 1) && index($1, label) > 0 { printf "%.0f", $2; found = 1 }
        END { if (!found) printf "-1" }'
}

# utime stime of the server process, in clock ticks.
cpu_ticks() {
    awk '{ print $14, $15 }' "/proc/$SERVER_PID/stat"
}

# Per thread: name with its digits folded (one group per pool), utime + stime in ticks.
thread_ticks() {
    for stat in /proc/"$SERVER_PID"/task/*/stat; do
        cat "$stat" 2>/dev/null || true
    done | python3 -c '
import re, sys, collections
user, kernel = collections.Counter(), collections.Counter()
for line in sys.stdin:
    name = re.sub(r"[0-9]+", "#", line[line.index("(") + 1:line.rindex(")")])
    fields = line[line.rindex(")") + 2:].split()
    user[name] += int(fields[11])
    kernel[name] += int(fields[12])
for name in user:
    print("%s\t%d\t%d" % (name, user[name], kernel[name]))'
}

# One measured run: idle CPU over STEP_SECONDS, then SIPp at RATE for STEP_SECONDS; appends to cpu.csv and threads.csv.
measure() {
    local transport="$1" mode="$2" rate="$3"
    local idle_u0 idle_s0 idle_u1 idle_s1 u0 s0 u1 s1 shed0 shed1 sent0 sent1 line ok messages perf_pid=""
    read -r idle_u0 idle_s0 < <(cpu_ticks)
    sleep "$STEP_SECONDS"
    read -r idle_u1 idle_s1 < <(cpu_ticks)
    rm -f "$WORK"/stat-*.csv
    shed0="$(connector_metric messages_in "$transport")"; sent0="$(metric stateless_responses)"
    thread_ticks >"$WORK/threads-before"
    if [ "$PERF" = 1 ]; then
        perf record -q -F 499 -e cpu-clock -p "$SERVER_PID" -o "$WORK/perf.data" -- sleep "$STEP_SECONDS" \
            >/dev/null 2>&1 &
        perf_pid=$!
        # System calls of the run, to tell how many messages each recvmmsg/sendmmsg/writev and each wake-up carried.
        local calls="" call
        for call in recvmmsg recvmsg recvfrom read sendmmsg sendmsg sendto write writev epoll_wait epoll_pwait epoll_pwait2; do
            calls="$calls,syscalls:sys_enter_$call"
        done
        perf stat -x, -e "${calls#,}" -p "$SERVER_PID" -o "$WORK/syscalls.csv" -- sleep "$STEP_SECONDS" >/dev/null 2>&1 &
        perf_pid="$perf_pid $!"
    fi
    read -r u0 s0 < <(cpu_ticks)
    line="$(run_sipp "$HOST" "$SIP_PORT" "$transport" "$rate" "$STEP_SECONDS" || true)"
    read -r u1 s1 < <(cpu_ticks)
    thread_ticks >"$WORK/threads-after"
    shed1="$(connector_metric messages_in "$transport")"; sent1="$(metric stateless_responses)"
    ok="$(echo "$line" | cut -d';' -f2)"
    if [ "$mode" = served ]; then
        messages=$(( ok - (sent1 - sent0) ))
    else
        messages=$(( shed1 - shed0 ))
    fi
    local per
    per="$(awk -v u=$(( u1 - u0 - (idle_u1 - idle_u0) )) -v s=$(( s1 - s0 - (idle_s1 - idle_s0) )) -v h="$HZ" \
        -v m="$messages" 'BEGIN { if (m <= 0) m = 1; printf "%.1f,%.1f,%.1f", (u + s) / h * 1e6 / m, u / h * 1e6 / m, s / h * 1e6 / m }')"
    echo "$transport,$mode,$rate,$STEP_SECONDS,$(echo "$line" | cut -d';' -f1),$ok,$(( sent1 - sent0 )),$messages,$(( u1 - u0 )),$(( s1 - s0 )),$(( idle_u1 - idle_u0 )),$(( idle_s1 - idle_s0 )),$per,$(cut -d' ' -f1 /proc/loadavg)" >>"$CPU_CSV"
    log "$transport $mode at ${rate}/s: $messages messages; us per message total,user,kernel: $per (SIPp sent;ok;failed;retrans;s;rt: $line; 503s $(( sent1 - sent0 )); load $(cut -d' ' -f1 /proc/loadavg))"
    python3 - "$WORK/threads-before" "$WORK/threads-after" "$transport" "$mode" "$messages" "$HZ" >>"$THREADS_CSV" <<'PY'
import sys
def read(path):
    rows = (l.rstrip("\n").split("\t") for l in open(path) if "\t" in l)
    return {r[0]: (int(r[1]), int(r[2])) for r in rows}
before, after = read(sys.argv[1]), read(sys.argv[2])
transport, mode, messages, hz = sys.argv[3], sys.argv[4], max(1, int(sys.argv[5])), int(sys.argv[6])
us = lambda ticks: ticks / hz * 1e6 / messages
deltas = []
for name, (u, k) in after.items():
    u0, k0 = before.get(name, (0, 0))
    deltas.append((u - u0 + k - k0, u - u0, k - k0, name))
for total, u, k, name in sorted(deltas, reverse=True)[:10]:
    if total > 0:
        print("%s,%s,%s,%d,%.1f,%.1f,%.1f" % (transport, mode, name.replace(",", " "), total, us(total), us(u), us(k)))
PY
    if [ -n "$perf_pid" ]; then
        wait $perf_pid || true
        awk -F, -v t="$transport" -v m="$mode" -v n="$messages" '$3 ~ /^syscalls:sys_enter_/ && $1 > 0 {
            sub(/^syscalls:sys_enter_/, "", $3); printf "%s,%s,%s,%d,%.3f\n", t, m, $3, $1, $1 / (n > 0 ? n : 1) }' \
            "$WORK/syscalls.csv" >>"$OUT/syscalls.csv" || true
        jcmd "$SERVER_PID" Compiler.perfmap >/dev/null 2>&1 || true
        # Samples by thread, then the event loops' own by function (share of all the process's samples).
        {
            perf report -q -i "$WORK/perf.data" --no-children -g none --sort comm --stdio 2>/dev/null | grep -v '^$' | head -12
            echo "-- event loops (sip-io-*) by function:"
            perf report -q -i "$WORK/perf.data" --no-children -g none --sort comm,dso,sym --stdio 2>/dev/null \
                | grep ' sip-io-' | head -60
        } >"$OUT/perf-$transport-$mode.txt" || true
        rm -f "$WORK/perf.data" "/tmp/perf-$SERVER_PID.map"
    fi
}

[ -s "$CPU_CSV" ] || echo "transport,mode,rate_per_s,seconds,sipp_sent,sipp_answered,rejections_503,messages,utime_ticks,stime_ticks,idle_utime_ticks,idle_stime_ticks,us_per_message,user_us_per_message,kernel_us_per_message,load_average" >"$CPU_CSV"
[ "$PERF" = 0 ] || [ -s "$OUT/syscalls.csv" ] || echo "transport,mode,system_call,calls,per_message" >"$OUT/syscalls.csv"
[ -s "$THREADS_CSV" ] || echo "transport,mode,thread_group,ticks,us_per_message,user_us_per_message,kernel_us_per_message" >"$THREADS_CSV"

start_server
log "warm-up: registering the users of users.csv"
run_sipp "$HOST" "$SIP_PORT" tcp 1000 5 >/dev/null 2>&1 || true
IFS=',' read -r -a transport_list <<<"$TRANSPORTS"
IFS=',' read -r -a mode_list <<<"$MODES"
for mode in "${mode_list[@]}"; do
    configure_valve "$mode"
    for transport in "${transport_list[@]}"; do
        [ "$mode" = dropped ] && [ "$transport" != udp ] && continue
        rate="$RATE_UDP"; [ "$transport" = tcp ] && rate="$RATE_TCP"
        # Warm-up of this path after the reload, long enough for the JIT to finish compiling it (on a loaded 2-core
        # host its compiler threads otherwise take more CPU during the measured run than the messages do).
        run_sipp "$HOST" "$SIP_PORT" "$transport" "$rate" "$WARM_SECONDS" >/dev/null 2>&1 || true
        measure "$transport" "$mode" "$rate"
    done
done
log "done: $CPU_CSV"
