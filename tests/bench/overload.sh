#!/usr/bin/env bash
# Overload benchmark (the paper's Figures 10 and 11): goodput of the registrar on the provisioned WildFly against
# offered REGISTER load, with the overload valve on and off, over UDP and persistent TCP; in-dialog requests and
# responses alongside; the server's CPU per served, shed and dropped request.
#
# The server must be the bottleneck, not the generator. The paper had the server and the generators on separate
# machines; on a shared 2-core host the script pins the server to one core and every load generator, probe and CLI
# to the other (`taskset`, --pin, default on), so that the server's core does nothing but serve and the generator
# is never starved by the server it loads. The load comes from tests/loadgen's OfferedLoadMain: an open-loop REGISTER
# generator on Netty that keeps offering its rate whatever the answers (SIPp over one TCP connection tops out near
# 35,000/s and, once answered 503, sends little), over a few persistent TCP connections or UDP sockets, and counts
# 200s, 503s, other answers and timeouts (2 s; over UDP after Timer E retransmissions).
#
# 1. Starts wildfly-config/target/server with the registrar (open registrar: no digest, see README) on a port offset
#    of its own (pinned), stopped at the end; registers the 20,000 users once.
# 2. Capacity per transport of the pinned server: the highest REGISTER rate answered with zero failures (no 503,
#    no timeout, no other answer, the rate achieved), a ladder then bisections, with the valve off so that the
#    valve's own marks do not clip it.
# 3. With the valve on, then off (overload-valve-class = AdmitAllValve, reload): 0.5x-4x (--levels) the capacity for
#    --step-seconds each. Per step: offered and achieved offered rate, goodput, 503s, timeouts, drops (the server's
#    UDP socket's kernel drops; over TCP the requests the generator could not write while the server had stopped
#    reading), accepted p50/p99, the in-dialog side stream's success (BYE and OPTIONS with a To tag at
#    --in-dialog-rate, answered 481 by the server: served, not shed; and as many stray responses, counted by the
#    valve), server CPU, the valve's transitions and counters, and the recovery time after the load stops (with a
#    trace of the valve's signals: recovery-trace.csv), and where the server's core went by thread group over the
#    step (threads.csv: CPU, run-queue wait, slices, from the kernel's schedstat, thread_sched.py).
# 4. CPU per message at the capacity rate and above: served (valve on), shed with 503 (DrainValve: every new REGISTER
#    shed whatever the load) at 1x and 2x, and over UDP dropped silently (overload-udp-drop) at 1x.
# 5. results/overload/*.csv, the printed tables and goodput-against-offered-load plots (PNG).
#
# Bounded: every generator run by `timeout`, every wait by a limit, and the whole run by --max-minutes (default 75):
# past it no new step starts and the results so far are written. Everything runs on 127.0.0.0/8; every process
# started here is stopped on exit. A run can be split (per transport, per valve; --capacity-* given) so that each
# part fits one hold of a shared benchmark lock; --append adds its rows to the same results directory.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
SERVER="$ROOT/wildfly-config/target/server"
LOADGEN="$ROOT/tests/loadgen/target"
OFFSET=800
STEP_SECONDS=10
CAPACITY_STEP_SECONDS=8
LEVELS="0.5 1 2 3 4"
TRANSPORTS="udp,tcp"
VALVES="on,off"
# The capacity search's rates, up to 128,000/s: on a fast 2 vCPU AMD EPYC the pinned server served 105,000-129,000
# REGISTER/s over TCP (2026-11-27), and a ladder that ends below the capacity understates every level above it.
CAPACITY_LADDER="1000 2000 3000 4000 6000 8000 12000 16000 24000 32000 48000 64000 96000 128000"
MAX_MINUTES=75
CAPACITY_UDP=""
CAPACITY_TCP=""
CAPACITY_ONLY=0
SKIP_CPU=0
APPEND=0
OUT="$HERE/results/overload"
PIN=1
SERVER_CPU=1
GENERATOR_CPU=0
IN_DIALOG_RATE=50
CONNECTIONS_TCP=4
CONNECTIONS_UDP=2
RESPONSE_TIMEOUT_S=2
BISECTIONS=3
# Full-length confirmations of the searched capacity after a reload, each 5% lower than the one before (0: none).
CONFIRM_TRIES=3
RECOVERY_LIMIT=30
# A capacity step passes only if the requests scheduled in its last 2 s were answered within this at the median (ms).
CAPACITY_TAIL_MS=100
# lib.sh's step() is not used here; it wants these set.
PROBE_RATE=0
# SO_RCVBUF of the server's TCP connector (receive-buffer-size), bytes; empty: the connector's default.
TCP_RECEIVE_BUFFER=""
# SO_RCVBUF of the server's UDP connector (receive-buffer-size), bytes; empty: the connector's default (4 MiB, capped
# by net.core.rmem_max).
UDP_RECEIVE_BUFFER=""
# The sender of the overload steps over TCP is an upstream proxy that queues little for a connection the server reads
# slowly, as Kamailio does (tcp_conn_wq_max, 32 KiB by default) and as Shen and Schulzrinne advise: 16 KiB in its
# process (OfferedLoadMain --write-queue) and 16 KiB not yet sent in its kernel (--unsent-limit, TCP_NOTSENT_LOWAT),
# its socket buffers the OS's (--socket-buffer 0). What it cannot queue it holds back (the upstream's own 503): above
# capacity TCP flow control keeps the excess there, and an accepted request waits behind at most 32 KiB of its own
# connection's requests. A sender that queues megabytes (the default before 2026-11-28: 4 MiB buffers and 512 KiB in
# the process) measures its own queue: 1.2-1.9 s at 2-3x, whatever the server did. A small --socket-buffer instead of
# --unsent-limit shrinks the window too, and on loopback (64 KiB segments) a window below one segment stalls a
# connection on the persist timer for seconds (timeouts with 32 KiB, tests/bench/README.md session 20).
GENERATOR_SOCKET_BUFFER=0
GENERATOR_WRITE_QUEUE=16384
GENERATOR_UNSENT_LIMIT=16384
# The capacity search's sender absorbs the server's pauses (a young collection, 30-60 ms on one core) in its queue, so
# that the capacity is the rate the server sustains: with 32 KiB the requests due during a pause are held back and
# the search found 34,000-36,000/s where the same server served 61,000-83,000/s above it (2026-11-28).
CAPACITY_SOCKET_BUFFER=4194304
CAPACITY_WRITE_QUEUE=524288
# Seconds each capacity and overload step's generator warms up first, not counted (OfferedLoadMain --warmup).
GENERATOR_WARMUP_S=2
# Seconds of load, rising to 80% of the capacity in three steps, before the steps of a run whose capacities are given
# (0: none).
WARM_LOAD_S=24
# Nice value of the server and the generators (auto: -10 when run as root, else 0; 0: as started).
NICE=auto
# Seconds of load after each reload, at half the capacity over the transport measured next (configure_valve).
RELOAD_WARMUP_S=5
# Warm-up chunks after a reload, at most, and the compiler threads' share of the server's core that ends them (%).
RELOAD_WARMUP_CHUNKS=5
RELOAD_WARMUP_JIT_PCT=3
# Valve order per level: alternate (on,off at the first level, off,on at the next, ...) or on-first.
ORDER=alternate
# The server's share of its core in percent (--server-cpu-quota; empty: all of it), and the CFS period it is
# enforced over (short, so that a throttled server stops for at most a few milliseconds at a time).
SERVER_CPU_QUOTA=""
SERVER_CPU_PERIOD_US=5000
# The nice value of the server's SIP event loops (threads sip-io-*) after every start and reload (--loop-nice; empty:
# as the server's other threads).
LOOP_NICE=""

