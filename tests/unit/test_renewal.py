"""Renewal rules (tui.core.renewal): when a session is due, and renew_all against the local STS
with the browser replaced by `captures` (a fresh signed assertion per account, or an error)."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from datetime import timedelta
from pathlib import Path

import pytest

from tests.unit.builders import session
from tui.core.config import Account, Config, load_config, write_config
from tui.core.errors import EntraAwsError, NeedsPerson
from tui.core.renewal import (
    RenewingSession,
    due_for_renewal,
    renew_all,
    renewal_window,
)
from tui.core.sessions import Session, SessionStore
from tui.core.signin import Captured, decode_for_account
from tui.core.timeutil import utcnow
from tui.demo.saml_builder import build_saml_response, issuer_for
from tui.demo.signing import SigningKey
from tui.demo.sts.server import LocalSts

TENANT = "11111111-2222-3333-4444-555555555555"
OTHER_TENANT = "99999999-8888-7777-6666-555555555555"
PROD, DEV, OTHER = "111111111111", "222222222222", "333333333333"


def config_with(tmp_path: Path, accounts: list[Account], **settings: object) -> Config:
    path = tmp_path / "config.toml"
    write_config(path, {"credentials_file": str(tmp_path / "credentials"), **settings}, accounts)
    return load_config(path)


def account(name: str, tenant: str = TENANT, **extra: object) -> Account:
    return Account(name, tenant, f"urn:{name}", region="us-east-1", **extra)  # type: ignore[arg-type]


def aged(ends_in: float, life: float = 3600, **overrides: object) -> Session:
    """A session of `life` seconds that ends `ends_in` seconds from now."""
    ends = utcnow().replace(microsecond=0) + timedelta(seconds=ends_in)
    return session(expiration=ends, issued_at=ends - timedelta(seconds=life), **overrides)


# --- when -------------------------------------------------------------------------------------


def test_the_window_is_renew_before_and_0_turns_renewal_off(tmp_path: Path) -> None:
    config = config_with(
        tmp_path,
        [account("prod"), account("quiet", renew_before=0), account("eager", renew_before=1200)],
        renew_before=300,
    )
    assert renewal_window(config, aged(3000, account="prod")) == 300
    assert renewal_window(config, aged(3000, account="quiet")) == 0
    assert renewal_window(config, aged(3000, account="eager")) == 1200  # per-account override
    assert renewal_window(config, aged(3000, account="gone")) == 0  # not configured: never


def test_the_window_is_raised_for_sdks_but_never_past_half_the_sessions_life(
    tmp_path: Path,
) -> None:
    config = config_with(tmp_path, [account("prod")])
    assert renewal_window(config, aged(3000)) == 600  # the default: 10 minutes
    assert renewal_window(config, aged(3000), at_least=900) == 900
    # A 15-minute session is renewed 7.5 minutes before its end, not the moment it was made.
    assert renewal_window(config, aged(900, life=900), at_least=900) == 450


def test_due_sessions_are_those_inside_their_window_expired_ones_included(
    tmp_path: Path,
) -> None:
    config = config_with(tmp_path, [account("prod"), account("quiet", renew_before=0)])
    fresh = aged(3000, role_arn=f"arn:aws:iam::{PROD}:role/Fresh")
    near = aged(90, role_arn=f"arn:aws:iam::{PROD}:role/Near")
    gone = aged(-60, role_arn=f"arn:aws:iam::{PROD}:role/Gone")
    off = aged(90, account="quiet")
    assert due_for_renewal([fresh, near, gone, off], config) == [near, gone]


# --- renew_all against the local STS ---------------------------------------------------------


@pytest.fixture
def roles(local_sts: LocalSts, signing_key: SigningKey) -> dict[str, tuple[str, str]]:
    """Role name@account -> (role ARN, provider ARN), registered in the local STS."""
    found: dict[str, tuple[str, str]] = {}
    for tenant, account_id in ((TENANT, PROD), (TENANT, DEV), (OTHER_TENANT, OTHER)):
        metadata = signing_key.metadata_xml(issuer_for(tenant))
        principal = local_sts.add_saml_provider(account_id, "Entra", metadata)
        for name in ("Admin", "ReadOnly"):
            arn = local_sts.add_role(account_id, name, max_session_duration=43200)
            found[f"{name}@{account_id}"] = (arn, principal)
    return found


class Browser:
    """Stands in for the silent browser: a fresh assertion carrying every role, per account;
    records the accounts of each launch (a call)."""

    def __init__(self, key: SigningKey, roles: dict[str, tuple[str, str]]) -> None:
        self.key, self.roles = key, roles
        self.launches: list[list[str]] = []
        self.refuse: dict[str, EntraAwsError] = {}

    def __call__(self, accounts: Sequence[Account]) -> Iterator[Captured]:
        self.launches.append([a.name for a in accounts])
        for acct in accounts:
            if acct.name in self.refuse:
                yield Captured(acct, error=self.refuse[acct.name])
                continue
            other = acct.tenant_id == OTHER_TENANT
            pairs = [p for k, p in self.roles.items() if k.endswith(OTHER) == other]
            xml = build_saml_response(self.key, roles=pairs, tenant_id=acct.tenant_id)
            yield Captured(acct, decode_for_account(xml, acct))


@pytest.fixture
def browser(signing_key: SigningKey, roles: dict[str, tuple[str, str]]) -> Browser:
    return Browser(signing_key, roles)


@pytest.fixture
def config(tmp_path: Path, local_sts: LocalSts) -> Config:
    sts = {"sts_endpoint": local_sts.url}
    accounts = [account("a", **sts), account("b", **sts), account("z", OTHER_TENANT, **sts)]
    return config_with(tmp_path, accounts)


def old(name: str, role: tuple[str, str], *, duration: int, profile: str) -> Session:
    return aged(60, account=name, role_arn=role[0], principal_arn=role[1], duration=duration,
                profile=profile, access_key_id=f"ASIAOLD{name.upper():0>13}")  # fmt: skip


def test_one_launch_per_tenant_each_session_with_its_own_role_duration_and_profile(
    config: Config, browser: Browser, roles: dict[str, tuple[str, str]]
) -> None:
    sessions = [
        old("a", roles["Admin@" + PROD], duration=3600, profile="a-admin"),
        old("b", roles["ReadOnly@" + DEV], duration=7200, profile="b-ro"),
        old("z", roles["Admin@" + OTHER], duration=900, profile="z"),
        old("a", roles["ReadOnly@" + PROD], duration=1800, profile="a-ro"),
    ]
    store = SessionStore()

    renewals = renew_all(config, sessions, store=store, captures=browser)

    assert sorted(sorted(launch) for launch in browser.launches) == [["a", "b"], ["z"]]
    assert [r.error for r in renewals] == [None] * 4
    for before, renewal in zip(sessions, renewals, strict=True):
        fresh = renewal.fresh
        assert fresh is not None and renewal.old is before
        assert (fresh.account, fresh.role_arn, fresh.profile) == (
            before.account,
            before.role_arn,
            before.profile,
        )
        assert fresh.access_key_id != before.access_key_id
        life = (fresh.expiration - utcnow()).total_seconds()
        assert before.duration - 60 < life <= before.duration  # the same duration again
    assert {s.key for s in store.load()} == {s.key for s in sessions}  # kept in the store


def test_a_person_needed_for_one_tenant_spoils_nothing_else(
    config: Config, browser: Browser, roles: dict[str, tuple[str, str]]
) -> None:
    browser.refuse["z"] = NeedsPerson("z needs you to sign in")
    sessions = [
        old("z", roles["Admin@" + OTHER], duration=3600, profile="z"),
        old("a", roles["Admin@" + PROD], duration=3600, profile="a"),
    ]

    renewals = renew_all(config, sessions, captures=browser)

    assert isinstance(renewals[0].error, NeedsPerson) and renewals[0].fresh is None
    assert renewals[1].fresh is not None and renewals[1].error is None


def test_a_session_another_caller_renewed_meanwhile_is_taken_from_the_store(
    config: Config, browser: Browser, roles: dict[str, tuple[str, str]]
) -> None:
    mine = old("a", roles["Admin@" + PROD], duration=3600, profile="a")
    theirs = aged(3500, account="a", role_arn=mine.role_arn, principal_arn=mine.principal_arn,
                  profile="a", access_key_id="ASIATHEIRS0000000001")  # fmt: skip
    store = SessionStore()
    store.save([theirs])

    [renewal] = renew_all(config, [mine], store=store, captures=browser)

    assert renewal.fresh is not None and renewal.fresh.access_key_id == theirs.access_key_id
    assert browser.launches == [[]]  # nobody left to sign in


def test_an_account_no_longer_configured_is_an_error_of_its_own(
    config: Config, browser: Browser, roles: dict[str, tuple[str, str]]
) -> None:
    gone = old("removed", roles["Admin@" + PROD], duration=3600, profile="x")
    kept = old("a", roles["Admin@" + PROD], duration=3600, profile="a")

    renewals = renew_all(config, [gone, kept], captures=browser)

    assert renewals[0].error is not None and "removed" in str(renewals[0].error)
    assert renewals[1].fresh is not None


def test_renewing_session_reports_a_person_needed_once_and_stops(
    config: Config, monkeypatch: pytest.MonkeyPatch, roles: dict[str, tuple[str, str]]
) -> None:
    calls: list[str] = []

    def needs_person(*args: object, **kwargs: object) -> Session:
        calls.append("renew")
        raise NeedsPerson("Entra's cookie is gone")

    monkeypatch.setattr("tui.core.renewal.renew", needs_person)
    said: list[str] = []
    done = threading.Event()
    start = old("a", roles["Admin@" + PROD], duration=3600, profile="a")
    keeper = RenewingSession(
        config, start, at_least=900, on_problem=lambda m: (said.append(m), done.set())
    ).start()
    try:
        assert done.wait(10)
        keeper._thread.join(5)
    finally:
        keeper.close()
    assert calls == ["renew"] and len(said) == 1  # told once, never retried in a loop
    assert "needs you to sign in" in said[0] and "entra-aws login a" in said[0]
    assert keeper.current() is start  # the old credentials are still served until they end


# --- the app's book of many renewals ----------------------------------------------------------


def test_the_book_waits_for_a_person_retries_the_rest_a_minute_later_and_tells_once(
    tmp_path: Path,
) -> None:
    from tui.core.renewal import Renewal
    from tui.core.renewal_book import RETRY_AFTER, RenewalBook

    config = config_with(tmp_path, [account("prod"), account("dev")], renew_before=600)
    cookie_gone = aged(300, account="prod")
    sts_down = aged(300, account="dev")
    book = RenewalBook()
    now = utcnow()
    assert book.take_due([cookie_gone, sts_down], config, now) == [cookie_gone, sts_down]
    assert book.take_due([cookie_gone, sts_down], config, now) == []  # already being renewed
    down = EntraAwsError("STS is unreachable")
    settled = book.settle(
        [Renewal(cookie_gone, error=NeedsPerson("sign in")), Renewal(sts_down, error=down)], now
    )
    assert settled.needs_person == [cookie_gone] and not settled.fresh
    assert [r.old for r in settled.first_failures] == [sts_down]
    assert not book.renewing
    just_before = now + timedelta(seconds=RETRY_AFTER - 1)
    assert book.take_due([cookie_gone, sts_down], config, just_before) == []
    later = now + timedelta(seconds=RETRY_AFTER)
    assert book.take_due([cookie_gone, sts_down], config, later) == [sts_down]  # never the other
    again = book.settle([Renewal(sts_down, error=down)], later)
    assert again.first_failures == []  # told once, not every minute
    fresh = aged(3600, account="dev")
    assert book.settle([Renewal(sts_down, fresh=fresh)], later).fresh == [fresh]
    # A new sign-in for prod (another expiry under the same key) ends the wait.
    signed_in = aged(3000, account="prod")
    assert book.signed_in_again({cookie_gone.key: cookie_gone}) == []
    assert book.signed_in_again({signed_in.key: signed_in}) == [cookie_gone.key]
    assert book.take_due([aged(300, account="prod")], config, later) != []
