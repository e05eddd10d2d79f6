#!/usr/bin/env bash
# Listening benchmark: time-stretch at 2x (SoundTouch) next to `sox tempo 2` on
# the same 10-minute file; the speech map of a 1-hour recording next to
# ffmpeg's silencedetect; noise suppression (RNNoise under wazero) next to
# ffmpeg's afftdn. Each tool runs pinned to one core (taskset), best of
# $ROUNDS alternating runs by CPU time (user+system), wall time beside it.
# Writes bench/results/listening.txt.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROUNDS=${ROUNDS:-2}
MINUTES=${MINUTES:-10}
HOURS_REPEAT=${HOURS_REPEAT:-6} # the 1-hour file: the 10-minute one this many times
out=bench/results/listening.txt
load0=$(cut -d' ' -f1-3 /proc/loadavg) # the machine is shared: CPU figures inflate with load
mkdir -p bench/results
for tool in espeak-ng sox soxi ffmpeg taskset go; do
  command -v "$tool" >/dev/null || { echo "listening.sh: $tool is missing (scripts/deps.sh installs it)" >&2; exit 1; }
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/benchlisten" ./bench/cmd/benchlisten

# 10 minutes of 48 kHz mono speech with pauses, with white noise at about
# 15 dB under it; the hour is that six times over.
espeak-ng -w "$work/s.wav" "Earshot records voice notes and keeps them safe. \
The meeting moved to Thursday at half past three; bring the budget figures. \
Remember to call the plumber about the leak under the kitchen sink."
sox "$work/s.wav" -r 48000 -c 1 -b 16 "$work/s48.wav" pad 0 1.5
len=$(soxi -D "$work/s48.wav")
reps=$(awk -v l="$len" -v m="$MINUTES" 'BEGIN { print int(m * 60 / l) + 1 }')
sox "$work/s48.wav" "$work/clean.wav" repeat "$reps" trim 0 "$((MINUTES * 60))"
sox "$work/clean.wav" -p synth whitenoise vol 0.02 | sox -m "$work/clean.wav" - -b 16 "$work/speech.wav"
secs=$(soxi -D "$work/speech.wav")
files=(); for ((i = 0; i < HOURS_REPEAT; i++)); do files+=("$work/speech.wav"); done
sox "${files[@]}" "$work/hour.wav"
hour=$(soxi -D "$work/hour.wav")

# measure NAME CMD...: best CPU and wall seconds over ROUNDS runs on core 0.
declare -A CPU WALL
measure() {
  local name=$1; shift
  local t c w
  CPU[$name]=1e9 WALL[$name]=1e9
  for ((r = 1; r <= ROUNDS; r++)); do
    TIMEFORMAT='%R %U %S'
    t=$( { time taskset -c 0 "$@" >/dev/null 2>&1 ; } 2>&1 )
    w=$(echo "$t" | awk '{ print $1 }'); c=$(echo "$t" | awk '{ print $2 + $3 }')
    CPU[$name]=$(awk -v a="${CPU[$name]}" -v b="$c" 'BEGIN { print (b < a) ? b : a }')
    WALL[$name]=$(awk -v a="${WALL[$name]}" -v b="$w" 'BEGIN { print (b < a) ? b : a }')
  done
}
for ((r = 1; r <= ROUNDS; r++)); do :; done
ROUNDS_SAVE=$ROUNDS
for ((round = 1; round <= ROUNDS_SAVE; round++)); do
  ROUNDS=1
  measure_round() {
    local name=$1; shift
    local pc=${CPU[$name]:-1e9} pw=${WALL[$name]:-1e9}
    measure "$name" "$@"
    CPU[$name]=$(awk -v a="$pc" -v b="${CPU[$name]}" 'BEGIN { print (b < a) ? b : a }')
    WALL[$name]=$(awk -v a="$pw" -v b="${WALL[$name]}" 'BEGIN { print (b < a) ? b : a }')
  }
  measure_round stretch "$work/benchlisten" stretch "$work/speech.wav" "$work/st.wav" 2
  measure_round sox sox "$work/speech.wav" "$work/sox.wav" tempo 2
  measure_round vad "$work/benchlisten" vad "$work/hour.wav"
  measure_round silencedetect ffmpeg -nostats -i "$work/hour.wav" -af silencedetect=n=-35dB:d=0.5 -f null -
  measure_round denoise "$work/benchlisten" denoise "$work/speech.wav" "$work/dn.wav"
  measure_round afftdn ffmpeg -nostats -y -i "$work/speech.wav" -af afftdn "$work/afftdn.wav"
done
spans=$("$work/benchlisten" vad "$work/hour.wav")

{
  echo "# Earshot listening benchmark — $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(nproc) cores ($(uname -m)), each tool pinned to one core"
  echo "# input: $(awk -v s="$secs" 'BEGIN { printf "%.1f", s / 60 }') min of 48 kHz mono espeak-ng speech with pauses and white noise (sox); the hour: $(awk -v s="$hour" 'BEGIN { printf "%.1f", s / 60 }') min, that file ${HOURS_REPEAT} times"
  echo "# $(sox --version | head -1 | sed 's/^sox: *//'); $(ffmpeg -version | head -1 | cut -d' ' -f1-3); best of $ROUNDS_SAVE alternating runs by CPU time"
  echo "# load average (1, 5, 15 min): $load0 at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end"
  echo
  awk -v s="$secs" -v h="$hour" \
    -v cst="${CPU[stretch]}" -v wst="${WALL[stretch]}" -v csx="${CPU[sox]}" -v wsx="${WALL[sox]}" \
    -v cv="${CPU[vad]}" -v wv="${WALL[vad]}" -v csd="${CPU[silencedetect]}" -v wsd="${WALL[silencedetect]}" \
    -v cd="${CPU[denoise]}" -v wd="${WALL[denoise]}" -v cf="${CPU[afftdn]}" -v wf="${WALL[afftdn]}" 'BEGIN {
    row = "%-58s %8.2f %8.2f %12.0f\n"
    printf "%-58s %8s %8s %12s\n", "", "CPU s", "wall s", "x real time"
    print "## Time-stretch to 2x, pitch kept, 10-minute file to WAV"
    printf row, "earshot (SoundTouch, speech settings; decode + WAV too)", cst, wst, s / cst
    printf row, "sox tempo 2", csx, wsx, s / csx
    printf "earshot/sox CPU time: %.2f   (goal: <= 1.0)\n\n", cst / csx
    print "## Speech map (voice activity) of the 1-hour recording"
    printf row, "earshot (vad.DetectFile: decode WAV + two-band detector)", cv, wv, h / cv
    printf row, "ffmpeg silencedetect (energy threshold only)", csd, wsd, h / csd
    printf "earshot: %.0fx real time on one core (goal: >= 200x); earshot/ffmpeg CPU time: %.2f\n\n", h / cv, cv / csd
    print "## Noise suppression, 10-minute file to WAV"
    printf row, "earshot (RNNoise 0.2.0 wasm under wazero)", cd, wd, s / cd
    printf row, "ffmpeg afftdn (FFT denoiser)", cf, wf, s / cf
    printf "earshot: %.0fx real time on one core (goal: >= 20x); earshot/ffmpeg CPU time: %.2f\n", s / cd, cd / cf
  }'
  echo "# speech map of the hour: $spans"
} | tee "$out"
