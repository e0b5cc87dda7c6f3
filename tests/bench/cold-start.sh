#!/usr/bin/env bash
# A freshly booted server meets a full load at once: what a restart of "one server per city" looks like, when every
# phone registers again (UDP phones on their refresh timers, RFC 5626 TCP flows as they reconnect). For each transport
# and valve setting: a fresh copy of the provisioned server (open registrar for bench.invalid, write-back H2, its
# launch configuration), started through bin/standalone.sh; as soon as it reports started, two SIPp clients offer
# RATE REGISTER/s for SECONDS. SIPp's per-second counts give goodput against time since the load began, and the
# figures are: the first second that begins five in a row serving at least 95% of the rate ("full service"), the
# share served over the whole run, and the valve's transitions and what began them (server log).
#
# Valve "off" is overload-valve-class = AdmitAllValve. A cold JVM runs the SIP path interpreted and then in C1's
# profiling code until C2 has compiled it, with the JIT's threads on the same cores as the event loops: this measures
# that warm-up as the clients see it. Loopback only; every SIPp run is bounded by timeout and -m; the servers are
# stopped on exit.
#
#   flock <lock> tests/bench/cold-start.sh [--server DIR] [--transports udp,tcp] [--valves on,off] [--rate 10000]
#       [--seconds 60] [--port-offset 900] [--out DIR]
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
SERVER="$ROOT/wildfly-config/target/server"
TRANSPORTS="udp,tcp"
VALVES="on,off"
RATE=10000
SECONDS_LOAD=60
OFFSET=900
OUT="$HERE/results-cold/$(date -u +%Y-%m-%d-%H%M)"

usage() {
    echo "Usage: $0 [--server DIR] [--transports udp,tcp] [--valves on,off] [--rate N] [--seconds N] [--port-offset N] [--out DIR]" >&2
    exit 2
}
while [ $# -gt 0 ]; do
    case "$1" in
        --server) SERVER="$2"; shift ;;
        --transports) TRANSPORTS="$2"; shift ;;
        --valves) VALVES="$2"; shift ;;
        --rate) RATE="$2"; shift ;;
        --seconds) SECONDS_LOAD="$2"; shift ;;
        --port-offset) OFFSET="$2"; shift ;;
        --out) OUT="$2"; shift ;;
        *) usage ;;
    esac
    shift
done
[ -x "$SERVER/bin/standalone.sh" ] || { echo "no provisioned server at $SERVER (mvn verify -pl wildfly-config -am)" >&2; exit 1; }
command -v sipp >/dev/null || { echo "sipp not found (Debian package sip-tester)" >&2; exit 1; }
[ "$RATE" -ge 2 ] && [ "$SECONDS_LOAD" -ge 5 ] && [ "$SECONDS_LOAD" -le 600 ] || usage

PORT=$((5060 + OFFSET))
MGMT_PORT=$((9990 + OFFSET))
WORK="$(mktemp -d -t sipcity-cold.XXXXXX)"
SHELL_PID=""
SIPP_PIDS=()
mkdir -p "$OUT"

log() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
cli() { env -u JAVA_OPTS "$WORK/server/bin/jboss-cli.sh" --controller="127.0.0.1:$MGMT_PORT" -c "$@"; }

