#!/usr/bin/env bash
# REGISTER with digest authentication against the registrar WAR in the provisioned WildFly, over persistent TCP, for
# each write mode of the location service and each database: the highest rate of registrations (REGISTER, 401,
# REGISTER with Authorization, 200) answered with zero failed calls, found by stepping SIPp's rate up and bisecting
# once, and p50/p99 of a whole registration at 2,500/s (a step of its own) from probe.py (--password: nanosecond clock, one outstanding).
#
# Each (database, mode) gets a fresh copy of the server and a fresh database: the server's registrar WAR plus the ITs'
# test-only import servlet (tests/arquillian, org.sipcity.it.registrar.seed) to load the subscribers with the
# registrar's own CSV importer; then a warm-up, then the steps. Everything runs on 127.0.0.1; every step is bounded by
# `timeout`; every process started here is stopped on exit. Hold the machine-wide lock when the figures count:
#   flock <lock> tests/bench/registrar-bench.sh
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
DATABASES="h2,mariadb"
MODES="write-through,write-back"
LADDER="500 1000 1500 2000 3000 4000 5000 6000 8000"
LATENCY_RATE=2500
STEP_SECONDS=10
USERS=20000
OFFSET=1100
PROBE_RATE=100
OUT="$HERE/results-registrar"
PASSWORD="bench-Pa55"
VALVE_MARKS=""

usage() {
    cat <<USAGE
Usage: $0 [--databases h2,mariadb,postgresql] [--modes write-through,write-back] [--ladder "1000 2500 ..."]
          [--latency-rate N] [--step-seconds N] [--users N] [--port-offset N] [--out DIR]
          [--valve-marks HIGH_MS/LOW_MS]
  --valve-marks  the overload valve's sojourn-time and event-loop-lag marks (default: the server's, 100/20 ms): on a
                 host whose CPU other processes starve, the valve sheds at a few hundred REGISTER/s whatever the
                 registrar could do; raised marks measure the registrar and its database instead
Needs: mvn -q -o verify -pl tests/arquillian -am -DskipITs (server, registrar WAR, the test-only import servlet),
sipp (Debian sip-tester), python3, curl; for mariadb/postgresql the servers of .ci/run on 127.0.0.1 (root / postgres).
USAGE
}

while [ $# -gt 0 ]; do
    case "$1" in
        --databases) DATABASES="$2"; shift ;;
        --modes) MODES="$2"; shift ;;
        --ladder) LADDER="$2"; shift ;;
        --latency-rate) LATENCY_RATE="$2"; shift ;;
        --step-seconds) STEP_SECONDS="$2"; shift ;;
        --users) USERS="$2"; shift ;;
        --port-offset) OFFSET="$2"; shift ;;
        --out) OUT="$2"; shift ;;
        --valve-marks) VALVE_MARKS="$2"; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
    esac
    shift
done

SERVER="$ROOT/wildfly-config/target/server"
WAR="$ROOT/src/registrar/target/sipcity-registrar-0.1.0-SNAPSHOT.war"
SEED="$ROOT/tests/arquillian/target/test-classes/org/sipcity/it/registrar/seed"
for need in "$SERVER/bin/standalone.sh" "$WAR" "$SEED/SubscriberImportServlet.class"; do
    [ -e "$need" ] || { echo "missing $need: build first (see --help)" >&2; exit 2; }
done
command -v sipp >/dev/null 2>&1 || { echo "sipp is not installed (Debian sip-tester)" >&2; exit 3; }

SIP_PORT=$(( 5060 + OFFSET ))
HTTP_PORT=$(( 8080 + OFFSET ))
MGMT_PORT=$(( 9990 + OFFSET ))
WORK="$(mktemp -d -t sipcity-regbench.XXXXXX)"
SERVER_PID=""

log() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

