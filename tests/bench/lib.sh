# Helpers of the SIPp benchmarks (bench.sh, calls.sh, overload.sh), sourced after the caller has set HERE,
# STEP_SECONDS, PROBE_RATE, BISECTIONS and OUT: a work directory removed on exit with every process the caller started
# (STARTED_PIDS), a log, a readiness check, stopping SIPp as the server and Kamailio, SIPp clients at a rate, and one
# measured step / a search for the highest rate with zero failures. step() restarts SIPp as the server (the caller's
# start_sipp_uas, stop_sipp_uas here) for the target "sipp" only.
#
# Knobs a caller may set: SIPP_SCENARIO (default sipp/register-uac.xml), SIPP_LIMIT_SECONDS (calls in flight
# allowed, in seconds of the rate; default 1, at least 2,000 calls), SIPP_RECV_TIMEOUT_MS (default 2000), AFTER_STEP
# (a command step() runs after each step), BEFORE_LOAD and AFTER_LOAD (commands run right before and after SIPp's
# load of each step; AFTER_LOAD gets target, transport, rate and SIPp's result line), SIPP_TLS_MODE (how SIPp runs the transport "tls": l1, its own TLS, or t1
# into a local TLS tunnel; default l1), PROBE_ADDRESS (HOST:PORT the probe uses instead of the step's, e.g. the
# target's TLS port while SIPp goes through a tunnel), LOADGEN_CP (the class path of tests/loadgen, for the transport
# tcp-tn-loadgen), TN_SOURCES (how many source addresses it takes, from 127.0.0.2; default 16), TN_IO_THREADS
# (its event loops; default 1), TN_WARMUP_SECONDS (unmeasured load at the same rate before each step; default 3).

WORK="$(mktemp -d -t sipcity-bench.XXXXXX)"
STARTED_PIDS=()
cleanup() {
    local pid
    for pid in "${STARTED_PIDS[@]:-}"; do
        [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
    done
    sleep 1
    for pid in "${STARTED_PIDS[@]:-}"; do
        [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null || true
    done
    if [ -f "$WORK/kamailio.pid" ]; then
        kill "$(cat "$WORK/kamailio.pid")" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

# Stops SIPp as the server (SIPP_UAS_PID, started by the caller's start_sipp_uas), if it runs.
stop_sipp_uas() {
    if [ -n "${SIPP_UAS_PID:-}" ]; then
        kill "$SIPP_UAS_PID" 2>/dev/null || true
        wait "$SIPP_UAS_PID" 2>/dev/null || true
        SIPP_UAS_PID=""
    fi
}

# Stops a Kamailio the caller started with -P "$WORK/kamailio.pid" (cleanup() does the same on exit).
stop_kamailio() {
    [ -f "$WORK/kamailio.pid" ] && kill "$(cat "$WORK/kamailio.pid")" 2>/dev/null || true
    rm -f "$WORK/kamailio.pid"
}

# Waits (at most 30 s) until HOST:PORT answers a REGISTER over TRANSPORT (udp by default, tcp or tls).
wait_ready() {
    local host="$1" port="$2" transport="${3:-udp}" i
    for i in $(seq 1 30); do
        if python3 "$HERE/probe.py" --host "$host" --port "$port" --transport "$transport" --rate 10 --duration 0.3 \
                --timeout 0.2 \
                | awk -F';' '{ exit !($1 > 0) }'; then
            return 0
        fi
        sleep 1
    done
    echo "no answer from $host:$port within 30 s" >&2
    return 1
}

# Number of SIPp client processes per transport: several for TCP (one persistent connection each; transaction TCP
# needs several source addresses, each stalls at ~1-1.5k new connections/s in TIME_WAIT).
processes_for() {
    case "$1" in udp) echo 2 ;; tcp|tls) echo 2 ;; tcp-tn) echo 4 ;; tcp-tn-loadgen) echo 1 ;; esac
}

