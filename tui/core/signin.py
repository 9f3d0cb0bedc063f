"""The sign-in workflow shared by the CLI and the TUI: capture → decode → pick roles → assume → keep.

Each step is a function so the TUI can run them in workers and show what happens between them.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from tui.core.assertion import Assertion, decode_saml_response, require_roles
from tui.core.config import Account, Config
from tui.core.credentials_file import write_profiles
from tui.core.durations import DurationMemory
from tui.core.errors import EncryptedAssertionError, EntraAwsError, FileWriteError, SamlError
from tui.core.paths import state_dir
from tui.core.profile_names import profile_names
from tui.core.roles import Role, is_role_arn
from tui.core.saml_input import read_saml_source as read_saml_source  # its old home
from tui.core.saml_request import build_authn_request
from tui.core.sessions import Session, SessionStore
from tui.core.signins import SignIns
from tui.core.sts import Assumed, StsGateway, warm_client
from tui.core.targets import names_role
from tui.core.timeutil import rfc3339, utcnow

if TYPE_CHECKING:
    from tui.core.browser.settings import Capture

log = logging.getLogger("entra_aws.signin")


@dataclass(frozen=True)
class Outcome:
    """What happened to one chosen role."""

    role: Role
    profile: str
    session: Session | None = None
    error: EntraAwsError | None = None


def decode_for_account(data: str | bytes, account: Account) -> Assertion:
    """Decode; an encrypted assertion is still usable when the account names its role and provider."""
    try:
        return decode_saml_response(data)
    except EncryptedAssertionError as exc:
        if not (is_role_arn(account.default_role) and account.principal_arn):
            raise
        return Assertion(
            saml_response=exc.saml_response,
            roles=(Role(account.default_role, account.principal_arn),),
            session_duration=None,
            not_on_or_after=None,
            subject=None,
            role_session_name=None,
            issuer=None,
            destination=None,
            in_response_to=None,
            issue_instant=None,
            attributes={},
            problems=(
                "The assertion is encrypted; using default_role and principal_arn from the config.",
            ),
        )


@dataclass(frozen=True)
class SignInRequest:
    """What one browser sign-in needs, from the TUI or the CLI to `capture`."""

    account: Account
    config: Config
    headless: bool
    timeout: float | None = None  # seconds; the config's `timeout` when None
    cancel: threading.Event | None = None
    on_status: Callable[[str], None] | None = None

    @property
    def seconds(self) -> float:
        return float(self.timeout or self.config.settings.timeout)


def legacy_profiles(config: Config, profile: str) -> list[str]:
    """The per-account profiles of earlier versions that `profile` may carry over: the names of
    the accounts that now share it."""
    return [a.name for a in config.accounts if a.browser_profile_name == profile]


def signed_in_before(config: Config, account: Account) -> bool:
    """Whether the account's browser profile holds a sign-in, so headless may be silent."""
    from tui.core import browser

    profile = account.browser_profile_name
    legacy = legacy_profiles(config, profile) or [account.name]
    return browser.has_signed_in_before(profile, legacy)


@dataclass(frozen=True)
class Captured:
    """One account's turn in a shared browser: its decoded assertion, or why there is none."""

    account: Account
    assertion: Assertion | None = None
    error: EntraAwsError | None = None


def _warm(accounts: Sequence[Account]) -> None:
    """boto3 loads while the browser starts and the person signs in."""
    for endpoint, region in dict.fromkeys((a.effective_sts_endpoint, a.region) for a in accounts):
        threading.Thread(
            target=warm_client, args=(endpoint, region), name="sts-warm", daemon=True
        ).start()


def capture_many(
    accounts: Sequence[Account],
    config: Config,
    *,
    headless: bool,
    timeout: float | None = None,
    cancel: threading.Event | None = None,
    on_status: Callable[[str], None] | None = None,
) -> Generator[Captured, None, None]:
    """Sign in to several accounts with one browser per browser profile (so one per tenant),
    yielding each account's `Captured` in the given order as soon as Entra has posted it.

    An account's own failure (an AADSTS page, an unreadable assertion) is its `error` and the
    others go on; a closed window, a timeout or a browser that cannot start ends its browser's
    remaining accounts with that same error. Assume each assertion at once (it is redeemable for
    minutes): the browser waits between yields.
    """
    from tui.core import browser  # selenium is heavy: only load it when a browser is needed

    seconds = float(timeout or config.settings.timeout)
    settings = browser.BrowserSettings(
        browser=config.settings.browser,
        driver=config.settings.driver,
        fetch_driver=config.settings.fetch_driver,
        headless=headless,
        timeout=seconds,
    )
    groups: dict[str, list[Account]] = {}
    for account in accounts:
        groups.setdefault(account.browser_profile_name, []).append(account)
    order = {a.name: n for n, a in enumerate(accounts)}
    _warm(accounts)
    for profile, members in sorted(groups.items(), key=lambda g: order[g[1][0].name]):
        by_name = {a.name: a for a in members}
        visits = [browser.Visit(a.name, _url_of(a)) for a in members]
        many = browser.sign_in_many(
            visits,
            profile,
            settings,
            cancel=cancel,
            on_status=on_status,
            legacy=legacy_profiles(config, profile),
        )
        done: set[str] = set()
        try:
            with contextlib.closing(many):
                for name, outcome in many:
                    done.add(name)
                    yield _decoded(by_name[name], outcome)
        except EntraAwsError as error:  # before any visit: no browser, or its profile is busy
            for account in members:
                if account.name not in done:
                    yield Captured(account, error=error)


def _url_of(account: Account) -> Callable[[], str]:
    """Built when the account's turn comes: the AuthnRequest carries its IssueInstant."""
    return lambda: build_authn_request(account).url


