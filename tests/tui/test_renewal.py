"""Renewal while the app runs: a session near expiry is renewed in a worker with no key pressed,
through the real renewal path (tenant lock, store, the local STS) with a signer in place of the
headless browser; a tenant that needs a person says so once and is left alone."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable
from datetime import timedelta

from tui_testkit import (
    Clock,
    FakeSigner,
    cell_text,
    make_app,
    notes,
    renewer_from,
    saml_maker,
    session,
    status_text,
)

from tui.core.assertion import Assertion
from tui.core.config import Config
from tui.core.credentials_file import read_profile
from tui.core.errors import NeedsPerson, StsError
from tui.core.sessions import SessionStore
from tui.core.signin import SignInRequest
from tui.core.timeutil import utcnow
from tui.screens.main import MainScreen
from tui.widgets.sessions_pane import RENEWING, SIGN_IN_NEEDED


def renewing(config: Config, seconds: int = 600, **account: object) -> Config:
    """`config` with renewal on (`renew_before`), and `account` values set on demo-prod."""
    settings = dataclasses.replace(config.settings, renew_before=seconds)
    accounts = tuple(
        dataclasses.replace(a, **account) if a.name == "demo-prod" else a  # type: ignore[arg-type]
        for a in config.accounts
    )
    return dataclasses.replace(config, settings=settings, accounts=accounts)


async def until(pilot, condition: Callable[[], bool], seconds: float = 10) -> None:
    for _ in range(int(seconds / 0.05)):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError("the app never got there")


class Gated:
    """A signer that waits for `go` before answering, so a test sees the row mid-renewal."""

    def __init__(self, signer: FakeSigner) -> None:
        self.signer = signer
        self.go = threading.Event()

    def __call__(self, request: SignInRequest) -> Assertion:
        self.go.wait(10)
        return self.signer(request)


async def test_a_session_90_s_from_expiry_is_renewed_silently_with_no_key_pressed(world) -> None:
    now = utcnow().replace(microsecond=0)
    old = session("Admin", left=timedelta(seconds=90), now=now, profile="demo-prod")
    SessionStore().save([old], now=now)
    config = renewing(world.config)
    signer = FakeSigner(saml_maker(world.key, world.roles, session_duration=7200))
    gated = Gated(signer)
    app = make_app(config, clock=Clock(now), renewer=renewer_from(gated))  # type: ignore[arg-type]
    async with app.run_test(size=(140, 40)) as pilot:
        screen = app.screen
        assert isinstance(screen, MainScreen)
        table = screen.sessions.table
        await until(pilot, lambda: old.key in table.sessions)
        await until(pilot, lambda: cell_text(table, old.key, "state") == RENEWING)
        assert "Renewing 1 session silently" in str(screen.status.render())
        gated.go.set()
        await until(pilot, lambda: table.sessions[old.key].expiration > old.expiration)
        await pilot.pause()
        assert cell_text(table, old.key, "state") == "ok"
        assert cell_text(table, old.key, "left").startswith(("1:00:0", "0:59:5")), "a new hour"
    assert signer.calls == [True], "one headless sign-in"
    [call] = world.sts.calls
    assert (call.role_arn, call.duration) == (old.role_arn, 3600), "same role, same duration"
    [stored] = SessionStore().find("demo-prod", old.role_arn)
    assert stored.access_key_id != old.access_key_id
    assert stored.profile == "demo-prod"
    written = read_profile(config.settings.credentials_file, "demo-prod")
    assert written is not None and written["aws_access_key_id"] == stored.access_key_id
    assert not [t for t in notes(app) if "expires in" in t], "no 'press r' nag while renewing"


async def test_a_tenant_that_needs_a_person_says_so_once_and_is_not_retried(world) -> None:
    now = utcnow().replace(microsecond=0)
    old = session("Admin", left=timedelta(seconds=90), now=now, profile="demo-prod")
    SessionStore().save([old], now=now)
    renewal = FakeSigner(saml_maker(world.key, world.roles), errors=[NeedsPerson("MFA needed.")])
    signin = FakeSigner(saml_maker(world.key, world.roles))
    clock = Clock(now)
    app = make_app(
        renewing(world.config),
        clock=clock,
        signer=signin,
        signed_in_before=lambda name: True,
        renewer=renewer_from(renewal),
    )
    async with app.run_test(size=(140, 40)) as pilot:
        screen = app.screen
        assert isinstance(screen, MainScreen)
        table = screen.sessions.table
        await until(pilot, lambda: old.key in table.sessions)
        await until(pilot, lambda: cell_text(table, old.key, "state") == SIGN_IN_NEEDED)
        for _ in range(3):  # later looks leave it alone: no loop, no window
            clock.advance(seconds=20)
            screen.sessions.renew_due(clock())
            await pilot.pause()
        assert renewal.calls == [True]
        assert signin.calls == [], "nothing opened a sign-in unasked"
        asked = [t for t in notes(app) if SIGN_IN_NEEDED in t]
        assert asked == ["demo-prod Admin@prod-main: sign-in needed."]
        assert (
            status_text(app)
            == "Renewal needs you: press r on demo-prod Admin@prod-main to sign in."
        )
        assert cell_text(table, old.key, "state") == SIGN_IN_NEEDED
        # The person presses r: a sign-in, the same role, and the row is itself again.
        screen.query_one("#sessions").focus()
        await pilot.press("r")
        await until(pilot, lambda: table.sessions[old.key].expiration > old.expiration)
        await pilot.pause()
        assert cell_text(table, old.key, "state") == "ok"
    assert len(signin.calls) == 1


async def test_a_failure_that_may_pass_is_told_once_and_retried_a_minute_later(world) -> None:
    now = utcnow().replace(microsecond=0)
    old = session("Admin", left=timedelta(minutes=5), now=now, profile="demo-prod")
    SessionStore().save([old], now=now)
    refused = StsError("STS did not answer.")
    signer = FakeSigner(saml_maker(world.key, world.roles), errors=[refused, refused])
    clock = Clock(now)
    app = make_app(renewing(world.config), clock=clock, renewer=renewer_from(signer))
    async with app.run_test(size=(140, 40)) as pilot:
        screen = app.screen
        assert isinstance(screen, MainScreen)
        table = screen.sessions.table
        await until(pilot, lambda: len(signer.calls) == 1)
        await until(pilot, lambda: not screen.sessions.renewals.renewing)
        screen.sessions.renew_due(clock())  # within the minute: not again
        clock.advance(seconds=61)
        screen.sessions.renew_due(clock())
        await until(pilot, lambda: len(signer.calls) == 2)
        await until(pilot, lambda: not screen.sessions.renewals.renewing)
        clock.advance(seconds=61)
        screen.sessions.renew_due(clock())
        await until(pilot, lambda: table.sessions[old.key].expiration > old.expiration)
        failed = [t for t in notes(app) if t.startswith("Could not renew")]
        assert failed == ["Could not renew demo-prod Admin@prod-main."]
    assert len(signer.calls) == 3


async def test_renew_before_zero_for_an_account_turns_its_renewal_off(world) -> None:
    now = utcnow().replace(microsecond=0)
    prod = session("Admin", left=timedelta(seconds=90), now=now, profile="demo-prod")
    SessionStore().save([prod], now=now)
    signer = FakeSigner(saml_maker(world.key, world.roles))
    config = renewing(world.config, renew_before=0)
    app = make_app(config, clock=Clock(now), renewer=renewer_from(signer))
    async with app.run_test(size=(140, 40)) as pilot:
        screen = app.screen
        assert isinstance(screen, MainScreen)
        table = screen.sessions.table
        await until(pilot, lambda: prod.key in table.sessions)
        for _ in range(3):
            screen.sessions.renew_due(now)
            await pilot.pause()
        assert cell_text(table, prod.key, "state") == "warning"
    assert signer.calls == []
    assert world.sts.calls == []
