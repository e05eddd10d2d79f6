#!/usr/bin/env bash
# Sync benchmark (issue 4), self-contained: starts Versity's S3 gateway, a
# private keyring and earshot-server with its audio in S3, then measures in
# one run, next to rclone on the same files and the same gateway:
#   1. `earshot sync` of 200 x 1 MB + 3 x 50 MB recordings, through the
#      server (--no-direct) and with presigned uploads straight to S3,
#      against `rclone copy` of the same files;
#   2. a no-op `earshot sync` of a library of 10,000 synced recordings
#      against rclone's no-op copy of the same 10,000 files;
#   3. the client's resident memory while it uploads a 1 GB recording
#      (files above 64 MiB go in resumable chunks, not one presigned PUT).
# Figures go to bench/results/sync.txt.
set -euo pipefail
cd "$(dirname "$0")/../.."
export LANG=en_US.UTF-8
source scripts/testenv.sh
testenv_init
start_keyring
start_s3

OUT=bench/results/sync.txt
REPS=${EARSHOT_BENCH_REPS:-3}
NOOP_N=${EARSHOT_BENCH_RECORDINGS:-10000}
mkdir -p bench/results bin
W="$TESTENV_ROOT/bench"
mkdir -p "$W"
go build -o bin/earshot .
go build -o bin/earshot-server ./cmd/earshot-server
E="$PWD/bin/earshot"

# rclone talks to the same gateway; it fails with AWS_CA_BUNDLE set.
export RCLONE_CONFIG="$W/rclone.conf"
cat >"$RCLONE_CONFIG" <<EOF
[gw]
type = s3
provider = Other
endpoint = $EARSHOT_TEST_S3_ENDPOINT
access_key_id = $EARSHOT_TEST_S3_ACCESS_KEY
secret_access_key = $EARSHOT_TEST_S3_SECRET_KEY
force_path_style = true
EOF
rc() { env -u AWS_CA_BUNDLE rclone "$@"; }
rc mkdir gw:earshot-bench
rc mkdir gw:rclone-bench

port=$(free_port)
URL="http://127.0.0.1:$port"
EARSHOT_SERVER_S3_ACCESS_KEY=$EARSHOT_TEST_S3_ACCESS_KEY EARSHOT_SERVER_S3_SECRET_KEY=$EARSHOT_TEST_S3_SECRET_KEY \
  bin/earshot-server --addr "127.0.0.1:$port" --data-dir "$W/server" --log-level warn \
  --blob s3 --s3-bucket earshot-bench --s3-endpoint "$EARSHOT_TEST_S3_ENDPOINT" --s3-path-style --s3-region us-east-1 \
  --quota-bytes 100000000000 --signup open --signup-limit 100000 --signup-total 100000 >"$W/server.log" 2>&1 &
TESTENV_PIDS+=("$!")
wait_until 20 curl -sf "$URL/healthz"

PW="benchmark password"
n_account=0
# new_library DIR: a data folder logged in (keyring) to a fresh account.
new_library() {
  n_account=$((n_account + 1))
  echo "$PW" | "$E" --data-dir "$1" signup --server "$URL" --email "bench$n_account@example.com" --password-stdin 2>/dev/null
}
import_all() { # import_all DIR FILES...
  local d=$1; shift
  for f in "$@"; do "$E" --data-dir "$d" import "$f" >/dev/null 2>&1; done
}
now() { date +%s.%N; }
elapsed() { python3 -c "print(f'{$2 - $1:.2f}')"; }
median() { python3 -c "import statistics,sys; print(f'{statistics.median(map(float, sys.argv[1:])):.3f}')" "$@"; }
ratio() { python3 -c "print(f'{$1 / $2:.2f}')"; }

# WAV files of random samples (the library takes WAV as it is; random data
# does not compress, as audio would not).
mkwav() { # mkwav PATH BYTES
  python3 - "$1" "$2" <<'PY'
import os, struct, sys
path, size = sys.argv[1], int(sys.argv[2])
data = size - 44
with open(path, "wb") as f:
    f.write(b"RIFF" + struct.pack("<I", 36 + data) + b"WAVEfmt " + struct.pack("<IHHIIHH", 16, 1, 1, 48000, 96000, 2, 16))
    f.write(b"data" + struct.pack("<I", data))
    left = data
    while left:
        n = min(left, 8 << 20)
        f.write(os.urandom(n))
        left -= n
PY
}