usage() {
    cat <<USAGE
Usage: $0 [--transports udp,tcp] [--valves on,off] [--levels "0.5 1 2 3 4"] [--step-seconds N] [--port-offset N]
          [--capacity-udp N] [--capacity-tcp N] [--capacity-ladder "1000 2000 ..."] [--bisections N] [--capacity-only] [--skip-cpu]
          [--capacity-tail-ms MS] [--confirm-tries N] [--reload-warmup S] [--nice N] [--warm-load S]
          [--no-pin] [--server-cpu N] [--generator-cpu N] [--in-dialog-rate N] [--connections-tcp N]
          [--connections-udp N] [--max-minutes N] [--tcp-receive-buffer BYTES] [--udp-receive-buffer BYTES] [--generator-socket-buffer BYTES]
          [--generator-write-queue BYTES] [--generator-unsent-limit BYTES]
          [--generator-warmup S] [--order alternate|on-first] [--server-cpu-quota PCT] [--loop-nice N] [--server DIR] [--append] [--out DIR]
  --valves         the valves measured at each level, in order: on (the default valve), off (AdmitAllValve),
                   on-queue (the default valve with its UDP standing-queue signal on), on-drop (the default valve
                   shedding UDP requests silently instead of with a 503), on-read-all (the default valve with
                   overload-udp-read-all and a shed cost of READ_ALL_SHED_COST%, 35 unless set in the
                   environment); default $VALVES
  --capacity-*     skip the capacity search for that transport and use N REGISTER/s
  --capacity-only  search the capacities (valve off), write capacity.csv and stop
  --bisections N   bisections after the ladder's first failure (default $BISECTIONS)
  --capacity-tail-ms MS  a capacity step passes only if the requests scheduled in its last 2 s were answered within
                   MS at the median (default $CAPACITY_TAIL_MS): the rate is sustained, not carried by a growing backlog
  --confirm-tries N      confirm the searched capacity with up to N full-length valve-off steps after a reload, each
                   5% lower than the last (default $CONFIRM_TRIES; 0: take the search's figure)
  --reload-warmup S      seconds of load at half the capacity after each reload, repeated (up to
                         --reload-warmup-chunks, default $RELOAD_WARMUP_CHUNKS) until the JIT compilers take under
                         $RELOAD_WARMUP_JIT_PCT% of the server's core in one (default $RELOAD_WARMUP_S)
  --warm-load S    with the capacities given (no search), S seconds at 50, 65 then 80% of them before the first step, so that
                   the JIT has compiled the served path as in a search (default $WARM_LOAD_S; 0: none)
  --nice N         nice value of the server and the generators (default auto: -10 as root, else 0), so that on a
                   shared host the pinned server keeps its core against other processes
  --no-pin         do not pin (default: server on core --server-cpu $SERVER_CPU, generators on --generator-cpu
                   $GENERATOR_CPU; on one shared host that is what keeps the generator from measuring itself)
  --append         add to the CSVs of --out instead of starting them again (a run split into several parts)
  --max-minutes    no new step starts after this many minutes (default $MAX_MINUTES)
  --tcp-receive-buffer       the TCP connector's receive-buffer-size (SO_RCVBUF of each accepted connection);
                             default: the connector's own default
  --udp-receive-buffer       the UDP connector's receive-buffer-size (default: the connector's 4 MiB; the kernel caps
                             it at net.core.rmem_max, and the connector warns when it does)
  The three --generator-* options set the overload steps' sender over TCP (the capacity search's always queues
  ${CAPACITY_WRITE_QUEUE} B in its process and has ${CAPACITY_SOCKET_BUFFER} B socket buffers, so that it absorbs the server's pauses):
  --generator-socket-buffer  its socket buffers (default $GENERATOR_SOCKET_BUFFER: the OS's, autotuned)
  --generator-write-queue    bytes it queues per connection in its own process before it holds a due REGISTER
                             back (default $GENERATOR_WRITE_QUEUE)
  --generator-unsent-limit   the most bytes not yet sent in each connection's kernel send buffer (TCP_NOTSENT_LOWAT;
                             default $GENERATOR_UNSENT_LIMIT; 0: none). It bounds the sender's queue where a small
                             --generator-socket-buffer would shrink the window too: on loopback (64 KiB segments) a
                             window below one segment stalls a connection on the persist timer for seconds
  --generator-warmup S       each capacity and overload step's generator first offers for S seconds, not counted
                             (capacity steps at their rate, overload steps at half the capacity; default $GENERATOR_WARMUP_S)
  --order          alternate (default): per transport, level by level, valve on then off at the first level, off then
                   on at the next, and so on, so that neither side always runs on the warmer JVM; on-first: every
                   level with the valve on, then every level with it off (the order before 2026-11-26)
  --server-cpu-quota PCT  the server gets at most PCT% of its core (a CFS quota over ${SERVER_CPU_PERIOD_US} us periods in a cgroup
                   of its own; needs root and the cpu controller, v1 or v2): a slower server against the same
                   generator, whose core then has (100 / PCT) times the server's, as the paper's separate generator
                   machines had. Every capacity and level is the throttled server's own
  --loop-nice N    renice the server's SIP event loops (threads sip-io-*) to N after every start and reload, so that
                   on a shared core they outweigh the server's other threads (the location write-back, H2, the
                   collector's concurrent threads, the compilers) by the CFS weights of the two nice values
  GENERATOR_JAVA_OPTS (environment): more options for the generators' JVMs, e.g. -Xlog:gc:file=DIR/gen-%p.log
  --server DIR     the provisioned server to run (default wildfly-config/target/server), e.g. a copy that a
                   rebuild during the run cannot change
  --port-offset    WildFly's port offset (default $OFFSET: SIP on $((5060 + OFFSET)), management on $((9990 + OFFSET)))
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
        --bisections) BISECTIONS="$2"; shift ;;
        --capacity-tail-ms) CAPACITY_TAIL_MS="$2"; shift ;;
        --confirm-tries) CONFIRM_TRIES="$2"; shift ;;
        --reload-warmup) RELOAD_WARMUP_S="$2"; shift ;;
        --reload-warmup-chunks) RELOAD_WARMUP_CHUNKS="$2"; shift ;;
        --nice) NICE="$2"; shift ;;
        --warm-load) WARM_LOAD_S="$2"; shift ;;
        --capacity-only) CAPACITY_ONLY=1 ;;
        --skip-cpu) SKIP_CPU=1 ;;
        --no-pin) PIN=0 ;;
        --server-cpu) SERVER_CPU="$2"; shift ;;
        --generator-cpu) GENERATOR_CPU="$2"; shift ;;
        --in-dialog-rate) IN_DIALOG_RATE="$2"; shift ;;
        --connections-tcp) CONNECTIONS_TCP="$2"; shift ;;
        --connections-udp) CONNECTIONS_UDP="$2"; shift ;;
        --max-minutes) MAX_MINUTES="$2"; shift ;;
        --tcp-receive-buffer) TCP_RECEIVE_BUFFER="$2"; shift ;;
        --udp-receive-buffer) UDP_RECEIVE_BUFFER="$2"; shift ;;
        --generator-socket-buffer) GENERATOR_SOCKET_BUFFER="$2"; shift ;;
        --generator-write-queue) GENERATOR_WRITE_QUEUE="$2"; shift ;;
        --generator-unsent-limit) GENERATOR_UNSENT_LIMIT="$2"; shift ;;
        --generator-warmup) GENERATOR_WARMUP_S="$2"; shift ;;
        --order) ORDER="$2"; shift ;;
        --server-cpu-quota) SERVER_CPU_QUOTA="$2"; shift ;;
        --loop-nice) LOOP_NICE="$2"; shift ;;
        --append) APPEND=1 ;;
        --out) OUT="$2"; shift ;;
        --server) SERVER="$2"; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
    esac
    shift
done

# Byte sizes, refused before anything starts: NAME VALUE MIN [MAX] (an empty receive buffer means the connector's default).
bytes_option() {
    local name="$1" value="$2" min="$3" max="${4:-2147483647}"
    [[ "$value" =~ ^[0-9]+$ ]] && [ "$value" -ge "$min" ] && [ "$value" -le "$max" ] \
        || { echo "$name must be a whole number of bytes from $min to $max, got '$value'" >&2; exit 2; }
}
[ -z "$TCP_RECEIVE_BUFFER" ] || bytes_option --tcp-receive-buffer "$TCP_RECEIVE_BUFFER" 1
[ -z "$UDP_RECEIVE_BUFFER" ] || bytes_option --udp-receive-buffer "$UDP_RECEIVE_BUFFER" 1
bytes_option --generator-socket-buffer "$GENERATOR_SOCKET_BUFFER" 0
bytes_option --generator-write-queue "$GENERATOR_WRITE_QUEUE" 2048 $(( 64 << 20 ))
bytes_option --generator-unsent-limit "$GENERATOR_UNSENT_LIMIT" 0

IFS=',' read -r -a requested_valves <<<"$VALVES"
for valve in "${requested_valves[@]}"; do
    case "$valve" in on|off|on-queue|on-drop|on-read-all) ;; *) echo "--valves: unknown valve '$valve' (on, off, on-queue, on-drop, on-read-all)" >&2; exit 2 ;; esac
done
[ -x "$SERVER/bin/standalone.sh" ] || { echo "no server at $SERVER: build first (mvn -q -o verify -DskipTests)" >&2; exit 2; }
[ -d "$LOADGEN/classes" ] && [ -s "$LOADGEN/loadgen.classpath" ] || {
    echo "no load generator at $LOADGEN: build it (mvn -q -o package -pl tests/loadgen -am -DskipTests)" >&2; exit 2; }
LOADGEN_CP="$LOADGEN/classes:$(cat "$LOADGEN/loadgen.classpath")"

# The work directory and its cleanup, log, wait_ready.
source "$HERE/lib.sh"

# Pinning: the server's core and the generators' core.
SERVER_PIN=()
GENERATOR_PIN=()
if [ "$PIN" = 1 ]; then
    command -v taskset >/dev/null 2>&1 || { echo "taskset not found (util-linux); use --no-pin" >&2; exit 3; }
    [ "$SERVER_CPU" != "$GENERATOR_CPU" ] || { echo "--server-cpu and --generator-cpu must differ" >&2; exit 2; }
    SERVER_PIN=(taskset -c "$SERVER_CPU")
    GENERATOR_PIN=(taskset -c "$GENERATOR_CPU")
fi
# Priority: pinning gives the server a core, but on a shared host other processes (builds) still run on it, and the
# server's share of its core then moved from step to step (36-100% measured): the capacity searched at one moment
# was not the one served at the next. Every thread the server and the generators start inherits the nice value.
if [ "$NICE" = auto ]; then NICE=$( [ "$(id -u)" = 0 ] && echo -10 || echo 0 ); fi
if [ "$NICE" != 0 ]; then
    SERVER_PIN=(nice -n "$NICE" "${SERVER_PIN[@]}")
    GENERATOR_PIN=(nice -n "$NICE" "${GENERATOR_PIN[@]}")
fi

[[ "${READ_ALL_SHED_COST:-35}" =~ ^[0-9]+$ ]] && [ "${READ_ALL_SHED_COST:-35}" -le 100 ] \
    || { echo "READ_ALL_SHED_COST must be a whole percentage from 0 to 100, got '$READ_ALL_SHED_COST'" >&2; exit 2; }
[ -z "$LOOP_NICE" ] || { [[ "$LOOP_NICE" =~ ^-?[0-9]+$ ]] && [ "$LOOP_NICE" -ge -20 ] && [ "$LOOP_NICE" -le 19 ]; } \
    || { echo "--loop-nice must be a nice value from -20 to 19, got '$LOOP_NICE'" >&2; exit 2; }
