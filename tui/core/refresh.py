"""One refresh per tenant, shared by every caller that needs a fresh session.

Twelve `credential-process` calls at once (Terraform's parallel providers), the app's `r` and
`exec --server` may all find a session near expiry together. Whoever needs a fresh one takes the
tenant's refresh lock (beside the session store); the others wait for it, then re-read the store
and take the session it left there, instead of each starting a browser on the same profile.
The lock is held across the sign-in, the assume and the save, so a waiter never reads too early.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from tui.core.config import Account, Config
from tui.core.errors import EntraAwsError, NeedsPerson, RefreshBusy
from tui.core.paths import ensure_private_dir, state_dir
from tui.core.sessions import Session, SessionStore
from tui.core.signin import SignInRequest, assume_and_keep, capture, choose_roles, signed_in_before
from tui.core.targets import matching
from tui.core.timeutil import utcnow

log = logging.getLogger("entra_aws.refresh")

QUIET_WAIT = 1.0  # a wait shorter than this is not worth a line on stderr
MIN_SIGN_IN = 10.0  # seconds a sign-in is given however long the wait for the lock took


def refresh_lock_path(account: Account) -> Path:
    """One lock per browser profile, so per tenant (or per `browser_profile`)."""
    folder = ensure_private_dir(state_dir() / "locks")
    return folder / f"refresh-{account.browser_profile_name}.lock"


def fresh_session(
    store: SessionStore, account: Account, role: str | None, fresh_for: float
) -> Session | None:
    """The stored session of `account` for `role` (ARN or name; else the default role, else the
    only one) with more than `fresh_for` seconds left, if there is one (`core.targets` rules)."""
    now = utcnow()
    named = matching(store.load(), account.name, role, account.aliases)
    found = [s for s in named if s.remaining(now) > fresh_for]
    if not role and len(found) > 1 and account.default_role:
        found = matching(found, account.name, account.default_role, account.aliases)
    return found[0] if len(found) == 1 else None


@contextlib.contextmanager
def tenant_lock(
    account: Account, seconds: float, on_wait: Callable[[str], None] | None = None
) -> Iterator[None]:
    """Hold the refresh lock of `account`'s browser profile, waiting at most `seconds` for
    another caller; `on_wait` hears once when this caller queues."""
    from filelock import FileLock, Timeout

    lock = FileLock(refresh_lock_path(account), mode=0o600)
    try:
        lock.acquire(timeout=min(QUIET_WAIT, seconds))
    except Timeout:
        if on_wait is not None:
            on_wait(
                f"Waiting for another entra-aws to refresh the sessions of tenant "
                f"{account.tenant_id}…"
            )
        try:
            lock.acquire(timeout=max(0.0, seconds - QUIET_WAIT))
        except Timeout:
            raise RefreshBusy(
                f"Another entra-aws has been refreshing the sessions of tenant "
                f"{account.tenant_id} for over {round(seconds, 1):g} s; try again once it finishes."
            ) from None
    try:
        yield
    finally:
        lock.release()


def refresh_session(
    config: Config,
    account: Account,
    role: str | None = None,
    *,
    fresh_for: float = 0.0,
    headless: bool = True,
    timeout: float | None = None,
    store: SessionStore | None = None,
    write: bool = False,
    on_wait: Callable[[str], None] | None = None,
    on_status: Callable[[str], None] | None = None,
) -> Session:
    """A session of `account` for `role` with more than `fresh_for` seconds left: the one another
    caller just refreshed, or a new sign-in (headless: silent, else NeedsPerson) under the tenant's
    refresh lock. Waits at most `timeout` seconds in all (the config's `timeout` when None);
    `on_wait` hears once that this caller is queueing behind another."""
    store = store or SessionStore()
    seconds = float(timeout or config.settings.timeout)
    started = time.monotonic()
    with tenant_lock(account, seconds, on_wait):
        found = fresh_session(store, account, role, fresh_for)
        if found is not None:
            log.debug("%s was refreshed by another caller", account.name)
            return found
        if headless and not signed_in_before(config, account):
            raise NeedsPerson(f"The browser profile of {account.name} has not signed in yet.")
        left = max(MIN_SIGN_IN, seconds - (time.monotonic() - started))
        request = SignInRequest(account, config, headless, left, on_status=on_status)
        assertion = capture(request)
        roles = choose_roles(account, assertion, [role] if role else [], False)
        kept = assume_and_keep(config, account, assertion, roles[:1], write=write, store=store)
        if not kept.sessions:
            outcome = kept.outcomes[0]
            raise outcome.error or EntraAwsError(f"Could not assume {outcome.role.name}.")
        return kept.sessions[0]
