#!/usr/bin/env bash
# The build's smoke run of the REGISTER benchmark: skipped with a message when SIPp is absent, otherwise a few seconds
# at a low rate against TinyResponder on a free loopback port, failing the build on any failed REGISTER.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if ! command -v sipp >/dev/null 2>&1; then
    echo "[bench] SKIPPED: sipp is not installed (Debian package sip-tester); the REGISTER benchmark smoke run did not run"
    exit 0
fi
PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
exec "$HERE/bench.sh" --smoke --ours "127.0.0.1:$PORT"
