#!/usr/bin/env bash
# The host's own ceiling for transaction TCP against persistent TCP (issue 6: transaction TCP >= 0.8 of persistent):
# tcp-churn/churn.c built with gcc, its server pinned to one core and its client to the other, over loopback, no SIP
# work at all. Each mode runs --repeats times for --seconds; prints one CSV row per run (cycles per second, and the CPU
# seconds of each side, which say how much a connection costs the kernel on each end) and appends them to --out/churn.csv.
#
#   tests/bench/tcp-churn/churn.sh [--seconds 8] [--repeats 3] [--concurrency 64] [--port 7777] [--out DIR]
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SECONDS_PER_RUN=8; REPEATS=3; CONCURRENCY=64; PORT=7777; OUT=""
while [ $# -gt 0 ]; do
    case "$1" in
        --seconds) SECONDS_PER_RUN="$2"; shift ;;
        --repeats) REPEATS="$2"; shift ;;
        --concurrency) CONCURRENCY="$2"; shift ;;
        --port) PORT="$2"; shift ;;
        --out) OUT="$2"; shift ;;
        *) sed -n '2,7p' "$0" >&2; exit 2 ;;
    esac
    shift
done
WORK="$(mktemp -d -t churn.XXXXXX)"
trap 'kill "${SERVER:-}" 2>/dev/null || true; rm -rf "$WORK"' EXIT
gcc -O2 -Wall -o "$WORK/churn" "$HERE/churn.c"
SOURCES=127.0.0.2,127.0.0.3,127.0.0.4,127.0.0.5,127.0.0.6,127.0.0.7,127.0.0.8,127.0.0.9
TICKS=$(getconf CLK_TCK)
header="when_utc,mode,cycles_per_s,failures,concurrency,seconds,server_cpu_s,client_cpu_s,server_us_per_cycle,client_us_per_cycle,load_average"
echo "$header"
[ -n "$OUT" ] && { mkdir -p "$OUT"; [ -s "$OUT/churn.csv" ] || echo "$header" >"$OUT/churn.csv"; }
for i in $(seq 1 "$REPEATS"); do
    for mode in transaction persistent; do
        taskset -c 1 "$WORK/churn" serve "$PORT" & SERVER=$!
        sleep 0.3
        before=$(awk '{ print $14 + $15 }' "/proc/$SERVER/stat")
        extra=""; [ "$mode" = persistent ] && extra=persistent
        line=$( { /usr/bin/time -f "client_cpu=%U %S" taskset -c 0 "$WORK/churn" client 127.0.0.1 "$PORT" "$CONCURRENCY" \
            "$SECONDS_PER_RUN" "$SOURCES" $extra; } 2>&1 | tr '\n' ' ')
        after=$(awk '{ print $14 + $15 }' "/proc/$SERVER/stat")
        kill "$SERVER"; wait "$SERVER" 2>/dev/null || true
        row=$(echo "$line" | awk -v mode="$mode" -v st=$(( after - before )) -v tk="$TICKS" -v c="$CONCURRENCY" \
            -v when="$(date -u +%H:%M:%S)" -v loadavg="$(cut -d' ' -f1 /proc/loadavg)" '{
            for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
            match($0, /client_cpu=[0-9.]+ [0-9.]+/); split(substr($0, RSTART + 11, RLENGTH - 11), cc, " ")
            client = cc[1] + cc[2]; server = st / tk; n = v["cycles"]; su = 0; cu = 0
            if (n > 0) { su = server * 1000000 / n; cu = client * 1000000 / n }
            printf "%s,%s,%s,%s,%s,%s,%.2f,%.2f,%.1f,%.1f,%s", when, mode, v["cycles_per_s"], v["failures"], c, v["seconds"],
                server, client, su, cu, loadavg }')
        echo "$row"
        [ -n "$OUT" ] && echo "$row" >>"$OUT/churn.csv"
        sleep 1
    done
done
