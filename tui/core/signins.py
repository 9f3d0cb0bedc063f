"""What each account's last sign-in offered: the roles its assertion carried.

`profiles` writes a `~/.aws/config` profile for each of them, and the profile-name rule asks
whether an app carries several AWS accounts. Role ARNs are not secret, but the file is kept
like the session store (0600 in the private state folder, atomic, locked).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from tui.core.files import atomic_write, locked
from tui.core.paths import state_dir
from tui.core.roles import Role, is_principal_arn, is_role_arn
from tui.core.timeutil import rfc3339, utcnow

log = logging.getLogger("entra_aws.signins")
VERSION = 1


def default_path() -> Path:
    return state_dir() / "signins.json"


class SignIns:
    """account name → the roles its last sign-in offered; an unreadable file counts as empty."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or default_path()

    def _read(self) -> dict[str, dict[str, object]]:
        try:
            document = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError, RecursionError):
            log.warning("%s is unreadable; the roles of earlier sign-ins are forgotten", self.path)
            return {}
        if not isinstance(document, dict) or document.get("version") != VERSION:
            return {}
        accounts = document.get("accounts")
        if not isinstance(accounts, dict):
            return {}
        return {k: v for k, v in accounts.items() if isinstance(v, dict)}

    def remember(self, account: str, roles: Sequence[Role], now: datetime | None = None) -> None:
        entry: dict[str, object] = {
            "at": rfc3339(now or utcnow()),
            "roles": [[r.role_arn, r.principal_arn] for r in roles],
        }
        with locked(self.path):
            accounts = self._read()
            if accounts.get(account, {}).get("roles") == entry["roles"]:
                return  # the same roles again: no write on every renewal
            accounts[account] = entry
            document = {"version": VERSION, "accounts": accounts}
            atomic_write(self.path, json.dumps(document, indent=1), private_dir=True)

    def roles(self, account: str) -> list[Role] | None:
        """The roles of `account`'s last sign-in, or None when none is remembered."""
        entry = self._read().get(account)
        pairs = entry.get("roles") if entry is not None else None
        if not isinstance(pairs, list):
            return None
        roles = []
        for pair in pairs:
            if (
                isinstance(pair, list)
                and len(pair) == 2
                and is_role_arn(pair[0])
                and is_principal_arn(pair[1])
            ):
                roles.append(Role(pair[0], pair[1]))
        return roles

    def accounts(self) -> list[str]:
        """Every account with a remembered sign-in."""
        return sorted(self._read())
