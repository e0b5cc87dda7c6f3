#!/usr/bin/env bash
# The highest REGISTER rate with zero failures of two (or more) builds of the registrar on WildFly, one after the other
# in one run, so that one hold of the machine-wide lock compares them: for each LABEL=SERVER_DIR, a fresh copy of that
# provisioned server (open registrar for bench.invalid, write-back to file H2, the valve's marks raised as in
# registrar-cpu.sh: registrar_server.sh), `bench.sh --targets wildfly --no-start` against it, then the server stopped.
# Loopback only; every step is bounded by bench.sh; the servers are stopped on exit.
#   flock <lock> tests/bench/wildfly-max-ab.sh [--transports udp,tcp] [--ladder "5000 10000 15000"] [--step-seconds 5]
#                [--port-offset 1100] [--out DIR] base=/saved/server new=wildfly-config/target/server
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TRANSPORTS="udp,tcp"
LADDER="5000 10000 15000 20000"
STEP_SECONDS=5
OFFSET=1100
OUT="$HERE/results-max-ab/$(date -u +%Y%m%d-%H%M)"
BUILDS=()

while [ $# -gt 0 ]; do
    case "$1" in
        --transports) TRANSPORTS="$2"; shift ;;
        --ladder) LADDER="$2"; shift ;;
        --step-seconds) STEP_SECONDS="$2"; shift ;;
        --port-offset) OFFSET="$2"; shift ;;
        --out) OUT="$2"; shift ;;
        -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
        *=*) BUILDS+=("$1") ;;
        *) echo "unknown argument: $1" >&2; exit 2 ;;
    esac
    shift
done
[ "${#BUILDS[@]}" -gt 0 ] || { echo "give at least one LABEL=SERVER_DIR" >&2; exit 2; }

SIP_PORT=$(( 5060 + OFFSET ))
MGMT_PORT=$(( 9990 + OFFSET ))
mkdir -p "$OUT"
log() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*" | tee -a "$OUT/run.log" >&2; }
source "$HERE/registrar_server.sh"
WORK=""
cleanup() { stop_server; [ -z "$WORK" ] || rm -rf "$WORK"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

for build in "${BUILDS[@]}"; do
    label="${build%%=*}"
    SERVER="${build#*=}"
    [ -x "$SERVER/bin/standalone.sh" ] || { echo "$label: no provisioned server in $SERVER" >&2; exit 2; }
    WORK="$(mktemp -d -t sipcity-max-ab.XXXXXX)"
    copy_server
    start_server -Dsipcity.registrar.authenticate=false -Dsipcity.registrar.domains=bench.invalid
    log "$label: server up (pid $JAVA_PID, port offset $OFFSET, load $(cut -d' ' -f1-3 /proc/loadavg))"
    "$HERE/bench.sh" --targets wildfly --transports "$TRANSPORTS" --wildfly "127.0.0.1:$SIP_PORT" \
        --wildfly-management "127.0.0.1:$MGMT_PORT" --ladder "$LADDER" --step-seconds "$STEP_SECONDS" \
        --out "$OUT/$label" >"$OUT/$label.log" 2>&1 || log "$label: bench.sh exited with $?"
    log "$label: $(grep -h 'wildfly' "$OUT/$label"/max-rate.csv 2>/dev/null | tr '\n' ' ') (load $(cut -d' ' -f1-3 /proc/loadavg))"
    stop_server
    for kept in server-warnings server-overload; do
        [ ! -f "$OUT/$kept.log" ] || mv "$OUT/$kept.log" "$OUT/$label-$kept.log"
    done
    rm -rf "$WORK"
    WORK=""
done
