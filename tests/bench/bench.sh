#!/usr/bin/env bash
# REGISTER benchmark with SIPp (the paper's Figure 8): for each target and transport, finds the highest REGISTER rate
# answered with zero failures by stepping the offered rate up, then bisecting between the last pass and the first
# failure; records latency percentiles (from probe.py, microsecond clock) against offered rate; writes CSV and PNG
# plots under results/ and prints our figure, Kamailio's and the ratio.
#
# Targets: sipp (SIPp answering REGISTER 200 itself: the generator's own ceiling), ours (TinyResponder on our stack
# by default, or any server given by --ours/--no-start/--target-cmd), kamailio (Kamailio 5.6 with kamailio/kamailio.cfg).
# Transports: udp, tcp (persistent: SIPp -t t1, one connection per SIPp process, several processes), tcp-tn
# (transaction TCP: a new connection per REGISTER, SIPp -t tn from several source addresses), tls (persistent TLS:
# SIPp -t l1 when it is built with TLS; Debian's sip-tester is not, so then SIPp -t t1 into a local stunnel client,
# one TLS connection per SIPp process; keys self-signed, made in the work directory), tcp-tn-loadgen (transaction TCP
# from tests/loadgen instead of SIPp: open loop, a new connection per REGISTER from 16 source addresses, the source
# port chosen by the kernel at connect time, so it does not stall in TIME_WAIT where SIPp -t tn does; build
# tests/loadgen first). tls is measured for the targets sipp, wildfly and kamailio (TinyResponder has no TLS connector).
# For the target wildfly and the transaction-TCP transports, every step also records the server side of the
# connection churn (server-churn.csv: connections accepted during the load, the loadgen's warm-up and the probe's
# included, and per second of load; open connections and file descriptors before, right after and up to 10 s after
# the load), from the management interface's /metrics and /proc.
#
# Everything runs on 127.0.0.0/8; every step is bounded by `timeout`; every process started here is stopped on exit.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
STEP_SECONDS=10
TARGETS="sipp,ours,kamailio"
TRANSPORTS="udp,tcp,tcp-tn"
OURS="127.0.0.1:15060"
KAMAILIO_PORT=15070
KAMAILIO_TLS_PORT=15072
SIPP_UAS_PORT=15080
# TLS without SIPp's own: SIPp's TCP goes into a stunnel client here; the SIPp server sits behind a stunnel server.
TLS_TUNNEL_PORT=15090
SIPP_UAS_TLS_PORT=15082
WILDFLY_TLS=""
WILDFLY_MANAGEMENT=""
NO_START=0
WILDFLY="127.0.0.1:5060"
TARGET_CMD=""
SMOKE=0
OUT="$HERE/results"
PROBE_RATE=200
LADDER=""
BISECTIONS=2

usage() {
    cat <<USAGE
Usage: $0 [--smoke] [--targets sipp,ours,wildfly,kamailio] [--transports udp,tcp,tcp-tn,tcp-tn-loadgen,tls] [--step-seconds N]
          [--ours HOST:PORT] [--no-start | --target-cmd 'COMMAND'] [--wildfly HOST:PORT] [--wildfly-tls HOST:PORT]
          [--wildfly-management HOST:PORT] [--ladder "RATE RATE ..."] [--out DIR]
  --smoke        a few seconds at 200/s against our stack only (UDP and TCP); exit status 1 on any failure
  --ours         where our server listens (default $OURS); without --no-start/--target-cmd, TinyResponder is started there
  --no-start     our server is already running at --ours (e.g. WildFly with the registrar)
  --target-cmd   command that starts our server in the foreground (stopped at the end)
  --wildfly      where the provisioned WildFly with the registrar listens (target wildfly; start it yourself, open
                 registrar for domain bench.invalid: see README), default $WILDFLY
  --ladder       the offered rates stepped through for every transport (default: per transport, see ladder_for)
  --wildfly-tls  its TLS socket (sip-tls), default the --wildfly port + 1; for tls the script adds a connector
                 "bench-tls" there with its own self-signed key (Elytron key-store, key-manager, server-ssl-context,
                 through jboss-cli on --wildfly-management, default the port 9990 with the same offset) and removes
                 them on exit
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
        --wildfly-tls) WILDFLY_TLS="$2"; shift ;;
        --wildfly-management) WILDFLY_MANAGEMENT="$2"; shift ;;
        --out) OUT="$2"; shift ;;
        --ladder) LADDER="$2"; shift ;;
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
[ -n "$WILDFLY_TLS" ] || WILDFLY_TLS="$WILDFLY_HOST:$(( WILDFLY_PORT + 1 ))"
[ -n "$WILDFLY_MANAGEMENT" ] || WILDFLY_MANAGEMENT="$WILDFLY_HOST:$(( 9990 + WILDFLY_PORT - 5060 ))"
case "${WILDFLY_TLS%:*}" in 127.*) ;; *) echo "refusing a target off loopback: $WILDFLY_TLS" >&2; exit 2 ;; esac

