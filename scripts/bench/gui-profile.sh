#!/usr/bin/env bash
# Where the window's time and memory go, written to bench/results/gui-profile.txt
# (the figures to cut against; scripts/bench/gui.sh measures the goals):
#   - resident memory by what holds it (Mesa/LLVM, the program, the C heap,
#     Go's heap, fonts) from /proc/PID/smaps, with Go's own statistics,
#     for the idle window over 10,000 recordings and while recording
#   - CPU by thread (Mesa's llvmpipe threads and the program's own) and, with
#     perf, by library, idle and while recording
#   - the Go heap's largest holders and the recording's Go CPU (pprof)
#   - GNOME Sound Recorder's CPU and memory recording the same, split the same way
# The window runs with EARSHOT_PROFILE_DIR (see ui/profile.go); SIGUSR1 takes
# a heap snapshot in the middle of a phase. The first lines of the result, up
# to "# measured", are the findings written by hand and kept between runs.
set -euo pipefail
cd "$(dirname "$0")/../.."
export LANG=en_US.UTF-8 FYNE_THEME=dark
unset LC_ALL
export GOCACHE="${GOCACHE:-$(go env GOCACHE)}" GOMODCACHE="$(go env GOMODCACHE)" GOPATH="$(go env GOPATH)"
source scripts/testenv.sh
testenv_init
start_pulse
start_xvfb
out=bench/results/gui-profile.txt
T=$TESTENV_ROOT
bin=${EARSHOT_BIN:-}
if [ -z "$bin" ]; then
  go build -o "$T/earshot" . && bin=$T/earshot
fi
cache_root=${XDG_CACHE_HOME:-$HOME/.cache}
export HOME=$T/home XDG_CONFIG_HOME=$T/config XDG_CACHE_HOME=$T/cache XDG_DATA_HOME=$T/data
mkdir -p "$HOME"
MEASURE=${GUI_BENCH_SECONDS:-10}
HZ=$(getconf CLK_TCK)
big=${GUI_BENCH_LIBRARY:-$cache_root/earshot-bench/library-10k}
mkdir -p "$(dirname "$big")"
go build -o "$T/benchseed" ./bench/cmd/benchseed
"$T/benchseed" "$big" 10000