echo "bench: making 200 x 1 MB + 3 x 50 MB recordings" >&2
mkdir -p "$W/files"
for i in $(seq -w 1 200); do mkwav "$W/files/small$i.wav" 1000000; done
for i in 1 2 3; do mkwav "$W/files/large$i.wav" 50000000; done
FILES=("$W"/files/*.wav)
total_mb=$(du -cm "${FILES[@]}" | tail -1 | cut -f1)

# 1. Upload throughput, each tool REPS times, interleaved.
t_rc=(); t_via=(); t_direct=()
for rep in $(seq 1 "$REPS"); do
  echo "bench: upload round $rep of $REPS (importing into two libraries)" >&2
  new_library "$W/via$rep"; import_all "$W/via$rep" "${FILES[@]}"
  new_library "$W/direct$rep"; import_all "$W/direct$rep" "${FILES[@]}"
  sync
  s=$(now); rc copy "$W/files" "gw:rclone-bench/run$rep"; e=$(now); t_rc+=("$(elapsed "$s" "$e")")
  s=$(now); "$E" --data-dir "$W/via$rep" sync --no-direct 2>"$W/via$rep.log"; e=$(now); t_via+=("$(elapsed "$s" "$e")")
  s=$(now); "$E" --data-dir "$W/direct$rep" sync 2>"$W/direct$rep.log"; e=$(now); t_direct+=("$(elapsed "$s" "$e")")
done
m_rc=$(median "${t_rc[@]}"); m_via=$(median "${t_via[@]}"); m_direct=$(median "${t_direct[@]}")

# 2. No-op sync over 10,000 synced recordings. The Go benchmark builds the
# library (and measures the engine's pass); then the command itself is timed.
echo "bench: building a library of $NOOP_N synced recordings" >&2
n_account=$((n_account + 1))
NOOP_EMAIL="bench$n_account@example.com"
"$E" --data-dir "$W/noop-signup" signup --server "$URL" --email "$NOOP_EMAIL" --password-stdin <<<"$PW" 2>/dev/null
gobench=$(EARSHOT_BENCH_SERVER="$URL" EARSHOT_BENCH_EMAIL="$NOOP_EMAIL" EARSHOT_BENCH_PASSWORD="$PW" \
  EARSHOT_BENCH_DIR="$W/noop" EARSHOT_BENCH_RECORDINGS="$NOOP_N" \
  go test -run '^$' -bench 'BenchmarkNoopSync$' -benchtime 20x ./sync/ | grep '^BenchmarkNoopSync')
echo "$PW" | "$E" --data-dir "$W/noop" login --server "$URL" --email "$NOOP_EMAIL" --password-stdin 2>/dev/null
"$E" --data-dir "$W/noop" sync 2>/dev/null
t_noop=()
for i in $(seq 1 10); do
  s=$(now); "$E" --data-dir "$W/noop" sync 2>"$W/noop.log"; e=$(now); t_noop+=("$(elapsed "$s" "$e")")
done
grep -q "nothing to do" "$W/noop.log"
rc copy "$W/noop/recordings" gw:rclone-bench/noop
t_rcnoop=()
for i in 1 2 3; do
  s=$(now); rc copy "$W/noop/recordings" gw:rclone-bench/noop; e=$(now); t_rcnoop+=("$(elapsed "$s" "$e")")
done
m_noop=$(median "${t_noop[@]}"); m_rcnoop=$(median "${t_rcnoop[@]}")

# 3. Memory while uploading 1 GB: peak RSS and RSS sampled every 0.25 s.
echo "bench: 1 GB upload" >&2
mkwav "$W/big.wav" 1000000000
rss_run() { # rss_run NAME ARGS...: prints "peak_mb samples_min_mb samples_max_mb seconds"
  local name=$1; shift
  local s e pid; s=$(now)
  /usr/bin/time -f '%M' -o "$W/$name.time" "$E" "$@" 2>"$W/$name.log" &
  pid=$!
  : >"$W/$name.rss"
  while kill -0 "$pid" 2>/dev/null; do
    child=$(pgrep -P "$pid" -x earshot || true)
    [ -n "$child" ] && awk '/VmRSS/ {print $2}' "/proc/$child/status" 2>/dev/null >>"$W/$name.rss" || true
    sleep 0.25
  done
  wait "$pid"; e=$(now)
  python3 - "$W/$name.time" "$W/$name.rss" "$(elapsed "$s" "$e")" <<'PY'
import sys
peak = int(open(sys.argv[1]).read().split()[-1]) / 1024
rss = [int(x) / 1024 for x in open(sys.argv[2]).read().split()]
mid = rss[len(rss) // 5:] or rss  # after start-up
print(f"{peak:.0f} {min(mid):.0f} {max(mid):.0f} {sys.argv[3]}")
PY
}
new_library "$W/big-via"; "$E" --data-dir "$W/big-via" import "$W/big.wav" >/dev/null 2>&1
# Above 64 MiB the engine always sends resumable chunks through the server.
read -r via_peak via_min via_max via_s < <(rss_run big-via --data-dir "$W/big-via" sync)

{
  echo "# earshot sync benchmark ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(git rev-parse --short HEAD))"
  echo "# earshot-server: SQLite metadata, audio in S3 on Versity's gateway (loopback); rclone $(rclone version | head -1 | cut -d' ' -f2)"
  echo
  echo "## Upload of 200 x 1 MB + 3 x 50 MB ($total_mb MB), median of $REPS runs (seconds)"
  echo "rclone copy (4 transfers)                   $m_rc   runs: ${t_rc[*]}"
  echo "earshot sync, bytes through the server      $m_via   runs: ${t_via[*]}   ratio $(ratio "$m_via" "$m_rc") (goal <= 1.3)"
  echo "earshot sync, presigned direct to S3        $m_direct   runs: ${t_direct[*]}   ratio $(ratio "$m_direct" "$m_rc") (goal <= 1.0)"
  echo
  echo "## No-op sync of $NOOP_N synced recordings (seconds, median)"
  echo "earshot sync (whole command, 10 runs)       $m_noop   runs: ${t_noop[*]}   (goal < 0.1)"
  echo "rclone copy, nothing to copy (3 runs)       $m_rcnoop   runs: ${t_rcnoop[*]}"
  echo "engine pass alone (go test -bench):         $gobench"
  echo
  echo "## Client memory while uploading a 1 GB recording"
  echo "earshot sync (resumable 8 MiB chunks through the server): peak RSS $via_peak MB; sampled every 0.25 s after start-up: $via_min-$via_max MB; $via_s s"
} | tee "$OUT"