if ! command -v sipp >/dev/null 2>&1; then
    echo "sipp is not installed (Debian package sip-tester): benchmark skipped" >&2
    exit 3
fi

# Shared with overload.sh: the work directory and its cleanup, log, wait_ready, run_sipp, step, find_max.
source "$HERE/lib.sh"
# The TLS connector added to a running WildFly goes before the processes and the work directory do.
trap 'remove_wildfly_tls; cleanup' EXIT

case ",$TRANSPORTS," in
    *,tcp-tn-loadgen,*)
        LOADGEN="$HERE/../loadgen/target"
        [ -d "$LOADGEN/classes" ] && [ -s "$LOADGEN/loadgen.classpath" ] || {
            echo "no load generator at $LOADGEN: build it (mvn -q -o package -pl tests/loadgen -am -DskipTests)" >&2
            exit 2; }
        LOADGEN_CP="$LOADGEN/classes:$(cat "$LOADGEN/loadgen.classpath")" ;;
esac

# The server side of transaction TCP (target wildfly): its connector's figures from /metrics (no login), its file
# descriptors from /proc (the server runs as this user on this host, as for the TLS connector's CLI).
CHURN_CSV="$OUT/server-churn.csv"
wildfly_metric() {
    curl -s --max-time 5 "http://$WILDFLY_MANAGEMENT/metrics" \
        | awk -v name="$1" '$1 == name { printf "%d", $2; found = 1 } END { if (!found) printf "-1" }'
}
wildfly_fds() {
    local pid
    pid="$(ss -ltnpH "sport = :$WILDFLY_PORT" 2>/dev/null | sed -n 's/.*pid=\([0-9]*\).*/\1/p' | head -1)"
    [ -n "$pid" ] && ls "/proc/$pid/fd" 2>/dev/null | wc -l || echo -1
}
# Before the next transport of the target wildfly: lets the UDP steps' completed transactions (held up to Timer J,
# 32 s, a quarter of the heap at the top of the ladder) drain below 2,000, at most 40 s, so that the TCP steps do not
# run on a heap and a collector still busy with the UDP ones (2026-11-27: TCP 45,000/s right after UDP on one server,
# 67,500/s on a fresh one). Kamailio's registrar answers statelessly and keeps nothing to drain.
wildfly_drain() {
    local i held
    for i in $(seq 1 80); do
        held="$(wildfly_metric wildfly_sip_completed_transactions)"
        [ "$held" -lt 2000 ] && { [ "$i" = 1 ] || log "wildfly: completed transactions drained after $(( i / 2 )) s"; return 0; }
        sleep 0.5
    done
    log "wildfly: $held completed transactions still held after 40 s"
}
# The transaction layer's refusals (503) during a step of the target wildfly: all of them, and those for the
# completed-transaction budget, as differences of the counters read before and after the load (record_failures, lib.sh).
REFUSED_BEFORE=0 REFUSED_BUDGET_BEFORE=0 VALVE_BEFORE=0
refusals_before() {
    REFUSED_BEFORE="$(wildfly_metric wildfly_sip_transactions_refused_total)"
    REFUSED_BUDGET_BEFORE="$(wildfly_metric wildfly_sip_transactions_refused_completed_memory_total)"
    VALVE_BEFORE="$(wildfly_metric wildfly_sip_overload_rejections_sent_total)"
}
server_refusals() {
    [ "${SERVER_REFUSALS:-0}" = 1 ] || return 0
    local total budget valve
    total="$(wildfly_metric wildfly_sip_transactions_refused_total)"
    budget="$(wildfly_metric wildfly_sip_transactions_refused_completed_memory_total)"
    valve="$(wildfly_metric wildfly_sip_overload_rejections_sent_total)"
    # -1: the server does not have that counter (before 2026-11-26's completed-memory figures).
    [ "$budget" -lt 0 ] || budget=$(( budget - REFUSED_BUDGET_BEFORE ))
    [ "$total" -lt 0 ] || total=$(( total - REFUSED_BEFORE ))
    [ "$valve" -lt 0 ] || valve=$(( valve - VALVE_BEFORE ))
    printf '%s;%s;%s' "$budget" "$total" "$valve"
}
CHURN_ACCEPTED=0 CHURN_OPEN=0 CHURN_FDS=0 CHURN_START=0
churn_before() {
    CHURN_ACCEPTED="$(wildfly_metric 'wildfly_sip_accepted_connections_total{connector="tcp"}')"
    CHURN_OPEN="$(wildfly_metric 'wildfly_sip_open_connections{connector="tcp"}')"
    CHURN_FDS="$(wildfly_fds)"
    CHURN_START="$(date +%s.%N)"
    refusals_before
}
# After each step's load: accepted connections per second of the load, what is open right after it and once the last
# connections have closed (bounded wait of 10 s); a leak shows as open connections or descriptors above the idle figure.
churn_after() {
    local target="$1" transport="$2" rate="$3" line="$4" accepted open_now fds_now open_settled fds_settled i seconds
    seconds="$(echo "$line" | awk -F';' '{ print $5 }')"
    # The loadgen's unmeasured warm-up runs at the same rate within the window (the probe's 200 connections/s too).
    [ "$transport" = tcp-tn-loadgen ] && seconds="$(awk -v s="$seconds" -v w="${TN_WARMUP_SECONDS:-3}" 'BEGIN { print s + w }')"
    accepted="$(wildfly_metric 'wildfly_sip_accepted_connections_total{connector="tcp"}')"
    open_now="$(wildfly_metric 'wildfly_sip_open_connections{connector="tcp"}')"
    fds_now="$(wildfly_fds)"
    for i in $(seq 1 20); do
        open_settled="$(wildfly_metric 'wildfly_sip_open_connections{connector="tcp"}')"
        [ "$open_settled" -le "$CHURN_OPEN" ] && break
        sleep 0.5
    done
    fds_settled="$(wildfly_fds)"
    [ -s "$CHURN_CSV" ] || echo "target,transport,offered_per_s,accepted,accepted_per_s,open_before,open_after_load,open_settled,fds_before,fds_after_load,fds_settled" >"$CHURN_CSV"
    echo "$target,$transport,$rate,$(( accepted - CHURN_ACCEPTED )),$(awk -v a="$(( accepted - CHURN_ACCEPTED ))" -v s="$seconds" 'BEGIN { printf "%.0f", (s > 0 ? a / s : 0) }'),$CHURN_OPEN,$open_now,$open_settled,$CHURN_FDS,$fds_now,$fds_settled" >>"$CHURN_CSV"
    log "wildfly $transport ${rate}/s server side: accepted $(( accepted - CHURN_ACCEPTED )), open connections $CHURN_OPEN -> $open_now -> $open_settled, fds $CHURN_FDS -> $fds_now -> $fds_settled"
}

