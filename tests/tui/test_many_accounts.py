"""Several accounts in one go: Space marks accounts, one Enter signs in to all of them in one
browser (a counted many-signer in place of Chrome, the real local STS behind), accounts with a
default_role get their session without the roles screen, the others' roles screens queue."""

from __future__ import annotations

import dataclasses

from test_signin_flow import settle
from tui_testkit import FakeManySigner, FakeSigner, cell_text, make_app, saml_maker

from tui.core.config import Config
from tui.core.errors import EntraPageError
from tui.core.sessions import SessionStore
from tui.dialogs.error import ErrorDialog
from tui.screens.main import MainScreen
from tui.screens.roles import RolesScreen


def both_on_sts(config: Config, sts_url: str, **dev: object) -> Config:
    """demo-dev on the local STS too, with `dev` values set on it."""
    accounts = tuple(
        dataclasses.replace(a, sts_endpoint=sts_url, **dev) if a.name == "demo-dev" else a  # type: ignore[arg-type]
        for a in config.accounts
    )
    return dataclasses.replace(config, accounts=accounts)


async def test_two_marked_accounts_sign_in_in_one_browser(world) -> None:
    config = both_on_sts(world.config, world.sts.url, default_role=world.deploy[0])
    many = FakeManySigner(FakeSigner(saml_maker(world.key, world.roles)))
    app = make_app(config, many_signer=many)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = app.screen
        assert isinstance(screen, MainScreen)
        table = screen.accounts_table
        assert table is not None
        await pilot.press("space", "space")  # demo-prod, then (the cursor moved on) demo-dev
        assert table.marked == ["demo-prod", "demo-dev"]
        assert cell_text(table, "demo-prod", "name") == "✓ demo-prod"
        assert "2 accounts marked" in str(screen.status.render())
        await pilot.press("enter")
        await settle(app, pilot)
        # demo-dev has a default_role: its session is there; demo-prod's roles are to pick.
        assert isinstance(app.screen, RolesScreen) and app.screen.account.name == "demo-prod"
        assert [s.account for s in SessionStore().load()] == ["demo-dev"]
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
        assert table.marked == [] and cell_text(table, "demo-prod", "name") == "demo-prod"
    assert many.launches == [["demo-prod", "demo-dev"]], "one browser for both"
    assert sorted(s.account for s in SessionStore().load()) == ["demo-dev", "demo-prod"]
    assert sorted(c.role_arn for c in world.sts.calls) == sorted([world.admin[0], world.deploy[0]])


async def test_roles_screens_of_several_accounts_come_one_after_another(world) -> None:
    config = both_on_sts(world.config, world.sts.url)
    many = FakeManySigner(FakeSigner(saml_maker(world.key, world.roles)))
    app = make_app(config, many_signer=many)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("space", "space", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, RolesScreen) and app.screen.account.name == "demo-prod"
        assert sum(isinstance(s, RolesScreen) for s in app.screen_stack) == 1, (
            "in line, not stacked"
        )
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, RolesScreen) and app.screen.account.name == "demo-dev"
        await pilot.press("escape")  # the person drops this one
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
    assert len(many.launches) == 1
    assert [s.account for s in SessionStore().load()] == ["demo-prod"]


async def test_one_account_failing_spoils_none_of_the_others(world) -> None:
    config = both_on_sts(world.config, world.sts.url, default_role=world.deploy[0])
    page = EntraPageError("AADSTS50105: the user is not assigned to a role of the app.", "50105")
    many = FakeManySigner(FakeSigner(saml_maker(world.key, world.roles), errors=[page]))
    app = make_app(config, many_signer=many)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("space", "space", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, ErrorDialog)
        text = str(app.screen.message)
        assert "1 of 2 accounts did not sign in" in text and "demo-prod: AADSTS50105" in text
    assert [s.account for s in SessionStore().load()] == ["demo-dev"]
