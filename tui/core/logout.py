"""Forgetting sessions: out of the store and, where we wrote it and it is still ours, out of the
credentials file (each under its own lock)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from tui.core.credentials_file import remove_profiles
from tui.core.sessions import Session, SessionStore


@dataclass(frozen=True)
class Forgotten:
    sessions: list[Session]
    profiles: list[str]  # credentials-file profiles taken out


def forget(store: SessionStore, sessions: Sequence[Session], credentials_file: Path) -> Forgotten:
    """Remove `sessions` from `store`, then the profiles that still hold their keys."""
    store.remove(s.key for s in sessions)
    owned: dict[str, set[str]] = {}
    for session in sessions:
        if session.profile:
            owned.setdefault(session.profile, set()).add(session.access_key_id)
    return Forgotten(list(sessions), remove_profiles(credentials_file, owned))