# Transaction TCP from tests/loadgen (OfferedLoadMain --transport tcp-tn) instead of SIPp -t tn: one process, open
# loop, a new connection per REGISTER from TN_SOURCES source addresses (127.0.0.2, ...) with the kernel choosing the
# source port at connect time, closed by the client after the 200. Same arguments and output as run_sipp; "failed"
# counts every REGISTER due that did not end in a 200 (not sent: held back or schedule lost; connect failed; closed
# early; timed out; other answer). Its whole line of figures is kept in $OUT/loadgen-tn.log.
run_loadgen_tn() {
    local host="$1" port="$2" rate="$3" seconds="$4" status=0 line start end
    [ -n "${LOADGEN_CP:-}" ] || { echo "LOADGEN_CP is not set (build tests/loadgen)" >&2; return 2; }
    local sources
    sources="$(seq -s, -f '127.0.0.%g' 2 $(( 1 + ${TN_SOURCES:-16} )))"
    start="$(date +%s.%N)"
    line="$(timeout -k 2 $(( seconds + 40 )) java -Xms256m -Xmx512m -XX:+UseParallelGC -cp "$LOADGEN_CP" \
        org.sipcity.loadgen.OfferedLoadMain --target "$host:$port" --transport tcp-tn --rate "$rate" \
        --duration "${seconds}s" --warmup "${TN_WARMUP_SECONDS:-3}s" --sources "$sources" --io-threads "${TN_IO_THREADS:-1}" \
        --response-timeout "$(( ${SIPP_RECV_TIMEOUT_MS:-2000} ))ms" 2>>"$WORK/loadgen-tn.err" | tail -1)" || status=1
    end="$(date +%s.%N)"
    echo "$(date -u +%H:%M:%S) $host:$port $line" >>"$OUT/loadgen-tn.log"
    local generated ok
    generated="$(echo "$line" | sed -n 's/.* generated=\([0-9]*\).*/\1/p')"
    ok="$(echo "$line" | sed -n 's/.* ok=\([0-9]*\).*/\1/p')"
    [ -n "$generated" ] || generated=$(( rate * seconds ))
    [ -n "$ok" ] || ok=0
    # Passes when every REGISTER due was sent, on a connection of its own, and answered 200.
    [ "$ok" -eq "$generated" ] && [ "$generated" -ge $(( rate * seconds * 99 / 100 )) ] || status=1
    local p50
    p50="$(echo "$line" | sed -n 's/.* accepted_p50_us=\([0-9]*\).*/\1/p')"
    # The load's own length (the generator waits out the last answers after it) is the run's seconds.
    printf '%s;%s;%s;0;%s;%s\n' "$(echo "$line" | sed -n 's/.* sent=\([0-9]*\).*/\1/p')" "$ok" \
        "$(( generated - ok ))" "$seconds" "$(awk -v p="${p50:-0}" 'BEGIN { printf "%.3f", p / 1000 }')"
    return "$status"
}

# Runs SIPp clients at RATE REGISTER/s for SECONDS; prints "sent;succeeded;failed;retransmissions;seconds;rt_ms"
# and returns non-zero when any call failed or the calls did not complete in time.
run_sipp() {
    local host="$1" port="$2" transport="$3" rate="$4" seconds="$5"
    [ "$transport" = tcp-tn-loadgen ] && { run_loadgen_tn "$host" "$port" "$rate" "$seconds"; return; }
    local processes mode i pids=() status=0 calls per_rate per_calls start end
    processes="$(processes_for "$transport")"
    case "$transport" in udp) mode=u1 ;; tcp) mode=t1 ;; tcp-tn) mode=tn ;; tls) mode="${SIPP_TLS_MODE:-l1}" ;; esac
    calls=$(( rate * seconds ))
    per_calls=$(( calls / processes ))
    per_rate="$(awk -v r="$rate" -v p="$processes" 'BEGIN { printf "%.3f", r / p }')"
    local limit=$(( rate * ${SIPP_LIMIT_SECONDS:-1} ))
    [ "$limit" -lt 2000 ] && limit=2000
    # A REGISTER answered other than the scenario expects (a 503 from the valve) makes SIPp abort the "call" and, by
    # default, send a BYE with the answer's To tag: an in-dialog request for a dialog that never existed, answered
    # 481, and one more request for an overloaded server to read per 503. No UA does that after a REGISTER.
    local behaviors=()
    case "${SIPP_SCENARIO:-register-uac.xml}" in *register*) behaviors=(-default_behaviors all,-bye) ;; esac
    start="$(date +%s.%N)"
    for i in $(seq 1 "$processes"); do
        rm -f "$WORK/stat-$i.csv" "$WORK/errors-$i.log"
        ( cd "$WORK" && exec timeout -k 2 $(( seconds + 8 )) sipp "$host:$port" -sf "${SIPP_SCENARIO:-$HERE/sipp/register-uac.xml}" \
            -inf "$HERE/sipp/users.csv" -i "127.0.0.$(( i + 1 ))" -t "$mode" -r "$per_rate" -m "$per_calls" \
            "${behaviors[@]}" -l "$limit" -buff_size 4194304 -max_socket 16000 -nostdin -recv_timeout "${SIPP_RECV_TIMEOUT_MS:-2000}" \
            -trace_stat -stf "stat-$i.csv" -fd 1 -trace_err -error_file "errors-$i.log" >"$WORK/sipp-$i.log" 2>&1 ) &
        pids+=("$!")
    done
    for i in "${pids[@]}"; do
        wait "$i" || status=1
    done
    end="$(date +%s.%N)"
    local sent=0 ok=0 failed=0 retrans=0 rt_sum=0
    for i in $(seq 1 "$processes"); do
        if [ -s "$WORK/stat-$i.csv" ]; then
            read -r s o f r rt < <(tail -1 "$WORK/stat-$i.csv" | awk -F';' '{
                split($70, t, ":"); print $13, $16, $18, $58, (t[1]*3600 + t[2]*60 + t[3]) * 1000 + t[4] / 1000 }')
        else
            s=0; o=0; f="$per_calls"; r=0; rt=0
        fi
        sent=$(( sent + s )); ok=$(( ok + o )); failed=$(( failed + f )); retrans=$(( retrans + r ))
        rt_sum="$(awk -v a="$rt_sum" -v b="$rt" 'BEGIN { print a + b }')"
    done
    local elapsed
    elapsed="$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.2f", e - s }')"
    # Complete in time: every call answered and the run no more than 5% (+0.5 s start-up) longer than asked.
    if [ "$ok" -lt $(( per_calls * processes )) ] || [ "$failed" -gt 0 ] \
        || awk -v e="$elapsed" -v s="$seconds" 'BEGIN { exit !(e > s * 1.05 + 0.5) }'; then
        status=1
    fi
    printf '%s;%s;%s;%s;%s;%s\n' "$sent" "$ok" "$failed" "$retrans" "$elapsed" \
        "$(awk -v a="$rt_sum" -v p="$processes" 'BEGIN { printf "%.3f", a / p }')"
    return "$status"
}