# The warm-up before a target's first measured step: SIPp over UDP and then TCP at 2,000/s for 5 s each, with the
# latency probe beside each (unmeasured, at PROBE_RATE: the steps' probe exactly, same users, source address and
# contacts), so that the probe's AORs are bound before the first window: on the registrar the probe's first REGISTERs
# insert 100 bindings, and on 2026-11-26 that insert, made inside the first window, had C2 throw away and recompile
# the flush path for ~16 s of it (bench README, "REGISTER p99 at 2,500/s"). The probe of tcp-tn steps (tcp-new)
# registers the same contacts as tcp's; a TLS probe's contacts (transport=tls) are still first bound in its first step.
warm_up() {
    local host="$1" port="$2" transport pid
    for transport in udp tcp; do
        pid=""
        if [ "$PROBE_RATE" -gt 0 ]; then
            ( exec timeout -k 2 60 python3 "$HERE/probe.py" --host "$host" --port "$port" --transport "$transport" \
                --rate "$PROBE_RATE" --duration 60 >"$WORK/warm-probe.out" 2>&1 ) &
            pid=$!
        fi
        run_sipp "$host" "$port" "$transport" 2000 5 >/dev/null 2>&1 || true
        [ -z "$pid" ] && continue
        # SIGTERM ends the probe early; it still prints its line
        kill -TERM "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
        log "warm-up $transport: SIPp 2,000/s for 5 s; probe beside it (unmeasured; n;lost;p50;p90;p99;max us) $(tail -1 "$WORK/warm-probe.out" 2>/dev/null)"
    done
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
    warm_up "$OURS_HOST" "$OURS_PORT"
}

