"""Builders shared by the Pilot tests and the snapshot tests: configs, sessions, a settable clock,
and a signer that returns a signed assertion instead of opening a browser.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from tui.app import EntraAwsApp
from tui.core.assertion import Assertion
from tui.core.config import Account, Config, Settings
from tui.core.errors import EntraAwsError, SignInCancelled
from tui.core.renewal import Renewal, renew_all
from tui.core.sessions import Session, SessionStore
from tui.core.signin import Captured, SignInRequest, decode_for_account

TENANT = "6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b"
PROD_ID, DEV_ID = "111111111111", "222222222222"
FIXED_NOW = datetime(2026, 11, 28, 10, 0, 0, tzinfo=UTC)


class Clock:
    """A clock tests move by hand (the App reads time only through it)."""

    def __init__(self, start: datetime = FIXED_NOW) -> None:
        self.moment = start

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, **delta: float) -> None:
        self.moment += timedelta(**delta)


def account(name: str = "demo-prod", **values: Any) -> Account:
    values.setdefault("tenant_id", TENANT)
    values.setdefault("app_id_uri", f"https://signin.aws.amazon.com/saml#{name}")
    values.setdefault("region", "us-east-1")
    return Account(name=name, **values)


def config(
    tmp: Path, accounts: Sequence[Account] = (), *, shell_name: str = "", **settings: Any
) -> Config:
    """A Config as load_config would make it; `shell_name` is settings.shell."""
    settings.setdefault("credentials_file", tmp / "aws" / "credentials")
    settings.setdefault("renew_before", 0)  # renewal is off unless a test is about it
    settings["shell"] = shell_name
    return Config(path=tmp / "config.toml", settings=Settings(**settings), accounts=tuple(accounts))


def demo_accounts(**prod: Any) -> list[Account]:
    return [
        account("demo-prod", aliases={PROD_ID: "prod-main", DEV_ID: "dev-sandbox"}, **prod),
        account("demo-dev", region="eu-west-1", aliases={DEV_ID: "dev-sandbox"}),
    ]


def session(
    role: str = "Admin",
    *,
    account_name: str = "demo-prod",
    account_id: str = PROD_ID,
    left: timedelta = timedelta(hours=1),
    now: datetime = FIXED_NOW,
    profile: str | None = None,
) -> Session:
    return Session(
        account=account_name,
        role_arn=f"arn:aws:iam::{account_id}:role/{role}",
        principal_arn=f"arn:aws:iam::{account_id}:saml-provider/EntraID",
        profile=profile or f"{account_name}-{role}",
        region="us-east-1",
        access_key_id=f"ASIA{role.upper():A<16}"[:20],
        secret_access_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        session_token="FwoGZXIvYXdzEXAMPLETOKEN" + "x" * 40,
        expiration=now + left,
        assumed_role_arn=f"arn:aws:sts::{account_id}:assumed-role/{role}/alice@contoso.com",
        issued_at=now - timedelta(minutes=5),
        subject="alice@contoso.com",
        duration=3600,
    )


def make_app(cfg: Config, **kwargs: Any) -> EntraAwsApp:
    kwargs.setdefault("display", False)
    kwargs.setdefault("signed_in_before", lambda name: False)
    kwargs.setdefault("store", SessionStore())
    return EntraAwsApp(cfg, **kwargs)


@dataclass
class FakeSigner:
    """Returns `make(account)` (a decoded assertion) or raises what `errors` holds, in order.

    `wait_for_cancel` makes a call block until Esc sets the cancel event, like a real browser.
    """

    make: Callable[[Account], Assertion]
    errors: list[BaseException] = field(default_factory=list)
    wait_for_cancel: bool = False
    calls: list[bool] = field(default_factory=list)
    started: threading.Event = field(default_factory=threading.Event)

    def __call__(self, request: SignInRequest) -> Assertion:
        account, cancel = request.account, request.cancel
        self.calls.append(request.headless)
        self.started.set()
        if self.wait_for_cancel:
            assert cancel is not None
            if request.on_status:
                request.on_status("Waiting for you in Chrome")
            cancel.wait(10)
            raise SignInCancelled("The sign-in was cancelled.")
        if self.errors:
            raise self.errors.pop(0)
        return self.make(account)


@dataclass
class FakeManySigner:
    """Several accounts in one "browser" (a launch counted per call), each through `signer`."""

    signer: FakeSigner
    launches: list[list[str]] = field(default_factory=list)  # the accounts of each launch

    def __call__(self, requests: Sequence[SignInRequest]) -> Iterator[Captured]:
        self.launches.append([r.account.name for r in requests])
        for request in requests:
            try:
                yield Captured(request.account, self.signer(request))
            except EntraAwsError as error:
                yield Captured(request.account, error=error)


def renewer_from(
    signer: FakeSigner,
) -> Callable[[Config, list[Session], SessionStore], list[Renewal]]:
    """The app's real renewal (tenant lock, store re-read, same role and duration through the
    local STS) with `signer` in place of the headless browser."""

    def renew(config: Config, sessions: list[Session], store: SessionStore) -> list[Renewal]:
        def captures(accounts: Sequence[Account]) -> Iterator[Captured]:
            for acct in accounts:
                try:
                    yield Captured(acct, signer(SignInRequest(acct, config, headless=True)))
                except EntraAwsError as error:
                    yield Captured(acct, error=error)

        return renew_all(config, sessions, store=store, write=True, captures=captures)

    return renew


def saml_maker(
    key: Any, roles: Sequence[tuple[str, str]], **kwargs: Any
) -> Callable[[Account], Assertion]:
    """Build a fresh signed SAMLResponse (tui.demo.saml_builder) and decode it as the app would."""
    from tui.demo.saml_builder import build_saml_response

    def make(acct: Account) -> Assertion:
        return decode_for_account(build_saml_response(key, roles=roles, **kwargs), acct)

    return make


def cell_text(table: Any, row: str, column: str) -> str:
    return str(table.get_cell(row, column))


def screen_text(app: Any) -> list[str]:
    """The lines on the terminal now, as a person would read them (toasts included)."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def status_text(app: Any) -> str:
    """What the accounts screen's status line says now (under any dialog on top)."""
    return str(app.screen_stack[0].query_one("#status").text)


def notes(app: Any) -> list[str]:
    """Every toast's message so far."""
    return [n.message for n in app._notifications]


def notes_with_severity(app: Any) -> list[tuple[str, str]]:
    return [(n.message, n.severity) for n in app._notifications]


async def settle(app: Any, pilot: Any) -> None:
    """Until workers are done and the screen stack stops changing (messages chain: worker,
    controller, screen, pushed screen), bounded so a hang fails the test instead."""
    seen = None
    for _ in range(20):
        await app.workers.wait_for_complete()
        await pilot.pause(0.01)
        now = (tuple(app.screen_stack), len(app.workers))
        if now == seen:
            return
        seen = now
