#!/usr/bin/env bash
# What a TCP connection costs the registrar on WildFly: the server's CPU time per REGISTER at one fixed rate over
# persistent TCP and over transaction TCP (a new connection per REGISTER, closed by the client with a FIN after the
# 200), both offered open-loop by tests/loadgen. The difference of the two is the server's CPU per connection: accept,
# set-up, close and whatever the layers above do once per connection.
#
# For each server given (--server, repeatable: several builds compared in one lock hold, one after the other) a fresh
# copy is started (open registrar for bench.invalid, H2 write-back), warmed up (every user registered over persistent
# TCP, then transaction TCP at the rate), its idle CPU read over 10 s, and then:
#   1. persistent TCP (4 connections) at RATE for SECONDS, then transaction TCP at RATE for SECONDS: utime+stime of the
#      server process from /proc minus its idle CPU, per REGISTER answered 200, and per thread group;
#   2. with --jfr, transaction TCP again under `JFR.start settings=profile` (summarised by jfr_top.py);
#   3. with --perf, transaction TCP again under `perf record` of the server process (by thread and library, top
#      symbols; perf.data kept in OUT). The server then runs with -XX:+PreserveFramePointer (Java frames in the call
#      chains, a few per cent of CPU more in every run of that server) and its JIT symbols are written by
#      `jcmd Compiler.perfmap` to /tmp/perf-PID.map, where perf looks for them.
# Loopback only; each generator run is bounded by `timeout`; the server and everything started here stop on exit.
#   flock <lock> tests/bench/tn-cpu.sh [--rate 1000] [--seconds 30] [--port-offset 150] [--server DIR ...] [--jfr]
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
RATE=1000
SECONDS_PER_RUN=30
WARMUP=20
OFFSET=1100
JFR=0
PERF=0
SERVERS=()
LOADGEN="$ROOT/tests/loadgen/target"
OUT="$HERE/results-tn-cpu/$(date -u +%Y%m%d-%H%M)"

usage() {
    cat <<USAGE
Usage: $0 [--rate N] [--seconds N] [--warmup N] [--port-offset N] [--server DIR ...] [--jfr] [--perf] [--out DIR]
  --server       a provisioned server to copy (default wildfly-config/target/server); repeat it to compare builds
  --rate         REGISTERs per second of every measured run (default 1000)
  --seconds      length of each measured run (default 30)
  --warmup       seconds of each mode at the rate before the measured runs (default 20), after every user registered
  --jfr          a further transaction-TCP run under JFR (profile settings), summarised by jfr_top.py
  --perf         a further transaction-TCP run under perf record (user against kernel, top symbols)
Needs: mvn -q -o verify -pl wildfly-config -am -DskipTests; mvn -q -o package -pl tests/loadgen -am -DskipTests;
python3, curl; jcmd and jfr (JDK 17) for --jfr, perf (linux-perf) for --perf.
USAGE
}

while [ $# -gt 0 ]; do
    case "$1" in
        --rate) RATE="$2"; shift ;;
        --seconds) SECONDS_PER_RUN="$2"; shift ;;
        --warmup) WARMUP="$2"; shift ;;
        --port-offset) OFFSET="$2"; shift ;;
        --server) SERVERS+=("$2"); shift ;;
        --jfr) JFR=1 ;;
        --perf) PERF=1 ;;
        --out) OUT="$2"; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
    esac
    shift
done
[ "${#SERVERS[@]}" -gt 0 ] || SERVERS=("$ROOT/wildfly-config/target/server")
for s in "${SERVERS[@]}"; do
    [ -x "$s/bin/standalone.sh" ] || { echo "no provisioned server at $s: build first (see --help)" >&2; exit 2; }
done
[ -d "$LOADGEN/classes" ] && [ -s "$LOADGEN/loadgen.classpath" ] || {
    echo "no load generator: mvn -q -o package -pl tests/loadgen -am -DskipTests" >&2; exit 2; }
LOADGEN_CP="$LOADGEN/classes:$(cat "$LOADGEN/loadgen.classpath")"

SIP_PORT=$(( 5060 + OFFSET ))
MGMT_PORT=$(( 9990 + OFFSET ))
USERS=20000
WORK="$(mktemp -d -t sipcity-tn-cpu.XXXXXX)"
PERF_PID=""
mkdir -p "$OUT"

log() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*" | tee -a "$OUT/run.log" >&2; }
source "$HERE/registrar_server.sh"
stop_perf() {
    [ -n "$PERF_PID" ] || return 0
    kill -INT "$PERF_PID" 2>/dev/null || true
    wait "$PERF_PID" 2>/dev/null || true
    PERF_PID=""
}
cleanup() { stop_perf; stop_server; rm -rf "$WORK"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

# One open-loop run of the generator; prints its line of key=value figures.
#   generate TRANSPORT RATE SECONDS
generate() {
    local transport="$1" rate="$2" seconds="$3" sources
    if [ "$transport" = tcp-tn ]; then
        sources="$(seq -s, -f '127.0.0.%g' 2 17)"
        set -- --sources "$sources"
    else
        set -- --connections 4 --sources 127.0.0.2,127.0.0.3
    fi
    timeout -k 2 $(( seconds + 40 )) java -Xms256m -Xmx512m -XX:+UseParallelGC -cp "$LOADGEN_CP" \
        org.sipcity.loadgen.OfferedLoadMain --target "127.0.0.1:$SIP_PORT" --transport "$transport" --rate "$rate" \
        --duration "${seconds}s" --users "$USERS" "$@" 2>>"$WORK/loadgen.err" | tail -1
}
# The server's kernel time (stime) alone, in ticks.
sys_ticks() { awk '{ print $15 }' "/proc/$JAVA_PID/stat"; }
field() { echo "$2" | sed -n "s/.* $1=\([0-9]*\).*/\1/p"; }

# One measured run: CPU of the server per REGISTER answered 200, total and by thread group; appends to cpu.csv.
#   measure LABEL TRANSPORT
measure() {
    local label="$1" transport="$2" before after start end line ok generated elapsed cpu_us work_us load sys_before \
        sys_after sys_us
    load="$(cut -d' ' -f1 /proc/loadavg)"
    thread_ticks >"$WORK/threads-before.txt"
    before="$(cpu_ticks)"; sys_before="$(sys_ticks)"; start="$(date +%s.%N)"
    line="$(generate "$transport" "$RATE" "$SECONDS_PER_RUN")"
    after="$(cpu_ticks)"; sys_after="$(sys_ticks)"; end="$(date +%s.%N)"
    thread_ticks >"$WORK/threads-after.txt"
    echo "$(date -u +%H:%M:%S) $label $line" >>"$OUT/loadgen.log"
    ok="$(field ok "$line")"; generated="$(field generated "$line")"
    elapsed="$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.2f", e - s }')"
    cpu_us="$(awk -v t=$(( after - before )) -v i="$IDLE_PER_S" -v e="$elapsed" -v hz="$HZ" -v n="${ok:-0}" \
        'BEGIN { printf "%.1f", (n > 0 ? (t - i * e) * 1e6 / hz / n : 0) }')"
    {
        echo "thread_group,cpu_ticks,us_per_registration,user_ticks,system_ticks"
        thread_cpu_diff "$WORK/threads-before.txt" "$WORK/threads-after.txt" "${ok:-0}"
    } >"$OUT/cpu-by-thread-$label-$transport.csv"
    work_us="$(awk -F, 'NR > 1 && $1 !~ /Compiler|Sweeper/ { t += $2 } END { printf "%.1f", t }' \
        "$OUT/cpu-by-thread-$label-$transport.csv")"
    work_us="$(awk -v t="$work_us" -v hz="$HZ" -v n="${ok:-0}" 'BEGIN { printf "%.1f", (n > 0 ? t * 1e6 / hz / n : 0) }')"
    sys_us="$(awk -v t=$(( sys_after - sys_before )) -v hz="$HZ" -v n="${ok:-0}" 'BEGIN { printf "%.1f", (n > 0 ? t * 1e6 / hz / n : 0) }')"
    [ -s "$OUT/cpu.csv" ] || echo "date,server,transport,rate_per_s,seconds,generated,ok,elapsed_s,cpu_ticks,idle_ticks_per_s,hz,cpu_us_per_registration,work_us_per_registration_without_jit,kernel_us_per_registration,load1" >"$OUT/cpu.csv"
    echo "$(date -u +%FT%TZ),$label,$transport,$RATE,$SECONDS_PER_RUN,${generated:-0},${ok:-0},$elapsed,$(( after - before )),$IDLE_PER_S,$HZ,$cpu_us,$work_us,$sys_us,$load" >>"$OUT/cpu.csv"
    log "$label $transport $RATE/s: ok ${ok:-0} of ${generated:-0}; server ${cpu_us} us per REGISTER, ${work_us} without the JIT, ${sys_us} in the kernel (load $load); $(tail -n +2 "$OUT/cpu-by-thread-$label-$transport.csv" | head -5 | awk -F, '{ printf "%s %s; ", $1, $3 }')"
}

