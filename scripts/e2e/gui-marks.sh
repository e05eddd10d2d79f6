#!/usr/bin/env bash
# Bookmarks and trim in the real window on a virtual display, driven as a
# person would with xdotool (issue 12):
#   1. while recording speech from the virtual microphone, Ctrl+B (the
#      search field focused by Ctrl+F) bookmarks the moment; twice;
#   2. after Stop, a click on the waveform at half way and Ctrl+B bookmark
#      the playhead of the selected recording (not playing);
#      (automatic transcription on: the waveform's recording has its
#      transcript by then, and the details pane must not scroll away from
#      the waveform to follow the playhead through it);
#   3. a drag across the waveform (20 %–70 %) selects the part to keep;
#      Trim… and Enter make a new recording "… (trimmed)" of that part with
#      the bookmarks inside it shifted, and move the original to the trash.
# Each check reads the result from disk with the CLI (earshot marks/list/
# trash --json). The waveform is found on screen by its colour (its centre
# line is the longest run of the bars' colour), so no position is assumed
# but the Trim button's, which sits at a fixed offset below it at scale 1.
# Screenshots of every state go to bin/artifacts/marks/.
#
# Uses the services test.sh started (DISPLAY, PULSE_SERVER) or starts its own.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/testenv.sh
e2e_setup pulse xvfb keyring
art=$PWD/bin/artifacts/marks
mkdir -p "$art"
T=$TESTENV_ROOT
data=$T/marks-library
export XDG_CONFIG_HOME=$T/marks-config XDG_CACHE_HOME=$T/cache EARSHOT_AUDIO_BACKEND=pulse FYNE_THEME=light

fail() { echo "gui-marks e2e: FAIL: $*" >&2; [ -f "$T/marks-app.log" ] && sed 's/^/  app: /' "$T/marks-app.log" >&2; exit 1; }
geom() { xdotool getwindowgeometry "$win" | awk '/Geometry/{print $2}'; }
shot() { /usr/bin/import -window root "$T/shot.png" && /usr/bin/convert "$T/shot.png" -crop "$(geom)+0+0" +repage "$art/$1.png"; }
k() { xdotool windowfocus "$win" 2>/dev/null || true; xdotool key --window "$win" "$@"; }
json() { "$bin" --data-dir "$data" "$@" --json 2>/dev/null || echo '[]'; }
py() { python3 -c "$1"; }
recording() { compgen -G "$data/incoming/*.json" >/dev/null; }
not_recording() { ! recording; }

start_app() {
  "$bin" --data-dir "$data" >"$T/marks-app.log" 2>&1 &
  app=$!
  TESTENV_PIDS+=("$app")
  win=$(timeout 20 xdotool search --sync --onlyvisible --name '^Earshot$' | head -1) || fail "no window titled Earshot"
  wait_until 20 test -d "$data/recordings" || fail "library did not open"
  sleep 1
}

# wave finds the seek bar's waveform on screen: "X0 X1 Y" of its centre
# line, the longest horizontal run of the bars' colour (light theme).
wave() {
  /usr/bin/import -window root "$T/find.png"
  /usr/bin/convert "$T/find.png" -crop "$(geom)+0+0" +repage "$T/find.ppm"
  python3 - "$T/find.ppm" <<'PY'
import sys
data = open(sys.argv[1], 'rb').read()
parts, pos = [], 0
while len(parts) < 4:  # P6 header: magic, width, height, maxval
    while data[pos:pos+1].isspace(): pos += 1
    end = pos
    while not data[end:end+1].isspace(): end += 1
    parts.append(data[pos:end]); pos = end
pos += 1
w, h = int(parts[1]), int(parts[2])
px = data[pos:]
bar = (0x5c, 0x5f, 0x66)
best = (0, 0, 0, 0)
for y in range(h):
    start, last = -1, -100
    for x in range(w):
        i = (y * w + x) * 3
        if not all(abs(px[i+c] - bar[c]) <= 6 for c in range(3)):
            continue
        # A run goes on through short breaks: the playhead and the
        # bookmarks' markers cross the centre line.
        if x - last > 8:
            start = x
        last = x
        if last - start > best[0]:
            best = (last - start, start, last, y)
if best[0] < 100: sys.exit("no waveform on screen")
print(best[1], best[2], best[3])
PY
}

# Speech into the virtual microphone.
espeak-ng -w "$T/speech.wav" "Earshot records your voice. This is a test of bookmarks and trimming, in a real window, with a virtual microphone. One, two, three, four, five." 2>/dev/null
sox "$T/speech.wav" -r 48000 -c 1 -b 16 "$T/speech48.wav" repeat 2 2>/dev/null

start_app
paplay -d vsink "$T/speech48.wav" &
TESTENV_PIDS+=("$!")

