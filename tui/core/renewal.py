"""Renewal: which sessions are near enough to expiry to renew, and renewing one silently.

A renewal is a headless sign-in on the account's browser profile (silent while Entra's "Stay
signed in" cookie lives) and the same role assumed again for the same duration. The app, `exec`
and `exec --server` all renew through `renew`; `due_for_renewal` is the one rule for "when".
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path

from tui.core.config import Config
from tui.core.errors import EntraAwsError, NeedsPerson
from tui.core.files import locked
from tui.core.paths import state_dir
from tui.core.sessions import Session, SessionStore
from tui.core.timeutil import utcnow

log = logging.getLogger("entra_aws.renewal")
SILENT_TIMEOUT = 60.0  # a silent sign-in takes ~1.5 s; past a minute a person is needed
# A renewal waits for another process renewing the same account (one browser per profile).
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


def _lock_path(account: str) -> Path:
    return state_dir() / f"renew-{account}"


def renew(
    config: Config,
    session: Session,
    *,
    store: SessionStore | None = None,
    write: bool = False,
    cancel: threading.Event | None = None,
    timeout: float | None = None,
) -> Session:
    """Renew `session` by a silent headless sign-in and the same role and duration; return the
    new session (also saved in the store, and written to its credentials-file profile if `write`).

    Callers renewing the same account wait for each other; whoever comes second gets the session
    the first one made. Raises NeedsPerson when the browser profile cannot sign in silently, and
    any other EntraAwsError (BrowserError, StsError, SamlError) as the sign-in or STS reported it.
    """
    from tui.core import browser
    from tui.core.signin import SignInRequest, assume_and_keep, capture, choose_roles

    account = config.account(session.account)
    store = store or SessionStore()
    with locked(_lock_path(account.name), timeout=LOCK_WAIT):
        current = next((s for s in store.find(account.name, session.role_arn)), None)
        if (
            current is not None
            and current.expiration > session.expiration
            and not due_for_renewal([current], config)
        ):
            return current  # renewed by another caller while we waited
        if not browser.has_signed_in_before(account.name):
            raise NeedsPerson(
                f"{account.name} has not signed in on this machine yet; "
                f"run `entra-aws login {account.name}`."
            )
        seconds = min(timeout or SILENT_TIMEOUT, float(config.settings.timeout))
        request = SignInRequest(account, config, headless=True, timeout=seconds, cancel=cancel)
        assertion = capture(request)
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
    if not kept.sessions:
        error = kept.outcomes[0].error
        raise error or EntraAwsError(f"Could not assume {session.role_name} again.")
    return kept.sessions[0]


RETRY_AFTER = 60.0  # after a failed renewal that may pass (network, STS), try again this much later


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
