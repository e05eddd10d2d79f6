#!/usr/bin/env bash
# The real window on a virtual display: start `earshot`, press Ctrl+R (record),
# let the virtual microphone hear speech for three seconds, press Ctrl+R again
# (stop), and check with `earshot list --json` on the same data folder that a
# recording of about that length was made. Screenshots are kept in bin/artifacts/gui/ (UPDATE_SCREENSHOT=1
# also refreshes docs/screenshots/earshot.png for the README).
#
# Uses the services test.sh started (DISPLAY, PULSE_SERVER) or starts its own.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/testenv.sh
e2e_setup pulse xvfb
art=$PWD/bin/artifacts/gui
mkdir -p "$art"
T=$TESTENV_ROOT
data=$T/library
export XDG_CONFIG_HOME=$T/config XDG_CACHE_HOME=$T/cache EARSHOT_AUDIO_BACKEND=pulse

fail() { echo "gui e2e: FAIL: $*" >&2; [ -f "$T/app.log" ] && sed 's/^/  app: /' "$T/app.log" >&2; exit 1; }

# Speech, so the live waveform and the overview look like a real recording.
espeak-ng -w "$T/speech.wav" "Earshot records your voice. This is a test of the window, on a virtual display, with a virtual microphone. One, two, three, four, five." 2>/dev/null
sox "$T/speech.wav" -r 48000 -c 1 -b 16 "$T/speech48.wav" repeat 3 2>/dev/null
paplay -d vsink "$T/speech48.wav" &
TESTENV_PIDS+=("$!")

# A session bus that testenv stops by PID (test.sh's, or our own), so Fyne
# does not launch a stray dbus-daemon. (dbus-run-session left its daemon
# running when the test stopped it with SIGTERM.)
[ -n "${DBUS_SESSION_BUS_ADDRESS:-}" ] || start_keyring
"$bin" --data-dir "$data" >"$T/app.log" 2>&1 &
app=$!
TESTENV_PIDS+=("$app")
win=$(timeout 20 xdotool search --sync --onlyvisible --name '^Earshot$' | head -1) || fail "no window titled Earshot"
# The library opens in the background; its list's footer shows when it has.
wait_until 20 bash -c "xdotool getwindowname $win >/dev/null && [ -d '$data/recordings' ]" || fail "library did not open"
sleep 0.5

# Record and stop with Ctrl+R, the documented shortcut, sent to the window:
# no pixel position that moves with the theme, the font size or the scale.
record_stop() { xdotool key --window "$win" ctrl+r; }
# Whether the window took the shortcut shows on disk: the library keeps a
# sidecar in incoming/ while a recording runs.
recording() { compgen -G "$data/incoming/*.json" >/dev/null; }
record_stop
wait_until 10 recording || fail "Ctrl+R did not start a recording"
sleep 3
/usr/bin/import -window root "$art/recording.png"
record_stop
wait_until 10 bash -c "! compgen -G '$data/incoming/*.json'" || fail "Ctrl+R did not stop the recording"

# The recording is committed when Stop returns; the CLI sees it through SQLite.
ok=""
for _ in $(seq 100); do
  n=$("$bin" --data-dir "$data" list --json 2>/dev/null | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))' 2>/dev/null || echo 0)
  [ "$n" = 1 ] && { ok=1; break; }
  sleep 0.1
done
[ -n "$ok" ] || fail "no recording in the library after clicking Record, then Stop"
dur=$("$bin" --data-dir "$data" list --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["duration_ms"])')
[ "$dur" -ge 2000 ] && [ "$dur" -le 6000 ] || fail "recording lasts $dur ms; want about 3 s"
sleep 0.5
/usr/bin/import -window root "$art/recorded.png"
/usr/bin/convert "$art/recorded.png" -crop "$(xdotool getwindowgeometry "$win" | awk '/Geometry/{print $2}')+0+0" +repage "$art/window.png"
if [ "${UPDATE_SCREENSHOT:-}" = 1 ]; then
  mkdir -p docs/screenshots
  /usr/bin/convert "$art/recording.png" -crop "$(xdotool getwindowgeometry "$win" | awk '/Geometry/{print $2}')+0+0" +repage docs/screenshots/earshot.png
fi

kill -TERM "$app"
wait "$app" 2>/dev/null || true
echo "gui e2e: ok: a ${dur} ms recording made through the window; screenshots in $art"