# 1. Bookmarks while recording, the search field focused.
k ctrl+r
wait_until 10 recording || fail "Ctrl+R did not start a recording"
k ctrl+f
sleep 1.5
k ctrl+b
sleep 0.5
shot 1-bookmark-while-recording
sleep 2
k ctrl+b
sleep 1.5
k ctrl+r
wait_until 10 not_recording || fail "Ctrl+R did not stop the recording"
sleep 1
id=$(json list | py 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
n=$(json marks "$id" | py 'import json,sys; print(len(json.load(sys.stdin)))')
[ "$n" = 2 ] || fail "after two Ctrl+B while recording the recording has $n bookmarks"
shot 2-after-stop
# Automatic transcription stays on: the steps below click and drag the
# waveform of a recording with a transcript, and the details pane must not
# scroll it away by following the playhead into the transcript.
has_transcript() { "$bin" --data-dir "$data" transcript "$id" 2>/dev/null | grep -q '[a-z]'; }
for _ in $(seq 120); do has_transcript && break; sleep 1; done # once a second: each look opens the library
has_transcript || fail "the window made no transcript of the recording in 2 minutes"
sleep 1
shot 2b-transcript

# 2. A click half way along the waveform, then Ctrl+B: the playhead's moment.
read -r x0 x1 y < <(wave) || fail "could not find the waveform"
echo "gui-marks e2e: the waveform is at x $x0–$x1, centre y $y"
xdotool mousemove --window "$win" $(((x0 + x1) / 2)) "$y" click 1
sleep 0.3
k ctrl+b
sleep 1
dur=$(json list | py 'import json,sys; print(json.load(sys.stdin)[0]["duration_ms"])')
half=$(json marks "$id" | py "import json,sys; ms=json.load(sys.stdin); print(int(min(abs(m['at_ms']-$dur/2) for m in ms)) if len(ms)==3 else -1)")
[ "$half" != -1 ] && [ "$half" -le $((dur / 30)) ] || fail "Ctrl+B after a click half way: bookmarks $(json marks "$id"), length $dur ms"
shot 3-bookmark-at-playhead

# 3. Drag across 20 %–70 % of the waveform, Trim…, Enter.
w=$((x1 - x0))
xdotool mousemove --window "$win" $((x0 + w * 20 / 100)) "$y" mousedown 1
for p in 30 40 50 60 70; do sleep 0.05; xdotool mousemove --window "$win" $((x0 + w * p / 100)) "$y"; done
sleep 0.1
xdotool mouseup 1
sleep 0.5
shot 4-selection
# The Trim button: 268 px right of the waveform's start, 130 below its centre.
xdotool mousemove --window "$win" $((x0 + 268)) $((y + 130)) click 1
sleep 0.8
shot 5-trim-dialog
k Return
wait_until 10 bash -c "'$bin' --data-dir '$data' trash --json | grep -q '$id'" || fail "the original is not in the trash after Trim (see 5-trim-dialog.png)"
sleep 1
shot 6-trimmed
read -r nid ntitle ndur < <(json list | py 'import json,sys; r=json.load(sys.stdin)[0]; print(r["id"], r["title"].replace(" ","_"), r["duration_ms"])')
case $ntitle in *"(trimmed)") ;; *) fail "the new recording is titled $ntitle" ;; esac
want=$((dur / 2))
[ $((ndur - want)) -le 300 ] && [ $((want - ndur)) -le 300 ] || fail "the trimmed recording lasts $ndur ms; want about $want (half of $dur)"
# Its bookmarks are the original's inside the kept part, shifted.
json marks "$nid" >"$T/new-marks.json"
"$bin" --data-dir "$data" marks "$id" --json >"$T/old-marks.json" 2>/dev/null || true
python3 - "$T/old-marks.json" "$T/new-marks.json" "$dur" "$ndur" <<'PY' || fail "bookmarks not carried over: $(cat "$T/old-marks.json") → $(cat "$T/new-marks.json")"
import json, sys
old, new = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
dur, ndur = int(sys.argv[3]), int(sys.argv[4])
start = dur * 0.2
kept = [m['at_ms'] - start for m in old if start - 150 <= m['at_ms'] <= start + ndur + 150]
got = [m['at_ms'] for m in new]
assert len(kept) == len(got), (kept, got)
assert all(abs(a - b) <= 150 for a, b in zip(kept, got)), (kept, got)
PY

# The same window in the dark theme, taller, to show the Bookmarks section.
kill -TERM "$app"; wait "$app" 2>/dev/null || true
export FYNE_THEME=dark
start_app
xdotool windowsize "$win" 900 800
sleep 0.5
xdotool mousemove --window "$win" 100 290 click 1 # the first row, under the search field and filters
sleep 1
shot 7-dark-bookmarks
kill -TERM "$app"; wait "$app" 2>/dev/null || true
echo "gui-marks e2e: ok: bookmarks while recording and at the playhead, a trim of $ndur ms from $dur ms; screenshots in $art"
