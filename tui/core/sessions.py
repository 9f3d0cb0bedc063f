"""Sessions: assumed-role credentials with their expiry, kept in a private store shared by the CLI
and the TUI (a 0600 JSON file in a 0700 state folder, replaced atomically under a file lock).
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from tui.core.files import atomic_write, locked
from tui.core.roles import is_role_arn
from tui.core.store_file import STORE_VERSION as STORE_VERSION
from tui.core.store_file import store_file
from tui.core.timeutil import parse_instant, rfc3339, utcnow

log = logging.getLogger("entra_aws.sessions")
_TEXT_FIELDS = (
    "account",
    "role_arn",
    "principal_arn",
    "profile",
    "region",
    "access_key_id",
    "secret_access_key",
    "session_token",
    "assumed_role_arn",
    "subject",
)
KEEP_EXPIRED = timedelta(hours=12)  # expired sessions stay listed a while, then are pruned


@dataclass(frozen=True)
class Session:
    account: str  # the config account name
    role_arn: str
    principal_arn: str
    profile: str
    region: str
    access_key_id: str
    secret_access_key: str = field(repr=False)
    session_token: str = field(repr=False)
    expiration: datetime
    assumed_role_arn: str = ""
    issued_at: datetime | None = None
    subject: str = ""
    duration: int = 0

    @property
    def key(self) -> str:
        return f"{self.account}|{self.role_arn}"

    @property
    def role_name(self) -> str:
        return self.role_arn.rsplit("/", 1)[-1]

    @property
    def account_id(self) -> str:
        return self.role_arn.split(":")[4]

    def remaining(self, now: datetime | None = None) -> float:
        return (self.expiration - (now or utcnow())).total_seconds()

    def expired(self, now: datetime | None = None) -> bool:
        return self.remaining(now) <= 0

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["expiration"] = rfc3339(self.expiration)
        data["issued_at"] = rfc3339(self.issued_at) if self.issued_at else None
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Session:
        """A stored session; TypeError/ValueError when the entry is not one we wrote."""
        values = dict(data)
        for name in _TEXT_FIELDS:
            if not isinstance(values.get(name, ""), str):
                raise TypeError(f"{name} is not text")
        if not is_role_arn(values.get("role_arn", "")):
            raise ValueError("role_arn is not a role ARN")
        if type(values.get("duration", 0)) is not int:
            raise TypeError("duration is not a whole number")
        values["expiration"] = parse_instant(values["expiration"])
        values["issued_at"] = (
            parse_instant(values["issued_at"]) if values.get("issued_at") else None
        )
        return cls(**values)


def store_order(session: Session) -> tuple[str, str, str]:
    """How the store lists sessions: by account, then role name, then role ARN."""
    return (session.account, session.role_name, session.role_arn)


def default_store_path() -> Path:
    return Path(store_file())


class SessionStore:
    """Load, upsert and prune sessions; a corrupt file is set aside with a warning, never fatal."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or default_store_path()
        self.warnings: list[str] = []

    def stamp(self) -> tuple[float, int] | None:
        """A cheap change marker (mtime, size) so the TUI notices sessions the CLI wrote."""
        try:
            info = os.stat(self.path)
        except OSError:
            return None
        return (info.st_mtime, info.st_size)

    def _read(self) -> list[Session]:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return []
        except UnicodeDecodeError:
            self._set_aside()
            return []
        except OSError as exc:
            self.warnings.append(f"Could not read the session store {self.path}: {exc.strerror}.")
            return []
        import json  # here, not at start: the first frame never needs it

        try:
            document = json.loads(text)
            if document.get("version") != STORE_VERSION:
                raise ValueError("unknown version")
            return [Session.from_json(item) for item in document["sessions"]]
        except (ValueError, TypeError, KeyError, AttributeError, RecursionError):
            self._set_aside()
            return []

    def _set_aside(self) -> None:
        stamp = utcnow().strftime("%Y%m%dT%H%M%S.%fZ")
        aside = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        with contextlib.suppress(OSError):
            os.replace(self.path, aside)
        message = (
            f"The session store was unreadable and was set aside as {aside.name}; sign in again."
        )
        self.warnings.append(message)
        log.warning(message)

    def _write(self, sessions: Iterable[Session]) -> None:
        import json

        document = {"version": STORE_VERSION, "sessions": [s.to_json() for s in sessions]}
        atomic_write(self.path, json.dumps(document, indent=1), private_dir=True)

    def load(self) -> list[Session]:
        """Every stored session (expired ones too, until pruned), by account then role."""
        sessions = self._read()
        return sorted(sessions, key=store_order)

    def save(self, new: Iterable[Session], now: datetime | None = None) -> None:
        """Upsert `new` by (account, role) and prune long-expired sessions, under the lock."""
        moment = now or utcnow()
        with locked(self.path):
            merged = {s.key: s for s in self._read()}
            merged.update({s.key: s for s in new})
            kept = [s for s in merged.values() if s.expiration + KEEP_EXPIRED > moment]
            self._write(kept)

    def remove(self, keys: Iterable[str]) -> None:
        drop = set(keys)
        with locked(self.path):
            self._write([s for s in self._read() if s.key not in drop])

    def find(self, account: str, role: str | None = None) -> list[Session]:
        """Sessions of `account`, narrowed to `role` (an ARN or a role name) when given."""
        found = [s for s in self.load() if s.account == account]
        if role:
            found = [s for s in found if role in (s.role_arn, s.role_name)]
        return found
