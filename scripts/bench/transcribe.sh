#!/usr/bin/env bash
# Transcription benchmark: Earshot's PocketSphinx engine (earshot transcribe,
# the whole path: decode, resample, split at pauses, recognise, store)
# against Debian's own pocketsphinx_continuous with the same model on the
# same files in the same run; then memory over a 2-hour recording, and
# search over 1,000 seeded hours. Writes bench/results/transcribe.txt.
#
# Real speech: JFK's inaugural address clip (transcribe/testdata/README.md).
set -euo pipefail
cd "$(dirname "$0")/../.."
COPIES=${COPIES:-16}         # the long file: this many copies of the clip
HOURS=${HOURS:-1000}         # seeded hours for the search figures
out=bench/results/transcribe.txt
mkdir -p bench/results bin
for tool in pocketsphinx_continuous sox soxi python3 taskset go; do
  command -v "$tool" >/dev/null || { echo "transcribe.sh: $tool is missing (scripts/deps.sh test installs it)" >&2; exit 1; }
done
[ -x /usr/bin/time ] || { echo "transcribe.sh: /usr/bin/time is missing (package time)" >&2; exit 1; }
[ -x bin/earshot ] || go build -o bin/earshot .

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
clip=transcribe/testdata/jfk.wav
ref="and so my fellow americans ask not what your country can do for you ask what you can do for your country"

# The long file: the clip COPIES times with 1.5 s of silence after each.
sox -n -r 16000 -c 1 -b 16 "$work/gap.wav" trim 0 1.5
parts=(); for ((i = 0; i < COPIES; i++)); do parts+=("$clip" "$work/gap.wav"); done
sox "${parts[@]}" "$work/long.wav"
refs=""; for ((i = 0; i < COPIES; i++)); do refs+="$ref "; done

wer() { # wer REFERENCE HYPOTHESIS → errors words
  python3 - "$1" "$2" <<'PY'
import sys
r, h = sys.argv[1].split(), sys.argv[2].lower().split()
d = list(range(len(h) + 1))
for i in range(1, len(r) + 1):
    prev, d[0] = d[0], i
    for j in range(1, len(h) + 1):
        cur = min(d[j] + 1, d[j - 1] + 1, prev + (r[i - 1] != h[j - 1]))
        prev, d[j] = d[j], cur
print(d[len(h)], len(r))
PY
}

