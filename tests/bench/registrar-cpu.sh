#!/usr/bin/env bash
# Where the CPU of the registrar on WildFly goes: server CPU time and heap allocated per REGISTER at a fixed rate over
# persistent TCP (or, with --udp, UDP; with --tls, persistent TLS), and a JFR profile of the same load summarised by
# thread and by frame (jfr_top.py).
#
# A fresh copy of the provisioned server (write-back to file H2 unless --db-options says otherwise), open registrar for
# bench.invalid or, with --digest, digest authentication (MD5 first, as SIPp answers only that) for 20,000 subscribers
# imported with the registrar's own import-csv operation. Every user registers once (warm-up), the server's idle CPU
# is read over 10 s, then:
#   1. SIPp at RATE registrations/s for SECONDS: utime+stime of the server process from /proc, minus its idle CPU;
#   2. the same load again under `jcmd JFR.start settings=profile`: CPU samples and allocation per REGISTER.
# CPU figures survive a loaded host much better than rates do; still give the load average beside them. Loopback
# only; every SIPp run is bounded by `timeout`; the server and everything started here are stopped on exit.
# With --tls the server gets a TLS connector (a self-signed P-256 key in an Elytron key-store, key-manager and
# server-ssl-context, added through the CLI) and SIPp, which Debian builds without TLS, speaks TCP into a local stunnel
# client holding one TLS connection per SIPp connection; stunnel's CPU is not the server's and is not counted.
#   flock <lock> tests/bench/registrar-cpu.sh [--async-profiler LIB [--alloc]] [--digest] [--udp|--tls] [--rate 3000] [--seconds 30] [--port-offset 1100] [--out DIR]
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
RATE=3000
SECONDS_PER_RUN=30
OFFSET=1100
DIGEST=0
UDP=0
TLS=0
TLS_PROVIDER=""
NO_JFR=0
ASYNC_PROFILER=""
AP_ALLOC=0
USERS=20000
PASSWORD="bench-Pa55"
DB_OPTIONS=""
SERVER="$ROOT/wildfly-config/target/server"
OUT="$HERE/results-cpu/$(date -u +%Y%m%d-%H%M)"

usage() {
    cat <<USAGE
Usage: $0 [--digest] [--udp|--tls] [--tls-provider NAME] [--rate N] [--seconds N] [--port-offset N] [--db-options '-Dsipcity.db.url=...'] [--out DIR]
          [--server DIR]
  --server    a provisioned server to copy (default wildfly-config/target/server; a saved copy compares builds)
  --rate      registrations per second during both measured runs (default 3000)
  --seconds   length of each measured run (default 30)
  --digest    digest authentication (two requests per registration) instead of an open registrar
  --udp       UDP instead of persistent TCP (each SIPp process on one socket, -t u1)
  --tls       persistent TLS instead of persistent TCP (SIPp through a stunnel client; needs stunnel4)
  --tls-provider NAME  the server-ssl-context's provider (e.g. openssl: WildFly's own OpenSSL-backed SSLEngine,
              module org.wildfly.openssl), default the JDK's
  --async-profiler LIB  profile the second run with async-profiler (LIB: its libasyncProfiler.so, e.g. unpacked
              from the tools.profiler:async-profiler jar) instead of JFR: CPU samples of every thread, native and
              kernel frames included, as collapsed stacks (profile.collapsed) and summarised by ap_top.py
  --alloc     with --async-profiler: bytes allocated instead of CPU samples (TLAB-driven sampling, each sample
              weighted by its size: unlike JFR's allocation samples, a thread's first sample does not carry all
              its earlier allocation), profile.collapsed in bytes; ap_top.py --per N gives bytes per REGISTER
  --no-jfr    CPU figures only (no second run under JFR): shorter, to compare several builds in one lock hold
Needs: mvn -q -o verify -pl wildfly-config -am -DskipTests; sipp (Debian sip-tester), python3, jcmd and jfr (JDK 17).
USAGE
}

