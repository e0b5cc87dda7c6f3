#!/usr/bin/env bash
# The overload valve's read-saturation signal in the deployed server: WildFly with the registrar (no digest) pinned to
# one core, SIPp pinned to another, so that the server and not the generator is the bottleneck. For each transport and
# valve (on: the default valve; drop: the same, shed UDP requests dropped silently; off: AdmitAllValve) it offers each rate for STEP seconds and prints one line per step:
# goodput (200/s), 503s, SIPp failures, the probe's accepted p50/p99, the valve's transitions, shed and its peak read
# saturation, and the seconds until the valve is back to normal after the load stops. Not a replacement for
# overload.sh (capacity search, plots, CPU per message): a short check of one signal.
#
# Usage: read-saturation.sh OFFSET "udp tcp" "on off" "RATE..." STEP_SECONDS [SERVER_CORE] [SIPP_CORE]
# Bounded: every SIPp run by `timeout`, every wait by a limit; stops the server it started. Loopback only.
set -eu

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SERVER="$(cd "$HERE/../.." && pwd)/wildfly-config/target/server"
OFFSET="$1"; TRANSPORTS="$2"; VALVES="$3"; RATES="$4"; STEP="$5"; SERVER_CORE="${6:-0}"; SIPP_CORE="${7:-1}"
HOST=127.0.0.1
SIP_PORT=$(( 5060 + OFFSET ))
MGMT_PORT=$(( 9990 + OFFSET ))
WORK="$(mktemp -d)"
SERVER_PID=""
trap 'exit 143' TERM INT
trap 'if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null; sleep 3; kill -9 "$SERVER_PID" 2>/dev/null; fi; rm -rf "$WORK"' EXIT

log() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
metric() {
    { curl -s --max-time 5 "http://$HOST:$MGMT_PORT/metrics" || true; } | awk -v name="wildfly_sip_$1" \
        '($1 == name || $1 == name "_total" || index($1, name "_") == 1 && $1 !~ /{/) { printf "%.0f", $2; found = 1; exit }
         END { if (!found) printf "-1" }'
}
# Datagrams the kernel dropped at our UDP sockets' receive buffers (/proc/net/udp and udp6, column drops).
udp_drops() {
    local port
    port="$(printf '%04X' "$SIP_PORT")"
    cat /proc/net/udp /proc/net/udp6 2>/dev/null | awk -v p=":$port" 'index($2, p) == length($2) - 4 { d += $NF } END { print d + 0 }'
}
cli() {
    "$SERVER/bin/jboss-cli.sh" -c --controller="$HOST:$MGMT_PORT" --timeout=30000 --commands="$1" >>"$WORK/cli.log" 2>&1
}
ready() {
    local i
    for i in $(seq 1 120); do
        curl -s --max-time 1 "http://$HOST:$MGMT_PORT/metrics" | grep -q wildfly_sip_overload_state && return 0
        sleep 0.5
    done
    echo "server not ready" >&2; exit 1
}

cp "$SERVER/standalone/configuration/standalone.xml" "$SERVER/standalone/configuration/standalone-read-saturation.xml"
LAUNCH_JBOSS_IN_BACKGROUND=1 JBOSS_PIDFILE="$WORK/server.pid" taskset -c "$SERVER_CORE" "$SERVER/bin/standalone.sh" \
    -c standalone-read-saturation.xml -Djboss.socket.binding.port-offset="$OFFSET" \
    -Dsipcity.registrar.authenticate=false -Dsipcity.registrar.domains=bench.invalid >"$WORK/server.log" 2>&1 &
for i in $(seq 1 60); do [ -s "$WORK/server.pid" ] && break; sleep 1; done
SERVER_PID="$(cat "$WORK/server.pid")"
ready
log "server pid $SERVER_PID on core $SERVER_CORE, SIP $SIP_PORT; load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "transport;valve;offered;goodput;ok;r503;failed;p50_us;p99_us;transitions;shed;peak_read_saturation;peak_read_busy;recovery_s;cpu_s;udp_drops"