espeak-ng -w "$T/speech.wav" "Earshot records your voice and keeps your recordings. This sentence is the benchmark signal, spoken by a synthetic voice into a virtual microphone." 2>/dev/null
sox "$T/speech.wav" -r 48000 -c 1 -b 16 "$T/signal.wav" repeat 20 2>/dev/null

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN {printf "%.0f", (b - a) * 1000}'; }
pixel() { /usr/bin/import -window root -crop "1x1+$1+$2" -depth 8 txt:- 2>/dev/null | tail -1 | grep -o '#[0-9A-F]\{6\}'; }
window_of() { xdotool search --onlyvisible --name "$1" 2>/dev/null | head -1; }
# start DATA_DIR PROFILE_DIR: the window, waited for until its Record button
# is painted; prints the program's PID.
start() {
  local t0; t0=$(now)
  EARSHOT_PROFILE_DIR=$2 dbus-run-session -- "$bin" --data-dir "$1" >>"$T/earshot.log" 2>&1 &
  until [[ "$(pixel 30 70)" =~ ^#(E|F)[0-9A-F] ]]; do
    (( $(since "$t0") < 30000 )) || { echo "gui profile: the window did not paint within 30 s" >&2; exit 1; }
    sleep 0.01
  done
  pgrep -f -n "^$bin --data-dir $1"
}
stop() { # stop PID: SIGTERM, then wait for the profiles to be written
  kill "$1"
  for _ in $(seq 100); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
  echo "gui profile: the window did not end" >&2; exit 1
}
threads() { # threads PID → "TID NAME TICKS" per thread
  local t
  for t in /proc/"$1"/task/*; do echo "${t##*/} $(tr ' ' _ <"$t/comm") $(awk '{print $14 + $15}' "$t/stat")"; done | sort
}
# cpu PID SECONDS: % of a core by thread group over SECONDS, and by library with perf.
cpu() {
  local before after
  before=$(threads "$1")
  if command -v perf >/dev/null; then
    perf record -q -F 499 -p "$1" -o "$T/perf.data" -- sleep "$2" >/dev/null 2>&1
  else
    sleep "$2"
  fi
  after=$(threads "$1")
  join <(echo "$before") <(echo "$after") | awk -v hz="$HZ" -v s="$2" '
    { d = $5 - $3; g = ($2 ~ /^llvmpipe/) ? "Mesa llvmpipe threads" : "the program'"'"'s threads (Go, audio, GL calls)"; c[g] += d; all += d }
    END { printf "  CPU %.1f %% of a core:", all / hz / s * 100; for (g in c) printf " %s %.1f %%;", g, c[g] / hz / s * 100; print "" }'
  if [ -f "$T/perf.data" ]; then
    echo "  by thread and library (perf, share of the samples):"
    perf report -i "$T/perf.data" --no-children --sort comm,dso --stdio -g none 2>/dev/null |
      awk '/^ +[0-9.]+%/ {printf "    %s\n", $0; if (++n == 8) exit}'
    rm -f "$T/perf.data"
  else
    echo "  (perf not installed: no split by library)"
  fi
}
snapshot() { # snapshot PID PROFILE_DIR N: memory by holder, with Go's statistics
  kill -USR1 "$1"
  for _ in $(seq 300); do [ -s "$2/heap-$3.pprof" ] && break; sleep 0.1; done
  python3 scripts/bench/gui-smaps.py "$1" "$2/memstats-$3.txt"
}
pprof_top() { # pprof_top ARGS...: the first lines of go tool pprof -top
  go tool pprof -top "$@" 2>/dev/null | awk '/flat%/ {on = 1; print "   " $0; next} on {print "   " $0; if (++n == 12) exit}'
}

# ── launch: where the time before the first frame goes ───────────────────
declare -a launches
for _ in 1 2 3; do
  t0=$(now)
  pid=$(start "$big" "$T/prof-launch")
  launches+=("$(since "$t0")")
  stop "$pid"
done

# ── idle over 10,000 recordings ──────────────────────────────────────────
pid=$(start "$big" "$T/prof-idle")
sleep 5 # the start-up work (listing, overview check) is over
idle_cpu=$(cpu "$pid" "$MEASURE")
idle_mem=$(snapshot "$pid" "$T/prof-idle" 1)
stop "$pid"

# ── recording (empty library) ────────────────────────────────────────────
pid=$(start "$T/rec" "$T/prof-rec")
sleep 2
sig=$(paplay -d vsink "$T/signal.wav" >/dev/null 2>&1 & echo $!)
xdotool key --window "$(window_of '^Earshot$')" ctrl+r
sleep 2
rec_cpu=$(cpu "$pid" "$MEASURE")
rec_mem=$(snapshot "$pid" "$T/prof-rec" 1)
xdotool key --window "$(window_of '^Earshot$')" ctrl+r
kill "$sig" 2>/dev/null || true
sleep 1
stop "$pid"

# ── GNOME Sound Recorder recording the same, for comparison ─────────────
g_rec="  (GNOME Sound Recorder not installed)"
if command -v gnome-sound-recorder >/dev/null; then
  dbus-run-session -- gnome-sound-recorder >"$T/gsr.log" 2>&1 &
  for _ in $(seq 400); do [ -n "$(window_of 'Sound Recorder')" ] && break; sleep 0.05; done
  gpid=$(pgrep -f -n "gjs-console /usr/bin/gnome-sound-recorder" || pgrep -f -n "gnome-sound-recorder")
  sleep 2
  sig=$(paplay -d vsink "$T/signal.wav" >/dev/null 2>&1 & echo $!)
  xdotool mousemove 58 28 click 1 # its Record button, as in gui.sh
  sleep 2
  g_rec="$(cpu "$gpid" "$MEASURE")
$(python3 scripts/bench/gui-smaps.py "$gpid")"
  kill "$sig" "$gpid" 2>/dev/null || true
fi

{
  if [ -f "$out" ]; then sed '/^# measured/,$d' "$out"; fi
  echo "# measured $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); earshot built from $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- . ':!bench/results' 2>/dev/null || echo ' + uncommitted changes'); Xvfb, Mesa llvmpipe, window 868x616"
  echo
  echo "launch over 10,000 recordings, start to Record button painted: ${launches[*]} ms"
  echo
  echo "idle window over 10,000 recordings (${MEASURE} s, 5 s after the first frame)"
  echo "$idle_cpu"
  echo "$idle_mem"
  echo "  Go heap in use at the snapshot, largest holders (go tool pprof -top heap-1.pprof):"
  pprof_top -sample_index=inuse_space "$bin" "$T/prof-idle/heap-1.pprof"
  echo
  echo "recording speech from the virtual microphone, empty library (${MEASURE} s)"
  echo "$rec_cpu"
  echo "$rec_mem"
  echo "  Go heap in use while recording (heap-1.pprof):"
  pprof_top -sample_index=inuse_space "$bin" "$T/prof-rec/heap-1.pprof"
  echo "  Go CPU over the whole run, cumulative, Earshot's own code (cpu.pprof; cgo calls count their C time):"
  pprof_top -cum -focus='earshot/(ui|audio|library|transcribe)' "$bin" "$T/prof-rec/cpu.pprof"
  echo
  echo "GNOME Sound Recorder recording the same speech (${MEASURE} s; its gjs-console process, as in gui.sh)"
  echo "$g_rec"
} >"$out.tmp"
mv "$out.tmp" "$out"
cat "$out"
