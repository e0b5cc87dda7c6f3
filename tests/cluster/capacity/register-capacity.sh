#!/usr/bin/env bash
# REGISTER capacity of 1, 2 and 3 clustered nodes on one PostgreSQL database (docs/CLUSTERING.md, "Measured").
#
#   tests/cluster/capacity/register-capacity.sh [node counts, default "1 2 3"]
#
# For each node count: starts that many nodes with bin/sipcity-cluster (an open registrar,
# sipcity.registrar.authenticate=false: see register.xml), then for each total rate of RATES (default
# "100 200 400 800 1200 1600" registrations per second) runs one SIPp per node over one persistent TCP connection
# (-t t1, RFC 5626 style) at rate/N for STEP_SECONDS (10), all at once, each on its own slice of the users. A step
# passes when every REGISTER got its 200 (after an unrecorded warm-up of WARMUP_SECONDS, 15, at 50/s per node): each is one transaction, one database commit and one stamp replication.
# One CSV line per node count and rate to stdout and results/capacity.csv: nodes, offered/s, registered, failed,
# achieved/s, p50 and p99 response time (upper bound of SIPp's repartition bucket), load average before the step.
# Stops its nodes. Every SIPp run is bounded (-m calls, -timeout). Run it under the machine-wide measurement lock.
# Database as for bin/sipcity-cluster (SIPCITY_DB_*), PostgreSQL only here: the users are seeded with psql.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
cluster="$root/wildfly-config/src/main/bin/sipcity-cluster"
counts="${*:-1 2 3}"
rates="${RATES:-100 200 400 800 1200 1600}"
step_seconds="${STEP_SECONDS:-10}"
WARMUP_SECONDS="${WARMUP_SECONDS:-15}"
users="${USERS:-20000}"
work="$root/tests/cluster/target/capacity"
results="$here/results"
mkdir -p "$work" "$results"
export SIPCITY_CLUSTER_DIR="${SIPCITY_CLUSTER_DIR:-$work/nodes}"
export SIPCITY_CLUSTER_OPTS="${SIPCITY_CLUSTER_OPTS:-} -Dsipcity.registrar.authenticate=false"
read -r -a offsets <<< "${SIPCITY_CLUSTER_OFFSETS:-0 0 0}"
db_url="${SIPCITY_DB_URL:?SIPCITY_DB_URL}"
db_name="$(basename "${db_url%%\?*}")"
psql_cmd=(psql -h 127.0.0.1 -U "${SIPCITY_DB_USER:-postgres}" -d "$db_name" -qtA)

seed_users() {   # user000000..;password pw<i>; HA1 as the registrar stores them (realm = domain = localhost)
    "${psql_cmd[@]}" -c "delete from sip_binding" -c "delete from sip_subscriber where username like 'cap%'" \
        -c "insert into sip_subscriber (id, username, domain, ha1_md5, ha1_sha256)
            select nextval('sip_subscriber_seq'), 'cap' || i, 'localhost', md5('cap' || i || ':localhost:pw' || i),
                   encode(sha256(convert_to('cap' || i || ':localhost:pw' || i, 'UTF8')), 'hex')
            from generate_series(0, $users - 1) as i"
}

csv="$results/capacity.csv"
[ -f "$csv" ] || echo "nodes,offered_per_s,registered,failed,achieved_per_s,p50_ms,p99_ms,load_before" > "$csv"
trap '"$cluster" stop >/dev/null 2>&1 || true' EXIT
for n in $counts; do
    "$cluster" stop >/dev/null 2>&1 || true
    "$cluster" start "$n" >&2
    seed_users
    # Warm-up, not recorded: the first seconds after boot are the JIT's (and the valve sheds what queues meanwhile).
    for i in $(seq 1 "$n"); do
        { echo SEQUENTIAL; echo "cap$i;pw$i"; } > "$work/warmup-$i.csv"
        sipp "127.0.0.$(( i + 1 )):$(( 5060 + ${offsets[$((i - 1))]:-0} ))" -sf "$here/register.xml" \
            -inf "$work/warmup-$i.csv" -t t1 -i 127.0.0.1 -p $(( 26150 + i )) -r 50 -m "$(( 50 * WARMUP_SECONDS ))" \
            -timeout $(( WARMUP_SECONDS * 3 + 30 ))s -nostdin > "$work/warmup-$n-$i.out" 2>&1 &
    done
    wait
    for rate in $rates; do
        per_node=$(( rate / n )); calls=$(( per_node * step_seconds ))
        load="$(cut -d' ' -f1 /proc/loadavg)"
        pids=()
        for i in $(seq 1 "$n"); do
            # each SIPp takes its own slice of the users, so two nodes never register one AOR at once
            inf="$work/users-$n-$i.csv"
            { echo SEQUENTIAL; for u in $(seq $(( (i - 1) * users / n )) $(( i * users / n - 1 ))); do echo "cap$u;pw$u"; done; } > "$inf"
            port=$(( 5060 + ${offsets[$((i - 1))]:-0} ))
            sipp "127.0.0.$(( i + 1 )):$port" -sf "$here/register.xml" -inf "$inf" -t t1 -i 127.0.0.1 -p $(( 26100 + n * 10 + i )) \
                -r "$per_node" -m "$calls" -l 2000 -timeout $(( step_seconds * 3 + 30 ))s -timeout_error \
                -recv_timeout 10000 -max_socket 100 -buff_size 4194304 -nostdin \
                -trace_stat -stf "$work/stat-$n-$rate-$i.csv" -fd 1 \
                -trace_err -error_file "$work/err-$n-$rate-$i.log" > "$work/sipp-$n-$rate-$i.out" 2>&1 &
            pids+=($!)
        done
        started=$(date +%s.%N)
        for pid in "${pids[@]}"; do wait "$pid" || true; done
        elapsed=$(echo "$(date +%s.%N) - $started" | bc)
        python3 "$here/summarise.py" "$n" "$rate" "$elapsed" "$load" "$work" >> "$csv"
        tail -1 "$csv"
    done
done