for valve in $VALVES; do
    # on: the default valve answers 503; drop: the same, shedding UDP requests silently; off: AdmitAllValve.
    case "$valve" in
        off) cli "/subsystem=sip:write-attribute(name=overload-valve-class, value=org.sipcity.stack.overload.AdmitAllValve),reload" ;;
        drop) cli "/subsystem=sip:undefine-attribute(name=overload-valve-class),/subsystem=sip:write-attribute(name=overload-udp-drop, value=true),reload" ;;
        *) cli "/subsystem=sip:undefine-attribute(name=overload-valve-class),/subsystem=sip:undefine-attribute(name=overload-udp-drop),reload" ;;
    esac
    sleep 2; ready
    for transport in $TRANSPORTS; do
        mode=u1; [ "$transport" = tcp ] && mode=t1
        # Warm-up: 8 s at 2,000/s, so that the first measured step does not meet a server still compiling.
        ( cd "$WORK" && timeout -k 2 14 taskset -c "$SIPP_CORE" sipp "$HOST:$SIP_PORT" -sf "$HERE/sipp/register-uac.xml" \
            -inf "$HERE/sipp/users.csv" -i 127.0.0.2 -t "$mode" -r 2000 -m 16000 -nostdin >/dev/null 2>&1 ) || true
        for rate in $RATES; do
            sleep 3
            t0="$(metric overload_transitions)"; s0="$(metric overload_shed_new_work)"; d0="$(udp_drops)"
            c0="$(awk '{ print $14 + $15 }' "/proc/$SERVER_PID/stat")"
            rm -f "$WORK"/stat.csv
            ( cd "$WORK" && exec timeout -k 2 $(( STEP + 10 )) taskset -c "$SIPP_CORE" sipp "$HOST:$SIP_PORT" \
                -sf "$HERE/sipp/register-uac.xml" -inf "$HERE/sipp/users.csv" -i 127.0.0.2 -t "$mode" -r "$rate" \
                -m $(( rate * STEP )) -l $(( rate * 3 )) -buff_size 4194304 -nostdin -recv_timeout 2000 \
                -trace_stat -stf stat.csv -fd 1 >"$WORK/sipp.log" 2>&1 ) &
            sipp_pid=$!
            sleep 1
            taskset -c "$SIPP_CORE" python3 "$HERE/probe.py" --host "$HOST" --port "$SIP_PORT" --transport "$transport" \
                --rate 50 --duration $(( STEP - 2 )) --timeout 2 --accepted-only >"$WORK/probe.txt" 2>/dev/null &
            probe_pid=$!
            peak=0
            busy=0
            while kill -0 "$sipp_pid" 2>/dev/null; do
                r="$(metric overload_read_saturation)"
                [ "$r" -gt "$peak" ] && peak="$r"
                b="$(metric overload_read_busy)"
                [ "$b" -gt "$busy" ] && busy="$b"
                sleep 0.5
            done
            wait "$sipp_pid" || true
            wait "$probe_pid" || true
            c1="$(awk '{ print $14 + $15 }' "/proc/$SERVER_PID/stat")"
            recovery=-
            if [ "$valve" != off ]; then
                start="$(date +%s.%N)"
                for i in $(seq 1 60); do
                    [ "$(metric overload_state)" = 0 ] && break
                    sleep 0.5
                done
                recovery="$(awk -v s="$start" -v n="$(date +%s.%N)" 'BEGIN { printf "%.1f", n - s }')"
            fi
            read -r ok failed r503 < <(python3 - "$WORK/stat.csv" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1]), delimiter=";"))
h, last = rows[0], rows[-1]
v = lambda name: int(last[h.index(name)] or 0)
print(v("SuccessfulCall(C)"), v("FailedCall(C)"), v("FailedUnexpectedMessage(C)"))
PY
            )
            IFS=';' read -r samples lost p50 p90 p99 max rejected <"$WORK/probe.txt" || true
            goodput="$(awk -v o="$ok" -v s="$STEP" 'BEGIN { printf "%.0f", o / s }')"
            echo "$transport;$valve;$rate;$goodput;$ok;$r503;$failed;${p50:-};${p99:-};$(( $(metric overload_transitions) - t0 ));$(( $(metric overload_shed_new_work) - s0 ));$peak;$busy;$recovery;$(awk -v a="$c0" -v b="$c1" 'BEGIN { printf "%.1f", (b - a) / 100 }');$(( $(udp_drops) - d0 ))"
        done
    done
done
log "done; load $(cut -d' ' -f1-3 /proc/loadavg)"