stop_server() {
    [ -n "$SERVER_PID" ] || return 0
    # Graceful first: a write-back registrar flushes on shutdown.
    "$WORK/server/bin/jboss-cli.sh" --controller="127.0.0.1:$MGMT_PORT" -c ":shutdown" >/dev/null 2>&1 || true
    for _ in $(seq 1 30); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 1; done
    # What the server complained of (a failed binding update's cause, the valve's transitions), kept with the results.
    sed -e 's/\x1b\[[0-9;]*m//g' "$WORK/server-${CURRENT_RUN:-none}.log" 2>/dev/null | grep -E " (WARN|ERROR) " \
        | sed -e 's/^[0-9:,]* //' -e "s#$WORK#<work>#g" -e 's/(sip-worker-[0-9]*)/(sip-worker-N)/' | cut -c1-400 \
        | sort | uniq -c | sort -rn | head -40 \
        >"$OUT/server-warnings-${CURRENT_RUN:-server}.log" || true
    local java
    for java in $(pgrep -f -- "-Djboss.home.dir=$WORK/server" || true); do kill -9 "$java" 2>/dev/null || true; done
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
}
cleanup() {
    stop_server
    if [ -n "${KEEP_WORK:-}" ]; then echo "work files kept in $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The registrar WAR with the test-only import servlet; the product scanner deploys it from standalone/deployments.
mkdir -p "$WORK/war/WEB-INF/classes/org/sipcity/it/registrar/seed"
cp "$SEED"/*.class "$WORK/war/WEB-INF/classes/org/sipcity/it/registrar/seed/"
cp "$WAR" "$WORK/sipcity-registrar.war"
( cd "$WORK/war" && jar uf "$WORK/sipcity-registrar.war" WEB-INF )

# Subscribers: bench00000.. for SIPp (split in two injection files, one per SIPp process) and probe000..099.
python3 - "$WORK" "$USERS" "$PASSWORD" <<'PY'
import sys
work, users, password = sys.argv[1], int(sys.argv[2]), sys.argv[3]
with open(f"{work}/subscribers.csv", "w") as csv:
    csv.write("username,domain,password\n")
    for i in range(users):
        csv.write(f"bench{i:05d},localhost,{password}\n")
    for i in range(100):
        csv.write(f"probe{i:03d},localhost,{password}\n")
for part in (0, 1):
    with open(f"{work}/users-{part + 1}.csv", "w") as inf:
        inf.write("SEQUENTIAL\n")
        for i in range(part, users, 2):
            inf.write(f"bench{i:05d};[authentication username=bench{i:05d} password={password}]\n")
PY

db_options() {
    case "$1" in
        h2) echo "" ;;
        mariadb) echo "-Dsipcity.db.driver=mariadb -Dsipcity.db.url=jdbc:mariadb://127.0.0.1:3306/sipcity_bench -Dsipcity.db.user=sipcity_bench -Dsipcity.db.password=sipcity-bench" ;;
        postgresql) echo "-Dsipcity.db.driver=postgresql -Dsipcity.db.url=jdbc:postgresql://127.0.0.1:5432/sipcity_bench?reWriteBatchedInserts=true -Dsipcity.db.user=sipcity_bench -Dsipcity.db.password=sipcity-bench" ;;
    esac
}

# A fresh, empty database for the run (the registrar creates its tables).
fresh_database() {
    case "$1" in
        mariadb)
            mariadb -h 127.0.0.1 -u root -e "DROP DATABASE IF EXISTS sipcity_bench;
                CREATE DATABASE sipcity_bench CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
                CREATE USER IF NOT EXISTS 'sipcity_bench'@'127.0.0.1' IDENTIFIED BY 'sipcity-bench';
                CREATE USER IF NOT EXISTS 'sipcity_bench'@'localhost' IDENTIFIED BY 'sipcity-bench';
                GRANT ALL PRIVILEGES ON sipcity_bench.* TO 'sipcity_bench'@'127.0.0.1';
                GRANT ALL PRIVILEGES ON sipcity_bench.* TO 'sipcity_bench'@'localhost';" ;;
        postgresql)
            psql -q -h 127.0.0.1 -U postgres -d test -c "DROP DATABASE IF EXISTS sipcity_bench" \
                -c "DO \$\$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'sipcity_bench') THEN CREATE ROLE sipcity_bench LOGIN PASSWORD 'sipcity-bench'; END IF; END \$\$" \
                -c "CREATE DATABASE sipcity_bench OWNER sipcity_bench" ;;
    esac
}

start_server() {
    local db="$1" mode="$2"
    rm -rf "$WORK/server"
    cp -a "$SERVER" "$WORK/server"
    rm -rf "$WORK/server/standalone/data/sipcity" "$WORK/server/standalone/deployments/sipcity-registrar.war"*
    cp "$WORK/sipcity-registrar.war" "$WORK/server/standalone/deployments/"
    fresh_database "$db"
    # shellcheck disable=SC2046
    "$WORK/server/bin/standalone.sh" -Djboss.socket.binding.port-offset="$OFFSET" \
        -Dsipcity.registrar.digest-algorithms=MD5,SHA-256 -Dsipcity.registrar.write-mode="$mode" \
        $(db_options "$db") >"$WORK/server-$db-$mode.log" 2>&1 &
    SERVER_PID=$!
    wait_registrar "$db" "$mode" || return 1
    if [ -n "$VALVE_MARKS" ]; then
        # Read at reload (the subsystem's overload attributes), so reload and wait for the registrar again.
        cat >"$WORK/valve.cli" <<CLI
/subsystem=sip:write-attribute(name=overload-sojourn-high, value=${VALVE_MARKS%/*})
/subsystem=sip:write-attribute(name=overload-sojourn-low, value=${VALVE_MARKS#*/})
/subsystem=sip:write-attribute(name=overload-event-loop-lag-high, value=${VALVE_MARKS%/*})
/subsystem=sip:write-attribute(name=overload-event-loop-lag-low, value=${VALVE_MARKS#*/})
reload
CLI
        "$WORK/server/bin/jboss-cli.sh" --controller="127.0.0.1:$MGMT_PORT" -c --file="$WORK/valve.cli" >/dev/null
        sleep 3
        wait_registrar "$db" "$mode" || return 1
    fi
}