while [ $# -gt 0 ]; do
    case "$1" in
        --digest) DIGEST=1 ;;
        --udp) UDP=1 ;;
        --tls) TLS=1 ;;
        --tls-provider) TLS=1; TLS_PROVIDER="$2"; shift ;;
        --no-jfr) NO_JFR=1 ;;
        --async-profiler) ASYNC_PROFILER="$2"; shift ;;
        --alloc) AP_ALLOC=1 ;;
        --rate) RATE="$2"; shift ;;
        --seconds) SECONDS_PER_RUN="$2"; shift ;;
        --port-offset) OFFSET="$2"; shift ;;
        --db-options) DB_OPTIONS="$2"; shift ;;
        --server) SERVER="$2"; shift ;;
        --out) OUT="$2"; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
    esac
    shift
done

[ -x "$SERVER/bin/standalone.sh" ] || { echo "no provisioned server: build first (see --help)" >&2; exit 2; }
command -v sipp >/dev/null 2>&1 || { echo "sipp is not installed (Debian sip-tester)" >&2; exit 3; }

SIP_PORT=$(( 5060 + OFFSET ))
MGMT_PORT=$(( 9990 + OFFSET ))
WORK="$(mktemp -d -t sipcity-cpu.XXXXXX)"
STUNNEL_PID=""
TRANSPORT=tcp
SIPP_TRANSPORT=t1
[ "$UDP" = 0 ] || [ "$TLS" = 0 ] || { echo "--udp and --tls exclude each other" >&2; exit 2; }
if [ "$UDP" = 1 ]; then
    TRANSPORT=udp
    SIPP_TRANSPORT=u1
fi
if [ "$TLS" = 1 ]; then
    command -v stunnel >/dev/null 2>&1 || { echo "stunnel is not installed (Debian stunnel4)" >&2; exit 3; }
    TRANSPORT=tls
fi
mkdir -p "$OUT"

log() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*" | tee -a "$OUT/run.log" >&2; }
source "$HERE/registrar_server.sh"
stop_stunnel() {
    [ -n "$STUNNEL_PID" ] || return 0
    kill "$STUNNEL_PID" 2>/dev/null || true
    wait "$STUNNEL_PID" 2>/dev/null || true
    STUNNEL_PID=""
}
cleanup() { stop_stunnel; stop_server; rm -rf "$WORK"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

# Users, one injection file per SIPp process so that the warm-up registers every one of them.
python3 - "$WORK" "$USERS" "$PASSWORD" "$DIGEST" <<'PY'
import sys
work, users, password, digest = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4] == "1"
with open(f"{work}/subscribers.csv", "w") as csv:
    for i in range(users):
        csv.write(f"bench{i:05d},localhost,{password}\n")
for part in (0, 1):
    with open(f"{work}/users-{part + 1}.csv", "w") as inf:
        inf.write("SEQUENTIAL\n")
        for i in range(part, users, 2):
            inf.write(f"bench{i:05d};[authentication username=bench{i:05d} password={password}]\n" if digest
                      else f"bench{i:05d}\n")
PY

copy_server
if [ "$DIGEST" = 1 ]; then
    AUTH_OPTIONS="-Dsipcity.registrar.digest-algorithms=MD5,SHA-256"
    SCENARIO="$HERE/sipp/register-digest-uac.xml"
else
    AUTH_OPTIONS="-Dsipcity.registrar.authenticate=false -Dsipcity.registrar.domains=bench.invalid"
    SCENARIO="$HERE/sipp/register-uac.xml"
