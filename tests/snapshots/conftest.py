"""Snapshots share the Pilot tests' builders and isolation (tests/tui is put on sys.path)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tui"))

from tui_fixtures import isolated, no_system_clipboard  # noqa: F401  (autouse fixtures)