stop_server() {
    [ -n "$SHELL_PID" ] || return 0
    cli ":shutdown" >/dev/null 2>&1 || true
    for _ in $(seq 1 30); do kill -0 "$SHELL_PID" 2>/dev/null || break; sleep 1; done
    pkill -9 -f -- "-Djboss.home.dir=$WORK/server( |\$)" 2>/dev/null || true
    wait "$SHELL_PID" 2>/dev/null || true
    SHELL_PID=""
}
cleanup() {
    local pid
    for pid in "${SIPP_PIDS[@]:-}"; do
        [ -n "$pid" ] && kill "$pid" 2>/dev/null || true   # timeout passes the signal on to SIPp
    done
    stop_server
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A fresh copy, the valve as asked, started and returned from once it reports started (the registrar deployed).
start_server() {
    local valve="$1"
    rm -rf "$WORK/server"
    cp -a "$SERVER" "$WORK/server"
    rm -rf "$WORK/server/standalone/data/sipcity" "$WORK/server/standalone/log" "$WORK/server/standalone/tmp"
    if [ "$valve" = off ]; then
        sed -i 's#<subsystem xmlns="urn:sipcity:sip:1.0" #<subsystem xmlns="urn:sipcity:sip:1.0" overload-valve-class="org.sipcity.stack.overload.AdmitAllValve" #' \
            "$WORK/server/standalone/configuration/standalone.xml"
    fi
    "$WORK/server/bin/standalone.sh" -Djboss.socket.binding.port-offset="$OFFSET" \
        -Dsipcity.registrar.authenticate=false -Dsipcity.registrar.domains=bench.invalid >"$WORK/console.log" 2>&1 &
    SHELL_PID=$!
    for _ in $(seq 1 120); do
        grep -q "WFLYSRV0025" "$WORK/console.log" 2>/dev/null && return 0
        grep -q "WFLYSRV0026" "$WORK/console.log" 2>/dev/null && { tail -20 "$WORK/console.log" >&2; exit 1; }
        kill -0 "$SHELL_PID" 2>/dev/null || { tail -20 "$WORK/console.log" >&2; exit 1; }
        sleep 0.5
    done
    echo "the server did not start within 60 s" >&2
    exit 1
}

echo "transport,valve,second,ok,failed,retransmissions" > "$OUT/per-second.csv"
echo "transport,valve,rate_per_s,seconds,boot_s,full_service_s,served_pct,failed,valve_transitions,first_cause,load_before" > "$OUT/summary.csv"
{
    echo "date_utc,$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "cpus,$(nproc)"
    echo "cpu_model,$(lscpu | sed -n 's/^Model name: *//p' | head -1)"
    echo "java,$(java -version 2>&1 | head -1)"
} > "$OUT/run-info.csv"

for transport in ${TRANSPORTS//,/ }; do
    case "$transport" in udp) mode=u1 ;; tcp) mode=t1 ;; *) usage ;; esac
    for valve in ${VALVES//,/ }; do
        load_before="$(cut -d' ' -f1 /proc/loadavg)"
        booted="$(date +%s.%N)"
        start_server "$valve"
        boot="$(awk -v s="$booted" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }')"
        log "$transport, valve $valve: server up after $boot s, $RATE REGISTER/s for $SECONDS_LOAD s"
        SIPP_PIDS=()
        for i in 1 2; do
            rm -f "$WORK/stat-$i.csv"
            ( cd "$WORK" && exec timeout -k 2 $((SECONDS_LOAD + 15)) sipp "127.0.0.1:$PORT" -sf "$HERE/sipp/register-uac.xml" \
                -inf "$HERE/sipp/users.csv" -i "127.0.0.$((i + 1))" -t "$mode" -r "$((RATE / 2))" -m "$((RATE * SECONDS_LOAD / 2))" \
                -default_behaviors all,-bye -l "$((RATE * 2))" -buff_size 4194304 -max_socket 16000 -nostdin \
                -recv_timeout 2000 -trace_stat -fd 1 -stf "stat-$i.csv" >"$WORK/sipp-$i.log" 2>&1 ) &
            SIPP_PIDS+=("$!")
        done
        for pid in "${SIPP_PIDS[@]}"; do wait "$pid" || true; done
        SIPP_PIDS=()
        grep -h "SIP overload" "$WORK/server/standalone/log/server.log" 2>/dev/null \
            | sed 's/^[0-9-]* \([0-9:,]*\) .*SIP overload /\1 /' > "$OUT/valve-$transport-$valve.log" || true
        stop_server
        python3 - "$WORK" "$OUT" "$transport" "$valve" "$RATE" "$SECONDS_LOAD" "$boot" "$load_before" <<'PY'
import csv, sys
work, out, transport, valve, rate, seconds, boot, load = sys.argv[1:9]
rate, seconds = int(rate), int(seconds)
clients = []
for i in (1, 2):
    try:
        rows = list(csv.reader(open(f"{work}/stat-{i}.csv"), delimiter=';'))
    except FileNotFoundError:
        rows = []
    clients.append([dict(zip(rows[0], r)) for r in rows[1:]] if rows else [])
n = min(len(c) for c in clients)
per = []
for k in range(n):
    ok = sum(int(c[k]['SuccessfulCall(P)']) for c in clients)
    failed = sum(int(c[k]['FailedCall(P)']) for c in clients)
    retrans = sum(int(c[k]['Retransmissions(P)']) for c in clients)
    per.append((ok, failed, retrans))
with open(f"{out}/per-second.csv", "a") as f:
    for k, (ok, failed, retrans) in enumerate(per):
        f.write(f"{transport},{valve},{k + 1},{ok},{failed},{retrans}\n")
# Full service: the first second that begins 5 in a row serving at least 95% of the rate (a later dip, a young pause,
# does not move it).
load_seconds = per[:seconds]
full = next((k + 1 for k in range(len(load_seconds) - 4)
             if all(ok >= 0.95 * rate for ok, _, _ in load_seconds[k:k + 5])), None)
total_ok = sum(int(c[-1]['SuccessfulCall(C)']) for c in clients if c)
total_failed = sum(int(c[-1]['FailedCall(C)']) for c in clients if c)
valve_log = open(f"{out}/valve-{transport}-{valve}.log").read().splitlines()
begins = [l for l in valve_log if ' begins' in l]
cause = begins[0].split(' begins on ')[1].split(':')[0] if begins and ' begins on ' in begins[0] else ''
transitions = sum(1 for l in valve_log if ' begins' in l or ' ends' in l)
with open(f"{out}/summary.csv", "a") as f:
    f.write(f"{transport},{valve},{rate},{seconds},{boot},{full if full else 'never'},"
            f"{100.0 * total_ok / (rate * seconds):.1f},{total_failed},{transitions},{cause},{load}\n")
print(f"{transport} valve {valve}: full service from second {full if full else 'never'}, "
      f"served {100.0 * total_ok / (rate * seconds):.1f}% of {rate * seconds}, valve transitions {transitions}")
PY
    done
done

if command -v gnuplot >/dev/null; then
    for transport in ${TRANSPORTS//,/ }; do
        plots=()
        for valve in ${VALVES//,/ }; do
            grep "^$transport,$valve," "$OUT/per-second.csv" | cut -d, -f3,4 | tr , ' ' > "$WORK/$transport-$valve.dat"
            plots+=("'$WORK/$transport-$valve.dat' using 1:2 with lines lw 2 title 'valve $valve'")
        done
        gnuplot <<EOF
set terminal png size 900,500
set output '$OUT/cold-start-$transport.png'
set title 'Cold start over ${transport^^}: $RATE REGISTER/s offered from the moment the server reports started'
set xlabel 'seconds since the load began'
set ylabel 'REGISTERs answered 200 per second'
set yrange [0:$((RATE * 13 / 10))]
set grid
plot $(IFS=,; echo "${plots[*]}"), $RATE with lines dt 2 lc rgb 'gray' title 'offered'
EOF
    done
fi
column -s, -t "$OUT/summary.csv" >&2
