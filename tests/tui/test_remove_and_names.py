"""Removing a session (x, asked first) and sessions whose role name is the same in two AWS
accounts: every toast and palette entry names the AWS account; the picker mode of the app."""

from __future__ import annotations

from tui_testkit import (
    DEV_ID,
    FIXED_NOW,
    Clock,
    FakeSigner,
    config,
    demo_accounts,
    make_app,
    notes,
    saml_maker,
    session,
    settle,
    status_text,
)

from tui.core.credentials_file import read_profile, write_profiles
from tui.core.sessions import SessionStore
from tui.dialogs.confirm import ConfirmDialog
from tui.providers import commands_for
from tui.screens.main import MainScreen
from tui.screens.roles import RolesScreen


async def test_x_asks_first_then_removes_the_session_and_its_profile(tmp_path) -> None:
    admin, readonly = session("Admin"), session("ReadOnly")
    SessionStore().save([admin, readonly], now=FIXED_NOW)
    cfg = config(tmp_path, demo_accounts())
    path = cfg.settings.credentials_file
    write_profiles(path, {admin.profile: admin, readonly.profile: readonly})
    app = make_app(cfg, clock=Clock())
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert app.screen.sessions.highlighted == admin
        await pilot.press("x")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert "Remove demo-prod Admin@prod-main?" in app.screen.title_text
        await pilot.press("n")  # kept: nothing changes
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
        assert len(SessionStore().load()) == 2 and read_profile(path, admin.profile)

        await pilot.press("x")
        await settle(app, pilot)
        await pilot.press("y")
        await settle(app, pilot)
        assert SessionStore().load() == [readonly]
        assert read_profile(path, admin.profile) == {}
        assert read_profile(path, readonly.profile)["aws_access_key_id"] == readonly.access_key_id
        assert "Removed demo-prod Admin@prod-main" in notes(app)
        assert status_text(app) == f"profile {admin.profile} removed from {path}"
        assert list(app.screen.sessions.table.sessions.values()) == [readonly]


async def test_the_same_role_name_in_two_aws_accounts_is_told_apart(world) -> None:
    dev_readonly = (world.sts.add_role(DEV_ID, "ReadOnly"), world.deploy[1])
    roles = [world.admin, world.readonly, dev_readonly]
    app = make_app(world.config, signer=FakeSigner(saml_maker(world.key, roles)))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, RolesScreen)
        await pilot.press("down", "space", "down", "space", "A")  # both ReadOnly roles
        await settle(app, pilot)
        toast = [n for n in notes(app) if n.startswith("Assumed")]
        assert toast == ["Assumed 2 roles."]  # one short line; the names are in the status line
        assert status_text(app) == (
            "Profiles demo-prod-prod-main-ReadOnly, demo-prod-dev-sandbox-ReadOnly written"
        )
        names = [c.name for c in commands_for(app.screen, app)]
        copies = [n for n in names if n.startswith("Copy exports for")]
        assert copies == [
            "Copy exports for demo-prod ReadOnly@prod-main",
            "Copy exports for demo-prod ReadOnly@dev-sandbox",
        ]
        assert len(set(names)) == len(names)  # no two palette entries alike


async def test_the_picker_opens_on_the_sessions_enter_picks_and_esc_leaves(tmp_path) -> None:
    admin, readonly = session("Admin"), session("ReadOnly")
    SessionStore().save([admin, readonly], now=FIXED_NOW)
    app = make_app(config(tmp_path, demo_accounts()), clock=Clock(), picker=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert app.screen.sessions.table.has_focus
        await pilot.press("down", "enter")
        await settle(app, pilot)
    assert app.return_code == 0 and app.ctx.picked == readonly

    app = make_app(config(tmp_path, demo_accounts()), clock=Clock(), picker=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("escape")
        await settle(app, pilot)
    assert app.return_code == 1 and app.ctx.picked is None


async def test_the_picker_without_live_sessions_opens_on_the_accounts(tmp_path) -> None:
    app = make_app(config(tmp_path, demo_accounts()), clock=Clock(), picker=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert app.screen.accounts_table.has_focus


async def test_the_picker_signs_in_on_the_way_and_picks_the_new_session(world) -> None:
    signer = FakeSigner(saml_maker(world.key, world.roles))
    app = make_app(world.config, signer=signer, picker=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert app.screen.accounts_table.has_focus  # no sessions yet
        await pilot.press("enter")  # sign in to demo-prod
        await settle(app, pilot)
        assert isinstance(app.screen, RolesScreen)
        await pilot.press("down", "enter")  # assume ReadOnly
        await settle(app, pilot)
        assert app.screen.sessions.table.has_focus
        await pilot.press("enter")
        await settle(app, pilot)
    assert app.return_code == 0
    assert app.ctx.picked is not None and app.ctx.picked.role_arn == world.readonly[0]
