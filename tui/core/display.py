"""Whether a browser window can be shown here (the TUI and the sign-in both ask)."""

from __future__ import annotations

import os
import sys


def has_display() -> bool:
    """A local screen for a window: Linux X11/Wayland, or any logged-in macOS/Windows user."""
    if not sys.platform.startswith("linux"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
