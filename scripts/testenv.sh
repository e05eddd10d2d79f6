#!/usr/bin/env bash
# Starts the real services Earshot's tests use, each on loopback or a private
# socket, and exports where they are. Source it, then call the start_* you need;
# stop_all (set as an EXIT trap by testenv_init) stops everything by PID.
#
#   source scripts/testenv.sh; testenv_init; start_pulse; start_keyring; ...
#
# Exported for the tests:
#   PULSE_SERVER, XDG_RUNTIME_DIR           virtual microphone (null sink "vsink", source vsink.monitor)
#   DBUS_SESSION_BUS_ADDRESS                private bus with an unlocked gnome-keyring
#   EARSHOT_TEST_S3_ENDPOINT (+ _ACCESS_KEY, _SECRET_KEY)   Versity S3 gateway
#   EARSHOT_TEST_DYNAMODB_ENDPOINT          dynalite
#   DISPLAY                                  Xvfb
#   EARSHOT_TEST_REQUIRE_SERVICES=1          tests fail (not skip) when a service is missing

TESTENV_PIDS=()
TESTENV_ROOT=""
TESTENV_TOOLS="${TESTENV_TOOLS:-$HOME/.cache/earshot-test-tools}"

testenv_init() {
  TESTENV_ROOT=$(mktemp -d /tmp/earshot-testenv.XXXXXX)
  export EARSHOT_TEST_REQUIRE_SERVICES=1
  trap stop_all EXIT
}

stop_all() {
  local pid
  for pid in "${TESTENV_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  sleep 0.2
  for pid in "${TESTENV_PIDS[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  TESTENV_PIDS=()
  # A process that was just killed may still be flushing into the folder:
  # retry, and never let cleaning up turn a passing run into a failure.
  if [ -n "$TESTENV_ROOT" ]; then
    rm -rf "$TESTENV_ROOT" 2>/dev/null || { sleep 1; rm -rf "$TESTENV_ROOT" 2>/dev/null; } ||
      echo "testenv: could not remove $TESTENV_ROOT" >&2
  fi
  return 0
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

wait_until() { # wait_until SECONDS CMD...
  local deadline=$((SECONDS + $1)); shift
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -ge $deadline ] && { echo "testenv: timed out waiting for: $*" >&2; return 1; }
    sleep 0.05
  done
}

start_pulse() {
  export XDG_RUNTIME_DIR="$TESTENV_ROOT/run"
  mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
  export PULSE_SERVER="unix:$XDG_RUNTIME_DIR/pulse/native"
  cat >"$TESTENV_ROOT/pa.pa" <<'PA'
load-module module-native-protocol-unix auth-anonymous=1
load-module module-null-sink sink_name=vsink format=s16le rate=48000 channels=1
set-default-sink vsink
set-default-source vsink.monitor
PA
  HOME="$TESTENV_ROOT" pulseaudio --daemonize=yes --system=false -n -F "$TESTENV_ROOT/pa.pa" \
    --exit-idle-time=-1 --log-target="file:$TESTENV_ROOT/pulse.log"
  wait_until 10 pactl info
  TESTENV_PIDS+=("$(cat "$XDG_RUNTIME_DIR/pulse/pid")")
  # Keepalive stream + suspend/resume: without them an idle null sink renders
  # ahead and a new capture's first samples arrive up to 2 s late.
  pacat --playback -d vsink --latency-msec=20 --rate=48000 --channels=1 --format=s16le </dev/zero \
    2>>"$TESTENV_ROOT/pacat.log" &
  TESTENV_PIDS+=("$!")
  pactl suspend-sink vsink 1; pactl suspend-sink vsink 0
}

start_keyring() {
  cat >"$TESTENV_ROOT/bus.conf" <<'BUS'
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig><type>session</type><listen>unix:tmpdir=/tmp</listen><auth>EXTERNAL</auth>
<policy context="default"><allow send_destination="*" eavesdrop="true"/><allow eavesdrop="true"/><allow own="*"/></policy></busconfig>
BUS
  local out
  out=$(dbus-daemon --config-file="$TESTENV_ROOT/bus.conf" --fork --print-address=1 --print-pid=1)
  export DBUS_SESSION_BUS_ADDRESS=$(echo "$out" | sed -n 1p)
  TESTENV_PIDS+=("$(echo "$out" | sed -n 2p)")
  mkdir -p "$TESTENV_ROOT/keyring-home/data"
  (export HOME="$TESTENV_ROOT/keyring-home" XDG_DATA_HOME="$TESTENV_ROOT/keyring-home/data"
   printf '%s' test-pass | exec gnome-keyring-daemon --foreground --unlock --components=secrets \
     >"$TESTENV_ROOT/keyring.log" 2>&1) &
  TESTENV_PIDS+=("$!")
  wait_until 10 bash -c "dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets | grep -q 'boolean true'"
}

