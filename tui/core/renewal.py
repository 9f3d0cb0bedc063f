"""Renewal: which sessions are near enough to expiry to renew, and renewing them silently.

A renewal is a headless sign-in on the tenant's browser profile (silent while Entra's "Stay
signed in" cookie lives) and the same role assumed again for the same duration. The app, `exec`
and `exec --server` all renew through `renew_all`; `due_for_renewal` is the one rule for "when".
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from tui.core.config import Account, Config
from tui.core.errors import EntraAwsError, NeedsPerson
from tui.core.renewal_book import RETRY_AFTER
from tui.core.sessions import Session, SessionStore
from tui.core.timeutil import utcnow

if TYPE_CHECKING:
    from tui.core.assertion import Assertion
    from tui.core.signin import Captured

log = logging.getLogger("entra_aws.renewal")
SILENT_TIMEOUT = 60.0  # a silent sign-in takes ~1.5 s; past a minute a person is needed
# A renewal waits this long for another caller refreshing the same tenant (one browser each).
LOCK_WAIT = SILENT_TIMEOUT + 30


def renewal_window(config: Config, session: Session, *, at_least: float = 0) -> float:
    """Seconds before expiry `session` is renewed (0: never): the account's `renew_before`, raised
    to `at_least` when renewal is on, and at most half the session's life, so a short session is
    not renewed again the moment it was made."""
    account = next((a for a in config.accounts if a.name == session.account), None)
    window = float(config.renew_before_for(account)) if account is not None else 0.0
    if window <= 0:
        return 0.0
    window = max(window, at_least)
    if session.issued_at is not None:
        life = (session.expiration - session.issued_at).total_seconds()
        window = min(window, life / 2)
    return max(window, 0.0)


def due_for_renewal(
    sessions: Iterable[Session],
    config: Config,
    now: datetime | None = None,
    *,
    at_least: float = 0,
) -> list[Session]:
    """Sessions of configured accounts with renewal on and their renewal window reached.

    Expired sessions count too (a laptop that slept past the expiry gets its session back); the
    caller decides what to do with those a person must sign in for (see `NeedsPerson`)."""
    moment = now or utcnow()
    due = []
    for session in sessions:
        window = renewal_window(config, session, at_least=at_least)
        if window > 0 and session.remaining(moment) <= window:
            due.append(session)
    return due


@dataclass(frozen=True)
class Renewal:
    """What became of one session asked to be renewed: its fresh successor, or why there is none."""

    old: Session
    fresh: Session | None = None
    error: EntraAwsError | None = None


Captures = Callable[[Sequence[Account]], Iterable["Captured"]]
"""Signs in to accounts silently, yielding each one's `Captured` (the browser, in `renew_all`)."""


def silent_captures(config: Config, cancel: threading.Event | None = None) -> Captures:
    """Headless sign-ins, one browser per tenant profile; a profile that never signed in is
    NeedsPerson at once, with no browser started for it."""
    from tui.core.signin import Captured, capture_many, signed_in_before

    def captures(accounts: Sequence[Account]) -> Iterator[Captured]:
        ready = []
        for account in accounts:
            if signed_in_before(config, account):
                ready.append(account)
            else:
                yield Captured(account, error=_needs_person(account))
        seconds = min(SILENT_TIMEOUT, float(config.settings.timeout))
        yield from capture_many(ready, config, headless=True, timeout=seconds, cancel=cancel)

    return captures


def renew_all(
    config: Config,
    sessions: Sequence[Session],
    *,
    store: SessionStore | None = None,
    write: bool = False,
    cancel: threading.Event | None = None,
    captures: Captures | None = None,
) -> list[Renewal]:
    """Renew `sessions` by silent headless sign-ins, one browser per tenant profile, each session
    re-assumed with its own role, duration and profile; one `Renewal` per session, in order.

    Each tenant's renewal runs under its refresh lock (core.refresh), so the app, `exec --server`
    and `credential-process` never sign in twice at once; a session another caller renewed while
    we waited is taken from the store. A profile that cannot sign in silently is NeedsPerson.
    `captures` replaces the browser (tests).
    """
    from tui.core.refresh import tenant_lock  # the sign-in code loads only when renewing

    store = store or SessionStore()
    sign_in = captures or silent_captures(config, cancel)
    results: dict[str, Renewal] = {}
    groups: dict[str, list[tuple[Account, Session]]] = {}
    for session in sessions:
        try:
            account = config.account(session.account)
        except EntraAwsError as error:
            results[session.key] = Renewal(session, error=error)
            continue
        groups.setdefault(account.browser_profile_name, []).append((account, session))
    for members in groups.values():
        try:
            with tenant_lock(members[0][0], LOCK_WAIT):
                results.update(_renew_tenant(config, members, store, write, sign_in))
        except EntraAwsError as error:  # RefreshBusy: another caller held it too long
            results.update({s.key: Renewal(s, error=error) for _, s in members})
    missing = EntraAwsError("The sign-in ended before this account's turn.")
    return [results.get(s.key) or Renewal(s, error=missing) for s in sessions]