STEPS_CSV="$OUT/steps.csv"
MAX_CSV="$OUT/max-rate.csv"

# One measured step: SIPp at RATE plus the latency probe; appends a row to steps.csv; returns 0 when it passed.
step() {
    local target="$1" host="$2" port="$3" transport="$4" rate="$5"
    local probe_transport=udp sipp_line probe_line passed=1
    if [ "$target" = sipp ]; then
        stop_sipp_uas
        # `step` runs as an if-condition, where set -e does not apply: a server that did not start ends the run here.
        start_sipp_uas "$SIPP_UAS_TRANSPORT" || exit 1
    fi
    case "$transport" in tcp) probe_transport=tcp ;; tcp-tn|tcp-tn-loadgen) probe_transport=tcp-new ;; tls) probe_transport=tls ;; esac
    local probe_address="${PROBE_ADDRESS:-$host:$port}"
    local probe_pid=""
    rm -f "$WORK/probe.out"
    # PROBE_RATE=0 (calls.sh): no REGISTER probe, the target is not a registrar or the probe would disturb it.
    if [ "$PROBE_RATE" -gt 0 ]; then
        ( sleep 1; exec timeout -k 2 $(( STEP_SECONDS + 5 )) python3 "$HERE/probe.py" --host "${probe_address%:*}" \
            --port "${probe_address##*:}" \
            --transport "$probe_transport" --rate "$PROBE_RATE" --duration $(( STEP_SECONDS - 2 )) \
            >"$WORK/probe.out" 2>"$WORK/probe.err" ) &
        probe_pid=$!
    fi
    [ -z "${BEFORE_LOAD:-}" ] || "$BEFORE_LOAD"
    if sipp_line="$(run_sipp "$host" "$port" "$transport" "$rate" "$STEP_SECONDS")"; then passed=1; else passed=0; fi
    [ -z "${AFTER_LOAD:-}" ] || "$AFTER_LOAD" "$target" "$transport" "$rate" "$sipp_line"
    [ -z "$probe_pid" ] || wait "$probe_pid" || true
    probe_line="$(cat "$WORK/probe.out" 2>/dev/null)"
    [ -n "$probe_line" ] || probe_line="0;0;;;;"
    local achieved
    achieved="$(echo "$sipp_line" | awk -F';' '{ printf "%.0f", ($5 > 0 ? $2 / $5 : 0) }')"
    echo "$target,$transport,$rate,$achieved,$(echo "$sipp_line" | tr ';' ','),$passed,$(echo "$probe_line" | tr ';' ',')" \
        >>"$STEPS_CSV"
    log "$target $transport ${rate}/s: $( [ "$passed" = 1 ] && echo pass || echo FAIL ) (sipp $sipp_line; probe n;lost;p50;p90;p99;max us $probe_line)"
    if [ "$passed" = 0 ]; then
        # What the failed calls got (SIPp's error log, its first lines), kept with the results.
        head -q -c 20000 "$WORK"/errors-*.log >"$OUT/errors-$target-$transport-$rate.log" 2>/dev/null || true
        record_failures "$target" "$transport" "$rate" "$sipp_line"
    fi
    # Let queues and, after an overload, TIME_WAIT sockets and retransmissions drain before the next step.
    sleep $(( passed == 1 ? 1 : 5 ))
    # A caller's wait for the target to settle (overload.sh: UDP transactions draining).
    [ -z "${AFTER_STEP:-}" ] || "$AFTER_STEP"
    return $(( 1 - passed ))
}

