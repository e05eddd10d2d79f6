#!/usr/bin/env bash
# The real window on a virtual display, driven as a person would with
# xdotool, for the faults of issue 13 that only a real window shows:
#   1. the chosen input is used after a restart: two virtual sinks play
#      different tones (1 kHz into the default, 300 Hz into the chosen one)
#      and the recording must hold the chosen one's;
#   2. Ctrl+R works with focus in the search field and in the title field;
#   9. a rename typed in the title field is kept when the user clicks
#      elsewhere instead of pressing Enter;
#   3. Delete after clicking a row opens one dialog (a second Delete does not
#      stack another), Escape closes it, Enter moves the recording to the trash;
#  15. SIGTERM while recording finalises the recording: the next start
#      recovers nothing.
# Each check reads the result from disk with the CLI (earshot list --json).
# Screenshots of every state go to bin/artifacts/gui-faults/.
#
# Uses the services test.sh started (DISPLAY, PULSE_SERVER) or starts its own.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/testenv.sh
e2e_setup pulse xvfb keyring
art=$PWD/bin/artifacts/gui-faults
mkdir -p "$art"
T=$TESTENV_ROOT
data=$T/faults-library
export XDG_CONFIG_HOME=$T/faults-config XDG_CACHE_HOME=$T/cache EARSHOT_AUDIO_BACKEND=pulse

