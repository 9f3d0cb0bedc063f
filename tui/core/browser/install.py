"""How to install Chrome/Chromium and chromedriver on this OS, as a phrase for error sentences."""

from __future__ import annotations

import sys
from pathlib import Path

_LINUX = {
    "debian": "sudo apt install chromium chromium-driver",
    "ubuntu": "sudo apt install chromium-browser chromium-chromedriver",
    "fedora": "sudo dnf install chromium chromedriver",
    "rhel": "sudo dnf install chromium chromedriver",
    "arch": "sudo pacman -S chromium",
    "suse": "sudo zypper install chromium chromedriver",
    "alpine": "sudo apk add chromium chromium-chromedriver",
}
_MAC = (
    "install Google Chrome (https://www.google.com/chrome/) and `brew install --cask chromedriver`"
)
_WINDOWS = "install Google Chrome and chromedriver (`winget install Google.Chrome` and `winget install Chromium.ChromeDriver`)"


def _os_release(path: Path = Path("/etc/os-release")) -> list[str]:
    """The distribution's ID followed by its ID_LIKE family, lower case."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    names: list[str] = []
    for line in text.splitlines():
        key, _, value = line.partition("=")
        if key in ("ID", "ID_LIKE"):
            names.extend(value.strip().strip("\"'").lower().split())
    return names


def install_command(platform: str | None = None, os_release: Path | None = None) -> str:
    """`run \\`sudo apt install …\\``, or the macOS / Windows equivalent, for this machine."""
    platform = platform or sys.platform
    if platform == "darwin":
        return _MAC
    if platform.startswith("win"):
        return _WINDOWS
    for name in _os_release(os_release) if os_release else _os_release():
        for family, command in _LINUX.items():
            if name == family or name.startswith(family):
                return f"run `{command}`"
    return "install Chromium and its chromedriver with your package manager"