# The server's CPU quota: a cgroup of its own, which the server's launcher joins before it starts the JVM (every
# thread it starts inherits it), removed on exit once the server has stopped.
SERVER_CGROUP=""
if [ -n "$SERVER_CPU_QUOTA" ]; then
    [[ "$SERVER_CPU_QUOTA" =~ ^[0-9]+$ ]] && [ "$SERVER_CPU_QUOTA" -ge 10 ] && [ "$SERVER_CPU_QUOTA" -le 100 ] \
        || { echo "--server-cpu-quota must be a whole percentage from 10 to 100, got '$SERVER_CPU_QUOTA'" >&2; exit 2; }
    quota_us=$(( SERVER_CPU_PERIOD_US * SERVER_CPU_QUOTA / 100 ))
    # cgroup v2 with the cpu controller enabled for the root's children, else v1's cpu hierarchy.
    if grep -qw cpu /sys/fs/cgroup/cgroup.subtree_control 2>/dev/null; then
        SERVER_CGROUP="/sys/fs/cgroup/sipcity-overload-$$"
    elif [ -d /sys/fs/cgroup/cpu ] && [ -w /sys/fs/cgroup/cpu ]; then
        SERVER_CGROUP="/sys/fs/cgroup/cpu/sipcity-overload-$$"
    else
        echo "--server-cpu-quota: no writable cgroup cpu controller (v1 /sys/fs/cgroup/cpu, or v2 with cpu in the root's cgroup.subtree_control); run as root" >&2
        exit 3
    fi
    mkdir "$SERVER_CGROUP" 2>/dev/null || { echo "--server-cpu-quota: cannot create $SERVER_CGROUP (run as root)" >&2; exit 3; }
    remove_server_cgroup() {
        cleanup
        local i
        for i in 1 2 3 4 5; do rmdir "$SERVER_CGROUP" 2>/dev/null && return; sleep 1; done
        echo "could not remove $SERVER_CGROUP (a process of the server still in it?)" >&2
    }
    trap remove_server_cgroup EXIT
    if [ -f "$SERVER_CGROUP/cpu.max" ]; then
        echo "$quota_us $SERVER_CPU_PERIOD_US" 2>/dev/null >"$SERVER_CGROUP/cpu.max"
    else
        echo "$SERVER_CPU_PERIOD_US" 2>/dev/null >"$SERVER_CGROUP/cpu.cfs_period_us" \
            && echo "$quota_us" 2>/dev/null >"$SERVER_CGROUP/cpu.cfs_quota_us"
    fi || { echo "--server-cpu-quota: the kernel refused a quota of $quota_us us per $SERVER_CPU_PERIOD_US us in $SERVER_CGROUP" >&2; exit 3; }
    SERVER_PIN=("${SERVER_PIN[@]}" bash -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$SERVER_CGROUP")
fi

HOST=127.0.0.1
USERS=$(( $(wc -l <"$HERE/sipp/users.csv") - 1 ))
SIP_PORT=$(( 5060 + OFFSET ))
MGMT_PORT=$(( 9990 + OFFSET ))
mkdir -p "$OUT"
CAPACITY_STEPS_CSV="$OUT/capacity-steps.csv"
CAPACITY_CSV="$OUT/capacity.csv"
RESULTS_CSV="$OUT/overload.csv"
CPU_CSV="$OUT/cpu.csv"
TRACE_CSV="$OUT/recovery-trace.csv"
THREADS_CSV="$OUT/threads.csv"

SERVER_PID=""
start_server() {
    log "server: starting $SERVER (port offset $OFFSET)"
    rm -f "$WORK/server.pid"
    # A copy of the configuration, so that the valve settings written below never stay in standalone.xml.
    cp "$SERVER/standalone/configuration/standalone.xml" "$SERVER/standalone/configuration/standalone-overload-bench.xml"
    LAUNCH_JBOSS_IN_BACKGROUND=1 JBOSS_PIDFILE="$WORK/server.pid" "${SERVER_PIN[@]}" "$SERVER/bin/standalone.sh" \
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
    # The SIP stack answers before the deployments are done (12 s before the registrar on one busy core): until the
    # server says it has started, REGISTERs get 503 (no application yet), and a first pass run then measured the boot.
    for i in $(seq 1 180); do
        grep -q "WFLYSRV0025\|WFLYSRV0026" "$WORK/server.log" && break
        sleep 1
    done
    grep -q "WFLYSRV0025\|WFLYSRV0026" "$WORK/server.log" || { echo "the server did not finish starting within 180 s" >&2; exit 1; }
    if grep -q "WFLYCTL0080\|started (with errors)" "$WORK/server.log"; then
        grep "WFLYCTL0080\|ERROR" "$WORK/server.log" | head -5 >&2
        echo "the server started with errors (a port of offset $OFFSET in use?)" >&2
        exit 1
    fi
    log "server: pid $SERVER_PID, SIP on $HOST:$SIP_PORT, management on $HOST:$MGMT_PORT"
}

# --loop-nice: the server's SIP event loops to LOOP_NICE (a reload starts new ones, which inherit the nice value of
# the thread that starts them, not this one).
prioritise_loops() {
    [ -n "$LOOP_NICE" ] || return 0
    local task tids=()
    for task in /proc/"$SERVER_PID"/task/*; do
        case "$(cat "$task/comm" 2>/dev/null)" in sip-io-*) tids+=("${task##*/}") ;; esac
    done
    [ "${#tids[@]}" -gt 0 ] || { log "loop nice: no sip-io threads found"; return 0; }
    renice -n "$LOOP_NICE" -p "${tids[@]}" >/dev/null
    log "loop nice: ${#tids[@]} sip-io thread(s) at nice $LOOP_NICE"
}

# jboss-cli with one argument (--command=... or --file=...), tried three times (the CLI's own JVM may time out
# connecting on a loaded host); its output ends up in OUT/cli.log. WHAT names the attempt in the log.
cli_retried() {
    local what="$1" argument="$2" attempt
    for attempt in 1 2 3; do
        if "${GENERATOR_PIN[@]}" "$SERVER/bin/jboss-cli.sh" -c --controller="$HOST:$MGMT_PORT" --timeout=30000 "$argument" >>"$OUT/cli.log" 2>&1; then
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
# AdmitAllValve; forced: DrainValve, which sheds every new REGISTER with a 503 whatever the load (the default valve
# forced by heap marks of 1-2% let some through: its heap reading ages out when a shedding server does not collect
# for 5 s); forced-drop: the same, shed UDP requests dropped silently; on-queue: the default valve with its
# standing-queue signal on the UDP sockets turned on (datagram-queue marks 1 MiB / 256 KiB; off by default); on-drop:
# the default valve shedding UDP requests silently (overload-udp-drop) instead of with a 503; on-read-all: the default
# valve holding its rate, while the UDP sockets drop, to what leaves the loops the CPU to read and shed everything
# (overload-udp-read-all), at the shed cost READ_ALL_SHED_COST (overload-shed-cost, %; default 35: a 503 cost 4.6 us of
# the event loop against 12.8 us for a served REGISTER over UDP on loopback, session 22).
configure_valve() {
    local what="$1" class drop=false queue_signal=false read_all=false
    case "$what" in
        on) class="" ;;
        on-queue) class=""; queue_signal=true ;;
        on-read-all) class=""; read_all=true ;;
        on-drop) class=""; drop=true ;;
        off) class="org.sipcity.stack.overload.AdmitAllValve" ;;
        forced) class="org.sipcity.stack.overload.DrainValve" ;;
        forced-drop) class="org.sipcity.stack.overload.DrainValve"; drop=true ;;
    esac
    local ops=()
    if [ -n "$class" ]; then
        ops+=("/subsystem=sip:write-attribute(name=overload-valve-class, value=$class)")
    else
        ops+=("/subsystem=sip:undefine-attribute(name=overload-valve-class)")
    fi
    ops+=("/subsystem=sip:undefine-attribute(name=overload-heap-high)" "/subsystem=sip:undefine-attribute(name=overload-heap-low)")
    if [ "$queue_signal" = true ]; then
        ops+=("/subsystem=sip:write-attribute(name=overload-datagram-queue-high, value=1048576)"
              "/subsystem=sip:write-attribute(name=overload-datagram-queue-low, value=262144)")
    else
        ops+=("/subsystem=sip:undefine-attribute(name=overload-datagram-queue-high)"
              "/subsystem=sip:undefine-attribute(name=overload-datagram-queue-low)")
    fi
    if [ -n "$TCP_RECEIVE_BUFFER" ]; then
        ops+=("/subsystem=sip/connector=tcp:write-attribute(name=receive-buffer-size, value=$TCP_RECEIVE_BUFFER)")
    else
        ops+=("/subsystem=sip/connector=tcp:undefine-attribute(name=receive-buffer-size)")
    fi
    if [ -n "$UDP_RECEIVE_BUFFER" ]; then
        ops+=("/subsystem=sip/connector=udp:write-attribute(name=receive-buffer-size, value=$UDP_RECEIVE_BUFFER)")
    else
        ops+=("/subsystem=sip/connector=udp:undefine-attribute(name=receive-buffer-size)")
    fi
    if [ "$read_all" = true ]; then
        ops+=("/subsystem=sip:write-attribute(name=overload-udp-read-all, value=true)"
              "/subsystem=sip:write-attribute(name=overload-shed-cost, value=${READ_ALL_SHED_COST:-35})")
    else
        ops+=("/subsystem=sip:undefine-attribute(name=overload-udp-read-all)"
              "/subsystem=sip:undefine-attribute(name=overload-shed-cost)")
    fi
    ops+=("/subsystem=sip:write-attribute(name=overload-udp-drop, value=$drop)" "reload")
    log "valve $what: reloading"
    local started
    started="$(grep -c "WFLYSRV0025\|WFLYSRV0026" "$WORK/server.log" || true)"
    cli_script "${ops[@]}"
    wait_ready "$HOST" "$SIP_PORT" tcp
    # The stack answers before the registrar is deployed again; until the server says it has started, a warm-up
    # measured the redeployment (over UDP: 4,172 of 37,418 REGISTERs answered in the first 5 s).
    local i
    for i in $(seq 1 120); do
        [ "$(grep -c "WFLYSRV0025\|WFLYSRV0026" "$WORK/server.log" || true)" -gt "$started" ] && break
        sleep 0.5
    done
    prioritise_loops
    # Warm-up after the reload: the JIT keeps the stack's compiled code, but the registrar is deployed again in a new
    # class loader, so its classes start interpreted; load at half the capacity over the transport measured next
    # (default: 2,000/s over TCP) compiles them before a step. One chunk was not enough: the compiler threads, pinned
    # on the server's core beside its event loops, still took 0.6-2.1 s of an 8 s step right after the reload
    # (2026-11-26 22:56, UDP and TCP valve on at 1x: 62% and 91% of capacity, against 240-350 ms in the step after).
    # So chunks of RELOAD_WARMUP_S seconds, up to RELOAD_WARMUP_CHUNKS, until one costs the compilers under
    # RELOAD_WARMUP_JIT_PCT of the core.
    local transport="${2:-tcp}" rate="${3:-2000}" chunk before after jit_ms
    [ "$rate" -ge 2000 ] || rate=2000
    for chunk in $(seq 1 "$RELOAD_WARMUP_CHUNKS"); do
        before="$(time_split)"
        log "valve $what: warm-up $chunk over $transport at ${rate}/s for ${RELOAD_WARMUP_S} s: $(offered_load "$transport" "$rate" "$RELOAD_WARMUP_S" || true)"
        after="$(time_split)"
        jit_ms="$(time_shares "$before" "$after" | cut -d, -f4)"; jit_ms="${jit_ms:-0}"
        log "valve $what: warm-up $chunk: compiler threads ${jit_ms} ms"
        [ "$transport" = udp ] && settle 20000
        [ "$(( jit_ms * 100 ))" -lt "$(( RELOAD_WARMUP_S * 1000 * RELOAD_WARMUP_JIT_PCT ))" ] && break
    done
    return 0
}

