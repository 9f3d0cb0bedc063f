"""`p` on the roles screen: a `~/.aws/config` profile per role of this sign-in, in a worker."""

from __future__ import annotations

import configparser
from pathlib import Path

from tui_testkit import FakeSigner, make_app, saml_maker
from tui_testkit import notes_with_severity as notes

from tui.core.signins import SignIns
from tui.screens.roles import RolesScreen

NAMES = [  # demo-prod's app carries roles of two AWS accounts: their aliases are in the names
    "profile demo-prod-dev-sandbox-Deploy",
    "profile demo-prod-prod-main-Admin",
    "profile demo-prod-prod-main-ReadOnly",
]


async def open_roles(app, pilot) -> RolesScreen:
    await pilot.press("enter")
    for _ in range(20):
        await app.workers.wait_for_complete()
        await pilot.pause(0.01)
        if isinstance(app.screen, RolesScreen):
            break
    assert isinstance(app.screen, RolesScreen)
    return app.screen


async def press_p(app, pilot) -> str:
    await pilot.press("p")
    await app.workers.wait_for_complete()
    await pilot.pause()
    return str(app.screen.query_one("#status").render())


def user_aws_config(text: str) -> Path:
    """`~/.aws/config` as the person left it before the app wrote anything."""
    path = Path.home() / ".aws" / "config"
    path.parent.mkdir(parents=True)
    path.write_text(text)
    return path


async def test_p_writes_config_profiles_for_every_role_and_again_changes_nothing(world) -> None:
    config_file = user_aws_config("# mine\n[default]\nregion = eu-west-1\n")
    app = make_app(world.config, signer=FakeSigner(saml_maker(world.key, world.roles)))
    async with app.run_test(size=(120, 40)) as pilot:
        roles = await open_roles(app, pilot)

        status = await press_p(app, pilot)

        assert isinstance(app.screen, RolesScreen) and app.screen is roles, "stays on the roles"
        assert status == f"{config_file}: wrote 3 profiles."
        assert notes(app)[-1] == (status, "information")
        text = config_file.read_text()
        assert text.startswith("# mine\n[default]\nregion = eu-west-1\n\n")
        parser = configparser.RawConfigParser()
        parser.read_string(text)
        assert sorted(parser.sections()) == ["default", *NAMES]
        command = parser.get(NAMES[1], "credential_process")
        assert (
            " credential-process demo-prod --role arn:aws:iam::111111111111:role/Admin" in command
        )
        assert SignIns().accounts() == ["demo-prod"], "the CLI's `profiles` knows these roles now"

        before = config_file.read_bytes()
        assert await press_p(app, pilot) == f"{config_file} is up to date (3 profiles)."
        assert config_file.read_bytes() == before


async def test_p_on_a_corrupt_config_says_so_and_changes_nothing(world) -> None:
    config_file = user_aws_config("[default]\nnot a key\n")
    app = make_app(world.config, signer=FakeSigner(saml_maker(world.key, world.roles)))
    async with app.run_test(size=(120, 40)) as pilot:
        await open_roles(app, pilot)
        status = await press_p(app, pilot)
        assert status.startswith(f"{config_file} line 2 is not a [section]")
        assert notes(app)[-1] == (status, "error")
        assert config_file.read_text() == "[default]\nnot a key\n"