start_kamailio() {
    command -v kamailio >/dev/null 2>&1 || { log "installing kamailio"; apt-get install -y -q kamailio >/dev/null; }
    kamailio -v | head -1 >&2
    mkdir -p "$WORK/kamailio-run"
    local tls=()
    if wants_tls; then
        [ -n "$(find /usr/lib -path '*kamailio/modules/tls.so' 2>/dev/null | head -1)" ] \
            || { log "installing kamailio-tls-modules"; apt-get install -y -q kamailio-tls-modules >/dev/null; }
        make_tls_key
        tls=(-A WITH_TLS -A "TLS_CERT=\"$WORK/tls/cert.pem\"" -A "TLS_KEY=\"$WORK/tls/key.pem\""
             -l "tls:127.0.0.1:$KAMAILIO_TLS_PORT")
    fi
    kamailio -f "$HERE/kamailio/kamailio.cfg" -l "udp:127.0.0.1:$KAMAILIO_PORT" -l "tcp:127.0.0.1:$KAMAILIO_PORT" \
        "${tls[@]}" -Y "$WORK/kamailio-run" -P "$WORK/kamailio.pid" -DD -E -m 512 -M 32 >"$WORK/kamailio.log" 2>&1 &
    STARTED_PIDS+=("$!")
    wait_ready 127.0.0.1 "$KAMAILIO_PORT"
    if wants_tls; then
        wait_ready 127.0.0.1 "$KAMAILIO_TLS_PORT" tls
    fi
}

wants_tls() {
    case ",$TRANSPORTS," in *,tls,*) return 0 ;; *) return 1 ;; esac
}

# A key and self-signed certificate for every TLS server of the run (P-256: cheap handshakes), and the same pair where
# SIPp's own TLS looks for them (its working directory, cacert.pem and cakey.pem).
make_tls_key() {
    [ -s "$WORK/tls/cert.pem" ] && return 0
    mkdir -p "$WORK/tls"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$WORK/tls/key.pem" \
        -out "$WORK/tls/cert.pem" -days 2 -subj /CN=127.0.0.1 2>/dev/null
    openssl pkcs12 -export -in "$WORK/tls/cert.pem" -inkey "$WORK/tls/key.pem" -name bench -out "$WORK/tls/bench.p12" \
        -passout pass:bench-only
    cp "$WORK/tls/cert.pem" "$WORK/cacert.pem"
    cp "$WORK/tls/key.pem" "$WORK/cakey.pem"
}

SIPP_HAS_TLS=0
sipp -v 2>&1 | grep -q -- '-TLS' && SIPP_HAS_TLS=1
if [ "$SIPP_HAS_TLS" = 1 ]; then SIPP_TLS_MODE=l1; else SIPP_TLS_MODE=t1; fi

# stunnel NAME CONFIG-LINES...: one stunnel in the foreground with one service; stopped on exit.
declare -A STUNNEL_PIDS=()
start_stunnel() {
    local name="$1"; shift
    command -v stunnel >/dev/null 2>&1 || { log "installing stunnel4"; apt-get install -y -q stunnel4 >/dev/null; }
    make_tls_key
    printf 'foreground = yes\npid =\nsyslog = no\ndebug = 3\n[%s]\n' "$name" >"$WORK/stunnel-$name.conf"
    printf '%s\n' "$@" >>"$WORK/stunnel-$name.conf"
    stunnel "$WORK/stunnel-$name.conf" >"$WORK/stunnel-$name.log" 2>&1 &
    STUNNEL_PIDS[$name]="$!"
    STARTED_PIDS+=("$!")
    sleep 0.5
}

stop_stunnel() {
    local pid="${STUNNEL_PIDS[$1]:-}"
    [ -n "$pid" ] && { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; }
    STUNNEL_PIDS[$1]=""
}

# Searches the TLS REGISTER rate of a target whose TLS port is HOST:PORT: SIPp there directly, or through a stunnel
# client when SIPp has no TLS of its own; the probe always speaks TLS to the target itself.
find_max_tls() {
    local target="$1" host="$2" port="$3"
    if [ "$SIPP_HAS_TLS" = 1 ]; then
        find_max "$target" "$host" "$port" tls "$(ladder_for tls)"
        return
    fi
    start_stunnel client "client = yes" "accept = 127.0.0.1:$TLS_TUNNEL_PORT" "connect = $host:$port"
    PROBE_ADDRESS="$host:$port"
    find_max "$target" 127.0.0.1 "$TLS_TUNNEL_PORT" tls "$(ladder_for tls)"
    PROBE_ADDRESS=""
    stop_stunnel client
}

