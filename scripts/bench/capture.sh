#!/usr/bin/env bash
# Capture benchmark: Earshot's recorder (audio/device, Ogg Opus 48 kHz mono
# 32 kb/s) against `parecord --raw | opusenc --bitrate 32 --raw` recording the
# same speech from the PulseAudio virtual microphone at the same time, then
# overruns while recording with both cores busy. Writes bench/results/capture.txt.
#
#   BENCH_CPU_SECONDS      length of the CPU comparison (default 60)
#   BENCH_CAPTURE_SECONDS  length of the recording under load (default 300)
set -euo pipefail
cd "$(dirname "$0")/../.."
export LANG=en_US.UTF-8
source scripts/testenv.sh
testenv_init
start_pulse

cpu_secs=${BENCH_CPU_SECONDS:-60}
load_secs=${BENCH_CAPTURE_SECONDS:-300}
out=bench/results/capture.txt
w="$TESTENV_ROOT/capture"
mkdir -p "$w" bench/results
for t in parecord opusenc opusinfo espeak-ng sox paplay /usr/bin/time; do
  command -v "$t" >/dev/null || { echo "capture bench: $t missing (make deps-test)" >&2; exit 1; }
done

go build -o "$w/benchrec" ./bench/cmd/benchrec

# speech LEN FILE: espeak-ng speech at 48 kHz mono, repeated to LEN seconds.
espeak-ng -w "$w/s.wav" "Earshot is a desktop voice recorder. It keeps every word you say, \
writes it to disk twice a second, and sends it to your own server when you are online. \
This sentence is here so that the encoder has real speech to work on, with pauses, \
consonants and vowels, rather than a tone or silence."
sox "$w/s.wav" -r 48000 -c 1 -b 16 "$w/s48.wav"
speech() {
  local len=$1 dst=$2 one reps
  one=$(soxi -D "$w/s48.wav")
  reps=$(python3 -c "import math; print(math.ceil($len / $one))")
  sox "$w/s48.wav" "$dst" repeat "$reps" trim 0 "$len"
}
cpu() { awk '{printf "%.2f", $1 + $2}' "$1"; }            # user+sys seconds from /usr/bin/time -f "%U %S"
opus_len() { opusinfo "$1" | sed -n 's/.*Playback length: *\([0-9]*\)m:\([0-9.]*\)s.*/\1 \2/p' | awk '{printf "%.2f", $1 * 60 + $2}'; }
per_min() { python3 -c "print(f'{$1 * 60 / $2:.3f}')"; }

# 1. CPU per minute recorded: both recorders capture the same playback.
speech $((cpu_secs + 5)) "$w/speech-cpu.wav"
paplay -d vsink "$w/speech-cpu.wav" &
play=$!
TESTENV_PIDS+=("$play")
/usr/bin/time -f "%U %S" -o "$w/ours.time" \
  "$w/benchrec" -seconds "$cpu_secs" -format opus -out "$w/ours.opus" >"$w/ours.out" &
ours=$!
/usr/bin/time -f "%U %S" -o "$w/ref.time" bash -c "timeout -s INT ${cpu_secs}s \
  parecord --raw -d vsink.monitor --rate=48000 --channels=1 --format=s16le \
  | opusenc --quiet --bitrate 32 --raw --raw-rate 48000 --raw-chan 1 - '$w/ref.opus'" &
ref=$!
wait "$ours"
wait "$ref" || true # timeout's SIGINT ends parecord with a non-zero status
kill "$play" 2>/dev/null || true

ours_len=$(sed -n 's/.*recorded_seconds=\([0-9.]*\).*/\1/p' "$w/ours.out")
ours_over=$(sed -n 's/.*overruns=\([0-9]*\).*/\1/p' "$w/ours.out")
ref_len=$(opus_len "$w/ref.opus")
ours_cpu=$(cpu "$w/ours.time"); ref_cpu=$(cpu "$w/ref.time")
ours_pm=$(per_min "$ours_cpu" "$ours_len"); ref_pm=$(per_min "$ref_cpu" "$ref_len")
ratio=$(python3 -c "print(f'{$ours_pm / $ref_pm:.2f}')")
ours_size=$(stat -c %s "$w/ours.opus"); ref_size=$(stat -c %s "$w/ref.opus")

# 2. Overruns with both cores busy: two busy loops beside the recorder.
speech $((load_secs + 5)) "$w/speech-load.wav"
paplay -d vsink "$w/speech-load.wav" &
play=$!
TESTENV_PIDS+=("$play")
hogs=()
for _ in 1 2; do
  bash -c 'while :; do :; done' &
  hogs+=("$!"); TESTENV_PIDS+=("$!")
done
/usr/bin/time -f "%U %S" -o "$w/load.time" \
  "$w/benchrec" -seconds "$load_secs" -format opus -out "$w/load.opus" >"$w/load.out"
kill "${hogs[@]}" "$play" 2>/dev/null || true
load_len=$(sed -n 's/.*recorded_seconds=\([0-9.]*\).*/\1/p' "$w/load.out")
load_over=$(sed -n 's/.*overruns=\([0-9]*\).*/\1/p' "$w/load.out")
load_cpu=$(cpu "$w/load.time")

{
  echo "# capture benchmark — $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, load before: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "# signal: espeak-ng speech played into the PulseAudio null sink (vsink), recorded from vsink.monitor"
  echo
  echo "## 1. CPU per minute recorded (Ogg Opus, 48 kHz mono, 32 kb/s; both recorders running at once on the same signal)"
  printf '%-44s %10s %12s %14s %10s\n' "recorder" "recorded s" "user+sys s" "CPU s/min" "bytes"
  printf '%-44s %10s %12s %14s %10s\n' "earshot (audio/device, benchrec)" "$ours_len" "$ours_cpu" "$ours_pm" "$ours_size"
  printf '%-44s %10s %12s %14s %10s\n' "parecord --raw | opusenc --bitrate 32 --raw" "$ref_len" "$ref_cpu" "$ref_pm" "$ref_size"
  echo "ratio earshot / pipeline: $ratio (goal: <= 1)"
  echo "earshot overruns during the CPU run: $ours_over"
  echo
  echo "## 2. Overruns recording ${load_secs} s with both cores busy (2 busy loops at the same priority)"
  echo "recorded ${load_len} s, overruns ${load_over} frames (goal: 0), user+sys ${load_cpu} s"
  echo
  echo "# commands: scripts/bench/capture.sh (BENCH_CPU_SECONDS=$cpu_secs BENCH_CAPTURE_SECONDS=$load_secs)"
  echo "#   earshot:  benchrec -seconds N -format opus  (bench/cmd/benchrec: StartRecording … Stop)"
  echo "#   pipeline: parecord --raw -d vsink.monitor --rate=48000 --channels=1 --format=s16le | opusenc --bitrate 32 --raw --raw-rate 48000 --raw-chan 1 - out.opus"
  echo "#   CPU: /usr/bin/time -f '%U %S' around each (the pipeline's bash and timeout included)"
} >"$out"
cat "$out"
