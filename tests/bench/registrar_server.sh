# The registrar on a private copy of the provisioned server, for the scripts that measure one server process
# (registrar-cpu.sh, gc-p99.sh, tn-cpu.sh): copy it, start it, wait for the WAR, stop it, read its CPU time (the process
# and each thread group), and add up their SIPp clients' counts. Sourced; the caller sets SERVER, WORK, OFFSET,
# MGMT_PORT and OUT, and defines log().
SHELL_PID=""
JAVA_PID=""

# jboss-cli.sh reads JAVA_OPTS too: the server's own options (a GC log file, say) must not reach the CLI's JVMs.
cli() { env -u JAVA_OPTS "$WORK/server/bin/jboss-cli.sh" --controller="127.0.0.1:$MGMT_PORT" -c "$@"; }

# A fresh copy of the provisioned server, no data and no logs of an earlier run, with the valve's sojourn marks raised
# out of the measurement's way (these scripts measure the work of a served REGISTER, not shedding).
copy_server() {
    cp -a "$SERVER" "$WORK/server"
    rm -rf "$WORK/server/standalone/data/sipcity" "$WORK/server/standalone/log"
    sed -i -e 's#<subsystem xmlns="urn:sipcity:sip:1.0" #<subsystem xmlns="urn:sipcity:sip:1.0" overload-sojourn-high="1000" overload-sojourn-low="200" #' \
        "$WORK/server/standalone/configuration/standalone.xml"
}

# Starts the copy through bin/standalone.sh (the product's launch configuration), with the valve's lag marks raised
# too, the JVM options in SERVER_JAVA_OPTS if set (for the server only) and the system properties given; returns
# once the registrar WAR is deployed, with SHELL_PID and JAVA_PID set. Exits when the server dies or never comes up.
start_server() {
    if [ -n "${SERVER_JAVA_OPTS:-}" ]; then
        JAVA_OPTS="$SERVER_JAVA_OPTS" "$WORK/server/bin/standalone.sh" -Djboss.socket.binding.port-offset="$OFFSET" \
            -Dsipcity.overload.event-loop-lag-high=1000 -Dsipcity.overload.event-loop-lag-low=200 "$@" \
            >"$WORK/console.log" 2>&1 &
    else
        "$WORK/server/bin/standalone.sh" -Djboss.socket.binding.port-offset="$OFFSET" \
            -Dsipcity.overload.event-loop-lag-high=1000 -Dsipcity.overload.event-loop-lag-low=200 "$@" \
            >"$WORK/console.log" 2>&1 &
    fi
    SHELL_PID=$!
    local deployed=0
    for _ in $(seq 1 90); do
        if cli --command="/deployment=sipcity-registrar.war:read-attribute(name=status)" 2>/dev/null | grep -q '"OK"'; then
            deployed=1
            break
        fi
        kill -0 "$SHELL_PID" 2>/dev/null || { tail -30 "$WORK/console.log" >&2; exit 1; }
        sleep 2
    done
    [ "$deployed" = 1 ] || { echo "the registrar was not deployed within 180 s" >&2; tail -30 "$WORK/console.log" >&2; exit 1; }
    JAVA_PID="$(pgrep -P "$SHELL_PID" java | head -1)"
    [ -n "$JAVA_PID" ] || { echo "server java process not found" >&2; exit 1; }
}

