#!/usr/bin/env bash
# earshot-server under slow clients: a fixed mix of sign-ins, lists and
# small uploads from 16 real connections, alone and then while 200 slow
# clients trickle sign-in bodies a byte a second (from other loopback
# addresses, reconnecting when cut off). The reference is the server itself
# without the slow clients, in the same run. Writes
# bench/results/server-hardening.txt.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=bench/results/server-hardening.txt
mkdir -p bench/results
source scripts/testenv.sh
testenv_init
work="$TESTENV_ROOT/hardening"
mkdir -p "$work"
go build -o "$work/earshot-server" ./cmd/earshot-server
go build -o "$work/loadgen" ./bench/cmd/loadgen
port=$(free_port)
# The defaults an internet-facing server runs with, but open sign-up for the
# bench's accounts.
"$work/earshot-server" --addr "127.0.0.1:$port" --data-dir "$work/data" --log-level warn \
  --signup open --signup-limit 100000 --signup-total 100000 >"$work/server.log" 2>&1 &
PID=$!
TESTENV_PIDS+=("$PID")
wait_until 20 curl -sf "http://127.0.0.1:$port/healthz"
{
  echo "earshot-server with slow clients ($(date -u +%Y-%m-%d), $(nproc) cores, shared machine; SQLite + disk, default limits)"
  echo "   command: loadgen hardening -n 1200 -c 16 -slow 200 (bench/cmd/loadgen/hardening.go)"
  "$work/loadgen" hardening -server "http://127.0.0.1:$port" -addr "127.0.0.1:$port" -n 1200 -c 16 -slow 200
} >"$out.tmp"
kill "$PID"; wait "$PID" 2>/dev/null || true
mv "$out.tmp" "$out"
cat "$out"