# earshot_run FILE → "wall user sys maxrss_kb" and the hypothesis in $work/hyp
earshot_run() {
  local dir="$work/lib.$RANDOM"
  bin/earshot --data-dir "$dir" -q import "$1" >/dev/null
  local t
  t=$( { taskset -c 0 /usr/bin/time -f '%e %U %S %M' bin/earshot --data-dir "$dir" -q transcribe --all >/dev/null; } 2>&1 | tail -1)
  local id; id=$(bin/earshot --data-dir "$dir" list --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
  bin/earshot --data-dir "$dir" transcript "$id" | sed 's/^\[[^]]*\] //' | tr '\n' ' ' >"$work/hyp"
  echo "$t"
}
continuous_run() {
  local t
  t=$( { taskset -c 0 /usr/bin/time -f '%e %U %S %M' pocketsphinx_continuous -infile "$1" -logfn /dev/null >"$work/hyp.raw"; } 2>&1 | tail -1)
  tr '\n' ' ' <"$work/hyp.raw" >"$work/hyp"
  echo "$t"
}

declare -A T H
for f in clip long; do
  path=$clip; [ $f = long ] && path=$work/long.wav
  T[earshot_$f]=$(earshot_run "$path"); H[earshot_$f]=$(cat "$work/hyp")
  T[ref_$f]=$(continuous_run "$path"); H[ref_$f]=$(cat "$work/hyp")
done
secs_clip=$(soxi -D "$clip"); secs_long=$(soxi -D "$work/long.wav")

# Memory over two hours: silence with the clip every 10 minutes, RSS
# sampled every second while earshot transcribes it.
python3 - "$work/two.wav" "$clip" <<'PY'
import sys, wave
out, clip = sys.argv[1], sys.argv[2]
speech = wave.open(clip).readframes(10**9)
silence = b"\0\0" * 16000 * 60
with wave.open(out, "wb") as w:
    w.setnchannels(1); w.setsampwidth(2); w.setframerate(16000)
    for minute in range(120):
        if minute % 10 == 0:
            w.writeframes(speech)
        w.writeframes(silence[: len(silence) - (len(speech) if minute % 10 == 0 else 0)])
PY
mdir=$work/mem
bin/earshot --data-dir "$mdir" -q import "$work/two.wav" >/dev/null
start=$SECONDS
bin/earshot --data-dir "$mdir" -q transcribe --all >/dev/null &
pid=$!
: >"$work/rss"
while kill -0 "$pid" 2>/dev/null; do
  awk '/VmRSS/ { print $2 }' "/proc/$pid/status" 2>/dev/null >>"$work/rss" || true
  sleep 1
done
wait "$pid"
mem_secs=$((SECONDS - start))
mem_ref=$( { /usr/bin/time -f '%M' pocketsphinx_continuous -infile "$work/two.wav" -logfn /dev/null >/dev/null; } 2>&1 | tail -1)

# Search over seeded hours.
search=$(EARSHOT_BENCH_HOURS=$HOURS go test -run '^$' -bench '^BenchmarkSearchLibrary$' -benchtime 1x -timeout 60m ./library | grep '^BenchmarkSearchLibrary')
metric() { echo "$search" | awk -v m="$1" '{ for (i = 1; i <= NF; i++) if ($i == m) print $(i-1) }'; }

{
  echo "# Earshot transcription benchmark — $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(nproc) cores ($(uname -m)), $(uptime | sed 's/.*load average/load average/')"
  echo "# engine: PocketSphinx $(dpkg-query -W -f='${Version}' libpocketsphinx3 2>/dev/null), model pocketsphinx-en-us; reference: pocketsphinx_continuous, same model, same files, same run"
  echo "# speech: JFK inaugural clip, $(printf %.1f "$secs_clip") s, public domain (transcribe/testdata/README.md); long file: $COPIES copies with 1.5 s pauses, $(printf %.1f "$secs_long") s"
  echo "# both pinned to one core (taskset -c 0); times include loading the model"
  echo
  echo "## Word error rate (lower is better)"
  for f in clip long; do
    r=$ref; [ $f = long ] && r=$refs
    read -r e1 n <<<"$(wer "$r" "${H[earshot_$f]}")"
    read -r e2 _ <<<"$(wer "$r" "${H[ref_$f]}")"
    awk -v f=$f -v a="$e1" -v b="$e2" -v n="$n" 'BEGIN {
      printf "%-5s earshot %5.1f %% (%d/%d)   pocketsphinx_continuous %5.1f %% (%d/%d)   ratio %.2f (goal <= 1.0)\n",
        f, 100*a/n, a, n, 100*b/n, b, n, (b > 0 ? a/b : 0) }'
  done
  echo "clip earshot heard:    ${H[earshot_clip]}"
  echo "clip continuous heard: ${H[ref_clip]}"
  echo
  echo "## CPU per minute of audio, long file (user+sys; lower is better)"
  read -r we ue se me <<<"${T[earshot_long]}"; read -r wr ur sr mr <<<"${T[ref_long]}"
  awk -v we="$we" -v ue="$ue" -v se="$se" -v wr="$wr" -v ur="$ur" -v sr="$sr" -v s="$secs_long" -v me="$me" -v mr="$mr" 'BEGIN {
    ce = ue + se; cr = ur + sr
    printf "earshot                  %6.2f s CPU per audio minute, real-time factor on one core %.3f (CPU), %.3f (wall on this shared machine: %.1f s for %.1f s), max RSS %.0f MB\n", 60*ce/s, ce/s, we/s, we, s, me/1024
    printf "pocketsphinx_continuous  %6.2f s CPU per audio minute, real-time factor on one core %.3f (CPU), %.3f (wall: %.1f s), max RSS %.0f MB\n", 60*cr/s, cr/s, wr/s, wr, mr/1024
    printf "CPU ratio earshot / continuous: %.2f (goal <= 1.0)\n", ce/cr }'
  echo
  echo "## Memory transcribing a 2-hour recording (silence with the clip every 10 minutes), RSS sampled every second"
  awk -v secs="$mem_secs" -v ref="$mem_ref" '{ v[NR] = $1 } END {
    n = NR; max = 0; for (i = 1; i <= n; i++) if (v[i] > max) max = v[i]
    q = int(n / 4); if (q < 1) q = 1
    printf "earshot RSS MB at 25 %% / 50 %% / 75 %% / end of the run: %.0f / %.0f / %.0f / %.0f, max %.0f (%d samples over %d s)\n",
      v[q]/1024, v[int(n/2)]/1024, v[3*q]/1024, v[n]/1024, max/1024, n, secs
    printf "pocketsphinx_continuous max RSS on the same file: %.0f MB\n", ref/1024 }' "$work/rss"
  echo
  echo "## Search, $(metric recordings | cut -d. -f1) recordings / $(metric segments | cut -d. -f1) segments ($HOURS hours, 150 words a minute, seeded in $(metric seed_s) s)"
  echo "word query (whole word, the command line's 20 hits, $(metric word_queries | cut -d. -f1) queries, common to rare): wall p50 $(metric word_p50_ms) ms, p99 $(metric word_p99_ms) ms (goal p99 < 20 ms)"
  echo "prefix as typed (every prefix of those words from 2 letters, the window's 10 hits, $(metric prefix_queries | cut -d. -f1) queries): wall p50 $(metric prefix_p50_ms) ms, p99 $(metric prefix_p99_ms) ms (goal p99 < 20 ms)"
  echo "the same, CPU time of the searching thread (what a search costs without the other processes' share of the 2 cores): word p50 $(metric word_cpu_p50_ms) ms, p99 $(metric word_cpu_p99_ms) ms; prefix p50 $(metric prefix_cpu_p50_ms) ms, p99 $(metric prefix_cpu_p99_ms) ms"
} >"$out.tmp"
mv "$out.tmp" "$out"
cat "$out"
