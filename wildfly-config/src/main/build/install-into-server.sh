#!/bin/bash
# Installs the launch configuration into a provisioned server; run by the wildfly-config build after provisioning.
#   install-into-server.sh <server-dir> <src/main directory>
# - appends src/main/launch/sipcity-launch.conf to bin/standalone.conf, replacing an earlier copy between the
#   block's markers, so a rebuild over an existing server (provisioning is skipped then) updates it and a fresh
#   provisioning (a stock standalone.conf) gets it again;
# - copies the commands of src/main/bin into bin/, executable.
set -euo pipefail

server_dir=${1:?usage: install-into-server.sh <server-dir> <src/main directory>}
source_dir=${2:?usage: install-into-server.sh <server-dir> <src/main directory>}
conf="$server_dir/bin/standalone.conf"
block="$source_dir/launch/sipcity-launch.conf"
begin='# >>> sipcity launch configuration >>>'
end='# <<< sipcity launch configuration <<<'

[[ -f "$conf" ]] || { echo "install-into-server: no $conf: was the server provisioned?" >&2; exit 1; }
grep -qxF "$begin" "$block" && grep -qxF "$end" "$block" \
    || { echo "install-into-server: $block lacks its begin/end markers" >&2; exit 1; }

# Drop an earlier copy (and the blank line before it), then append the current one.
stripped=$(mktemp "$conf.XXXXXX")
trap 'rm -f "$stripped"' EXIT
awk -v begin="$begin" -v end="$end" '
    $0 == begin { inside = 1; pending_blank = 0; next }
    inside && $0 == end { inside = 0; next }
    inside { next }
    $0 == "" { if (pending_blank) print ""; pending_blank = 1; next }
    { if (pending_blank) print ""; pending_blank = 0; print }
    END { if (inside) { print "install-into-server: unterminated sipcity block" > "/dev/stderr"; exit 1 } }
' "$conf" > "$stripped"
cat "$block" >> "$stripped"
chmod --reference="$conf" "$stripped"
mv "$stripped" "$conf"
trap - EXIT

for command in "$source_dir"/bin/*; do
    install -m 0755 "$command" "$server_dir/bin/"
done
