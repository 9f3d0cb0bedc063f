"""The sessions table: a live countdown from an injected clock, states as component styles,
notifications once per session, and sessions written by someone else showing up."""

from __future__ import annotations

from datetime import timedelta

from textual.color import Color
from tui_testkit import FIXED_NOW, Clock, cell_text, config, demo_accounts, make_app, session
from tui_testkit import notes_with_severity as notes

from tui.core.sessions import SessionStore
from tui.screens.main import MainScreen
from tui.widgets.sessions_table import SessionsTable


async def loaded(app, pilot) -> MainScreen:
    await app.workers.wait_for_complete()
    await pilot.pause()
    return app.screen


async def test_countdown_turns_warning_then_expired_with_one_notification_each(tmp_path) -> None:
    admin = session("Admin", left=timedelta(minutes=10, seconds=30))
    SessionStore().save([admin], now=FIXED_NOW)
    clock = Clock()
    app = make_app(config(tmp_path, demo_accounts()), clock=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await loaded(app, pilot)
        table = screen.sessions.table
        assert cell_text(table, admin.key, "left") == "0:10:30"
        assert cell_text(table, admin.key, "state") == "ok"
        assert cell_text(table, admin.key, "aws") == "prod-main (111111111111)"
        assert cell_text(table, admin.key, "expires") == "2026-11-28 10:10 UTC"
        clock.advance(seconds=31)
        screen.sessions.tick()
        screen.sessions.tick()  # a second tick in the same state must not notify again
        await pilot.pause()
        assert cell_text(table, admin.key, "left") == "0:09:59"
        assert cell_text(table, admin.key, "state") == "warning"
        warning = table.get_component_rich_style("sessions-table--warning")
        assert warning.color.triplet == Color.parse(app.theme_variables["warning"]).rgb
        for column in ("left", "state"):
            style = table.get_cell(admin.key, column).style
            assert (style.color, style.bold, style.bgcolor) == (warning.color, True, None)
        expiring = [m for m, s in notes(app) if s == "warning"]
        assert expiring == ["demo-prod Admin@prod-main: 9:59 left"]
        clock.advance(minutes=10)
        screen.sessions.tick()
        screen.sessions.tick()
        await pilot.pause()
        assert cell_text(table, admin.key, "left") == "—"
        assert cell_text(table, admin.key, "state") == "expired"
        expired = table.get_component_rich_style("sessions-table--expired")
        assert expired.color.triplet == Color.parse(app.theme_variables["error"]).rgb
        assert table.get_cell(admin.key, "state").style.color == expired.color
        muted = table.get_component_rich_style("sessions-table--muted")
        assert table.get_cell(admin.key, "role").style.color == muted.color
        errors = [m for m, s in notes(app) if s == "error"]
        assert errors == ["demo-prod Admin@prod-main has expired; press r to sign in again."]


async def test_the_tick_updates_cells_without_rebuilding_rows(tmp_path) -> None:
    SessionStore().save([session("Admin"), session("ReadOnly")], now=FIXED_NOW)
    clock = Clock()
    app = make_app(config(tmp_path, demo_accounts()), clock=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await loaded(app, pilot)
        table = screen.sessions.table
        rows_before = dict(table.rows)
        table.move_cursor(row=1)
        clock.advance(seconds=5)
        screen.sessions.tick()
        await pilot.pause()
        assert table.rows == rows_before
        assert table.cursor_row == 1
        assert cell_text(table, session("ReadOnly").key, "left") == "0:59:55"


async def test_sessions_written_by_the_cli_appear_without_a_restart(tmp_path) -> None:
    clock = Clock()
    app = make_app(config(tmp_path, demo_accounts()), clock=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await loaded(app, pilot)
        assert screen.sessions.table.row_count == 0
        assert screen.query_one("#no-sessions").display
        SessionStore().save([session("Deploy", account_name="demo-dev")], now=FIXED_NOW)
        screen.sessions.tick()
        screen = await loaded(app, pilot)
        assert screen.sessions.table.row_count == 1
        assert not screen.query_one("#no-sessions").display
        accounts = screen.accounts_table
        assert cell_text(accounts, "demo-dev", "live") == "1"
        assert cell_text(accounts, "demo-dev", "last") == "09:55"
        assert cell_text(accounts, "demo-prod", "last") == "never"


async def test_session_keys_are_disabled_without_a_live_session(tmp_path) -> None:
    clock = Clock()
    app = make_app(config(tmp_path, demo_accounts()), clock=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await loaded(app, pilot)
        for action in (
            "copy_exports",
            "export",
            "write_profile",
            "open_console",
            "refresh_session",
        ):
            assert screen.check_action("session", (action,)) is False  # hidden: no session at all
        await pilot.press("c")
        await pilot.pause()
        assert app.clipboard == ""
    SessionStore().save([session("Admin", left=timedelta(seconds=-5))], now=FIXED_NOW)
    app = make_app(config(tmp_path, demo_accounts()), clock=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await loaded(app, pilot)
        assert (
            screen.check_action("session", ("copy_exports",)) is None
        )  # expired: nothing to export
        assert screen.check_action("session", ("refresh_session",)) is True  # but it can be renewed
        assert not [m for m, s in notes(app) if s == "error"]  # already expired at start: quiet


def test_sessions_table_declares_its_state_styles() -> None:
    assert {"sessions-table--warning", "sessions-table--expired"} <= SessionsTable.COMPONENT_CLASSES
    assert "$warning" in SessionsTable.DEFAULT_CSS and "$error" in SessionsTable.DEFAULT_CSS


async def test_state_colours_follow_a_theme_change(tmp_path) -> None:
    readonly = session("ReadOnly", left=timedelta(minutes=5))
    SessionStore().save([readonly], now=FIXED_NOW)
    app = make_app(config(tmp_path, demo_accounts()), clock=Clock())
    async with app.run_test(size=(120, 40)) as pilot:
        table = (await loaded(app, pilot)).sessions.table
        dark = table.get_cell(readonly.key, "state").style.color
        app.theme = "entra-light"
        await pilot.pause()
        await pilot.pause()
        light = table.get_cell(readonly.key, "state").style.color
        assert light != dark
        assert light.triplet == Color.parse(app.theme_variables["warning"]).rgb
