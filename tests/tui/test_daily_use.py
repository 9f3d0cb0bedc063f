"""Daily use at 80x24 and at a wide size: what stays on screen, one time format, sized columns."""

from __future__ import annotations

from datetime import timedelta

import pytest
from tui_testkit import (
    DEV_ID,
    FIXED_NOW,
    PROD_ID,
    Clock,
    config,
    demo_accounts,
    make_app,
    screen_text,
    session,
)

from tui.core.sessions import SessionStore
from tui.providers import commands_for

LONG = "demo-prod-a-very-long-profile-name-admin"
SIZES = [(80, 24), (140, 45)]


def store_sessions() -> None:
    SessionStore().save(
        [
            session("Admin", left=timedelta(hours=3, minutes=59, seconds=39), profile=LONG),
            session("ReadOnly", left=timedelta(minutes=7, seconds=5), profile=LONG + "-ro"),
            session(
                "Deploy", account_name="demo-dev", account_id=DEV_ID, left=timedelta(minutes=-3)
            ),
        ],
        now=FIXED_NOW,
    )


async def loaded(app, pilot):
    await app.workers.wait_for_complete()
    await pilot.pause()
    app.clear_notifications()
    await pilot.pause()
    return app.screen


def row_of(lines: list[str], needle: str) -> str:
    return next(line for line in lines if needle in line)


@pytest.mark.parametrize("size", SIZES)
async def test_countdown_and_state_stay_on_screen_with_long_profiles(tmp_path, size) -> None:
    store_sessions()
    app = make_app(config(tmp_path, demo_accounts()), clock=Clock())
    async with app.run_test(size=size) as pilot:
        await loaded(app, pilot)
        lines = screen_text(app)
        header = row_of(lines, "Left")
        for label in ("Account", "Role", "Expires", "Left", "State"):
            assert label in header, (label, header)
        assert "3:59:39" in row_of(lines, "Admin")
        assert "0:07:05" in row_of(lines, "ReadOnly") and "warning" in row_of(lines, "ReadOnly")
        assert "expired" in row_of(lines, "Deploy")
        assert "2026-11-28 13:59 UTC" in row_of(lines, "Admin")
        if size[0] >= 140:
            assert "Profile" in header
            assert LONG in row_of(lines, "Admin") and "prod-main (111111111111)" in row_of(
                lines, LONG
            )
        else:
            assert "Profile" not in header  # dropped first, for the countdown
            assert "111111111111" in row_of(lines, "Admin")


@pytest.mark.parametrize("size", SIZES)
async def test_footer_keeps_help_and_quit(tmp_path, size) -> None:
    store_sessions()
    app = make_app(config(tmp_path, demo_accounts()), clock=Clock())
    async with app.run_test(size=size) as pilot:
        await loaded(app, pilot)
        footer = screen_text(app)[-1]
        assert "f1 Help" in footer and "q Quit" in footer, footer
        assert footer.rstrip().endswith("^p palette")


def footer_keys(app) -> dict[str, bool]:
    """The screen's shown keys and whether each is enabled, as the footer draws them."""
    return {
        binding.description: enabled
        for _, binding, enabled, _ in app.screen.active_bindings.values()
        if binding.show
    }


async def test_session_keys_leave_the_footer_when_there_is_no_session(tmp_path) -> None:
    app = make_app(config(tmp_path, demo_accounts()), clock=Clock())
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        keys = footer_keys(app)
        for name in ("Copy", "Export", "Write", "Refresh", "Console"):
            assert name not in keys
        footer = screen_text(app)[-1]
        assert "c Copy" not in footer and "f1 Help" in footer
        await pilot.press("c")
        await pilot.pause()
        assert "No session yet: sign in to an account with Enter first." in screen_text(app)[-2]
        assert app.clipboard == ""


