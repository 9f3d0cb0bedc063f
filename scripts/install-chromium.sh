#!/bin/sh
# Install Debian's chromium and chromium-driver, plus what the tests drive: Xvfb and xdotool (headful
# sign-in), tmux (the demo as a terminal user), zsh and fish (exports evaluated by each shell), and
# faketime (the doctor's clock check, run with the clock moved).
set -e
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
if ! command -v apt-get >/dev/null 2>&1; then
    echo "entra-aws needs Chrome or Chromium and a matching chromedriver; install them with your package manager." >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq chromium chromium-driver xvfb xdotool tmux zsh fish faketime >/dev/null