# Stops the server (management shutdown, then signals), keeping a summary of its warnings and of the overload
# valve's transitions (a 503 in SIPp's counts is explained there) in OUT.
stop_server() {
    [ -n "$SHELL_PID" ] || return 0
    cli ":shutdown" >/dev/null 2>&1 || true
    for _ in $(seq 1 30); do kill -0 "$SHELL_PID" 2>/dev/null || break; sleep 1; done
    # Interrupted during boot, JAVA_PID was never read: standalone.sh runs java in the foreground and does not pass a
    # signal on, so the JVM is found as the shell's child, or else by the server copy it runs from.
    [ -n "$JAVA_PID" ] || JAVA_PID="$(pgrep -P "$SHELL_PID" java | head -1)"
    [ -z "$JAVA_PID" ] || kill -9 "$JAVA_PID" 2>/dev/null || true
    pkill -9 -f -- "-Djboss.home.dir=$WORK/server( |\$)" 2>/dev/null || true
    kill "$SHELL_PID" 2>/dev/null || true
    wait "$SHELL_PID" 2>/dev/null || true
    sed -e 's/\x1b\[[0-9;]*m//g' "$WORK/server/standalone/log/server.log" 2>/dev/null | grep -E " (WARN|ERROR) " \
        | cut -c1-300 | sort | uniq -c | sort -rn | head -30 >"$OUT/server-warnings.log" || true
    grep -i "overload" "$WORK/server/standalone/log/server.log" 2>/dev/null | cut -c1-300 | tail -40 \
        >"$OUT/server-overload.log" || true
    SHELL_PID=""
    JAVA_PID=""
}

# Prints "ok;failed;seconds" of the two SIPp clients whose -trace_stat files are WORK/stat-1.csv and stat-2.csv, each
# asked for PER_CALLS calls (a client that wrote no statistics counts all of its calls as failed), over the wall time
# START to END (date +%s.%N).
sipp_totals() {
    local per_calls="$1" start="$2" end="$3" i o f ok=0 failed=0
    for i in 1 2; do
        if [ -s "$WORK/stat-$i.csv" ]; then
            read -r o f < <(tail -1 "$WORK/stat-$i.csv" | awk -F';' '{ print $16, $18 }')
        else
            o=0; f="$per_calls"
        fi
        ok=$(( ok + o )); failed=$(( failed + f ))
    done
    printf '%s;%s;%s\n' "$ok" "$failed" "$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.2f", e - s }')"
}

# The server process's CPU (utime+stime in clock ticks of HZ) and the same per thread.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$JAVA_PID/stat"; }
# utime and stime of every thread of the server, one "group utime stime" line per thread; the group is the thread's
# name with digits dropped (sip-worker-, sip-io--, sipcity-locatio: the kernel keeps 15 characters), summed by
# thread_cpu_diff. stime is the kernel's share (system calls, wake-ups), utime the JVM's own code. The fields are
# counted after the name's closing parenthesis: a name with a space ("C2 CompilerThre", "GC Thread#0") shifted them,
# so until 2026-11-26 10:25 UTC those threads were counted with their utime only.
thread_ticks() {
    local task
    for task in /proc/"$JAVA_PID"/task/*; do
        printf '%s %s\n' "$(tr -d '0-9 ' <"$task/comm" 2>/dev/null)" \
            "$(sed 's/^.*) //' "$task/stat" 2>/dev/null | awk '{ print $12, $13 }' || echo 0 0)"
    done
}
# Per thread group: ticks spent between two thread_ticks files, as us per registration (threads born in between count
# from zero; threads that died in between are lost, which the process total above does not miss).
thread_cpu_diff() {
    python3 - "$1" "$2" "$3" "$HZ" <<'PY'
import collections, sys
def read(path):
    user, system = collections.Counter(), collections.Counter()
    for line in open(path):
        fields = line.rsplit(" ", 2)
        if len(fields) == 3:
            group, utime, stime = fields
            user[group or "?"] += int(utime or 0)
            system[group or "?"] += int(stime or 0)
    return user, system
(u0, s0), (u1, s1) = read(sys.argv[1]), read(sys.argv[2])
n, hz = int(sys.argv[3]), int(sys.argv[4])
rows = sorted(((u1[g] - u0.get(g, 0) + s1[g] - s0.get(g, 0), u1[g] - u0.get(g, 0), s1[g] - s0.get(g, 0), g)
               for g in u1), reverse=True)
for ticks, user, system, group in rows:
    if ticks > 0:
        print(f"{group},{ticks},{ticks * 1e6 / hz / max(n, 1):.1f},{user},{system}")
PY
}
HZ="$(getconf CLK_TCK)"