fail() { echo "gui-faults e2e: FAIL: $*" >&2; [ -f "$T/faults-app.log" ] && sed 's/^/  app: /' "$T/faults-app.log" >&2; exit 1; }
shot() { /usr/bin/import -window root "$T/shot.png" && /usr/bin/convert "$T/shot.png" -crop "$(xdotool getwindowgeometry "$win" | awk '/Geometry/{print $2}')+0+0" +repage "$art/$1.png"; }
list() { "$bin" --data-dir "$data" list --json 2>/dev/null || echo '[]'; }
count() { list | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'; }
# counted N: the library holds N recordings. For wait_until, which runs its
# command again and again: `test "$(count)" = N` there would count once.
counted() { [ "$(count)" = "$1" ]; }
field() { list | python3 -c "import json,sys; rs=json.load(sys.stdin); print(rs[$1]['$2'] if len(rs)>$1 else '')"; }
# k KEYS... presses keys in the window. The X focus is set first: without
# a window manager nobody else does, and xdotool asks for it with modifiers.
k() { xdotool windowfocus "$win" 2>/dev/null || true; xdotool key --window "$win" "$@"; }
# typekeys TEXT types TEXT into the window key by key (xdotool type needs
# a focused window, which a display without a window manager lacks).
typekeys() {
  local s=$1 i c keys=()
  for ((i = 0; i < ${#s}; i++)); do
    c=${s:i:1}
    case $c in
      " ") keys+=(space) ;;
      ",") keys+=(comma) ;;
      *) keys+=("$c") ;;
    esac
  done
  k "${keys[@]}"
}
recording() { compgen -G "$data/incoming/*.json" >/dev/null; }
not_recording() { ! recording; }

# A second virtual microphone, chosen in the preferences before the start:
# the restart case (the choice is read back before the device list loads).
chosen=earshot_e2e_chosen_$$
mod=$(pactl load-module module-null-sink sink_name=$chosen format=s16le rate=48000 channels=1 sink_properties=device.description=$chosen)
cleanup_sink() { pactl unload-module "$mod" 2>/dev/null || true; }
trap 'cleanup_sink; stop_all' EXIT
pacat --playback -d "$chosen" --latency-msec=20 --rate=48000 --channels=1 --format=s16le </dev/zero 2>/dev/null &
TESTENV_PIDS+=("$!")
pactl suspend-sink "$chosen" 1; pactl suspend-sink "$chosen" 0
sox -n -r 48000 -c 1 -b 16 "$T/hi.wav" synth 60 sine 1000 vol 0.5
sox -n -r 48000 -c 1 -b 16 "$T/lo.wav" synth 60 sine 300 vol 0.5
paplay -d vsink "$T/hi.wav" & TESTENV_PIDS+=("$!")
paplay -d "$chosen" "$T/lo.wav" & TESTENV_PIDS+=("$!")
prefs=$XDG_CONFIG_HOME/fyne/io.github.earshot.earshot
mkdir -p "$prefs"
printf '{"record.device":"%s.monitor","record.format":"wav"}' "$chosen" >"$prefs/preferences.json"

start_window() {
  "$bin" --data-dir "$data" >>"$T/faults-app.log" 2>&1 &
  app=$!
  TESTENV_PIDS+=("$app")
  win=$(timeout 20 xdotool search --sync --onlyvisible --name '^Earshot$' | head -1) || fail "no window titled Earshot"
  wait_until 20 test -d "$data/recordings" || fail "library did not open"
  sleep 1 # the device list loads in the background
}
start_window
shot empty-first-launch

# 2. Ctrl+F focuses the search field; Ctrl+R must still record from there.
k ctrl+f
typekeys xyz
k ctrl+r
wait_until 10 recording || fail "Ctrl+R with focus in the search field did not start a recording"
sleep 1
k ctrl+p
sleep 0.5
shot paused
k ctrl+p
sleep 1
shot recording-from-search
k ctrl+r
wait_until 10 not_recording || fail "Ctrl+R with focus in the search field did not stop the recording"
wait_until 10 counted 1 || fail "no recording after Ctrl+R twice from the search field"

# 1. It came from the chosen input: 300 Hz, not the default's 1 kHz.
file=$(ls "$data"/recordings/*.wav | head -1)
freq=$(sox "$file" -n stat 2>&1 | awk '/Rough.*frequency/{print $3}')
[ -n "$freq" ] && [ "$freq" -gt 200 ] && [ "$freq" -lt 400 ] || fail "recorded ${freq:-?} Hz; the chosen input plays 300 Hz, the default 1000 Hz"

# Clear the search so the list shows everything again (Escape is for the title).
k ctrl+f
k ctrl+a
k BackSpace
sleep 0.5

# 2. After Stop the title field has focus with the title selected: type a
# name over it, then Ctrl+R from the title field records again.
k ctrl+r
wait_until 10 recording || fail "Ctrl+R did not start the second recording"
sleep 1.5
k ctrl+r
wait_until 10 not_recording || fail "Ctrl+R did not stop the second recording"
wait_until 10 counted 2 || fail "the second recording was not saved"
sleep 1 # the window selects it and focuses its title
typekeys "Typed over the default title"
shot title-typed
# 9. Click elsewhere (the list's empty space): the rename is kept.
geom=$(xdotool getwindowgeometry "$win" | awk '/Geometry/{print $2}')
w=${geom%x*}; h=${geom#*x}
xdotool mousemove --window "$win" $((w / 5)) $((h - 60)) click 1
wait_until 10 bash -c "'$bin' --data-dir '$data' list --json | grep -q 'Typed over the default title'" || fail "a rename typed in the title field was lost when clicking elsewhere"
shot renamed-by-clicking-away
k ctrl+r
wait_until 10 recording || fail "Ctrl+R did not start the third recording"
sleep 1
k ctrl+r
wait_until 10 not_recording || fail "Ctrl+R did not stop the third recording"
wait_until 10 counted 3 || fail "want three recordings, have $(count)"
sleep 0.5
# Focus in the title field (it has it after Stop): Ctrl+R works from there too.
k ctrl+r
wait_until 10 recording || fail "Ctrl+R with focus in the title field did not start a recording"
sleep 1
k ctrl+r
wait_until 10 not_recording || fail "Ctrl+R with focus in the title field did not stop the recording"
wait_until 10 counted 4 || fail "want four recordings, have $(count)"

# 3. Click the second row (the list has focus), press Delete twice: one
# dialog. Escape closes it; Delete, Enter moves the recording to the trash.
sleep 0.5
xdotool mousemove --window "$win" $((w / 5)) 290 click 1
sleep 0.3
k Delete
sleep 0.3
k Delete
sleep 0.5
shot delete-dialog
k Escape
sleep 0.5
shot after-escape
[ "$(count)" = 4 ] || fail "Escape on the delete dialog deleted something"
k Delete
sleep 0.4
k Return
wait_until 10 counted 3 || fail "Delete then Enter did not move the recording to the trash"
sleep 0.5
shot after-delete-undo-offer
"$bin" --data-dir "$data" trash --json 2>/dev/null | grep -q '"id"' || fail "the trash is empty after Delete, Enter"
# The other tabs, for the screenshots (the tab bar sits at the top left).
xdotool mousemove --window "$win" 165 22 click 1
sleep 0.7
shot trash
xdotool mousemove --window "$win" 258 22 click 1
sleep 0.7
shot account
xdotool mousemove --window "$win" 60 22 click 1
sleep 0.5

# 15. SIGTERM while recording: the recording is finalised, not recovered.
k ctrl+r
wait_until 10 recording || fail "Ctrl+R did not start the recording to interrupt"
sleep 2
kill -TERM "$app"
wait "$app" 2>/dev/null || true
not_recording || fail "SIGTERM left a recording in progress (incoming/ still holds its sidecar)"
[ "$(count)" = 4 ] || fail "after SIGTERM while recording: $(count) recordings, want 4"
[ "$(field 0 recovered)" = False ] || fail "the recording interrupted by SIGTERM is marked recovered"
start_window
shot after-restart
grep -q "Recovered after a crash" "$T/faults-app.log" && fail "the next start reported a recovery"
kill -TERM "$app"
wait "$app" 2>/dev/null || true
echo "gui-faults e2e: ok: chosen input used after a restart (${freq} Hz), Ctrl+R from the search and title fields, rename kept on click-away, one delete dialog with Escape/Enter, SIGTERM while recording finalised; screenshots in $art"
