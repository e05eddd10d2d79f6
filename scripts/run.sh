#!/usr/bin/env bash
# Runs the desktop program. With a display it opens the window; on a machine
# without a desktop sound server it starts a private PulseAudio with a virtual
# microphone so that recording still works (it records silence unless you
# play into the sink "vsink").
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${PULSE_SERVER:-}" ] && ! pactl info >/dev/null 2>&1; then
  source scripts/testenv.sh
  testenv_init
  start_pulse
  echo "earshot: no sound server was running; started a private PulseAudio with a virtual microphone" >&2
fi
bin/earshot "$@"
