#!/usr/bin/env bash
# earshot-server benchmarks, each against real stores on loopback, with
# rclone measured beside the server in the same run. Writes
# bench/results/server.txt.
#   1. upload 200 × 1 MB + 3 × 50 MB into the S3 gateway: through the server
#      (SQLite metadata, S3 audio), through presigned URLs, and with
#      `rclone copy` straight to the gateway; best of $ROUNDS alternating runs
#   2. list latency for a user with 10,000 recordings, SQLite and dynalite
#   3. server RSS while 8 clients upload 10 MB and then 100 MB each at once
#   4. a bounded load run (fixed request counts) for list and small uploads
set -euo pipefail
cd "$(dirname "$0")/../.."
ROUNDS=${ROUNDS:-2}
RECORDINGS=${RECORDINGS:-10000}
out=bench/results/server.txt
mkdir -p bench/results
for tool in rclone go curl; do
  command -v "$tool" >/dev/null || { echo "server.sh: $tool is missing (scripts/deps.sh installs it)" >&2; exit 1; }
done
source scripts/testenv.sh
testenv_init
start_s3
start_dynamodb
work="$TESTENV_ROOT/bench"
mkdir -p "$work/files"
go build -o "$work/earshot-server" ./cmd/earshot-server
go build -o "$work/loadgen" ./bench/cmd/loadgen
export AWS_ACCESS_KEY_ID=dynalite AWS_SECRET_ACCESS_KEY=dynalite
export EARSHOT_SERVER_S3_ACCESS_KEY="$EARSHOT_TEST_S3_ACCESS_KEY" EARSHOT_SERVER_S3_SECRET_KEY="$EARSHOT_TEST_S3_SECRET_KEY"

# start_server NAME ARGS...: runs earshot-server on a free port; sets URL and PID.
start_server() {
  local name=$1; shift
  local port; port=$(free_port)
  "$work/earshot-server" --addr "127.0.0.1:$port" --data-dir "$work/data-$name" --log-level warn \
    --signup open --signup-limit 100000 --signup-total 100000 "$@" \
    >"$work/$name.log" 2>&1 &
  PID=$!
  TESTENV_PIDS+=("$PID")
  URL="http://127.0.0.1:$port"
  wait_until 20 curl -sf "$URL/healthz"
}
stop_server() { kill "$1"; wait "$1" 2>/dev/null || true; }

for i in $(seq 1 200); do head -c 1000000 /dev/urandom >"$work/files/small-$i.bin"; done
for i in 1 2 3; do head -c 50000000 /dev/urandom >"$work/files/large-$i.bin"; done
cat >"$work/rclone.conf" <<CONF
[gw]
type = s3
provider = Other
endpoint = $EARSHOT_TEST_S3_ENDPOINT
access_key_id = $EARSHOT_TEST_S3_ACCESS_KEY
secret_access_key = $EARSHOT_TEST_S3_SECRET_KEY
force_path_style = true
CONF
rcl() { env -u AWS_CA_BUNDLE rclone --config "$work/rclone.conf" "$@"; }
rcl mkdir gw:rclone-bench
rcl mkdir gw:earshot-bench
s3args=(--blob s3 --s3-endpoint "$EARSHOT_TEST_S3_ENDPOINT" --s3-bucket earshot-bench --s3-path-style)

{
echo "earshot-server benchmarks ($(date -u +%Y-%m-%d), $(nproc) cores, shared machine; Versity S3 gateway and dynalite on loopback)"
echo
echo "1. Upload 200 × 1 MB + 3 × 50 MB (350 MB) into the S3 gateway, 4 at a time (rclone's default --transfers 4)"
echo "   best of $ROUNDS alternating runs; wall time"
} >"$out"
best_r=1e9 best_p=1e9 best_s=1e9
for ((r = 1; r <= ROUNDS; r++)); do
  t0=$(date +%s.%N)
  rcl copy --transfers 4 "$work/files" "gw:rclone-bench/round$r"
  t1=$(date +%s.%N)
  rt=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
  start_server proxy$r "${s3args[@]}"
  pt=$("$work/loadgen" upload -server "$URL" -dir "$work/files" -workers 4 -mode proxy | awk '{print $1}')
  st=$("$work/loadgen" upload -server "$URL" -dir "$work/files" -workers 4 -mode presign | awk '{print $1}')
  stop_server "$PID"
  echo "   round $r: rclone $rt s, through the server $pt s, presigned $st s" >>"$out"
  best_r=$(awk -v a="$best_r" -v b="$rt" 'BEGIN { print (b < a) ? b : a }')
  best_p=$(awk -v a="$best_p" -v b="$pt" 'BEGIN { print (b < a) ? b : a }')
  best_s=$(awk -v a="$best_s" -v b="$st" 'BEGIN { print (b < a) ? b : a }')
done
awk -v r="$best_r" -v p="$best_p" -v s="$best_s" 'BEGIN {
  printf "   rclone copy (reference)          %6.2f s  %5.0f MB/s\n", r, 350 / r
  printf "   earshot-server, through it       %6.2f s  %5.0f MB/s  ratio %.2f× rclone (goal ≤ 1.3×)\n", p, 350 / p, p / r
  printf "   earshot-server, presigned PUTs   %6.2f s  %5.0f MB/s  ratio %.2f× rclone\n", s, 350 / s, s / r
}' >>"$out"
echo "   (metadata: SQLite; SHA-256 of each file computed before timing: the client's library holds it)" >>"$out"

{ echo; echo "2. List latency, one user with $RECORDINGS recordings (loopback HTTP, includes auth)"; } >>"$out"
for store in sqlite dynamodb; do
  if [ "$store" = dynamodb ]; then
    export EARSHOT_SERVER_DYNAMODB_ENDPOINT="$EARSHOT_TEST_DYNAMODB_ENDPOINT" EARSHOT_SERVER_DYNAMODB_TABLE=earshot-bench
    "$work/earshot-server" dynamodb-setup --log-level warn
    start_server list-$store --meta dynamodb
  else
    start_server list-$store
  fi
  echo "   $store: $("$work/loadgen" populate -server "$URL" -email list@bench.example -n "$RECORDINGS")" >>"$out"
  "$work/loadgen" listlat -server "$URL" -email list@bench.example -n 200 >>"$out"
  stop_server "$PID"
done

{ echo; echo "3. Server memory while 8 clients upload at once (through the server into S3; streamed, never buffered)"; } >>"$out"
start_server rss "${s3args[@]}"
"$work/loadgen" concurrent -server "$URL" -pid "$PID" -clients 8 -mb 10 >>"$out"
"$work/loadgen" concurrent -server "$URL" -pid "$PID" -clients 8 -mb 100 >>"$out"
stop_server "$PID"

{ echo; echo "4. Bounded load run on loopback (Go load generator, fixed request counts; SQLite + disk, the default)"; } >>"$out"
start_server load
"$work/loadgen" load -server "$URL" -kind list -n 5000 -c 16 >>"$out"
"$work/loadgen" load -server "$URL" -kind upload -n 2000 -c 16 >>"$out"
stop_server "$PID"
cat "$out"