async def test_keys_on_an_expired_session_are_off_and_say_why(tmp_path) -> None:
    SessionStore().save(
        [session("Deploy", account_name="demo-dev", account_id=DEV_ID, left=timedelta(minutes=-3))],
        now=FIXED_NOW,
    )
    app = make_app(config(tmp_path, demo_accounts()), clock=Clock())
    async with app.run_test(size=(140, 45)) as pilot:
        await loaded(app, pilot)
        keys = footer_keys(app)
        assert keys["Refresh"] is True
        assert [keys[n] for n in ("Copy", "Export", "Write", "Console")] == [False] * 4
        names = [c.name for c in commands_for(app.screen, app)]
        assert not any(n.startswith(("Copy exports", "Export ", "Open the AWS")) for n in names)
        await pilot.press("c")
        await pilot.pause()
        status = screen_text(app)[-2]
        assert "demo-dev Deploy@dev-sandbox ran out; press r to sign in again first." in status
        assert app.clipboard == ""


def roles_screen(app, tmp_path):
    from tui.core.signin import decode_for_account
    from tui.demo.saml_builder import build_saml_response
    from tui.demo.signing import load_signing_key
    from tui.screens.roles import RolesScreen

    provider = f"arn:aws:iam::{PROD_ID}:saml-provider/EntraID"
    saml = build_saml_response(
        load_signing_key(tmp_path / "key"),
        roles=[(f"arn:aws:iam::{PROD_ID}:role/Admin", provider)],
        issue_instant=FIXED_NOW - timedelta(seconds=60),
    )
    account = app.ctx.config.account("demo-prod")
    return RolesScreen(app.ctx, account, decode_for_account(saml, account))


async def test_assume_marked_with_nothing_marked_is_off_and_says_why(tmp_path) -> None:
    app = make_app(config(tmp_path, demo_accounts()), clock=Clock())
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        await app.push_screen(roles_screen(app, tmp_path))
        await pilot.pause()
        assert footer_keys(app)["Assume marked"] is False
        await pilot.press("A")
        await pilot.pause()
        assert "No role is marked: Space marks roles" in screen_text(app)[-2]
        assert app.screen.is_current  # still on the roles screen, nothing assumed
        await pilot.press("space")
        await pilot.pause()
        assert footer_keys(app)["Assume marked"] is True


@pytest.mark.parametrize("width", [80, 100, 119, 120, 140])
async def test_the_roles_footer_keeps_back_filter_and_details_at_any_width(tmp_path, width) -> None:
    app = make_app(config(tmp_path, demo_accounts()), clock=Clock())
    async with app.run_test(size=(width, 24)) as pilot:
        await loaded(app, pilot)
        await app.push_screen(roles_screen(app, tmp_path))
        await pilot.pause()
        footer = screen_text(app)[-1]
        for shown in ("d Duration", "i Details", "/ Filter", "esc Back", "f1 Help", "q Quit"):
            assert shown in footer, (width, footer)
        hint = screen_text(app)[-2]
        if "Assume marked" not in footer:  # narrow: the line above the footer says those keys
            assert "Enter assumes" in hint and "Space marks" in hint, hint
        await pilot.press("space")  # and they still work
        await pilot.pause()
        assert len(app.screen.table.marked) == 1


@pytest.mark.parametrize("size", SIZES)
async def test_help_keeps_a_gap_after_the_longest_keys(tmp_path, size) -> None:
    app = make_app(config(tmp_path, demo_accounts()), clock=Clock())
    async with app.run_test(size=size) as pilot:
        await loaded(app, pilot)
        await pilot.press("f1")
        await pilot.pause()
        text = " ".join(str(s.render()) for s in app.screen.query(".keys"))
        assert "tab / shift+tab  Move focus" in text


@pytest.mark.parametrize("size", SIZES)
async def test_toasts_are_one_line_and_leave_the_status_line_visible(tmp_path, size) -> None:
    from textual.widgets._toast import Toast

    SessionStore().save([session("Admin", left=timedelta(minutes=10, seconds=30))], now=FIXED_NOW)
    clock = Clock()
    app = make_app(config(tmp_path, demo_accounts()), clock=clock)
    async with app.run_test(size=size, notifications=True) as pilot:
        screen = await loaded(app, pilot)
        clock.advance(seconds=31)
        screen.sessions.tick()
        await pilot.pause(0.3)
        [toast] = app.screen.query(Toast)
        status = screen.query_one("#status").region
        assert toast.region.height <= 2, toast.region  # the title and one line
        assert toast.region.bottom < status.y, (toast.region, status)  # the border shows too
        assert toast.region.right < size[0] - 1
        assert "demo-prod Admin@prod-main: 9:59 left" in "".join(screen_text(app))