# WildFly's TLS connector for the run: the key made here, in an Elytron key-store, key-manager and server-ssl-context,
# a connector bench-tls on the sip-tls socket binding; removed again on exit.
CLI=""
WILDFLY_TLS_ADDED=0
add_wildfly_tls() {
    CLI="$HERE/../../wildfly-config/target/server/bin/jboss-cli.sh"
    [ -x "$CLI" ] || { log "no jboss-cli at $CLI: build wildfly-config first"; exit 2; }
    make_tls_key
    local ks='credential-reference={clear-text=bench-only}'
    "$CLI" -c --controller="$WILDFLY_MANAGEMENT" --commands="/subsystem=elytron/key-store=bench-tls:add(path=\"$WORK/tls/bench.p12\", type=PKCS12, $ks),/subsystem=elytron/key-manager=bench-tls:add(key-store=bench-tls, $ks),/subsystem=elytron/server-ssl-context=bench-tls:add(key-manager=bench-tls, protocols=[TLSv1.3, TLSv1.2]),/subsystem=sip/connector=bench-tls:add(socket-binding=sip-tls, transport=tls, ssl-context=bench-tls)" \
        >"$WORK/cli-add.log" 2>&1 || { log "adding the TLS connector failed:"; cat "$WORK/cli-add.log" >&2; exit 1; }
    WILDFLY_TLS_ADDED=1
    wait_ready "${WILDFLY_TLS%:*}" "${WILDFLY_TLS##*:}" tls
}

remove_wildfly_tls() {
    [ "$WILDFLY_TLS_ADDED" = 1 ] || return 0
    "$CLI" -c --controller="$WILDFLY_MANAGEMENT" --commands="/subsystem=sip/connector=bench-tls:remove(){allow-resource-service-restart=true},/subsystem=elytron/server-ssl-context=bench-tls:remove(){allow-resource-service-restart=true},/subsystem=elytron/key-manager=bench-tls:remove(){allow-resource-service-restart=true},/subsystem=elytron/key-store=bench-tls:remove(){allow-resource-service-restart=true}" \
        >"$WORK/cli-remove.log" 2>&1 || log "removing the TLS connector failed (see $WORK/cli-remove.log)"
    WILDFLY_TLS_ADDED=0
}

# SIPp as the server for one transport (the SIPp-against-SIPp ceiling). It is restarted before every step: after an
# overload step SIPp as the server may be left aborted or wedged, which would fail every later step of the bisection.
SIPP_UAS_PID=""
SIPP_UAS_TRANSPORT=""
start_sipp_uas() {
    local transport="$1" mode=u1
    [ "$transport" != udp ] && mode=t1
    [ "$transport" = tls ] && mode="$SIPP_TLS_MODE"
    [ "$mode" = l1 ] && make_tls_key
    # From the work directory, where SIPp's own TLS finds its key.
    ( cd "$WORK" && exec sipp -sf "$HERE/sipp/register-uas.xml" -i 127.0.0.1 -p "$SIPP_UAS_PORT" -t "$mode" \
        -buff_size 4194304 -max_socket 16000 -nostdin >>"$WORK/sipp-uas-$transport.log" 2>&1 ) &
    SIPP_UAS_PID="$!"
    STARTED_PIDS+=("$SIPP_UAS_PID")
    case "$transport" in
        udp) wait_ready 127.0.0.1 "$SIPP_UAS_PORT" udp ;;
        tls) [ "$SIPP_HAS_TLS" = 1 ] && wait_ready 127.0.0.1 "$SIPP_UAS_PORT" tls \
                 || wait_ready 127.0.0.1 "$SIPP_UAS_TLS_PORT" tls ;;
        *) wait_ready 127.0.0.1 "$SIPP_UAS_PORT" tcp ;;
    esac
}

