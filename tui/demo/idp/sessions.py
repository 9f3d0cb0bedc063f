"""Signed-in sessions: ESTSAUTH-like cookies whose values are keys into a server-side table.

Keeping the truth server-side is what lets `forget_sessions()` sign everyone out without touching
a browser profile. "Stay signed in? Yes" adds a persistent cookie, which is the only kind that
survives a browser restart (Chromium drops session cookies on a clean close).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

SESSION_COOKIE = "ESTSAUTH"
PERSISTENT_COOKIE = "ESTSAUTHPERSISTENT"
PERSISTENT_LIFETIME = timedelta(days=90)


@dataclass(frozen=True)
class CookieSession:
    username: str
    persistent: bool
    tenant: str = ""  # the directory signed in to: its cookie serves that tenant's apps only


class Sessions:
    """Not locked: the flow engine calls it under its own lock."""

    def __init__(self) -> None:
        self._table: dict[str, CookieSession] = {}

    def clear(self) -> None:
        self._table.clear()

    def find(self, cookies: dict[str, str], tenant: str = "") -> CookieSession | None:
        for name in (PERSISTENT_COOKIE, SESSION_COOKIE):
            session = self._table.get(cookies.get(name, ""))
            if session is not None and session.tenant == tenant:
                return session
        return None

    def start(self, username: str, persistent: bool, tenant: str = "") -> list[str]:
        """A new session; its Set-Cookie values (ESTSAUTH, plus ESTSAUTHPERSISTENT if kept)."""
        token = secrets.token_urlsafe(32)
        self._table[token] = CookieSession(username, persistent, tenant)
        cookies = [f"{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax"]
        if persistent:
            expires = format_datetime(datetime.now(UTC) + PERSISTENT_LIFETIME, usegmt=True)
            max_age = int(PERSISTENT_LIFETIME.total_seconds())
            cookies.append(
                f"{PERSISTENT_COOKIE}={token}; Max-Age={max_age}; Expires={expires}; Path=/;"
                " HttpOnly; SameSite=Lax"
            )
        return cookies
