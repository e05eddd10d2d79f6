#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages Earshot needs to build, run and test.
# Idempotent: installs only what is missing. Run as root or with sudo available.
set -euo pipefail

build_pkgs=(gcc pkg-config libgl1-mesa-dev xorg-dev libx11-dev libxcursor-dev libxrandr-dev
  libxinerama-dev libxi-dev libxxf86vm-dev libopus-dev libopusfile-dev
  libpocketsphinx-dev libsphinxbase-dev pocketsphinx-en-us libsoundtouch-dev libebur128-dev libmp3lame-dev)
run_pkgs=(pulseaudio pulseaudio-utils pocketsphinx-en-us libsoundtouch1 libebur128-1 libmp3lame0 fontconfig fonts-noto-cjk fonts-noto-color-emoji)
test_pkgs=(pulseaudio pulseaudio-utils gnome-keyring libsecret-tools dbus dbus-x11 xvfb xdotool
  imagemagick sox espeak-ng ffmpeg opus-tools rclone nodejs npm procps psmisc python3 time pocketsphinx fontconfig fonts-noto-cjk fonts-noto-color-emoji groff-base)

want=("${build_pkgs[@]}")
case "${1:-build}" in
  run) want+=("${run_pkgs[@]}") ;;
  test | all) want+=("${test_pkgs[@]}") ;;
  build) ;;
  *) echo "usage: $0 [build|run|test]" >&2; exit 2 ;;
esac

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
# nodejs/npm may come from elsewhere on the machine; skip them when the commands exist.
if command -v node >/dev/null && command -v npm >/dev/null; then
  filtered=(); for p in "${missing[@]}"; do [[ $p == nodejs || $p == npm ]] || filtered+=("$p"); done
  missing=("${filtered[@]}")
fi
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
echo "deps: installing ${missing[*]}" >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