ensure_versitygw() {
  if [ -x "$TESTENV_TOOLS/bin/versitygw" ]; then return; fi
  mkdir -p "$TESTENV_TOOLS/bin"
  echo "testenv: installing versitygw (about a minute)" >&2
  GOBIN="$TESTENV_TOOLS/bin" go install github.com/versity/versitygw/cmd/versitygw@v1.8.0
}

start_s3() {
  ensure_versitygw
  local port; port=$(free_port)
  mkdir -p "$TESTENV_ROOT/s3"
  ROOT_ACCESS_KEY=earshot-test ROOT_SECRET_KEY=earshot-test-secret \
    "$TESTENV_TOOLS/bin/versitygw" --port "127.0.0.1:$port" posix "$TESTENV_ROOT/s3" >"$TESTENV_ROOT/s3.log" 2>&1 &
  TESTENV_PIDS+=("$!")
  export EARSHOT_TEST_S3_ENDPOINT="http://127.0.0.1:$port"
  # For tests that run (and kill) a gateway of their own.
  export EARSHOT_TEST_VERSITYGW="$TESTENV_TOOLS/bin/versitygw"
  export EARSHOT_TEST_S3_ACCESS_KEY=earshot-test EARSHOT_TEST_S3_SECRET_KEY=earshot-test-secret
  wait_until 20 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port"
}

ensure_dynalite() {
  if [ -f "$TESTENV_TOOLS/node_modules/dynalite/cli.js" ]; then return; fi
  mkdir -p "$TESTENV_TOOLS"
  echo "testenv: installing dynalite" >&2
  (cd "$TESTENV_TOOLS" && npm install --silent --no-audit --no-fund dynalite@4.0.0 >/dev/null)
}

start_dynamodb() {
  ensure_dynalite
  local port; port=$(free_port)
  node "$TESTENV_TOOLS/node_modules/dynalite/cli.js" --host 127.0.0.1 --port "$port" --createTableMs 0 \
    >"$TESTENV_ROOT/dynalite.log" 2>&1 &
  TESTENV_PIDS+=("$!")
  export EARSHOT_TEST_DYNAMODB_ENDPOINT="http://127.0.0.1:$port"
  wait_until 20 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port"
}

start_xvfb() {
  local n=99
  while [ -e "/tmp/.X11-unix/X$n" ] || [ -e "/tmp/.X$n-lock" ]; do n=$((n + 1)); done
  Xvfb ":$n" -screen 0 1280x800x24 -nolisten tcp >"$TESTENV_ROOT/xvfb.log" 2>&1 &
  TESTENV_PIDS+=("$!")
  export DISPLAY=":$n"
  wait_until 10 test -e "/tmp/.X11-unix/X$n"
}

# e2e_setup SERVICE... is how every window script starts: the locale its
# text checks expect, a test environment, each named service (pulse, xvfb,
# keyring) unless the caller (make test) already started it, and $bin: the
# earshot binary to drive — EARSHOT_BIN, else built afresh into the
# environment's folder so a stale bin/earshot never misleads.
e2e_setup() {
  export LANG=en_US.UTF-8
  unset LC_ALL
  export GOCACHE="${GOCACHE:-$(go env GOCACHE)}"
  testenv_init
  local s
  for s in "$@"; do
    case $s in
    pulse) [ -n "${PULSE_SERVER:-}" ] || start_pulse ;;
    xvfb) [ -n "${DISPLAY:-}" ] || start_xvfb ;;
    keyring) [ -n "${DBUS_SESSION_BUS_ADDRESS:-}" ] || start_keyring ;;
    *) echo "e2e_setup: unknown service $s" >&2; return 2 ;;
    esac
  done
  bin=${EARSHOT_BIN:-}
  if [ -z "$bin" ]; then
    go build -o "$TESTENV_ROOT/earshot" . && bin=$TESTENV_ROOT/earshot
  fi
}