# Why a step failed, from SIPp's whole error logs: calls that timed out, calls answered 503 (by reason phrase and
# other answers but late 2xx (by status and reason phrase); plus what the server says, if the caller defines server_refusals (it
# prints "refused_completed_memory;refused_total;valve_rejections" for the step, or nothing). One row per failed step in
# failures.csv, so a 503 from the transaction layer's completed-transaction budget is told from a timeout or from the
# overload valve's 503 (both say "Service Unavailable" with a Retry-After).
FAILURES_CSV="$OUT/failures.csv"
record_failures() {
    local target="$1" transport="$2" rate="$3" line="$4" timeouts r503 other reasons server=";;" budget total valve
    timeouts="$(cat "$WORK"/errors-*.log 2>/dev/null | grep -a -o 'receive timeout' | wc -l)"
    r503="$(cat "$WORK"/errors-*.log 2>/dev/null | grep -a -o "received 'SIP/2.0 503" | wc -l)"
    # A 2xx SIPp calls unexpected answered a retransmission of a call already answered: not a failure, not counted.
    other="$(cat "$WORK"/errors-*.log 2>/dev/null | grep -a -o "received 'SIP/2.0 [0-9]*" | grep -v -c ' 503$\| 2[0-9][0-9]$' || true)"
    reasons="$(cat "$WORK"/errors-*.log 2>/dev/null | grep -a -o "received 'SIP/2.0 [0-9]\{3\} [^'[:cntrl:]]*" \
        | sed "s/^received 'SIP\/2.0 //" | sort | uniq -c | sort -rn | head -3 | awk '{ $1 = $1 "x"; print }' | paste -sd'|' -)"
    if declare -F server_refusals >/dev/null; then
        server="$(server_refusals)"
        [ -n "$server" ] || server=";;"
    fi
    IFS=';' read -r budget total valve <<<"$server"
    [ -s "$FAILURES_CSV" ] || echo "target,transport,offered_per_s,failed,timeouts,responses_503,other_responses,server_refused_completed_memory,server_refused_total,server_valve_rejections,responses_seen" >"$FAILURES_CSV"
    echo "$target,$transport,$rate,$(echo "$line" | awk -F';' '{ print $3 }'),$timeouts,$r503,$other,$budget,$total,$valve,${reasons:-}" >>"$FAILURES_CSV"
    log "$target $transport ${rate}/s failures: $timeouts timeouts, $r503 answered 503, $other other answers (${reasons:-none})$( [ -z "$total" ] || echo "; the server refused $total in its transaction layer ($budget for the completed-transaction budget) and its valve rejected $valve")"
}

# Steps the rate up until the first failure, then bisects; appends the highest passing rate to max-rate.csv.
find_max() {
    local target="$1" host="$2" port="$3" transport="$4" ladder="$5"
    local best=0 failed_at=0 rate i
    for rate in $ladder; do
        if step "$target" "$host" "$port" "$transport" "$rate"; then best=$rate; else failed_at=$rate; break; fi
    done
    if [ "$failed_at" -gt 0 ]; then
        local low=$best high=$failed_at mid
        for i in $(seq 1 "$BISECTIONS"); do
            mid=$(( (low + high) / 2 ))
            [ $(( high - low )) -lt 500 ] && break
            if step "$target" "$host" "$port" "$transport" "$mid"; then low=$mid; else high=$mid; fi
        done
        best=$low
    fi
    echo "$target,$transport,$best,$failed_at" >>"$MAX_CSV"
    log "$target $transport: max zero-failure rate $best/s (first failure at ${failed_at}/s, 0 = none)"
}
