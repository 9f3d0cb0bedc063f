"""Choosing DurationSeconds: the request, capped by the assertion, stepped down when a role refuses.

STS cannot tell us a role's MaxSessionDuration before we ask, and its error does not say the
maximum; so we step down (12 h, 8 h, 4 h, 2 h, 1 h) and remember what worked per role.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Sequence
from pathlib import Path

from tui.core.errors import FileWriteError
from tui.core.files import atomic_write, locked

MIN_SECONDS, MAX_SECONDS = 900, 43200  # what STS accepts as DurationSeconds
LADDER = (43200, 28800, 14400, 7200, 3600)
PICKER_STEPS = (900, 3600, 7200, 14400, 28800, 43200)


def fit_duration(requested: int, session_duration: int | None, remembered: int | None) -> int:
    """min(requested, SessionDuration, the role's known limit), clamped to STS's 900..43200."""
    seconds = requested
    if session_duration:
        seconds = min(seconds, session_duration)
    if remembered:
        seconds = min(seconds, remembered)
    return max(MIN_SECONDS, min(MAX_SECONDS, seconds))


def duration_choices(
    session_duration: int | None, configured: int, limits: Sequence[int | None] = ()
) -> tuple[list[int], int]:
    """The duration picker's values and its default, for roles whose remembered limits are `limits`.

    Nothing above SessionDuration; nothing above the largest remembered limit when every role has
    one (STS would only step it down); the default is the configured duration within that cap.
    """
    known = [limit for limit in limits if limit]
    remembered = max(known) if known and len(known) == len(limits) else None
    cap = fit_duration(MAX_SECONDS, session_duration, remembered)
    default = max(MIN_SECONDS, min(configured, cap))
    values = {v for v in PICKER_STEPS if v <= cap} | {cap, default}
    return sorted(values), default


def next_lower(seconds: int) -> int | None:
    """The next step down the ladder, or None when 1 h (every role's floor) was refused."""
    return next((step for step in LADDER if step < seconds), None)


def _read(path: Path) -> dict[str, int]:
    """The limits saved in `path`; an unreadable file or a malformed entry is skipped."""
    import json  # here: `entra-aws` imports this module for MIN/MAX_SECONDS at every start

    try:
        loaded = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):  # RecursionError: "[[[[..." nested too deep
        return {}
    if not isinstance(loaded, dict):
        return {}
    return {
        role: seconds
        for role, seconds in loaded.items()
        if isinstance(seconds, int) and not isinstance(seconds, bool)
    }


class DurationMemory:
    """Per role, the largest duration that worked after a longer one was refused (a JSON file)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._limits: dict[str, int] = {}
        self._dirty: dict[str, int] = {}
        if path is not None:
            self._limits = _read(path)

    def limit(self, role_arn: str) -> int | None:
        with self._lock:
            return self._limits.get(role_arn)

    def remember(self, role_arn: str, seconds: int) -> None:
        with self._lock:
            self._limits[role_arn] = seconds
            self._dirty[role_arn] = seconds

    def save(self) -> None:
        """Merge what we learned into the file; a failure to save only loses the hint."""
        with self._lock:
            dirty, self._dirty = self._dirty, {}
        if not dirty or self.path is None:
            return
        import json

        with contextlib.suppress(FileWriteError), locked(self.path):
            current = _read(self.path)
            current.update(dirty)
            atomic_write(self.path, json.dumps(current, indent=1, sort_keys=True), private_dir=True)
