"""Autouse fixtures for every TUI test (Pilot and snapshots): a throwaway home, no display,
no real clipboard, local time in UTC.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pyperclip
import pytest


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Everything entra-aws writes goes under tmp_path; local times print in UTC."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("ENTRA_AWS_HOME", str(tmp_path / "entra"))
    monkeypatch.delenv("ENTRA_AWS_CONFIG", raising=False)
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "SHELL"):
        monkeypatch.delenv(name, raising=False)
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield tmp_path
    monkeypatch.undo()
    time.tzset()


@pytest.fixture(autouse=True)
def no_system_clipboard(monkeypatch: pytest.MonkeyPatch) -> None:
    """Like a machine without a desktop: pyperclip finds no clipboard (tests may swap this)."""

    def refuse(text: str) -> None:
        raise pyperclip.PyperclipException("no clipboard here")

    monkeypatch.setattr(pyperclip, "copy", refuse)
