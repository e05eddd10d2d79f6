#!/usr/bin/env bash
# The real window syncing through the real server: sign up with the CLI (the
# session goes to gnome-keyring), open `earshot` on the same library (it
# resumes that login from the keyring), record with Ctrl+R, and check that
# the window's sync engine uploaded the recording: `earshot list --json` says
# synced, and a second device that signs in sees it in the cloud. A
# screenshot is kept in bin/artifacts/gui-sync/.
#
# Uses the services test.sh started (DISPLAY, PULSE_SERVER, the keyring's
# DBUS_SESSION_BUS_ADDRESS, EARSHOT_BIN, EARSHOT_SERVER_BIN) or starts its own.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/testenv.sh
e2e_setup pulse xvfb keyring
T=$TESTENV_ROOT
server_bin=${EARSHOT_SERVER_BIN:-}
[ -n "$server_bin" ] || { go build -o "$T/earshot-server" ./cmd/earshot-server && server_bin=$T/earshot-server; }
art=$PWD/bin/artifacts/gui-sync
mkdir -p "$art"
data=$T/library other=$T/other
export XDG_CONFIG_HOME=$T/config XDG_CACHE_HOME=$T/cache EARSHOT_AUDIO_BACKEND=pulse

fail() {
  echo "gui-sync e2e: FAIL: $*" >&2
  for f in app server; do [ -f "$T/$f.log" ] && sed "s/^/  $f: /" "$T/$f.log" >&2; done
  exit 1
}

port=$(free_port)
"$server_bin" --addr "127.0.0.1:$port" --data-dir "$T/server" --log-level warn >"$T/server.log" 2>&1 &
TESTENV_PIDS+=("$!")
server=http://127.0.0.1:$port
wait_until 15 curl -fsS "$server/healthz" || fail "earshot-server did not start"

email="gui-$$@example.org"
echo 'correct horse battery staple' |
  "$bin" --data-dir "$data" signup --server "$server" --email "$email" --password-stdin 2>"$T/cli.log" ||
  fail "signup: $(cat "$T/cli.log")"

espeak-ng -w "$T/speech.wav" "The window uploads what it records." 2>/dev/null
sox "$T/speech.wav" -r 48000 -c 1 -b 16 "$T/speech48.wav" repeat 3 2>/dev/null
paplay -d vsink "$T/speech48.wav" &
TESTENV_PIDS+=("$!")

# On the keyring's session bus (not a private one), so the window finds the
# session the CLI stored.
"$bin" --data-dir "$data" >"$T/app.log" 2>&1 &
app=$!
TESTENV_PIDS+=("$app")
win=$(timeout 20 xdotool search --sync --onlyvisible --name '^Earshot$' | head -1) || fail "no window titled Earshot"
wait_until 20 test -d "$data/recordings" || fail "library did not open"
sleep 0.5

recording() { compgen -G "$data/incoming/*.json" >/dev/null; }
xdotool key --window "$win" ctrl+r
wait_until 10 recording || fail "Ctrl+R did not start a recording"
sleep 2
xdotool key --window "$win" ctrl+r
wait_until 10 bash -c "! compgen -G '$data/incoming/*.json'" || fail "Ctrl+R did not stop the recording"

state() { "$bin" --data-dir "$data" list --json 2>/dev/null | python3 -c 'import json,sys; r=json.load(sys.stdin); print(r[0]["sync_state"] if r else "none")'; }
synced() { [ "$(state)" = synced ]; }
wait_until 30 synced || fail "the window did not upload the recording (sync_state $(state))"
sleep 0.5
/usr/bin/import -window root "$art/synced.png"
/usr/bin/convert "$art/synced.png" -crop "$(xdotool getwindowgeometry "$win" | awk '/Geometry/{print $2}')+0+0" +repage "$art/window.png"

# A second device of the same account sees it in the cloud.
echo 'correct horse battery staple' |
  "$bin" --data-dir "$other" login --no-keyring --server "$server" --email "$email" --password-stdin 2>/dev/null ||
  fail "second device could not log in"
listed=$("$bin" --data-dir "$other" cloud ls --json --no-keyring --password-stdin <<<'correct horse battery staple' 2>&1 |
  python3 -c 'import json,sys; print(len(json.load(sys.stdin)))' 2>/dev/null || echo 0)
[ "$listed" = 1 ] || fail "the server lists $listed recordings for $email; want the one the window uploaded"

kill -TERM "$app"
wait "$app" 2>/dev/null || fail "the window exited with status $? on SIGTERM"
echo "gui-sync e2e: ok: the window resumed the keyring login and uploaded its recording; screenshot in $art"