# One scrape of /metrics into FILE.
scrape() {
    curl -s --max-time 2 "http://$HOST:$MGMT_PORT/metrics" >"$1" || : >"$1"
}

# A metric of /subsystem=sip from a scrape (name without the wildfly_sip_ prefix; counters may carry _total), or of
# one connector (third argument udp or tcp, the names the provisioned server gives them): its value, or -1 if absent.
metric_in() {
    awk -v name="wildfly_sip_$2" -v label="${3:+connector=\"$3\"}" '
        label == "" && ($1 == name || $1 == name "_total") { printf "%.0f", $2; found = 1 }
        label != "" && (index($1, name "{") == 1 || index($1, name "_total{") == 1) && index($1, label) > 0 { printf "%.0f", $2; found = 1 }
        END { if (!found) printf "-1" }' "$1"
}

metric() {
    scrape "$WORK/metric.prom"
    metric_in "$WORK/metric.prom" "$@"
}

cpu_ticks() {
    awk '{ print $14 + $15 }' "/proc/$SERVER_PID/stat"
}

# Where the time of a step went, to say which part limited it: "server_busy generator_busy steal jit gc", in clock
# ticks since boot. server_busy and generator_busy: the pinned cores' non-idle ticks (every process on them, not only
# ours; without pinning both are the whole machine's); steal: ticks the hypervisor gave to other guests, both cores;
# jit and gc: the server's compiler threads (C1/C2) and garbage collector threads (utime + stime of
# /proc/<pid>/task/*/stat; a thread's name may hold spaces, so the fields are counted from the closing parenthesis).
time_split() {
    local server_cpu="cpu${SERVER_CPU}" generator_cpu="cpu${GENERATOR_CPU}"
    [ "$PIN" = 1 ] || { server_cpu=cpu; generator_cpu=cpu; }
    awk -v s="$server_cpu" -v g="$generator_cpu" '
        $1 == s { sb = $2 + $3 + $4 + $7 + $8 }
        $1 == g { gb = $2 + $3 + $4 + $7 + $8 }
        $1 == "cpu" { st = $9 }
        END { printf "%d %d %d", sb, gb, st }' /proc/stat
    cat /proc/"$SERVER_PID"/task/*/stat 2>/dev/null | awk '{
            name = substr($0, index($0, "(") + 1, index($0, ")") - index($0, "(") - 1)
            split(substr($0, index($0, ")") + 2), f, " ")
            t = f[12] + f[13]
            if (name ~ /^C[12] Compiler/) jit += t
            else if (name ~ /^(GC Thread|G1 |VM Thread)/) gc += t
        }
        END { printf " %d %d", jit, gc }'
    printf ' %d %s\n' "$(cpu_ticks)" "$(date +%s.%N)"
}

# The shares of a step from two time_split readings (over the wall-clock time between them): "server_core_busy_pct,
# generator_core_busy_pct,steal_pct,server_jit_ms,server_gc_ms,server_process_pct" (steal as a share of both cores;
# server_process_pct: the server's own CPU as a share of one core, so that server_core_busy_pct minus it is what
# other processes took from the server's core).
time_shares() {
    awk -v a="$1" -v b="$2" -v hz="$(getconf CLK_TCK)" -v pin="$PIN" 'BEGIN {
        split(a, x, " "); split(b, y, " "); n = (pin == 1 ? 1 : 2)
        sec = y[7] - x[7]
        if (sec <= 0) sec = 1
        printf "%.0f,%.0f,%.1f,%d,%d,%.0f", 100 * (y[1] - x[1]) / hz / sec / n, 100 * (y[2] - x[2]) / hz / sec / n,
               100 * (y[3] - x[3]) / hz / sec / 2, 1000 * (y[4] - x[4]) / hz, 1000 * (y[5] - x[5]) / hz,
               100 * (y[6] - x[6]) / hz / sec }'
}

# Datagrams the kernel dropped at the server's UDP socket(s) on SIP_PORT (receive buffer full): /proc/net/udp's last
# column, summed over the sockets bound to the port.
udp_socket_drops() {
    local port_hex
    port_hex="$(printf '%04X' "$SIP_PORT")"
    awk -v p=":$port_hex" 'NR > 1 && substr($2, length($2) - 4) == p { d += $NF } END { print d + 0 }' /proc/net/udp
}

# The open-loop generator (tests/loadgen OfferedLoadMain) on the generators' core: TRANSPORT RATE SECONDS
# [WARMUP_SECONDS WARMUP_RATE]; prints its key=value line. With a warm-up the generator first offers WARMUP_RATE for
# WARMUP_SECONDS on sockets of its own, not counted: each run is a new JVM, and a cold one fell behind its schedule in
# its first second (a capacity step "generator-limit" at 4,000/s while later steps reached 8,800/s). Its standard
# error (with the "warm-up ended" and "offering ended" markers) goes to $WORK/generator.err.
# The in-dialog side stream of a step (BYE and OPTIONS with a To tag, answered 481, and stray responses) for
# STEP_SECONDS at IN_DIALOG_RATE: its summary line to OUT_FILE, its errors to ERR_FILE.
in_dialog_stream() {
    local transport="$1" out_file="$2" err_file="$3"
    exec timeout -k 2 $(( STEP_SECONDS + 10 )) "${GENERATOR_PIN[@]}" python3 "$HERE/in_dialog_probe.py" --host "$HOST" \
        --port "$SIP_PORT" --transport "$transport" --rate "$IN_DIALOG_RATE" --duration "$STEP_SECONDS" --timeout 4 \
        >"$out_file" 2>"$err_file"
}

offered_load() {
    local transport="$1" rate="$2" seconds="$3" warmup="${4:-0}" warmup_rate="${5:-$2}" connections="$CONNECTIONS_TCP"
    local buffer="$GENERATOR_SOCKET_BUFFER" write_queue="$GENERATOR_WRITE_QUEUE" unsent="$GENERATOR_UNSENT_LIMIT"
    # The capacity search's sender (SENDER=capacity): one that absorbs the server's pauses.
    [ "${SENDER:-}" = capacity ] && { buffer="$CAPACITY_SOCKET_BUFFER"; write_queue="$CAPACITY_WRITE_QUEUE"; unsent=0; }
    [ "$transport" = udp ] && { connections="$CONNECTIONS_UDP"; buffer=4194304; }
    : >"$WORK/generator.err"
    timeout -k 2 $(( seconds + warmup + RESPONSE_TIMEOUT_S + 40 )) "${GENERATOR_PIN[@]}" java -Xms256m -Xmx1g -XX:+UseParallelGC \
        ${GENERATOR_JAVA_OPTS:-} -cp "$LOADGEN_CP" org.sipcity.loadgen.OfferedLoadMain --target "$HOST:$SIP_PORT" --transport "$transport" \
        --rate "$rate" --duration "${seconds}s" --warmup "${warmup}s" --warmup-rate "$warmup_rate" \
        --connections "$connections" --sources 127.0.0.2,127.0.0.3 \
        --response-timeout "${RESPONSE_TIMEOUT_S}s" --socket-buffer "$buffer" --write-queue "$write_queue" --unsent-limit "$unsent" --users "$USERS" --user 'bench%05d' --domain bench.invalid \
        2>>"$WORK/generator.err" | tail -1
    grep -v "^offering ended$\|^warm-up ended$" "$WORK/generator.err" >>"$OUT/generator.log" || true
}

# A field of a key=value line.
field() {
    echo "$1" | tr ' ' '\n' | awk -F'=' -v k="$2" '$1 == k { print $2; found = 1 } END { if (!found) print 0 }'
}

# Lets UDP transactions in Completed state (Timer J, 32 s) drain below LIMIT (default 2,000) so that one step does
# not fill the next one's live-transaction limit (100,000); at most 40 s.
settle() {
    local i limit="${1:-2000}"
    for i in $(seq 1 80); do
        [ "$(metric active_transactions)" -lt "$limit" ] && return 0
        sleep 0.5
    done
    log "settle: $(metric active_transactions) transactions still live after 40 s"
}

# Seconds from now until the server is back to normal: REGISTERs answered 200 within 200 ms (probe) and, with the
# valve on, its state NORMAL. Prints the seconds, or -1 after RECOVERY_LIMIT s. Meanwhile appends the valve's
# signals to recovery-trace.csv (what holds it overloaded, if anything).
recovery_seconds() {
    local transport="$1" valve="$2" level="$3" start now probe elapsed
    start="$(date +%s.%N)"
    while true; do
        now="$(date +%s.%N)"
        elapsed="$(awk -v s="$start" -v n="$now" 'BEGIN { printf "%.1f", n - s }')"
        curl -s --max-time 2 "http://$HOST:$MGMT_PORT/metrics" | awk -v t="$transport" -v v="$valve" -v l="$level" -v e="$elapsed" '
            $1 ~ /^wildfly_sip_overload_(state|sojourn|event_loop_lag|heap_after_gc|new_work_loss|datagram_drop_share|admission_rate)(_[a-z]+)?$/ { sub(/^wildfly_sip_overload_/, "", $1); m[$1] = $2 }
            $1 ~ /^wildfly_sip_oldest_task_wait/ { w = $2 }
            $1 ~ /^wildfly_sip_active_transactions/ { a = $2 }
            END { printf "%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\n", t, v, l, e, m["state"], m["sojourn_seconds"] m["sojourn"],
                  m["event_loop_lag_seconds"] m["event_loop_lag"], m["heap_after_gc_percent"] m["heap_after_gc"],
                  m["new_work_loss_percent"] m["new_work_loss"], w, a,
                  m["datagram_drop_share_percent"] m["datagram_drop_share"], m["admission_rate"] }' >>"$TRACE_CSV"
        if awk -v e="$elapsed" -v l="$RECOVERY_LIMIT" 'BEGIN { exit !(e > l) }'; then
            echo -1; return
        fi
        probe="$("${GENERATOR_PIN[@]}" python3 "$HERE/probe.py" --host "$HOST" --port "$SIP_PORT" --transport "$transport" --rate 20 \
            --duration 0.25 --timeout 0.2 --accepted-only 2>/dev/null || true)"
        if echo "$probe" | awk -F';' '{ exit !($1 > 0 && $2 == 0 && $7 == 0 && $5 < 200000) }' \
            && { [ "$valve" = off ] || [ "$(metric overload_state)" = 0 ]; }; then
            awk -v s="$start" -v n="$(date +%s.%N)" 'BEGIN { printf "%.1f", n - s }'
            return
        fi
        sleep 0.25
    done
}

RUN_START="$(date +%s)"
# True once the run has used its --max-minutes: no new step starts.
out_of_time() {
    [ $(( $(date +%s) - RUN_START )) -ge $(( MAX_MINUTES * 60 )) ]
}

# Whether the generator offered what was asked: "yes", or why not. held_back > 0 (TCP) is the server's doing: it
# stopped reading, so TCP flow control held the requests in the generator; schedule_lost > 0 or an achieved rate
# below 97% without that is the generator's own limit.
offered_verdict() {
    local line="$1" rate="$2" achieved held lost
    achieved="$(field "$line" achieved_per_s)"; held="$(field "$line" held_back)"; lost="$(field "$line" schedule_lost)"
    if awk -v a="$achieved" -v r="$rate" 'BEGIN { exit !(a >= 0.97 * r) }'; then
        echo yes
    elif [ "$lost" -gt 0 ] || [ "$held" -eq 0 ]; then
        echo "no:generator-limit"
    else
        echo "no:server-flow-control"
    fi
}

# One capacity step: the generator at RATE for CAPACITY_STEP_SECONDS (after GENERATOR_WARMUP_S at WARMUP_RATE, default
# RATE, not counted); passes when the server sustained the rate: every request answered 200 in time, the rate
# achieved, and the requests scheduled in the step's last 2 s answered within CAPACITY_TAIL_MS at the median (a server
# slower than the rate builds a backlog that the 2 s timeout alone lets pass up to ~1.2x its real rate). Appends to
# capacity-steps.csv with where the step's time went (time_shares). Returns 0 pass, 1 fail, 2 the generator's limit.
capacity_step() {
    local transport="$1" rate="$2" seconds="${3:-$CAPACITY_STEP_SECONDS}" warmup_rate="${4:-$2}" kind="${5:-ladder}"
    local line passed=0 verdict generator_pid i split_before split_after tail_p50
    : >"$WORK/generator.err"
    SENDER=capacity offered_load "$transport" "$rate" "$seconds" "$GENERATOR_WARMUP_S" "$warmup_rate" >"$WORK/generator.out" &
    generator_pid=$!
    for i in $(seq 1 $(( (GENERATOR_WARMUP_S + 15) * 20 ))); do
        grep -q "warm-up ended" "$WORK/generator.err" 2>/dev/null && break
        kill -0 "$generator_pid" 2>/dev/null || break
        sleep 0.05
    done
    split_before="$(time_split)"
    local drops_before drops_after
    drops_before="$(udp_socket_drops)"
    for i in $(seq 1 $(( (seconds + 30) * 10 ))); do
        grep -q "offering ended" "$WORK/generator.err" 2>/dev/null && break
        kill -0 "$generator_pid" 2>/dev/null || break
        sleep 0.1
    done
    split_after="$(time_split)"
    drops_after="$(udp_socket_drops)"
    wait "$generator_pid" || true
    line="$(cat "$WORK/generator.out")"
    verdict="$(offered_verdict "$line" "$rate")"
    tail_p50="$(field "$line" accepted_tail_p50_us)"
    if [ "$verdict" = yes ] && [ "$(field "$line" timeouts)" -eq 0 ] && [ "$(field "$line" rejected_503)" -eq 0 ] \
        && [ "$(field "$line" other)" -eq 0 ] && [ "$(field "$line" ok)" -eq "$(field "$line" sent)" ] \
        && [ "$(field "$line" sent)" -gt 0 ] && [ "$tail_p50" -le $(( CAPACITY_TAIL_MS * 1000 )) ]; then
        passed=1
    fi
    echo "$transport,$rate,$(field "$line" achieved_per_s),$(field "$line" ok),$(field "$line" rejected_503),$(field "$line" timeouts),$(field "$line" other),$(field "$line" accepted_p99_us),$verdict,$passed,$(cut -d' ' -f1 /proc/loadavg),$kind,$seconds,$tail_p50,$(field "$line" accepted_tail_p99_us),$(field "$line" late),$(time_shares "$split_before" "$split_after"),$(( drops_after - drops_before ))" >>"$CAPACITY_STEPS_CSV"
    log "capacity $transport ${rate}/s ($kind, ${seconds} s): $( [ "$passed" = 1 ] && echo pass || echo FAIL ) (offered reached: $verdict; tail p50 ${tail_p50} us; server core %, generator core %, steal %, server jit ms, gc ms, server process %: $(time_shares "$split_before" "$split_after"); $line)"
    # Capacity steps are short and end below capacity: draining to 20,000 live transactions leaves room for the next.
    [ "$transport" = udp ] && settle 20000
    # The generator's limit only if the server kept up with what it did get: over UDP a server falling behind makes
    # the generator retransmit, and those cost the generator its schedule too.
    [ "$verdict" = "no:generator-limit" ] && [ "$(field "$line" timeouts)" -eq 0 ] \
        && [ "$tail_p50" -le $(( CAPACITY_TAIL_MS * 1000 )) ] && return 2
    return $(( 1 - passed ))
}

# The capacity of the pinned server over TRANSPORT, valve off, as the rate it *sustains* in an overload step's own
# conditions; writes it to capacity.csv with what limited it. Until 2026-11-26 the highest rate of a ladder and two
# bisections with zero failures was taken, and on a slower machine it was neither a rate the server sustained (a
# 30,000/s TCP pass, then 44% served at 1x) nor its limit (12,500/s found, 27,973/s served at 3x). Now:
# 1. The ladder until a rung fails; a failing rung is run once more before it counts (one stall, the JIT still
#    compiling on the server's one core, or a burst of the host on either core must not end the search), then
#    BISECTIONS bisections.
#    Every step passes only on a sustained criterion (capacity_step: the tail of the step answered at once).
# 2. Confirmation in an overload step's conditions: reload with the valve off (configure_valve, as before a 1x valve-off
#    step), the generator's warm-up at half the rate, then the rate for --step-seconds; if it fails, 5% lower, up to
#    CONFIRM_TRIES times. The confirmed rate is the capacity.
# limit: "server" when the server used its core through the failing step (>= 85%), "generator" when the generator
# could not offer the rate, "host" when the server did not get its core (other processes on it); "unconfirmed:..."
# when no confirmation held: the lowest rate tried is taken, with what limited its step.
find_capacity() {
    local transport="$1" best=0 failed_at=0 rate i status note="" retried=0
    for rate in $CAPACITY_LADDER; do
        out_of_time && { log "out of time: capacity search over $transport stopped at ${rate}/s"; break; }
        status=0; capacity_step "$transport" "$rate" || status=$?
        if [ "$status" != 0 ] && [ "$retried" = 0 ]; then
            retried=1
            log "capacity $transport ${rate}/s failed: once more before it counts"
            status=0; capacity_step "$transport" "$rate" "$CAPACITY_STEP_SECONDS" "$rate" ladder-retry || status=$?
        fi
        if [ "$status" = 0 ]; then best=$rate; continue; fi
        failed_at=$rate
        [ "$status" = 2 ] && note="generator"
        break
    done
    if [ "$failed_at" -gt 0 ] && [ -z "$note" ]; then
        local low=$best high=$failed_at mid
        for i in $(seq 1 "$BISECTIONS"); do
            out_of_time && break
            mid=$(( (low + high) / 2 / 250 * 250 ))
            [ "$mid" -le "$low" ] && break
            status=0; capacity_step "$transport" "$mid" "$CAPACITY_STEP_SECONDS" "$mid" bisection || status=$?
            if [ "$status" = 0 ]; then low=$mid; else high=$mid; [ "$status" = 2 ] && note="generator"; fi
        done
        best=$low
    fi
    [ -z "$note" ] && note="$(capacity_limit "$transport" "$failed_at")"
    local searched=$best confirmed=0 tries=0
    if [ "$best" -gt 0 ] && [ "$CONFIRM_TRIES" -gt 0 ]; then
        configure_valve off "$transport" $(( best / 2 ))
        rate=$best
        while [ "$tries" -lt "$CONFIRM_TRIES" ] && ! out_of_time; do
            tries=$(( tries + 1 ))
            status=0; capacity_step "$transport" "$rate" "$STEP_SECONDS" $(( rate / 2 )) confirm || status=$?
            if [ "$status" = 0 ]; then confirmed=$rate; break; fi
            [ "$tries" -lt "$CONFIRM_TRIES" ] && rate=$(( rate * 95 / 100 / 250 * 250 ))
        done
        if [ "$confirmed" -gt 0 ]; then
            best=$confirmed
        else
            # No confirmation held (19:09: the host took the server's core and the generator's, 54-61% left to the
            # server): the last rate tried stands, marked, with what limited the confirmation, not the search.
            best=$rate
            note="unconfirmed:$(capacity_limit "$transport" "$rate")"
            log "capacity $transport: no confirmation held; taking ${rate}/s, UNCONFIRMED (see capacity-steps.csv)"
        fi
    fi
    echo "$transport,$best,$failed_at,$note,$searched,$tries" >>"$CAPACITY_CSV"
    log "capacity $transport: $best/s sustained for ${STEP_SECONDS} s after a reload (search: $searched/s, first failure at ${failed_at}/s, 0 = none; confirmation tries: $tries; limit: $note)"
}

# What limited the failing step at RATE (its last row in capacity-steps.csv): "server" if the server process
# itself used >= 85% of its core, "host" if it did not get that (other processes on its core: server_core_busy_pct
# says how busy the core was), "none" if no step failed.
capacity_limit() {
    awk -F',' -v t="$1" -v r="$2" '$1 == t && $2 == r && $10 == 0 { own = $22 } END {
        if (own == "") print "none"; else print (own >= 85 ? "server" : "host") }' "$CAPACITY_STEPS_CSV"
}

# The bytes waiting in the server's UDP socket's receive queue (what the figure overload-datagram-queue reads, the
# rx_queue column of /proc/net/udp), every 0.2 s until killed, one line each, from the generators' core: how far
# behind the loops are.
queue_sampler() {
    # From the kernel's own table, as the valve reads it, not through the server's management endpoint: polled every
    # 0.5 s during the steps of session 20, /metrics cost the server 170-290 ms of its core per 8 s step (its
    # "management I/O" threads, threads.csv, 2026-11-28) and kept the JIT compiling management code. Also measured
    # with the valve off now (AdmitAllValve samples nothing).
    local port_hex hex total
    port_hex="$(printf '%04X' "$SIP_PORT")"
    while :; do
        total=0
        for hex in $("${GENERATOR_PIN[@]}" awk -v p=":$port_hex" 'FNR > 1 && substr($2, length($2) - 4) == p { split($5, q, ":"); print q[2] }' \
                /proc/net/udp /proc/net/udp6 2>/dev/null); do
            total=$(( total + 16#$hex ))
        done
        echo "$total"
        sleep 0.2
    done
}

# One overload step: the generator at RATE for STEP_SECONDS and the in-dialog side stream; appends a row to
# overload.csv.
overload_step() {
    local transport="$1" valve="$2" level="$3" rate="$4" capacity_of_step="${CAPACITY[$1]}"
    local before="$WORK/before.prom" after="$WORK/after.prom" cpu_before cpu_after udp_before udp_after
    : >"$WORK/generator.err"
    # The generator warms up at half the capacity (no overload before the measured load begins), then offers RATE.
    offered_load "$transport" "$rate" "$STEP_SECONDS" "$GENERATOR_WARMUP_S" $(( capacity_of_step / 2 )) >"$WORK/generator.out" &
    local generator_pid=$! i
    for i in $(seq 1 $(( (GENERATOR_WARMUP_S + 15) * 20 ))); do
        grep -q "warm-up ended" "$WORK/generator.err" 2>/dev/null && break
        kill -0 "$generator_pid" 2>/dev/null || break
        sleep 0.05
    done
    scrape "$before"
    udp_before="$(udp_socket_drops)"
    python3 "$HERE/thread_sched.py" snapshot "$SERVER_PID" >"$WORK/threads-before.json" 2>/dev/null || true
    cpu_before="$(cpu_ticks)"
    local split_before split_after
    split_before="$(time_split)"
    in_dialog_stream "$transport" "$WORK/dialog.out" "$WORK/dialog.err" &
    local dialog_pid=$!
    queue_sampler >"$WORK/queue.samples" &
    local sampler_pid=$!
    # Recovery is timed from the end of the offered load: the generator says so on its standard error, then waits
    # for the answers to its last requests.
    for i in $(seq 1 $(( (STEP_SECONDS + 30) * 10 ))); do
        grep -q "offering ended" "$WORK/generator.err" 2>/dev/null && break
        kill -0 "$generator_pid" 2>/dev/null || break
        sleep 0.1
    done
    cpu_after="$(cpu_ticks)"
    python3 "$HERE/thread_sched.py" snapshot "$SERVER_PID" >"$WORK/threads-after.json" 2>/dev/null || true
    # Where the server's core went, by thread group (event loops, workers, GC, JIT, the valve's timer...).
    python3 "$HERE/thread_sched.py" diff "$WORK/threads-before.json" "$WORK/threads-after.json" --csv \
        --label "$transport,$valve,$level" >>"$THREADS_CSV" 2>/dev/null || true
    split_after="$(time_split)"
    kill "$sampler_pid" 2>/dev/null || true
    wait "$sampler_pid" 2>/dev/null || true
    scrape "$after"
    udp_after="$(udp_socket_drops)"
    local recovery
    recovery="$(recovery_seconds "$transport" "$valve" "$level")"
    wait "$generator_pid" || true
    wait "$dialog_pid" || true
    local line dialog
    line="$(cat "$WORK/generator.out")"
    dialog="$(cat "$WORK/dialog.out" 2>/dev/null)"
    [ -n "$dialog" ] || dialog="0;0;0;0;0;;;0;"
    # in-dialog: sent;served;rejected_503;timeouts;other;p50_us;p99_us;responses_sent
    local d_sent d_served r_sent r_counted
    d_sent="$(echo "$dialog" | cut -d';' -f1)"; d_served="$(echo "$dialog" | cut -d';' -f2)"
    r_sent="$(echo "$dialog" | cut -d';' -f8)"; r_sent="${r_sent:-0}"
    r_counted=$(( $(metric_in "$after" overload_admitted_responses) - $(metric_in "$before" overload_admitted_responses) ))
    delta() { echo $(( $(metric_in "$after" "$@") - $(metric_in "$before" "$@") )); }
    local seconds hz verdict answered
    seconds="$(field "$line" seconds)"; hz="$(getconf CLK_TCK)"
    verdict="$(offered_verdict "$line" "$rate")"
    answered=$(( $(field "$line" ok) + $(field "$line" rejected_503) + $(field "$line" other) ))
    local row
    row="$transport,$valve,$level,$rate,$(field "$line" achieved_per_s),$verdict,$seconds,$(field "$line" sent),$(field "$line" held_back),$(field "$line" schedule_lost)"
    row="$row,$(field "$line" goodput_per_s),$(field "$line" ok),$(awk -v n="$(field "$line" rejected_503)" -v s="$seconds" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }'),$(field "$line" rejected_503),$(field "$line" other),$(field "$line" timeouts),$(field "$line" late),$(field "$line" retransmissions)"
    row="$row,$(( udp_after - udp_before )),$(delta overload_shed_new_work),$(delta overload_rejections_sent),$(delta transactions_refused),$(delta dropped_sends "$transport"),$(delta read_pauses "$transport")"
    row="$row,$d_sent,$d_served,$(awk -v s="$d_served" -v n="$d_sent" 'BEGIN { printf "%.1f", (n > 0 ? 100 * s / n : 0) }'),$r_sent,$r_counted,$(awk -v s="$r_counted" -v n="$r_sent" 'BEGIN { printf "%.1f", (n > 0 ? 100 * s / n : 0) }')"
    row="$row,$(awk -v u="$(field "$line" accepted_p50_us)" 'BEGIN { printf "%.2f", u / 1000 }'),$(awk -v u="$(field "$line" accepted_p99_us)" 'BEGIN { printf "%.2f", u / 1000 }')"
    row="$row,$(( (cpu_after - cpu_before) * 1000 / hz )),$(awk -v c=$(( cpu_after - cpu_before )) -v h="$hz" -v m="$answered" 'BEGIN { printf "%.1f", (m > 0 ? c / h * 1e6 / m : 0) }')"
    row="$row,$(delta overload_transitions),$(metric_in "$after" overload_state),$recovery,$(cut -d' ' -f1 /proc/loadavg)"
    row="$row,$(awk -v u="$(field "$line" accepted_written_p50_us)" 'BEGIN { printf "%.2f", u / 1000 }'),$(awk -v u="$(field "$line" accepted_written_p99_us)" 'BEGIN { printf "%.2f", u / 1000 }'),${TCP_RECEIVE_BUFFER:-default},$GENERATOR_SOCKET_BUFFER"
    # The in-dialog side stream's own latency (its own connection, a client that reads at once): what an admitted
    # request spends in the server, without the generator's queues (see tests/bench/README.md).
    row="$row,$(awk -v u="$(echo "$dialog" | cut -d';' -f6)" 'BEGIN { printf "%.2f", u / 1000 }'),$(awk -v u="$(echo "$dialog" | cut -d';' -f7)" 'BEGIN { printf "%.2f", u / 1000 }')"
    row="$row,$(field "$line" accepted_tail_p50_us),$(field "$line" accepted_tail_p99_us),$(time_shares "$split_before" "$split_after")"
    # Which limit the transaction layer's refusals were for: the completed-transaction budget or the live limit.
    row="$row,$(delta transactions_refused_completed_memory),$(delta completed_released_before_t4)"
    # The generator's own lateness (its ticks against their schedule): it reads the answers that late too.
    row="$row,$GENERATOR_WRITE_QUEUE,$GENERATOR_UNSENT_LIMIT,$(awk -v u="$(field "$line" generator_lag_p50_us)" 'BEGIN { printf "%.2f", u / 1000 }'),$(awk -v u="$(field "$line" generator_lag_p99_us)" 'BEGIN { printf "%.2f", u / 1000 }'),${UDP_RECEIVE_BUFFER:-default}"
    # The UDP sockets' receive queue over the step (KiB, the samples' median and largest; empty before the figure).
    row="$row,$(sort -n "$WORK/queue.samples" 2>/dev/null | awk '{ v[NR] = $1 } END { if (NR) printf "%.0f,%.0f", v[int((NR + 1) / 2)] / 1024, v[NR] / 1024; else printf "," }')"
    echo "$row" >>"$RESULTS_CSV"
    log "$transport valve $valve ${level}x ${rate}/s: offered reached: $verdict (achieved $(field "$line" achieved_per_s)/s); goodput $(field "$line" goodput_per_s)/s; 503 $(field "$line" rejected_503); timeouts $(field "$line" timeouts); kernel UDP drops $(( udp_after - udp_before )); in-dialog $d_served/$d_sent served (p99 $(echo "$dialog" | cut -d';' -f7) us), responses $r_counted/$r_sent seen by the valve; accepted p99 $(field "$line" accepted_p99_us) us (from the kernel's write $(field "$line" accepted_written_p99_us) us; the generator's own lag p99 $(field "$line" generator_lag_p99_us) us, max $(field "$line" generator_lag_max_us) us); valve transitions $(delta overload_transitions); recovery $recovery s"
    # Room for the largest step's transactions under 80% of the live-transaction limit (100,000), at least down to
    # 2,000: over UDP each REGISTER's transaction lives 32 s (Timer J) after its answer.
    # (Not after the part's last step: nothing follows it on this server.)
    [ "${LAST_STEP:-0}" = 1 ] && [ "$SKIP_CPU" = 1 ] && return 0
    settle "$(awk -v top="$TOP_LEVEL" -v c="$capacity_of_step" -v s="$STEP_SECONDS" 'BEGIN { r = 80000 - top * c * s; print (r > 2000 ? int(r) : 2000) }')"
}

# CPU of the server process per message: the generator at RATE over TRANSPORT for STEP_SECONDS; the server's CPU
# (utime + stime) minus its idle CPU over as long, divided by the REGISTERs served (mode served) or by the requests
# shed (modes shed, dropped: DrainValve sheds every one, so they are the messages the connector took in; over UDP
# every datagram, retransmissions included, is one shed message). DrainValve keeps no shed counts of its own.
cpu_run() {
    local mode="$1" transport="$2" rate="$3" idle_before idle_after before after line in_before in_after
    idle_before="$(cpu_ticks)"; sleep "$STEP_SECONDS"; idle_after="$(cpu_ticks)"
    in_before="$(metric messages_in "$transport")"
    before="$(cpu_ticks)"
    offered_load "$transport" "$rate" "$STEP_SECONDS" >"$WORK/generator.out"
    after="$(cpu_ticks)"
    in_after="$(metric messages_in "$transport")"
    line="$(cat "$WORK/generator.out")"
    local hz messages us
    hz="$(getconf CLK_TCK)"
    if [ "$mode" = served ]; then messages="$(field "$line" ok)"; else messages=$(( in_after - in_before )); fi
    # The generator's run lasts STEP_SECONDS plus its 2 s wait for the last answers: idle CPU scaled to that.
    us="$(awk -v c=$(( after - before )) -v i=$(( idle_after - idle_before )) -v s="$STEP_SECONDS" -v w="$RESPONSE_TIMEOUT_S" \
        -v h="$hz" -v m="$messages" 'BEGIN { printf "%.1f", (m > 0 ? (c - i * (s + w) / s) / h * 1e6 / m : 0) }')"
    echo "$transport,$mode,$rate,$(field "$line" achieved_per_s),$(field "$line" ok),$(field "$line" rejected_503),$messages,$(( after - before )),$(( idle_after - idle_before )),$hz,$us,$(cut -d' ' -f1 /proc/loadavg)" >>"$CPU_CSV"
    log "cpu $transport $mode at ${rate}/s (achieved $(field "$line" achieved_per_s)/s): $messages messages, $us us CPU each (ok $(field "$line" ok), 503 $(field "$line" rejected_503), cpu $(( after - before )) ticks, idle $(( idle_after - idle_before )) ticks over ${STEP_SECONDS} s)"
}

header() {
    local file="$1" columns="$2"
    if [ "$APPEND" = 0 ] || [ ! -s "$file" ]; then echo "$columns" >"$file"; fi
}
header "$TRACE_CSV" "transport,valve,level,seconds_after_load,state,sojourn_s,event_loop_lag_s,heap_after_gc_percent,new_work_loss_percent,oldest_task_wait_s,active_transactions,datagram_drop_share_percent,admission_rate_per_s"
header "$CAPACITY_STEPS_CSV" "transport,offered_per_s,achieved_per_s,ok,rejected_503,timeouts,other,accepted_p99_us,offered_reached,pass,load_average,kind,seconds,accepted_tail_p50_us,accepted_tail_p99_us,late_answers,server_core_busy_pct,generator_core_busy_pct,steal_pct,server_jit_ms,server_gc_ms,server_process_pct,kernel_udp_drops"
header "$CAPACITY_CSV" "transport,max_zero_failure_per_s,first_failure_per_s,limit,searched_per_s,confirm_tries"
header "$RESULTS_CSV" "transport,valve,level,offered_per_s,achieved_offered_per_s,offered_reached,seconds,sent,held_back,schedule_lost,goodput_per_s,ok,rejected_503_per_s,rejected_503,other_final,timeouts,late_answers,retransmissions,kernel_udp_drops,valve_shed,valve_503_sent,transactions_refused,dropped_sends,read_pauses,in_dialog_sent,in_dialog_served,in_dialog_success_pct,responses_sent,responses_admitted,responses_success_pct,accepted_p50_ms,accepted_p99_ms,server_cpu_ms,cpu_us_per_answered,valve_transitions,valve_state_after,recovery_s,load_average,accepted_written_p50_ms,accepted_written_p99_ms,tcp_receive_buffer,generator_socket_buffer,in_dialog_p50_ms,in_dialog_p99_ms,accepted_tail_p50_us,accepted_tail_p99_us,server_core_busy_pct,generator_core_busy_pct,steal_pct,server_jit_ms,server_gc_ms,server_process_pct,transactions_refused_completed_memory,completed_released_before_t4,generator_write_queue,generator_unsent_limit,generator_lag_p50_ms,generator_lag_p99_ms,udp_receive_buffer,datagram_queue_median_kib,datagram_queue_max_kib"
header "$THREADS_CSV" "transport,valve,level,thread_group,threads,cpu_ms,run_queue_wait_ms,slices,involuntary_switches"
header "$CPU_CSV" "transport,mode,rate_per_s,achieved_per_s,ok,rejected_503,messages,cpu_ticks,idle_cpu_ticks,ticks_per_s,us_per_message,load_average"
[ "$APPEND" = 1 ] || : >"$OUT/generator.log"
: >>"$OUT/cli.log"
{
    echo "date_utc,$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "cpus,$(nproc)"
    echo "cpu_model,$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo | tr ',' ' ')"
    echo "nice,$NICE"
    echo "pinning,$( [ "$PIN" = 1 ] && echo "server on cpu $SERVER_CPU; generators on cpu $GENERATOR_CPU" || echo none)"
    echo "server_cpu_quota_pct,${SERVER_CPU_QUOTA:-100}"
    echo "loop_nice,${LOOP_NICE:-as the server}"
    echo "read_all_shed_cost_pct,${READ_ALL_SHED_COST:-35}"
    echo "generator,tests/loadgen OfferedLoadMain: open loop; tcp $CONNECTIONS_TCP connections; udp $CONNECTIONS_UDP sockets; timeout ${RESPONSE_TIMEOUT_S} s"
    echo "tcp_sender,overload steps: socket buffers $GENERATOR_SOCKET_BUFFER B (0: the OS's) / write queue $GENERATOR_WRITE_QUEUE B / unsent limit $GENERATOR_UNSENT_LIMIT B; capacity search: socket buffers $CAPACITY_SOCKET_BUFFER B / write queue $CAPACITY_WRITE_QUEUE B / no unsent limit"
    echo "in_dialog_rate_per_s,$IN_DIALOG_RATE"
    echo "step_seconds,$STEP_SECONDS"
    echo "transports,$TRANSPORTS"
    echo "valves,$VALVES"
    echo "load_average_at_start,$(cut -d' ' -f1-3 /proc/loadavg)"
} >>"$OUT/run-info.csv"

start_server
prioritise_loops
log "nice $NICE; pinning: $( [ "$PIN" = 1 ] && echo "server pid $SERVER_PID $(taskset -cp "$SERVER_PID" | sed 's/.*: /on cpu /'), generators on cpu $GENERATOR_CPU" || echo off)"
# Every user registered once over each transport measured (so that every measured REGISTER refreshes a binding: a
# first registration writes a new row, slower), which also warms up the JIT on both sides.
log "warm-up: registering the ${USERS} users"
IFS=',' read -r -a transport_list <<<"$TRANSPORTS"
for transport in "${transport_list[@]}"; do
    log "warm-up $transport (valve on, first pass after boot): $(offered_load "$transport" 2000 $(( USERS / 2000 + 1 )) || true)"
    log "warm-up $transport: valve transitions $(metric overload_transitions), shed $(metric overload_shed_new_work)"
    # The first pass's transactions (Timer J, 32 s) must leave room for a step's: 30,000 live at most.
    [ "$transport" = udp ] && settle 30000
done

IFS=',' read -r -a valve_list <<<"$VALVES"
TOP_LEVEL="$(echo "$LEVELS" | tr ' ' '\n' | sort -g | tail -1)"; TOP_LEVEL="${TOP_LEVEL:-1}"
declare -A CAPACITY=([udp]="$CAPACITY_UDP" [tcp]="$CAPACITY_TCP")
# The pinned server's own capacity, valve off: with it on, a false trip of its marks would pass for the capacity.
need_search=0
for transport in "${transport_list[@]}"; do [ -z "${CAPACITY[$transport]}" ] && need_search=1; done
[ "$need_search" = 1 ] && configure_valve off
for transport in "${transport_list[@]}"; do
    if [ -z "${CAPACITY[$transport]}" ]; then
        find_capacity "$transport"
        CAPACITY[$transport]="$(awk -F',' -v t="$transport" '$1 == t { c = $2 } END { print c }' "$CAPACITY_CSV")"
        [ "${CAPACITY[$transport]}" -gt 0 ] || { log "capacity $transport: no rate of the ladder passed"; exit 1; }
    elif ! grep -q "^$transport,${CAPACITY[$transport]}," "$CAPACITY_CSV"; then
        echo "$transport,${CAPACITY[$transport]},,given" >>"$CAPACITY_CSV"
    fi
    log "capacity $transport: ${CAPACITY[$transport]}/s"
done
if [ "$CAPACITY_ONLY" = 1 ]; then
    valve_list=()
    SKIP_CPU=1
fi
# Without a search on this server (capacities given: a split run), the JIT has seen only the first pass at 2,000/s: at
# 18:51 a 1x valve-off step on such a server cost 33 us of CPU per REGISTER against 24 us at the same rate in the
# search's server, whose ladder had run for a minute. A ramp to 80% of the capacity first, valve on: at 19:15 a cold
# server offered 80% of a 45,000/s capacity at once answered half of it in time (the search's ladder climbs there).
if [ "$need_search" = 0 ] && [ "${#valve_list[@]}" -gt 0 ] && [ "$WARM_LOAD_S" -gt 0 ]; then
    for transport in "${transport_list[@]}"; do
        for percent in 50 65 80; do
            log "warm load $transport at $(( ${CAPACITY[$transport]} * percent / 100 ))/s for $(( WARM_LOAD_S / 3 )) s: $(offered_load "$transport" $(( ${CAPACITY[$transport]} * percent / 100 )) $(( WARM_LOAD_S / 3 )) || true)"
            [ "$transport" = udp ] && settle 20000
        done
    done
fi

# The steps in the order they run: transport, level, valve. Alternating, the valve order flips from level to level (on,
# off | off, on | ...), so each reload serves two steps and neither valve always runs second, on the warmer JVM.
STEPS=()
if [ "$ORDER" = on-first ]; then
    for valve in "${valve_list[@]}"; do
        for transport in "${transport_list[@]}"; do
            for level in $LEVELS; do STEPS+=("$transport $level $valve"); done
        done
    done
else
    flip=0
    for transport in "${transport_list[@]}"; do
        for level in $LEVELS; do
            if [ "$flip" = 0 ]; then order=("${valve_list[@]}"); else order=(); for (( k=${#valve_list[@]}-1; k>=0; k-- )); do order+=("${valve_list[$k]}"); done; fi
            for valve in "${order[@]}"; do STEPS+=("$transport $level $valve"); done
            flip=$(( 1 - flip ))
        done
    done
fi
CURRENT_VALVE=""
FIRST_STEP_WARMED=""
STEP_INDEX=0
for planned in "${STEPS[@]}"; do
    read -r transport level valve <<<"$planned"
    STEP_INDEX=$(( STEP_INDEX + 1 )); LAST_STEP=$(( STEP_INDEX == ${#STEPS[@]} ? 1 : 0 ))
    out_of_time && { log "out of time (--max-minutes $MAX_MINUTES): $transport ${level}x valve $valve not measured"; continue; }
    # A reload also where the transport changes: the 17:12 run's TCP 1x valve-off step (44% served) followed UDP's 3x
    # valve-off step on the same server without one, its heap still holding that step's transactions.
    if [ "$valve" != "$CURRENT_VALVE" ] || [ "$transport" != "${CURRENT_TRANSPORT:-}" ]; then
        configure_valve "$valve" "$transport" $(( ${CAPACITY[$transport]} / 2 )); CURRENT_VALVE="$valve"; CURRENT_TRANSPORT="$transport"
    fi
    rate="$(awk -v l="$level" -v c="${CAPACITY[$transport]}" 'BEGIN { printf "%.0f", l * c }')"
    # The first step of a transport meets a burst of the JIT whichever valve it runs (2026-11-27, TCP: 760-1,210 ms of
    # compiling in the first 1x step against 20-260 ms in the second, valve on first in seven runs and valve off first
    # in one: 840 against 230 ms; about 1,000 tier 2 -> 3 -> 4 recompilations in one second at its start, after
    # warm-ups that ended under 3%, and the same REGISTER load alone did not take it first). The same step, unmeasured,
    # with what a step adds beside the load: the in-dialog side stream and the metric scrapes.
    if [[ " $FIRST_STEP_WARMED " != *" $transport "* ]]; then
        scrape "$WORK/first-step-scrape"
        in_dialog_stream "$transport" /dev/null /dev/null &
        log "first-step warm-up $transport at ${rate}/s for $STEP_SECONDS s (valve $valve, unmeasured): $(offered_load "$transport" "$rate" "$STEP_SECONDS" || true)"
        wait $! 2>/dev/null || true
        scrape "$WORK/first-step-scrape"
        if [ "$transport" = udp ]; then settle 20000; else sleep 3; fi
        FIRST_STEP_WARMED="$FIRST_STEP_WARMED $transport"
    fi
    # A step whose bookkeeping fails (a generator that died, a metric missing) must not end the run.
    overload_step "$transport" "$valve" "$level" "$rate" || log "$transport ${level}x valve $valve: step failed, see above"
done

if [ "$SKIP_CPU" = 0 ]; then
    for transport in "${transport_list[@]}"; do
        out_of_time && { log "out of time: CPU per message over $transport not measured"; continue; }
        capacity="${CAPACITY[$transport]}"
        configure_valve on
        cpu_run served "$transport" "$capacity" || log "cpu run failed"
        configure_valve forced
        log "valve forced: state $(metric overload_state), new-work loss $(metric overload_new_work_loss_percent)%"
        cpu_run shed "$transport" "$capacity" || log "cpu run failed"
        cpu_run shed "$transport" $(( 2 * capacity )) || log "cpu run failed"
        if [ "$transport" = udp ]; then
            configure_valve forced-drop
            cpu_run dropped udp "$capacity" || log "cpu run failed"
        fi
        [ "$transport" = udp ] && settle
    done
fi

# The server's log, with the paths of this machine replaced, so that it can be kept with the results.
sed -e "s|$SERVER|\$JBOSS_HOME|g" -e "s|$ROOT|.|g" "$WORK/server.log" >"$OUT/server-$(date -u +%H%M%S).log" 2>/dev/null || true
sed -i -e "s|$ROOT|.|g" "$OUT/cli.log" "$OUT/generator.log" 2>/dev/null || true
command -v gnuplot >/dev/null 2>&1 || log "gnuplot is not installed (Debian package gnuplot-nox): tables only, no plots"
python3 "$HERE/overload_plot.py" "$OUT"
log "done in $(( ($(date +%s) - RUN_START) / 60 )) min"
