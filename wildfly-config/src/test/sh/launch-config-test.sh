#!/bin/bash
# Proves the launch configuration of the provisioned server; run by the wildfly-config build (phase verify).
#   launch-config-test.sh <server-dir> <src/main directory>
# Plain bash: every check prints PASS or FAIL; the script runs them all and exits 1 if any failed.
set -uo pipefail

server_dir=${1:?usage: launch-config-test.sh <server-dir> <src/main directory>}
source_dir=${2:?usage: launch-config-test.sh <server-dir> <src/main directory>}
bin="$server_dir/bin"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
failures=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

pass() { echo "PASS  $1"; }
fail() { echo "FAIL  $1" >&2; failures=$((failures + 1)); }
check() {   # description, then a command that must succeed
    local description=$1; shift
    if "$@"; then pass "$description"; else fail "$description"; fi
}
contains() { grep -qF -- "$2" <<< "$1"; }
lacks() { ! grep -qF -- "$2" <<< "$1"; }
# 1234567 -> 1,234,567, as the preflight prints numbers
grouped() {
    local n=$1 out=""
    while ((${#n} > 3)); do out=",${n: -3}$out"; n=${n:0:${#n}-3}; done
    echo "$n$out"
}

# --- installed files --------------------------------------------------------------------------------------
check "bin/sipcity-preflight is installed and executable" test -x "$bin/sipcity-preflight"
conf=$(cat "$bin/standalone.conf")
check "standalone.conf holds the sipcity block exactly once" \
    test "$(grep -cxF '# >>> sipcity launch configuration >>>' <<< "$conf")" -eq 1
check "standalone.conf raises the open-file soft limit to the hard limit" contains "$conf" 'ulimit -n "$sipcity_fd_hard"'
check "standalone.conf keeps the stock settings before the block" contains "$conf" 'JBOSS_JAVA_SIZING="-Xms64m -Xmx512m"'
check "the installed block is the current source" \
    contains "$conf" "$(sed -n '/^# >>> sipcity/,/^# <<< sipcity/p' "$source_dir/launch/sipcity-launch.conf")"

# Re-installing over an installed server replaces the block instead of adding a second one.
mkdir -p "$work/server/bin"
cp "$bin/standalone.conf" "$work/server/bin/"
bash "$source_dir/build/install-into-server.sh" "$work/server" "$source_dir" \
    && bash "$source_dir/build/install-into-server.sh" "$work/server" "$source_dir"
check "installing twice leaves one block" \
    test "$(grep -cxF '# >>> sipcity launch configuration >>>' "$work/server/bin/standalone.conf")" -eq 1
check "installing twice leaves the file as installing once" cmp -s "$bin/standalone.conf" "$work/server/bin/standalone.conf"

# --- the block at launch: sourced by /bin/sh as standalone.sh does -----------------------------------------
# Runs standalone.conf with a lowered soft limit and prints the soft limit and JAVA_OPTS it leaves.
launch() {   # environment assignments for the launch
    env -u JAVA_OPTS -u JBOSS_JAVA_SIZING "$@" sh -c \
        'ulimit -S -n 1024; DIRNAME="$1"; . "$DIRNAME/standalone.conf"; echo "soft=$(ulimit -S -n)"; echo "opts=$JAVA_OPTS"' \
        launch "$bin" 2> "$work/stderr"
}
hard=$(ulimit -H -n)
out=$(launch SIPCITY_EXPECTED_CONNECTIONS=1000 SIPCITY_FD_HEADROOM=100)
check "the launch raises the soft limit from 1024 to the hard limit ($hard)" contains "$out" "soft=$hard"
check "G1 is the default collector" contains "$out" "-XX:+UseG1GC"
check "the heap is fixed (-Xms = -Xmx, once each, in place of the stock sizing) and direct memory bounded" \
    bash -c '[[ "$1" =~ ^opts=-Xms([0-9]+m)\ -Xmx([0-9]+m)\  ]] && [[ ${BASH_REMATCH[1]} == "${BASH_REMATCH[2]}" ]] \
        && [[ "$1" != *-Xmx512m* && "$1" == *-XX:MaxDirectMemorySize=512m* ]]' _ "${out##*$'\n'}"
check "Netty leak detection is off" contains "$out" "-Dio.netty.leakDetection.level=disabled"
check "no periodic Cleanup safepoint" contains "$out" "-XX:+UnlockDiagnosticVMOptions -XX:GuaranteedSafepointInterval=0"
check "no warning when the hard limit covers the expected connections" test ! -s "$work/stderr"

out=$(launch SIPCITY_EXPECTED_CONNECTIONS=$((hard + 1)))
check "a warning at boot when the hard limit is below the expected connections" \
    grep -q "WARNING sipcity: the open-file hard limit is $hard" "$work/stderr"

out=$(launch SIPCITY_EXPECTED_CONNECTIONS=1000 JAVA_OPTS="-XX:+UseZGC -Xmx256m")
check "an operator's collector is kept and no second one added" \
    bash -c '[[ "$1" == *-XX:+UseZGC* && "$1" != *UseG1GC* && "$1" != *-Xms* ]]' _ "$out"
out=$(launch SIPCITY_EXPECTED_CONNECTIONS=1000 JAVA_OPTS="-Dsipcity.launch-test=1")
check "an operator's JAVA_OPTS without a heap size get the computed heap as a separate option" \
    bash -c '[[ "$1" =~ -Xmx[0-9]+m\ -Dsipcity.launch-test=1 ]]' _ "$out"
out=$(launch SIPCITY_EXPECTED_CONNECTIONS=1000 SIPCITY_FD_HEADROOM=100 SIPCITY_EXPECTED_UDP_RATE=45000)
check "an expected UDP rate sizes the heap for 10 s of completed transactions in its quarter (45,000/s: 1,408 MiB)" \
    contains "$out" "-Xms1408m -Xmx1408m"
out=$(launch SIPCITY_EXPECTED_CONNECTIONS=1000 SIPCITY_FD_HEADROOM=100 SIPCITY_EXPECTED_UDP_RATE=1000)
check "a UDP rate whose completed transactions fit the connections' heap leaves it as it is" \
    contains "$out" "-Xms576m -Xmx576m"

out=$(launch SIPCITY_EXPECTED_CONNECTIONS=1000 SIPCITY_GC=zgc SIPCITY_HEAP=3g SIPCITY_PRETOUCH=false)
check "SIPCITY_GC, SIPCITY_HEAP and SIPCITY_PRETOUCH override the defaults" \
    bash -c '[[ "$1" == *-XX:+UseZGC* && "$1" == *"-Xms3g -Xmx3g"* && "$1" != *AlwaysPreTouch* ]]' _ "$out"
out=$(launch SIPCITY_EXPECTED_CONNECTIONS=1000 SIPCITY_GC=shenandoah)
check "SIPCITY_GC=shenandoah chooses Shenandoah, with no G1 option" \
    bash -c '[[ "$1" == *-XX:+UseShenandoahGC* && "$1" != *UseG1GC* && "$1" != *MaxGCPauseMillis* && "$1" != *G1NewSizePercent* ]]' _ "$out"
out=$(launch SIPCITY_EXPECTED_CONNECTIONS=1000 JAVA_OPTS="-XX:MaxGCPauseMillis=120")
check "an operator's pause target is kept and not followed by ours (the last one would win)" \
    bash -c '[[ "$1" == *-XX:MaxGCPauseMillis=120* && "$1" != *MaxGCPauseMillis=50* && "$1" == *UseG1GC* ]]' _ "$out"
out=$(launch SIPCITY_EXPECTED_CONNECTIONS=1000 SIPCITY_HEAP=704m)
check "G1 gets a floor under its young generation: the heap left after twice the live estimate, at most 50%" \
    contains "$out" "-XX:+UnlockExperimentalVMOptions -XX:G1NewSizePercent=50"
out=$(launch SIPCITY_EXPECTED_CONNECTIONS=20000 SIPCITY_FD_HEADROOM=0 SIPCITY_HEAP=512m)
flows=$((hard < 20000 ? hard : 20000))
floor=$(( (512 - 2 * (128 + (flows * 3 + 1023) / 1024)) * 100 / 512 ))
((floor > 50)) && floor=50; ((floor < 5)) && floor=5
check "the young floor shrinks as the flows' live set grows ($flows flows here: $floor%)" \
    contains "$out" "-XX:G1NewSizePercent=$floor"
out=$(launch SIPCITY_EXPECTED_CONNECTIONS=1000 SIPCITY_G1_NEW_PERCENT=20)
check "SIPCITY_G1_NEW_PERCENT sets the young floor" contains "$out" "-XX:G1NewSizePercent=20"
out=$(launch SIPCITY_EXPECTED_CONNECTIONS=1000 SIPCITY_G1_NEW_PERCENT=0)
check "SIPCITY_G1_NEW_PERCENT=0 leaves G1's own young sizing" lacks "$out" "G1NewSizePercent"
out=$(launch SIPCITY_EXPECTED_CONNECTIONS=1000 JAVA_OPTS="-Xmn100m")
check "an operator's -Xmn is kept and no young floor added" \
    bash -c '[[ "$1" == *-Xmn100m* && "$1" != *G1NewSizePercent* ]]' _ "$out"
out=$(launch SIPCITY_EXPECTED_CONNECTIONS=1000 SIPCITY_GC=zgc)
check "no G1 young floor under ZGC" lacks "$out" "G1NewSizePercent"
out=$(launch SIPCITY_EXPECTED_CONNECTIONS=1000 JAVA_OPTS="-XX:+UnlockDiagnosticVMOptions -XX:GuaranteedSafepointInterval=500")
check "an operator's safepoint interval is kept and none added" \
    bash -c '[[ "$1" == *GuaranteedSafepointInterval=500* && "$1" != *GuaranteedSafepointInterval=0* ]]' _ "$out"
out=$(launch SIPCITY_EXPECTED_CONNECTIONS=1000 SIPCITY_SAFEPOINT_INTERVAL_MS=1000)
check "SIPCITY_SAFEPOINT_INTERVAL_MS sets the interval" contains "$out" "-XX:GuaranteedSafepointInterval=1000"
# Deferred card refinement: only where the JDK still has the options (17-19), read from the JDK's release file.
for major in 17 25; do
    mkdir -p "$work/jdk$major/bin" && printf '#!/bin/sh\n' > "$work/jdk$major/bin/java" && chmod +x "$work/jdk$major/bin/java"
    printf 'JAVA_VERSION="%s.0.1"\n' "$major" > "$work/jdk$major/release"
done
udp="SIPCITY_EXPECTED_UDP_RATE=20000"
out=$(launch SIPCITY_EXPECTED_CONNECTIONS=1000 JAVA_HOME="$work/jdk17" $udp)
check "G1's card refinement is deferred on JDK 17 when UDP load is expected" \
    contains "$out" "-XX:-G1UseAdaptiveConcRefinement -XX:G1ConcRefinementGreenZone=200"
out=$(launch SIPCITY_EXPECTED_CONNECTIONS=1000 JAVA_HOME="$work/jdk17")
check "no refinement option without expected UDP load" lacks "$out" "ConcRefinement"
out=$(launch SIPCITY_EXPECTED_CONNECTIONS=1000 JAVA_HOME="$work/jdk17" SIPCITY_G1_DEFERRED_REFINEMENT=true)
check "SIPCITY_G1_DEFERRED_REFINEMENT=true defers it without expected UDP load" contains "$out" "G1ConcRefinementGreenZone=200"
out=$(launch SIPCITY_EXPECTED_CONNECTIONS=1000 JAVA_HOME="$work/jdk25" $udp)
check "no refinement option on JDK 25 (removed in 20)" lacks "$out" "ConcRefinement"
out=$(launch SIPCITY_EXPECTED_CONNECTIONS=1000 JAVA_HOME="$work/jdk17" $udp SIPCITY_G1_DEFERRED_REFINEMENT=false)
check "SIPCITY_G1_DEFERRED_REFINEMENT=false keeps G1's adaptive refinement" lacks "$out" "ConcRefinement"
out=$(launch SIPCITY_EXPECTED_CONNECTIONS=1000 JAVA_HOME="$work/jdk17" $udp SIPCITY_GC=zgc)
check "no refinement option under ZGC" lacks "$out" "ConcRefinement"
out=$(launch SIPCITY_EXPECTED_CONNECTIONS=1000 JAVA_HOME="$work/jdk17" $udp JAVA_OPTS="-XX:G1ConcRefinementGreenZone=10")
check "an operator's refinement option is kept and none added" \
    bash -c '[[ "$1" == *G1ConcRefinementGreenZone=10* && "$1" != *GreenZone=200* ]]' _ "$out"
out=$(launch SIPCITY_EXPECTED_CONNECTIONS=1000 SIPCITY_JVM_TUNING=false)
check "SIPCITY_JVM_TUNING=false adds no option" lacks "$out" "-XX:+UseG1GC"

# Inline dispatch: off by default with a database server (its round trips must not hold an event loop).
out=$(launch SIPCITY_EXPECTED_CONNECTIONS=1000 SIPCITY_DB_DRIVER=)
check "the embedded H2 database (no driver set) keeps inline dispatch" lacks "$out" "sipcity.dispatch.inline"
out=$(launch SIPCITY_EXPECTED_CONNECTIONS=1000 SIPCITY_DB_DRIVER=h2)
check "SIPCITY_DB_DRIVER=h2 keeps inline dispatch" lacks "$out" "sipcity.dispatch.inline"
out=$(launch SIPCITY_EXPECTED_CONNECTIONS=1000 SIPCITY_DB_DRIVER=postgresql)
check "SIPCITY_DB_DRIVER=postgresql turns inline dispatch off" contains "$out" "-Dsipcity.dispatch.inline=false"
out=$(launch SIPCITY_EXPECTED_CONNECTIONS=1000 SIPCITY_DB_DRIVER= SERVER_OPTS=' "-Dsipcity.db.driver=mariadb"')
check "-Dsipcity.db.driver=mariadb on the command line turns inline dispatch off" \
    contains "$out" "-Dsipcity.dispatch.inline=false"
out=$(launch SIPCITY_EXPECTED_CONNECTIONS=1000 SIPCITY_DB_DRIVER=postgresql JAVA_OPTS="-Dsipcity.db.driver=h2")
check "-Dsipcity.db.driver=h2 wins over SIPCITY_DB_DRIVER, as in the datasource's expression" \
    lacks "$out" "sipcity.dispatch.inline"
out=$(launch SIPCITY_EXPECTED_CONNECTIONS=1000 SIPCITY_DB_DRIVER=postgresql JAVA_OPTS="-Dsipcity.dispatch.inline=true")
check "an operator's -Dsipcity.dispatch.inline=true is kept with a database server" \
    bash -c '[[ "$1" == *-Dsipcity.dispatch.inline=true* && "$1" != *-Dsipcity.dispatch.inline=false* ]]' _ "$out"
out=$(launch SIPCITY_EXPECTED_CONNECTIONS=1000 SIPCITY_DB_DRIVER=postgresql SIPCITY_JVM_TUNING=false)
check "SIPCITY_JVM_TUNING=false does not keep inline dispatch on a database server" \
    contains "$out" "-Dsipcity.dispatch.inline=false"

# The JVM accepts the composed options (small heap: this only proves the flags).
out=$(launch SIPCITY_EXPECTED_CONNECTIONS=1000 SIPCITY_HEAP=64m)
opts=${out##*opts=}
# shellcheck disable=SC2086 # word splitting is how standalone.sh passes JAVA_OPTS
"$java" $opts -version > "$work/java.out" 2>&1; status=$?
check "java starts with the composed options" test "$status" -eq 0 || cat "$work/java.out" >&2

# --- the preflight ----------------------------------------------------------------------------------------
out=$("$bin/sipcity-preflight" --connections 1000); status=$?
echo "$out"
check "preflight --connections 1000 exits 0 or 1 here (got $status)" test "$status" -le 1
check "preflight prints a line per limit" \
    bash -c 'for l in "open files, hard" fs.nr_open fs.file-max net.core.somaxconn net.ipv4.tcp_max_syn_backlog \
        net.ipv4.ip_local_port_range net.ipv4.tcp_mem net.ipv4.tcp_rmem net.ipv4.tcp_wmem net.core.rmem_max \
        net.netfilter.nf_conntrack_max memory; do
        grep -qE "^(OK|WARN|FAIL) +$l" <<< "$1" || { echo "no line for $l" >&2; exit 1; }; done' _ "$out"

out=$("$bin/sipcity-preflight" --connections 1000000 --quiet); status=$?
echo "$out"
sentence="The per-process open-file hard limit on this machine is $(grouped "$hard") and cannot be raised"
if ((hard < 1000000 + 2048)) && ! (ulimit -H -n 1002048) 2>/dev/null; then
    check "preflight --connections 1000000 exits 2 under a hard limit of $hard that cannot be raised" test "$status" -eq 2
    check "preflight says plainly that the hard limit cannot be raised" contains "$out" "$sentence"
else
    check "preflight --connections 1000000 does not blame the open-file limit on a host that allows it" \
        lacks "$out" "cannot be raised"
fi
out=$("$bin/sipcity-preflight" --connections 1000 --udp-rate 45000); status=$?
check "preflight sizes the heap for an expected UDP rate as the launch does (45,000/s: 1,408 MiB)" \
    contains "$out" "heap 1,408 (computed for 45,000 UDP requests/s)"
out=$(SIPCITY_EXPECTED_UDP_RATE=45000 "$bin/sipcity-preflight" --connections 1000); status=$?
check "preflight reads SIPCITY_EXPECTED_UDP_RATE" contains "$out" "heap 1,408 (computed for 45,000 UDP requests/s)"
out=$("$bin/sipcity-preflight" --connections 1000 --udp-rate fast 2>&1); status=$?
check "preflight rejects a bad --udp-rate with exit 2" test "$status" -eq 2
out=$("$bin/sipcity-preflight" --connections many 2>&1); status=$?
check "preflight rejects a bad --connections with exit 2" test "$status" -eq 2

if ((failures)); then
    echo "launch-config-test: $failures check(s) failed" >&2
    exit 1
fi
echo "launch-config-test: all checks passed"
