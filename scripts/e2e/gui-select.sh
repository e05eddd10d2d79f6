#!/usr/bin/env bash
# The real window on a virtual display, driven with xdotool, for picking
# many recordings (issue 13): Ctrl-click toggles, Shift-click extends a
# range, Ctrl+A picks all, Escape clears; Delete asks once for all picked
# and moves them to the trash; a search marks the matched part of titles.
# Each result is read from disk with the CLI (earshot list/trash --json).
# Screenshots of every state go to bin/artifacts/gui-select/.
#
# Uses the services test.sh started (DISPLAY) or starts its own.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/testenv.sh
e2e_setup xvfb
art=$PWD/bin/artifacts/gui-select
mkdir -p "$art"
T=$TESTENV_ROOT
data=$T/select-library
export XDG_CONFIG_HOME=$T/select-config XDG_CACHE_HOME=$T/cache EARSHOT_AUDIO_BACKEND=null

fail() { echo "gui-select e2e: FAIL: $*" >&2; [ -f "$T/select-app.log" ] && sed 's/^/  app: /' "$T/select-app.log" >&2; exit 1; }
shot() { /usr/bin/import -window root "$T/shot.png" && /usr/bin/convert "$T/shot.png" -crop "$(xdotool getwindowgeometry "$win" | awk '/Geometry/{print $2}')+0+0" +repage "$art/$1.png"; }
count() { "$bin" --data-dir "$data" list --json 2>/dev/null | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'; }
# counted N: the library holds N recordings. For wait_until, which runs its
# command again and again: `test "$(count)" = N` there would count once.
counted() { [ "$(count)" = "$1" ]; }
trashed() { "$bin" --data-dir "$data" trash --json 2>/dev/null | python3 -c 'import json,sys; print(" ".join(sorted(r["title"] for r in json.load(sys.stdin))))'; }
k() { xdotool windowfocus "$win" 2>/dev/null || true; xdotool key --window "$win" "$@"; }
# click ROW [MODIFIER]: a click on the list's ROWth row (1 at the top),
# with Ctrl or Shift held down as a person holds it.
click() {
  local y=$((row1 + ($1 - 1) * rowh))
  xdotool windowfocus "$win" 2>/dev/null || true
  xdotool mousemove --window "$win" 120 "$y"
  if [ -n "${2:-}" ]; then xdotool keydown "$2"; fi
  xdotool click 1
  if [ -n "${2:-}" ]; then xdotool keyup "$2"; fi
  sleep 0.4
}

for t in Alpha Bravo Charlie Delta Echo; do
  sox -n -r 48000 -c 1 -b 16 "$T/$t.wav" synth 1 sine 440 vol 0.3
  "$bin" --data-dir "$data" import "$T/$t.wav" >/dev/null 2>&1 || fail "could not import $t.wav"
done
[ "$(count)" = 5 ] || fail "want 5 imported recordings, have $(count)"

"$bin" --data-dir "$data" >>"$T/select-app.log" 2>&1 &
app=$!
TESTENV_PIDS+=("$app")
win=$(timeout 20 xdotool search --sync --onlyvisible --name '^Earshot$' | head -1) || fail "no window titled Earshot"
sleep 2
# Listed newest first: Echo Delta Charlie Bravo Alpha. Row geometry at the
# first window size (868×616 at scale 1), seen in the screenshot.
row1=${ROW1:-286} rowh=${ROWH:-60}
shot start

click 2            # Delta
click 4 ctrl       # + Bravo
shot ctrl-click
click 5 shift      # Bravo … Alpha (the anchor is the last Ctrl-click)
shot shift-click
k ctrl+a
sleep 0.4
shot ctrl-a
k Escape
sleep 0.4
shot escape

click 1            # Echo
click 3 ctrl       # + Charlie
click 5 ctrl       # + Alpha
k Delete
sleep 0.5
k Delete           # a second Delete stacks no second dialog
sleep 0.5
shot delete-dialog
k Return
wait_until 10 counted 2 || fail "Delete, Enter on three picked left $(count) of 5 recordings"
[ "$(trashed)" = "Alpha Charlie Echo" ] || fail "the trash holds '$(trashed)', want Alpha Charlie Echo"
sleep 0.5
shot after-delete-undo-offer

k ctrl+f
k b r
sleep 1
shot search-marks
kill -TERM "$app"
wait "$app" 2>/dev/null || true
echo "gui-select e2e: ok: Ctrl/Shift-click, Ctrl+A, Escape, one Delete dialog for three picked; screenshots in $art"