wait_registrar() {
    local db="$1" mode="$2"
    for _ in $(seq 1 120); do
        if curl -s -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$HTTP_PORT/sipcity-registrar/it/subscribers/import" \
                | grep -q 200; then
            return 0
        fi
        kill -0 "$SERVER_PID" 2>/dev/null || break
        sleep 1
    done
    echo "server ($db, $mode) did not come up; log: $WORK/server-$db-$mode.log" >&2
    tail -30 "$WORK/server-$db-$mode.log" >&2
    return 1
}

# SIPp, two processes over one persistent TCP connection each, RATE registrations/s for STEP_SECONDS. Prints
# "sent;succeeded;failed;seconds" and fails when a call failed or the run was late (> 5% + 0.5 s).
run_sipp() {
    local rate="$1" seconds="$2" i pids=() status=0 start end
    local per_calls=$(( rate * seconds / 2 )) per_rate
    per_rate="$(awk -v r="$rate" 'BEGIN { printf "%.3f", r / 2 }')"
    start="$(date +%s.%N)"
    for i in 1 2; do
        rm -f "$WORK/stat-$i.csv" "$WORK/errors-$i.log"
        ( cd "$WORK" && exec timeout -k 2 $(( seconds + 15 )) sipp "127.0.0.1:$SIP_PORT" \
            -sf "$HERE/sipp/register-digest-uac.xml" -inf "$WORK/users-$i.csv" -i 127.0.0.1 -t t1 \
            -r "$per_rate" -m "$per_calls" -l $(( rate > 2000 ? rate : 2000 )) -buff_size 4194304 -nostdin \
            -recv_timeout 5000 -default_behaviors all,-bye -trace_stat -stf "stat-$i.csv" -fd 1 -trace_err -error_file "errors-$i.log" \
            >"$WORK/sipp-$i.log" 2>&1 ) &
        pids+=("$!")
    done
    for i in "${pids[@]}"; do wait "$i" || status=1; done
    end="$(date +%s.%N)"
    local sent=0 ok=0 failed=0 s o f
    for i in 1 2; do
        if [ -s "$WORK/stat-$i.csv" ]; then
            read -r s o f < <(tail -1 "$WORK/stat-$i.csv" | awk -F';' '{ print $13, $16, $18 }')
        else
            s=0; o=0; f="$per_calls"
        fi
        sent=$(( sent + s )); ok=$(( ok + o )); failed=$(( failed + f ))
    done
    local elapsed
    elapsed="$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.2f", e - s }')"
    if [ "$ok" -lt $(( per_calls * 2 )) ] || [ "$failed" -gt 0 ] \
        || awk -v e="$elapsed" -v s="$seconds" 'BEGIN { exit !(e > s * 1.05 + 0.5) }'; then
        status=1
    fi
    printf '%s;%s;%s;%s\n' "$sent" "$ok" "$failed" "$elapsed"
    return "$status"
}

mkdir -p "$OUT"
STEPS_CSV="$OUT/steps.csv"
MAX_CSV="$OUT/max-rate.csv"
[ -f "$STEPS_CSV" ] || echo "database,mode,offered_per_s,achieved_per_s,calls_sent,succeeded,failed,seconds,pass,probe_samples,probe_lost,p50_us,p90_us,p99_us,max_us,load1" >"$STEPS_CSV"
[ -f "$MAX_CSV" ] || echo "database,mode,max_zero_failure_per_s,first_failure_per_s,bindings_after,date" >"$MAX_CSV"