ladder_for() {
    [ -z "$LADDER" ] || { echo "$LADDER"; return; }
    case "$1" in
        tcp-tn) echo "1000 2500 5000 10000 20000" ;;
        tcp-tn-loadgen) echo "2500 5000 10000 20000 40000" ;;
        tls) echo "2500 5000 10000 20000 40000 60000" ;;
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
    echo "sipp_tls,$( [ "$SIPP_HAS_TLS" = 1 ] && echo "own (-t l1)" || echo "none: -t t1 through stunnel $(stunnel -version 2>&1 | awk '/^stunnel/ { print $2; exit }')" )"
    echo "step_seconds,$STEP_SECONDS"
    echo "probe_rate_per_s,$PROBE_RATE"
    echo "tn_loadgen_sources,${TN_SOURCES:-16}"
    echo "ip_local_port_range,$(tr '\t' ' ' </proc/sys/net/ipv4/ip_local_port_range)"
    echo "tcp_tw_reuse,$(cat /proc/sys/net/ipv4/tcp_tw_reuse)"
    echo "tcp_max_tw_buckets,$(cat /proc/sys/net/ipv4/tcp_max_tw_buckets)"
    echo "load_average_start,$(cut -d' ' -f1-3 /proc/loadavg)"
} >"$OUT/run-info.csv"
IFS=',' read -r -a target_list <<<"$TARGETS"
IFS=',' read -r -a transport_list <<<"$TRANSPORTS"

for target in "${target_list[@]}"; do
    case "$target" in
        sipp)
            for transport in "${transport_list[@]}"; do
                SIPP_UAS_TRANSPORT="$transport"
                if [ "$transport" = tls ] && [ "$SIPP_HAS_TLS" = 0 ]; then
                    # SIPp as the server behind a stunnel server, as the clients go through a stunnel client.
                    start_stunnel server "accept = 127.0.0.1:$SIPP_UAS_TLS_PORT" "connect = 127.0.0.1:$SIPP_UAS_PORT" \
                        "cert = $WORK/tls/cert.pem" "key = $WORK/tls/key.pem"
                    find_max_tls sipp 127.0.0.1 "$SIPP_UAS_TLS_PORT"
                    stop_stunnel server
                elif [ "$transport" = tls ]; then
                    find_max_tls sipp 127.0.0.1 "$SIPP_UAS_PORT"
                else
                    find_max sipp 127.0.0.1 "$SIPP_UAS_PORT" "$transport" "$(ladder_for "$transport")"
                fi
                stop_sipp_uas
            done ;;
        ours)
            start_ours
            for transport in "${transport_list[@]}"; do
                if [ "$transport" = tls ]; then
                    log "ours: TinyResponder has no TLS connector, tls skipped (target wildfly has one)"
                    continue
                fi
                find_max ours "$OURS_HOST" "$OURS_PORT" "$transport" "$(ladder_for "$transport")"
            done ;;
        wildfly)
            log "wildfly: using the running server at $WILDFLY"
            wait_ready "$WILDFLY_HOST" "$WILDFLY_PORT"
            warm_up "$WILDFLY_HOST" "$WILDFLY_PORT"
            for transport in "${transport_list[@]}"; do
                wildfly_drain
                if [ "$transport" = tls ]; then
                    add_wildfly_tls
                    find_max_tls wildfly "${WILDFLY_TLS%:*}" "${WILDFLY_TLS##*:}"
                    remove_wildfly_tls
                    continue
                fi
                case "$transport" in
                    tcp-tn|tcp-tn-loadgen) BEFORE_LOAD=churn_before AFTER_LOAD=churn_after ;;
                    *) BEFORE_LOAD=refusals_before AFTER_LOAD="" ;;
                esac
                SERVER_REFUSALS=1
                find_max wildfly "$WILDFLY_HOST" "$WILDFLY_PORT" "$transport" "$(ladder_for "$transport")"
                BEFORE_LOAD="" AFTER_LOAD="" SERVER_REFUSALS=0
            done ;;
        kamailio)
            start_kamailio
            # the same warm-up as ours (until 2026-11-26 Kamailio had none: its first step bound the probe's AORs)
            warm_up 127.0.0.1 "$KAMAILIO_PORT"
            for transport in "${transport_list[@]}"; do
                if [ "$transport" = tls ]; then
                    find_max_tls kamailio 127.0.0.1 "$KAMAILIO_TLS_PORT"
                    continue
                fi
                find_max kamailio 127.0.0.1 "$KAMAILIO_PORT" "$transport" "$(ladder_for "$transport")"
            done
            stop_kamailio ;;
        *) echo "unknown target $target" >&2; exit 2 ;;
    esac
done

command -v gnuplot >/dev/null 2>&1 || { log "installing gnuplot-nox"; apt-get install -y -q gnuplot-nox >/dev/null; }
python3 "$HERE/analyze.py" "$OUT"