def _decoded(account: Account, outcome: Capture | EntraAwsError) -> Captured:
    if isinstance(outcome, EntraAwsError):
        return Captured(account, error=outcome)
    try:
        return Captured(account, decode_for_account(outcome.saml_response, account))
    except EntraAwsError as error:
        return Captured(account, error=error)


def capture(request: SignInRequest) -> Assertion:
    """Sign in through the browser and decode what Entra posted."""
    many = capture_many(
        [request.account],
        request.config,
        headless=request.headless,
        timeout=request.seconds,
        cancel=request.cancel,
        on_status=request.on_status,
    )
    with contextlib.closing(many):
        captured = next(many)
    if captured.error is not None:
        raise captured.error
    assert captured.assertion is not None
    return captured.assertion


def _label(role: Role, account: Account) -> str:
    alias = account.alias(role.account_id)
    return f"{role.name} ({alias or role.account_id})"


def choose_roles(
    account: Account, assertion: Assertion, wanted: Sequence[str], all_roles: bool
) -> list[Role]:
    """The roles to assume: --role values, --all-roles, the account's default_role, or the only one."""
    available = require_roles(assertion)
    if all_roles:
        return list(available)
    chosen: list[Role] = []
    for item in wanted or ([account.default_role] if account.default_role else []):
        hits = [role for role in available if names_role(role.role_arn, item, account.aliases)]
        if not hits:
            names = ", ".join(_label(role, account) for role in available)
            raise SamlError(f"The assertion has no role {item!r}; it carries: {names}.")
        if len(hits) > 1:
            spelled = ", ".join(
                f"{role.name}@{account.alias(role.account_id) or role.account_id}" for role in hits
            )
            raise SamlError(
                f"{item!r} matches {len(hits)} roles; name one as NAME@AWS-ACCOUNT or its ARN: {spelled}."
            )
        if hits[0] not in chosen:
            chosen.append(hits[0])
    if chosen:
        return chosen
    if len(available) == 1:
        return list(available)
    names = ", ".join(_label(role, account) for role in available)
    raise SamlError(
        f"The assertion carries {len(available)} roles; pick with --role NAME|ARN (repeatable) or --all-roles: {names}."
    )


def _session(
    account: Account, assumed: Assumed, profile: str, assertion: Assertion, now: datetime
) -> Session:
    creds = assumed.credentials
    assert creds is not None
    return Session(
        account=account.name,
        role_arn=assumed.role.role_arn,
        principal_arn=assumed.role.principal_arn,
        profile=profile,
        region=account.region,
        access_key_id=creds.access_key_id,
        secret_access_key=creds.secret_access_key,
        session_token=creds.session_token,
        expiration=creds.expiration.replace(microsecond=0),
        assumed_role_arn=assumed.assumed_role_arn,
        issued_at=now,
        subject=assertion.subject or "",
        duration=assumed.duration,
    )


@dataclass(frozen=True)
class Kept:
    """Every role's outcome, and why the credentials file could not be written (sessions are kept)."""

    outcomes: list[Outcome]
    write_error: EntraAwsError | None = None

    @property
    def sessions(self) -> list[Session]:
        return [o.session for o in self.outcomes if o.session is not None]


def durations_path() -> Path:
    return state_dir() / "durations.json"


def remember_sign_in(store: SessionStore, account: Account, assertion: Assertion) -> None:
    """Keep the roles this sign-in offered (beside the session store) for `profiles` and the
    profile-name rule; failing to is worth a log line, not a failed sign-in."""
    if not assertion.roles:
        return
    try:
        SignIns(store.path.with_name("signins.json")).remember(account.name, assertion.roles)
    except FileWriteError as exc:
        log.warning("could not remember the roles of %s's sign-in: %s", account.name, exc)


def assume_and_keep(
    config: Config,
    account: Account,
    assertion: Assertion,
    roles: Sequence[Role],
    *,
    duration: int | None = None,
    profile: str | None = None,
    write: bool = True,
    store: SessionStore | None = None,
) -> Kept:
    """Assume `roles` concurrently, store every session, and write their profiles unless told not to."""
    gateway = StsGateway(
        account.effective_sts_endpoint, account.region, DurationMemory(durations_path())
    )
    results = gateway.assume_many(assertion, roles, duration or config.duration_for(account))
    store = store or SessionStore()
    remember_sign_in(store, account, assertion)
    names = profile_names(
        account, roles, assertion.roles, config.settings.profile_template, profile
    )
    now = utcnow().replace(microsecond=0)  # whole seconds, as the store keeps them
    outcomes = [
        Outcome(r.role, names[r.role], _session(account, r, names[r.role], assertion, now))
        if r.ok
        else Outcome(r.role, names[r.role], error=r.error)
        for r in results
    ]
    for r in results:  # what a debug log may say: roles, durations, expiry and error codes
        if r.credentials is not None:
            until = rfc3339(r.credentials.expiration)
            log.debug("assumed %s for %d s (until %s)", r.role.role_arn, r.duration, until)
        else:
            log.debug("could not assume %s (%s)", r.role.role_arn, r.error.code if r.error else "")
    kept = Kept(outcomes)
    if kept.sessions:
        store.save(kept.sessions)
        if write:
            try:
                write_profiles(
                    config.settings.credentials_file, {s.profile: s for s in kept.sessions}
                )
            except FileWriteError as exc:
                return Kept(outcomes, exc)
            log.debug(
                "wrote profiles %s to %s",
                ", ".join(s.profile for s in kept.sessions),
                config.settings.credentials_file,
            )
    return kept
