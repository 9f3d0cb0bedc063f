"""Daily use at 80x24 and at a wide size: what stays on screen, one time format, sized columns."""

from __future__ import annotations

from datetime import timedelta

import pytest
from tui_testkit import (
    DEV_ID,
    FIXED_NOW,
    Clock,
    config,
    demo_accounts,
    make_app,
    screen_text,
    session,
)

from tui.core.sessions import SessionStore

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
