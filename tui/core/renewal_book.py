"""Which of many sessions to renew next, and what a renewal's outcome means for the next try.

The rule, for the app (many sessions) as for `exec --server` (one, `renewal.RenewingSession`):
a session whose tenant needs a person is left alone until it is signed in again (nothing opens a
window unasked, nothing loops); any other failure (network, STS) is tried again RETRY_AFTER
later and told once, until a renewal succeeds.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from tui.core.errors import NeedsPerson

if TYPE_CHECKING:  # `renewal` (sign-in, STS) is imported once a renewal is due, not at start
    from tui.core.config import Config
    from tui.core.renewal import Renewal
    from tui.core.sessions import Session

RETRY_AFTER = 60.0  # after a failed renewal that may pass (network, STS), try again this much later


@dataclass(frozen=True)
class Settled:
    """A batch of renewals sorted by what to do about each."""

    fresh: list[Session] = field(default_factory=list)
    needs_person: list[Session] = field(default_factory=list)  # say once: a sign-in is needed
    first_failures: list[Renewal] = field(default_factory=list)  # failed, and not told before


class RenewalBook:
    """The renewals in progress, the sessions waiting for a person and those retried later."""

    def __init__(self) -> None:
        self.renewing: set[str] = set()
        # Sessions left alone, by key, with the expiry they had: a new sign-in replaces them.
        self._needs_person: dict[str, datetime] = {}
        self._retry_at: dict[str, datetime] = {}
        self._told: set[str] = set()

    def take_due(self, sessions: Iterable[Session], config: Config, now: datetime) -> list[Session]:
        """The sessions due that nobody renews, waits on or holds back; now marked renewing."""
        from tui.core.renewal import due_for_renewal

        due = [
            s
            for s in due_for_renewal(sessions, config, now)
            if s.key not in self.renewing
            and self._needs_person.get(s.key) != s.expiration
            and self._retry_at.get(s.key, now) <= now
        ]
        self.renewing.update(s.key for s in due)
        return due

    def settle(self, renewals: Sequence[Renewal], now: datetime) -> Settled:
        settled = Settled()
        for renewal in renewals:
            key = renewal.old.key
            self.renewing.discard(key)
            if renewal.fresh is not None:
                settled.fresh.append(renewal.fresh)
                self._retry_at.pop(key, None)
                self._told.discard(key)
            elif isinstance(renewal.error, NeedsPerson):
                self._needs_person[key] = renewal.old.expiration
                settled.needs_person.append(renewal.old)
            else:
                self._retry_at[key] = now + timedelta(seconds=RETRY_AFTER)
                if key not in self._told:
                    self._told.add(key)
                    settled.first_failures.append(renewal)
        return settled

    def signed_in_again(self, shown: Mapping[str, Session]) -> list[str]:
        """Keys that waited for a person and now hold another session (or none): no longer wait."""
        done = [
            key
            for key, expiration in self._needs_person.items()
            if key not in shown or shown[key].expiration != expiration
        ]
        for key in done:
            del self._needs_person[key]
        return done
