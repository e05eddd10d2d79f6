#!/usr/bin/env bash
# Codec benchmark: Earshot's Ogg Opus encoder against opusenc on the same
# 10-minute speech file in the same run, plus output size per minute of
# speech for each format. Writes bench/results/codec.txt.
#
# Speed is the best of $ROUNDS alternating runs of each encoder over the
# whole file (the machine is shared; the best run is the least disturbed).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROUNDS=${ROUNDS:-2}
MINUTES=${MINUTES:-10}
out=bench/results/codec.txt
mkdir -p bench/results
for tool in espeak-ng sox opusenc opusinfo go; do
  command -v "$tool" >/dev/null || { echo "codec.sh: $tool is missing (scripts/deps.sh installs it)" >&2; exit 1; }
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# 10 minutes of 48 kHz mono speech: espeak-ng output, resampled and looped.
espeak-ng -w "$work/s.wav" "Earshot records voice notes and keeps them safe. \
The meeting moved to Thursday at half past three; bring the budget figures. \
Remember to call the plumber about the leak under the kitchen sink. \
She sells sea shells by the sea shore, and the shells she sells are surely sea shells."
sox "$work/s.wav" -r 48000 -c 1 -b 16 "$work/s48.wav"
len=$(soxi -D "$work/s48.wav")
reps=$(awk -v l="$len" -v m="$MINUTES" 'BEGIN { print int(m * 60 / l) + 1 }')
sox "$work/s48.wav" "$work/speech.wav" repeat "$reps" trim 0 "$((MINUTES * 60))"
secs=$(soxi -D "$work/speech.wav")

go test -c -o "$work/audio.test" ./audio

# Best of $ROUNDS alternating runs, by CPU time (user+system; robust on a
# shared machine) with the wall clock beside it.
best() { awk -v a="$1" -v b="$2" 'BEGIN { print (b < a) ? b : a }'; }
cpu_o=1e9 wall_o=1e9 cpu_e=1e9 wall_e=1e9
for ((r = 1; r <= ROUNDS; r++)); do
  TIMEFORMAT='%R %U %S'
  t=$( { time opusenc --quiet --bitrate 32 "$work/speech.wav" "$work/ref.opus" ; } 2>&1 )
  wall_o=$(best "$wall_o" "$(echo "$t" | awk '{ print $1 }')")
  cpu_o=$(best "$cpu_o" "$(echo "$t" | awk '{ print $2 + $3 }')")
  line=$(EARSHOT_BENCH_SPEECH="$work/speech.wav" "$work/audio.test" -test.run '^$' \
        -test.bench '^BenchmarkOpusFile$' -test.benchtime 1x | grep '^BenchmarkOpusFile')
  wall_e=$(best "$wall_e" "$(echo "$line" | awk '{ print $3 / 1e9 }')")
  cpu_e=$(best "$cpu_e" "$(echo "$line" | awk '{ for (i = 1; i <= NF; i++) if ($i == "cpu_s/op") print $(i-1) }')")
done

# Sizes per minute (recorder pattern: 20 ms writes, Sync every 0.5 s).
sizes=$(EARSHOT_BENCH_SPEECH="$work/speech.wav" "$work/audio.test" -test.run '^$' \
        -test.bench '^BenchmarkEncode$' -test.benchtime 1x)
ref_bytes=$(stat -c %s "$work/ref.opus")

{
  echo "# Earshot codec benchmark — $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(nproc) cores ($(uname -m))"
  echo "# input: $(awk -v s="$secs" 'BEGIN { printf "%.1f", s / 60 }') min of 48 kHz mono espeak-ng speech (looped with sox)"
  echo "# libopus: $(opusenc --version | head -1)"
  echo
  echo "## Ogg Opus encoding, 32 kb/s, whole file, best of $ROUNDS alternating runs"
  awk -v ce="$cpu_e" -v we="$wall_e" -v co="$cpu_o" -v wo="$wall_o" -v s="$secs" 'BEGIN {
    printf "%-46s %8s %8s %12s\n", "", "CPU s", "wall s", "x real time"
    printf "%-46s %8.2f %8.2f %12.1f\n", "earshot (audio.Create: voice, complexity 10)", ce, we, s / ce
    printf "%-46s %8.2f %8.2f %12.1f\n", "opusenc --bitrate 32", co, wo, s / co
    printf "earshot/opusenc CPU time: %.2f   wall time: %.2f   (goal: <= 1.10)\n", ce / co, we / wo
  }'
  echo
  echo "## Size per minute of speech"
  echo "$sizes" | awk '/^BenchmarkEncode\// {
    split($1, n, "/"); sub(/-[0-9]+$/, "", n[2])
    for (i = 1; i <= NF; i++) { if ($i == "MB/min") mb = $(i-1); if ($i == "x_realtime") rt = $(i-1) }
    printf "%-5s %7.3f MB/min   (encoding with a Sync every 0.5 s: %.0fx real time)\n", n[2], mb, rt
  }'
  awk -v b="$ref_bytes" -v s="$secs" 'BEGIN { printf "opusenc --bitrate 32: %.3f MB/min\n", b / 1e6 / (s / 60) }'
  echo
  echo "## opusinfo on Earshot's file"
  EARSHOT_BENCH_SPEECH="$work/speech.wav" EARSHOT_BENCH_KEEP="$work/earshot.opus" "$work/audio.test" \
    -test.run '^$' -test.bench '^BenchmarkOpusFile$' -test.benchtime 1x >/dev/null
  opusinfo "$work/earshot.opus" | grep -E 'Playback length|Average bitrate|overhead'
} | tee "$out"