def _renew_tenant(
    config: Config,
    members: list[tuple[Account, Session]],
    store: SessionStore,
    write: bool,
    sign_in: Captures,
) -> dict[str, Renewal]:
    """One tenant's sessions, under its lock: what another caller renewed meanwhile is taken
    from the store, the rest signed in once per account and re-assumed."""
    results: dict[str, Renewal] = {}
    stored = {s.key: s for s in store.load()}
    pending: list[tuple[Account, Session]] = []
    for account, session in members:
        current = stored.get(session.key)
        newer = current is not None and current.expiration > session.expiration
        if current is not None and newer and not due_for_renewal([current], config):
            results[session.key] = Renewal(session, current)
        else:
            pending.append((account, session))
    accounts = list({a.name: a for a, _ in pending}.values())
    for captured in sign_in(accounts):
        for account, session in pending:
            if account.name != captured.account.name:
                continue
            if captured.assertion is None:
                results[session.key] = Renewal(session, error=captured.error)
            else:
                results[session.key] = _reassume(
                    config, account, session, captured.assertion, store, write
                )
    return results


def _reassume(
    config: Config,
    account: Account,
    session: Session,
    assertion: Assertion,
    store: SessionStore,
    write: bool,
) -> Renewal:
    """The same role again, for the same duration and under the same profile name."""
    from tui.core.signin import assume_and_keep, choose_roles

    try:
        roles = choose_roles(account, assertion, [session.role_arn], False)
        kept = assume_and_keep(
            config,
            account,
            assertion,
            roles,
            duration=session.duration or None,
            profile=session.profile,
            write=write,
            store=store,
        )
    except EntraAwsError as error:
        return Renewal(session, error=error)
    if kept.sessions:
        return Renewal(session, kept.sessions[0])
    failure = kept.outcomes[0].error or EntraAwsError(f"Could not assume {session.role_name}.")
    return Renewal(session, error=failure)


def _needs_person(account: Account) -> NeedsPerson:
    return NeedsPerson(
        f"{account.name} has not signed in on this machine yet; "
        f"run `entra-aws login {account.name}`."
    )


def renew(
    config: Config,
    session: Session,
    *,
    store: SessionStore | None = None,
    write: bool = False,
    cancel: threading.Event | None = None,
) -> Session:
    """Renew one session (see `renew_all`); raises the EntraAwsError that stopped it."""
    (renewal,) = renew_all(config, [session], store=store, write=write, cancel=cancel)
    if renewal.fresh is None:
        raise renewal.error or EntraAwsError(f"Could not renew {session.role_name}.")
    return renewal.fresh


class RenewingSession:
    """One session kept fresh by a background thread for as long as it is open (`exec --server`).

    `current()` never blocks on a renewal. A renewal that needs a person is reported once through
    `on_problem` and not retried, so nothing opens a window or loops; other failures are retried
    every RETRY_AFTER seconds, reported once per distinct message.
    """

    def __init__(
        self,
        config: Config,
        session: Session,
        *,
        at_least: float = 0,
        on_problem: Callable[[str], None] | None = None,
    ) -> None:
        self._config = config
        self._session = session
        self._at_least = at_least
        self._on_problem = on_problem or (lambda message: None)
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._said: set[str] = set()
        self._thread = threading.Thread(target=self._run, name="renewal", daemon=True)
        self.renewals = 0

    def current(self) -> Session:
        with self._lock:
            return self._session

    def start(self) -> RenewingSession:
        self._thread.start()
        return self

    def close(self) -> None:
        self._stop.set()

    def _wait_seconds(self) -> float | None:
        session = self.current()
        window = renewal_window(self._config, session, at_least=self._at_least)
        if window <= 0:
            return None
        return max(session.remaining() - window, 0.0)

    def _report(self, message: str) -> None:
        if message not in self._said:
            self._said.add(message)
            self._on_problem(message)

    def _run(self) -> None:
        while not self._stop.is_set():
            wait = self._wait_seconds()
            if wait is None:
                return  # renewal is off for this account
            if wait > 0:
                self._stop.wait(min(wait, 30.0))  # re-checked: the clock may jump (sleep)
                continue
            session = self.current()
            try:
                fresh = renew(self._config, session, cancel=self._stop)
            except NeedsPerson:
                self._report(
                    f"{session.account}:{session.role_name} needs you to sign in again "
                    f"(`entra-aws login {session.account}`); its credentials end at "
                    f"{session.expiration:%H:%M} UTC."
                )
                return
            except EntraAwsError as error:
                if self._stop.is_set():
                    return
                self._report(f"could not renew {session.account}:{session.role_name}: {error}")
                self._stop.wait(RETRY_AFTER)
                continue
            log.info("renewed %s until %s", session.key, fresh.expiration.isoformat())
            with self._lock:
                self._session = fresh
                self.renewals += 1