fi
# shellcheck disable=SC2086
start_server $AUTH_OPTIONS $DB_OPTIONS
log "server up (pid $JAVA_PID, port offset $OFFSET, $TRANSPORT, digest $DIGEST, load $(cut -d' ' -f1-3 /proc/loadavg))"
# SIPp's target: the SIP port, or with --tls a stunnel client in front of the server's TLS connector.
TARGET_PORT="$SIP_PORT"
if [ "$TLS" = 1 ]; then
    TLS_PORT=$(( 5061 + OFFSET ))
    TARGET_PORT=$(( 5062 + OFFSET ))
    mkdir -p "$WORK/tls"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$WORK/tls/key.pem" \
        -out "$WORK/tls/cert.pem" -days 2 -subj /CN=127.0.0.1 2>/dev/null
    openssl pkcs12 -export -in "$WORK/tls/cert.pem" -inkey "$WORK/tls/key.pem" -name bench \
        -out "$WORK/tls/bench.p12" -passout pass:bench-only
    ks='credential-reference={clear-text=bench-only}'
    provider=""
    [ -z "$TLS_PROVIDER" ] || provider=", providers=combined-providers, provider-name=$TLS_PROVIDER"
    cli --commands="/subsystem=elytron/key-store=bench-tls:add(path=\"$WORK/tls/bench.p12\", type=PKCS12, $ks),/subsystem=elytron/key-manager=bench-tls:add(key-store=bench-tls, $ks),/subsystem=elytron/server-ssl-context=bench-tls:add(key-manager=bench-tls, protocols=[TLSv1.3, TLSv1.2]$provider),/subsystem=sip/connector=bench-tls:add(socket-binding=sip-tls, transport=tls, ssl-context=bench-tls)" \
        >"$WORK/cli-tls.log" 2>&1 || { echo "adding the TLS connector failed:" >&2; cat "$WORK/cli-tls.log" >&2; exit 1; }
    printf 'foreground = yes\npid =\nsyslog = no\ndebug = 3\n[client]\nclient = yes\naccept = 127.0.0.1:%s\nconnect = 127.0.0.1:%s\n' \
        "$TARGET_PORT" "$TLS_PORT" >"$WORK/stunnel.conf"
    stunnel "$WORK/stunnel.conf" >"$WORK/stunnel.log" 2>&1 &
    STUNNEL_PID=$!
    sleep 1
    log "TLS connector on 127.0.0.1:$TLS_PORT (provider ${TLS_PROVIDER:-jdk}), SIPp through stunnel $(stunnel -version 2>&1 | awk '/^stunnel/ { print $2; exit }') on 127.0.0.1:$TARGET_PORT"
fi
if [ "$DIGEST" = 1 ]; then
    log "import: $(cli --command="/deployment=sipcity-registrar.war/subsystem=sip/managed-bean=subscribers:import-csv(path=$WORK/subscribers.csv)" | tr -s ' \n' ' ' | cut -c1-200)"
fi

# SIPp: two processes over one persistent TCP connection (or one UDP socket) each. Prints "ok;failed;seconds".
run_sipp() {
    local rate="$1" seconds="$2" i pids=() per_rate per_calls start end
    per_rate="$(awk -v r="$rate" 'BEGIN { printf "%.3f", r / 2 }')"
    per_calls=$(( rate * seconds / 2 ))
    start="$(date +%s.%N)"
    for i in 1 2; do
        rm -f "$WORK/stat-$i.csv" "$WORK/errors-$i.log"
        ( cd "$WORK" && exec timeout -k 2 $(( seconds + 20 )) sipp "127.0.0.1:$TARGET_PORT" -sf "$SCENARIO" \
            -inf "$WORK/users-$i.csv" -i 127.0.0.1 -t "$SIPP_TRANSPORT" -r "$per_rate" -m "$per_calls" -l $(( rate > 2000 ? rate : 2000 )) \
            -buff_size 4194304 -nostdin -recv_timeout 5000 -default_behaviors all,-bye -trace_stat -stf "stat-$i.csv" \
            -fd 1 -trace_err -error_file "errors-$i.log" >"$WORK/sipp-$i.log" 2>&1 ) &
        pids+=("$!")
    done
    for i in "${pids[@]}"; do wait "$i" || true; done
    end="$(date +%s.%N)"
    # What failed calls received, kept with the results.
    grep -ho "received 'SIP/2.0 [0-9]* [A-Za-z ]*\|receive timeout\|[A-Za-z ]*unexpected[A-Za-z ]*" "$WORK"/errors-*.log 2>/dev/null \
        | sort | uniq -c >>"$OUT/sipp-errors.log" || true
    sipp_totals "$per_calls" "$start" "$end"
}