index=0
for server in "${SERVERS[@]}"; do
    index=$(( index + 1 ))
    label="s$index"
    SERVER="$server"
    rm -rf "$WORK/server"
    copy_server
    if [ "$PERF" = 1 ]; then
        # Java frames in perf's call chains; the JIT's symbols come from Compiler.perfmap after the perf run.
        JDK_JAVA_OPTIONS="-XX:+PreserveFramePointer" start_server -Dsipcity.registrar.authenticate=false \
            -Dsipcity.registrar.domains=bench.invalid
    else
        start_server -Dsipcity.registrar.authenticate=false -Dsipcity.registrar.domains=bench.invalid
    fi
    log "$label: $server up (pid $JAVA_PID, port offset $OFFSET, load $(cut -d' ' -f1-3 /proc/loadavg))"
    # Every user once over persistent TCP (the bindings exist), then both modes once at the rate (the JIT compiles
    # both paths), so that the idle reading and the measured runs meet a warm server.
    log "warm-up: $(generate tcp 2000 10 | grep -o 'ok=[0-9]*'); $(generate tcp "$RATE" "$WARMUP" | grep -o 'ok=[0-9]*'); $(generate tcp-tn "$RATE" "$WARMUP" | grep -o 'ok=[0-9]*')"
    sleep 2
    idle_before="$(cpu_ticks)"; sleep 10; idle_after="$(cpu_ticks)"
    IDLE_PER_S="$(awk -v a="$idle_before" -v b="$idle_after" 'BEGIN { print (b - a) / 10 }')"
    measure "$label" tcp
    measure "$label" tcp-tn
    if [ "$JFR" = 1 ]; then
        for transport in tcp tcp-tn; do
            jcmd "$JAVA_PID" JFR.start name=tn settings=profile filename="$WORK/$transport.jfr" >/dev/null
            line="$(generate "$transport" "$RATE" "$SECONDS_PER_RUN")"
            jcmd "$JAVA_PID" JFR.stop name=tn >/dev/null
            cp "$WORK/$transport.jfr" "$OUT/profile-$label-$transport.jfr"
            echo "$(field ok "$line")" >"$OUT/profile-$label-$transport.ok"
            log "$label jfr run, $transport: ok $(field ok "$line")"
        done
    fi
    if [ "$PERF" = 1 ]; then
        perf record -F 499 -g -p "$JAVA_PID" -o "$OUT/perf-$label-tcp-tn.data" >"$WORK/perf.log" 2>&1 &
        PERF_PID=$!
        sleep 1
        line="$(generate tcp-tn "$RATE" "$SECONDS_PER_RUN")"
        stop_perf
        jcmd "$JAVA_PID" Compiler.perfmap >/dev/null 2>&1 || true
        # By thread and library (the JIT's code shows as anonymous memory), then the kernel's and the JVM's symbols.
        perf report -i "$OUT/perf-$label-tcp-tn.data" --no-children --sort comm,dso --stdio -g none 2>/dev/null \
            | grep -v '^#' | grep -v '^$' | head -40 >"$OUT/perf-$label-tcp-tn-dso.txt" || true
        perf report -i "$OUT/perf-$label-tcp-tn.data" --no-children --sort sym --stdio -g none 2>/dev/null \
            | grep -v '^#' | grep -v '^$' | head -80 >"$OUT/perf-$label-tcp-tn-sym.txt" || true
        log "$label perf run: ok $(field ok "$line"); $(head -3 "$OUT/perf-$label-tcp-tn-dso.txt" | tr -s ' \n' ' ')"
    fi
    stop_server
    rm -rf "$WORK/server"
done
# After the servers stopped: the JFR summaries need no lock.
for jfr in "$OUT"/profile-*.jfr; do
    [ -e "$jfr" ] || continue
    python3 "$HERE/jfr_top.py" "$jfr" --per "$(cat "${jfr%.jfr}.ok")" >"${jfr%.jfr}.txt" || true
done
log "figures in $OUT/cpu.csv"
