#!/bin/sh
# Install Debian's chromium and chromium-driver (and Xvfb, xdotool, tmux for the headful tests).
set -e
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
if ! command -v apt-get >/dev/null 2>&1; then
    echo "entra-aws needs Chrome or Chromium and a matching chromedriver; install them with your package manager." >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq chromium chromium-driver xvfb xdotool tmux >/dev/null