# Twice: the first pass creates the bindings and starts the JIT, the second leaves it mostly done (compiler threads
# would otherwise count in the "idle" CPU and in the measured run).
log "warm-up: every user once, $(run_sipp 2000 $(( USERS / 2000 ))); again, $(run_sipp 2000 $(( USERS / 2000 )))"
sleep 2
idle_before="$(cpu_ticks)"; sleep 10; idle_after="$(cpu_ticks)"
idle_per_s="$(awk -v a="$idle_before" -v b="$idle_after" 'BEGIN { print (b - a) / 10 }')"

# Voluntary context switches of the SIP threads (each one a thread that blocked and was woken again: the hand-offs'
# wake-ups), summed over sip-io and sip-worker threads; unlike CPU time, a busy host does not change how many there are
# per REGISTER at a given rate.
sip_switches() {
    local task total=0 n
    for task in /proc/"$JAVA_PID"/task/*; do
        case "$(cat "$task/comm" 2>/dev/null)" in
            sip-io*|sip-worker*)
                n="$(awk '/^voluntary_ctxt_switches/ { print $2 }' "$task/status" 2>/dev/null || echo 0)"
                total=$(( total + ${n:-0} )) ;;
        esac
    done
    echo "$total"
}
load_before="$(cut -d' ' -f1 /proc/loadavg)"
switches_before="$(sip_switches)"
before="$(cpu_ticks)"
thread_ticks >"$WORK/threads-before.txt"
line="$(run_sipp "$RATE" "$SECONDS_PER_RUN")"
after="$(cpu_ticks)"
thread_ticks >"$WORK/threads-after.txt"
switches_after="$(sip_switches)"
IFS=';' read -r ok failed elapsed <<<"$line"
cpu_us="$(awk -v t=$(( after - before )) -v i="$idle_per_s" -v e="$elapsed" -v hz="$HZ" -v n="$ok" \
    'BEGIN { printf "%.1f", (n > 0 ? (t - i * e) * 1e6 / hz / n : 0) }')"
{
    echo "thread_group,cpu_ticks,us_per_registration,user_ticks,system_ticks"
    thread_cpu_diff "$WORK/threads-before.txt" "$WORK/threads-after.txt" "$ok"
} >"$OUT/cpu-by-thread.csv"
# The server's work without the JIT compiler threads (C1/C2, sweeper), whose share depends on how warm the JVM is.
work_us="$(awk -F, 'NR > 1 && $1 !~ /Compiler|Sweeper/ { t += $2 } END { printf "%.1f", t }' "$OUT/cpu-by-thread.csv")"
work_us="$(awk -v t="$work_us" -v hz="$HZ" -v n="$ok" 'BEGIN { printf "%.1f", (n > 0 ? t * 1e6 / hz / n : 0) }')"
log "server threads without the JIT compilers: ${work_us} us per registration; $(awk -F, 'NR > 1 && $1 ~ /^sip-(io|worker)/ { u += $4; s += $5 } END { if (u + s > 0) printf "kernel share of the sip-io and sip-worker threads %.0f%%", 100 * s / (u + s) }' "$OUT/cpu-by-thread.csv")"
switches_per_reg="$(awk -v a="$switches_before" -v b="$switches_after" -v n="$ok" 'BEGIN { printf "%.2f", (n > 0 ? (b - a) / n : 0) }')"
log "voluntary context switches of the sip-io and sip-worker threads: $switches_per_reg per registration"
log "cpu run: $RATE/s for ${SECONDS_PER_RUN} s: ok $ok, failed $failed, ${elapsed} s; server cpu $(( after - before )) ticks, idle ${idle_per_s} ticks/s: ${cpu_us} us per registration (load $load_before -> $(cut -d' ' -f1 /proc/loadavg))"

if [ "$NO_JFR" = 1 ]; then
    log "cpu by thread group (us per registration): $(tail -n +2 "$OUT/cpu-by-thread.csv" | head -6 | awk -F, '{ printf "%s %s; ", $1, $3 }')"
    {
        echo "date,transport,digest,rate_per_s,seconds,ok,failed,elapsed_s,cpu_ticks,idle_ticks_per_s,hz,cpu_us_per_registration,work_us_per_registration_without_jit,load1,sip_switches_per_registration"
        echo "$(date -u +%FT%TZ),$TRANSPORT,$DIGEST,$RATE,$SECONDS_PER_RUN,$ok,$failed,$elapsed,$(( after - before )),$idle_per_s,$HZ,$cpu_us,$work_us,$load_before,$switches_per_reg"
    } >"$OUT/cpu.csv"
    stop_server
    exit 0
fi
if [ -n "$ASYNC_PROFILER" ]; then
    # perf events where the kernel allows them (they see kernel frames), the interval timer otherwise.
    event=cpu
    [ "$(cat /proc/sys/kernel/perf_event_paranoid)" -le 1 ] || [ "$(id -u)" = 0 ] || event=itimer
    # jcmd splits its arguments at '=': the agent's option string goes in quotes of its own.
    options="event=$event,interval=200us"
    [ "$AP_ALLOC" = 0 ] || options="alloc=64k,total"
    jcmd "$JAVA_PID" JVMTI.agent_load "$ASYNC_PROFILER" "\"start,$options,threads\"" >"$OUT/ap.log" 2>&1
    line="$(run_sipp "$RATE" "$SECONDS_PER_RUN")"
    # The output's options are the stop command's own: "total" there writes bytes rather than sample counts.
    output="collapsed"
    [ "$AP_ALLOC" = 0 ] || output="collapsed,total"
    jcmd "$JAVA_PID" JVMTI.agent_load "$ASYNC_PROFILER" "\"stop,$output,file=$OUT/profile.collapsed\"" >>"$OUT/ap.log" 2>&1
else
    jcmd "$JAVA_PID" JFR.start name=jfr settings=profile filename="$WORK/profile.jfr" >/dev/null
    line="$(run_sipp "$RATE" "$SECONDS_PER_RUN")"
    jcmd "$JAVA_PID" JFR.stop name=jfr >/dev/null
fi
IFS=';' read -r jfr_ok jfr_failed jfr_elapsed <<<"$line"
log "cpu by thread group (us per registration): $(tail -n +2 "$OUT/cpu-by-thread.csv" | head -6 | awk -F, '{ printf "%s %s; ", $1, $3 }')"
log "jfr run: ok $jfr_ok, failed $jfr_failed, ${jfr_elapsed} s (load $(cut -d' ' -f1 /proc/loadavg))"
[ -n "$ASYNC_PROFILER" ] || cp "$WORK/profile.jfr" "$OUT/profile.jfr"
{
    echo "date,transport,digest,rate_per_s,seconds,ok,failed,elapsed_s,cpu_ticks,idle_ticks_per_s,hz,cpu_us_per_registration,work_us_per_registration_without_jit,load1,jfr_ok,sip_switches_per_registration"
    echo "$(date -u +%FT%TZ),$TRANSPORT,$DIGEST,$RATE,$SECONDS_PER_RUN,$ok,$failed,$elapsed,$(( after - before )),$idle_per_s,$HZ,$cpu_us,$work_us,$load_before,$jfr_ok,$switches_per_reg"
} >"$OUT/cpu.csv"
stop_server
# After the server stopped: the summary needs no lock, run it as `jfr_top.py OUT/profile.jfr --per N` if cut short.
if [ -n "$ASYNC_PROFILER" ]; then
    per=""
    [ "$AP_ALLOC" = 0 ] || per="--per $jfr_ok"
    python3 "$HERE/ap_top.py" "$OUT/profile.collapsed" $per >"$OUT/profile.txt"
    log "async-profiler: $(head -1 "$OUT/profile.txt")"
    exit 0
fi
python3 "$HERE/jfr_top.py" "$OUT/profile.jfr" --per "$jfr_ok" >"$OUT/profile.txt"
log "$(grep -m1 'allocated' "$OUT/profile.txt")"