@pytest.mark.parametrize("size", SIZES)
async def test_slash_filters_the_focused_list(tmp_path, size) -> None:
    store_sessions()
    app = make_app(config(tmp_path, demo_accounts()), clock=Clock())
    async with app.run_test(size=size) as pilot:
        screen = await loaded(app, pilot)
        table = screen.sessions.table
        table.focus()
        await pilot.press("slash", *"readonly")
        await pilot.pause()
        assert table.row_count == 1 and table.highlighted_session.role_name == "ReadOnly"
        assert screen.accounts_table.row_count == 2, "the accounts are left alone"
        assert "Sessions (1 of 3)" in "".join(screen_text(app))
        screen.sessions.tick()  # the countdown goes on with rows filtered out
        await pilot.press("enter")
        await pilot.pause()
        assert table.has_focus
        await pilot.press("escape")
        await pilot.pause()
        assert table.row_count == 3 and not screen.query_one("#sessions-filter").display
        screen.accounts_table.focus()
        await pilot.press("slash", *"eu-west")
        await pilot.pause()
        assert screen.accounts_table.row_count == 1 and table.row_count == 3


async def test_slash_filters_the_roles_and_escape_clears_it_first(tmp_path) -> None:
    from tui.core.signin import decode_for_account
    from tui.demo.saml_builder import build_saml_response
    from tui.demo.signing import load_signing_key
    from tui.screens.roles import RolesScreen

    provider = f"arn:aws:iam::{PROD_ID}:saml-provider/EntraID"
    dev = (f"arn:aws:iam::{DEV_ID}:role/Deploy", f"arn:aws:iam::{DEV_ID}:saml-provider/EntraID")
    saml = build_saml_response(
        load_signing_key(tmp_path / "key"),
        roles=[(f"arn:aws:iam::{PROD_ID}:role/Admin", provider), dev],
        issue_instant=FIXED_NOW - timedelta(seconds=60),
    )
    app = make_app(config(tmp_path, demo_accounts()), clock=Clock())
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        account = app.ctx.config.account("demo-prod")
        picked = []
        await app.push_screen(
            RolesScreen(app.ctx, account, decode_for_account(saml, account)), picked.append
        )
        await pilot.pause()
        roles = app.screen
        await pilot.press("slash", *"dev-sandbox", "enter")
        await pilot.pause()
        assert roles.table.row_count == 1 and roles.table.highlighted_role.name == "Deploy"
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is roles and roles.table.row_count == 2  # cleared, still here
        await pilot.press("slash", *"deploy", "enter", "enter")
        await pilot.pause()
        assert [r.name for r in picked[0].roles] == ["Deploy"]


@pytest.mark.parametrize("size", SIZES)
async def test_i_shows_what_decode_shows_on_the_roles_screen(tmp_path, size) -> None:
    from tui.core.assertion_facts import facts

    app = make_app(config(tmp_path, demo_accounts()), clock=Clock())
    async with app.run_test(size=size) as pilot:
        await loaded(app, pilot)
        screen = roles_screen(app, tmp_path)
        await app.push_screen(screen)
        await pilot.pause()
        assert "Issuer" not in "\n".join(screen_text(app))
        await pilot.press("i")
        await pilot.pause()
        text = "\n".join(screen_text(app))
        issuer = dict(facts(screen.assertion))["Issuer"]
        assert issuer != "-" and f"Issuer        {issuer[:40]}" in text  # one line each
        assert "Session name  alice@contoso.com" in text
        assert "Attributes (" in text and "displayname" in text.lower()
        assert screen.table.row_count == 1, "the roles stay on screen"
        assert "Admin" in text
        await pilot.press("i")
        await pilot.pause()
        assert "Issuer" not in "\n".join(screen_text(app))