# One step: SIPp at RATE plus the digest probe; appends to steps.csv; returns 0 when it passed.
step() {
    local db="$1" mode="$2" rate="$3" sipp_line probe_line passed
    ( sleep 1; exec timeout -k 2 $(( STEP_SECONDS + 5 )) python3 "$HERE/probe.py" --port "$SIP_PORT" --transport tcp \
        --domain localhost --password "$PASSWORD" --rate "$PROBE_RATE" --duration $(( STEP_SECONDS - 2 )) \
        --timeout 1 >"$WORK/probe.out" 2>"$WORK/probe.err" ) &
    local probe_pid=$!
    if sipp_line="$(run_sipp "$rate" "$STEP_SECONDS")"; then passed=1; else passed=0; fi
    wait "$probe_pid" || true
    probe_line="$(cat "$WORK/probe.out" 2>/dev/null)"
    [ -n "$probe_line" ] || probe_line="0;0;;;;"
    local achieved load
    achieved="$(echo "$sipp_line" | awk -F';' '{ printf "%.0f", ($4 > 0 ? $2 / $4 : 0) }')"
    load="$(cut -d' ' -f1 /proc/loadavg)"
    echo "$db,$mode,$rate,$achieved,$(echo "$sipp_line" | tr ';' ','),$passed,$(echo "$probe_line" | tr ';' ','),$load" >>"$STEPS_CSV"
    log "$db $mode ${rate}/s: $( [ "$passed" = 1 ] && echo pass || echo FAIL ) (sipp sent;ok;failed;s $sipp_line; probe n;lost;p50;p90;p99;max us $probe_line; load $load)"
    if [ "$passed" = 0 ]; then
        # Why the calls failed: the first SIPp errors, and what the failed calls received.
        cat "$WORK"/errors-*.log 2>/dev/null | head -40 >"$OUT/errors-$db-$mode-$rate.log" || true
        grep -ho "received 'SIP/2.0 [0-9]* [A-Za-z ]*\|receive timeout" "$WORK"/errors-*.log 2>/dev/null \
            | sort | uniq -c >>"$OUT/errors-$db-$mode-$rate.log" || true
    fi
    sleep $(( passed == 1 ? 2 : 6 ))
    return $(( 1 - passed ))
}

for db in ${DATABASES//,/ }; do
    for mode in ${MODES//,/ }; do
        CURRENT_RUN="$db-$mode"
        log "== $db, $mode: starting the server (port offset $OFFSET)"
        start_server "$db" "$mode"
        log "importing $USERS subscribers: $(curl -s --data-binary @"$WORK/subscribers.csv" -H 'Content-Type: text/csv' \
            "http://127.0.0.1:$HTTP_PORT/sipcity-registrar/it/subscribers/import" | head -1)"
        # Warm-up: every user registered once (the table at its full size), the JIT past its first compilations.
        run_sipp 1000 $(( USERS / 1000 )) >/dev/null || log "warm-up had failures"
        # The latency point, whatever the maximum turns out to be (a failed step is marked so in steps.csv).
        step "$db" "$mode" "$LATENCY_RATE" || true
        best=0; failed_at=0
        for rate in $LADDER; do
            if step "$db" "$mode" "$rate"; then best=$rate; else failed_at=$rate; break; fi
        done
        if [ "$failed_at" -gt 0 ] && [ $(( failed_at - best )) -ge 1000 ] && [ "$best" -gt 0 ]; then
            mid=$(( (best + failed_at) / 2 ))
            if step "$db" "$mode" "$mid"; then best=$mid; else failed_at=$mid; fi
        fi
        # What the registrar holds afterwards, counted in its database after a flush.
        python3 -c "print(''.join(f'sip:bench{i:05d}@localhost\n' for i in range($USERS)), end='')" >"$WORK/aors.txt"
        held="$(curl -s --data-binary @"$WORK/aors.txt" -H 'Content-Type: text/plain' \
            "http://127.0.0.1:$HTTP_PORT/sipcity-registrar/it/bindings?aor-prefix=sip:bench" | tr '\n' ' ')"
        echo "$db,$mode,$best,$failed_at,$held,$(date -u +%FT%TZ)" >>"$MAX_CSV"
        log "== $db, $mode: max $best/s with zero failures (first failure $failed_at/s); $held"
        stop_server
    done
done
