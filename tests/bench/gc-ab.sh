#!/usr/bin/env bash
# A/B of JVM configurations for the registrar: gc-p99.sh once per configuration, one after the other (run the whole
# of it inside one lock hold so that the configurations share the host's conditions), then one table of all of them.
#
#   flock <lock> tests/bench/gc-ab.sh [gc-p99.sh options] -- CONFIG [CONFIG ...]
#   CONFIG = LABEL[:NAME=VALUE[,NAME=VALUE...]]   environment for standalone.sh (SIPCITY_GC=zgc, ...); the name OPTS
#            gives --java-opts, e.g. g1-1thread:OPTS=-XX:ParallelGCThreads=1; TARGET=kamailio measures Kamailio
#            (the control: what the host and the probe give with no JVM at all); SERVER=DIR measures another
#            provisioned server (e.g. a copy of the one built before a change: an A/B of code in one hold)
#   tests/bench/gc-ab.sh --seconds 40 --transports tcp -- g1 zgc:SIPCITY_GC=zgc shenandoah:SIPCITY_GC=shenandoah \
#       kamailio:TARGET=kamailio
# Results: OUT/<label>/ per configuration (gc-p99.sh's files) and OUT/ab.csv, OUT/ab.txt (default OUT:
# results-gc/<date>-ab).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
common=()
OUT=""
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
    case "$1" in
        --out) OUT="$2"; shift ;;
        --jfr) common+=("$1") ;;
        -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) common+=("$1" "$2"); shift ;;
    esac
    shift
done
[ "${1:-}" = "--" ] || { echo "usage: $0 [gc-p99.sh options] -- CONFIG [CONFIG ...]" >&2; exit 2; }
shift
[ $# -gt 0 ] || { echo "no configuration given" >&2; exit 2; }
OUT="${OUT:-$HERE/results-gc/$(date -u +%Y%m%d-%H%M)-ab}"
mkdir -p "$OUT"

for config in "$@"; do
    label="${config%%:*}"
    settings=""
    [ "$label" = "$config" ] || settings="${config#*:}"
    environment=()
    java_opts=()
    if [ -n "$settings" ]; then
        IFS=',' read -r -a assignments <<<"$settings"
        for assignment in "${assignments[@]}"; do
            case "$assignment" in
                OPTS=*) java_opts+=(--java-opts "${assignment#OPTS=}") ;;
                TARGET=*) java_opts+=(--target "${assignment#TARGET=}") ;;
                SERVER=*) java_opts+=(--server "${assignment#SERVER=}") ;;
                [A-Z_]*=*) environment+=("$assignment") ;;
                *) echo "not NAME=VALUE: $assignment" >&2; exit 2 ;;
            esac
        done
    fi
    echo "$(date -u +%H:%M:%S) $label: ${environment[*]:-} ${java_opts[*]:-} (load $(cut -d' ' -f1-3 /proc/loadavg))" >&2
    env ${environment[@]+"${environment[@]}"} "$HERE/gc-p99.sh" ${common[@]+"${common[@]}"} \
        ${java_opts[@]+"${java_opts[@]}"} --label "$label" --out "$OUT/$label" || echo "$label: gc-p99.sh failed ($?)" >&2
done

python3 - "$OUT" "$@" >"$OUT/ab.txt" <<'PY'
import csv, os, sys
out, configs = sys.argv[1], sys.argv[2:]
rows = []
for config in configs:
    path = os.path.join(out, config.split(":", 1)[0], "p99.csv")
    if os.path.exists(path):
        rows.extend(csv.DictReader(open(path)))
if rows:
    with open(os.path.join(out, "ab.csv"), "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
        writer.writeheader()
        writer.writerows(rows)
columns = [("label", "label"), ("transport", "tr"), ("failed", "failed"), ("probe_lost", "lost"), ("p50_us", "p50 us"),
           ("p99_us", "p99 us"), ("p999_us", "p99.9 us"), ("max_us", "max us"), ("slow_in_stop", "slow:stop"),
           ("slow_after_stop", "after"), ("slow_elsewhere", "else"), ("pauses", "pauses"),
           ("pause_max_ms", "pause max ms"), ("pause_ms_per_s", "paused ms/s"), ("safepoint_ms_per_s", "stopped ms/s"),
           ("safepoint_max_ms", "stop max ms"), ("cpu_us_per_register", "CPU us/REG"), ("slices_per_register", "slices/REG"),
           ("wait_us_per_slice", "wait us/slice"), ("load_before", "load before"),
           ("load_after", "load after")]
print(" | ".join(title for _, title in columns))
for row in rows:
    print(" | ".join(row.get(key, "") for key, _ in columns))
PY
cat "$OUT/ab.txt"
