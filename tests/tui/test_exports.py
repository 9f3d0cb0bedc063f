"""Exports from the sessions table: c (clipboard), e (dialog, every format), w (file), o (console)."""

from __future__ import annotations

import pyperclip
import pytest
from textual.widgets import OptionList, TextArea
from tui_testkit import (
    FIXED_NOW,
    Clock,
    config,
    demo_accounts,
    make_app,
    notes,
    session,
    status_text,
)

from tui.core.credentials_file import read_profile
from tui.core.exports import credential_process_config, profile_export, shell_export
from tui.core.sessions import Session, SessionStore
from tui.core.signin import assume_and_keep, decode_for_account
from tui.demo.saml_builder import build_saml_response
from tui.dialogs.export import FORMATS, ExportDialog


async def ready(app, pilot) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


@pytest.fixture
def stored(tmp_path) -> Session:
    admin = session("Admin")
    SessionStore().save([admin], now=FIXED_NOW)
    return admin


async def test_c_copies_the_shell_exports_to_the_terminal_clipboard(tmp_path, stored) -> None:
    app = make_app(config(tmp_path, demo_accounts(), shell_name="bash"), clock=Clock())
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        await pilot.press("c")
        await ready(app, pilot)
        assert app.clipboard == shell_export(stored, "bash")
        assert "Copied bash exports (terminal clipboard only)" in notes(app)
        assert not any(
            stored.secret_access_key in n or stored.session_token in n for n in notes(app)
        )


async def test_c_says_when_the_system_clipboard_got_it_too(tmp_path, stored, monkeypatch) -> None:
    copied: list[str] = []
    monkeypatch.setattr(pyperclip, "copy", copied.append)
    app = make_app(config(tmp_path, demo_accounts(), shell_name="fish"), clock=Clock())
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        await pilot.press("c")
        await ready(app, pilot)
        assert copied == [shell_export(stored, "fish")]
        assert "Copied fish exports (terminal clipboard + system clipboard)" in notes(app)


async def test_e_shows_every_format_and_copies_the_one_shown(tmp_path, stored) -> None:
    app = make_app(config(tmp_path, demo_accounts(), shell_name="zsh"), clock=Clock())
    expected = {
        "bash": shell_export(stored, "bash"),
        "fish": shell_export(stored, "fish"),
        "powershell": shell_export(stored, "powershell"),
        "cmd": shell_export(stored, "cmd"),
        "dotenv": shell_export(stored, "dotenv"),
        "profile": profile_export(stored.profile, "zsh"),
        "credential_process": credential_process_config(stored),
    }
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        await pilot.press("e")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ExportDialog)
        assert dialog.text == expected["bash"]  # zsh uses the bash format
        options = dialog.query_one("#formats", OptionList)
        for index, (fmt, _label) in enumerate(FORMATS):
            options.highlighted = index
            await pilot.pause()
            assert dialog.query_one("#text", TextArea).text == expected[fmt], fmt
        await pilot.press("c")
        await ready(app, pilot)
        assert app.clipboard == expected["credential_process"]
        assert any(
            n.startswith("Copied credential_process config for demo-prod Admin") for n in notes(app)
        )
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, ExportDialog)


async def test_w_writes_the_session_to_its_profile(tmp_path, stored) -> None:
    cfg = config(tmp_path, demo_accounts())
    app = make_app(cfg, clock=Clock())
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        await pilot.press("w")
        await ready(app, pilot)
        profile = read_profile(cfg.settings.credentials_file, stored.profile)
        assert profile["aws_access_key_id"] == stored.access_key_id
        assert f"Wrote profile {stored.profile}." in notes(app)
        path = cfg.settings.credentials_file
        assert status_text(app) == f"Profile {stored.profile} written to {path}"


def _real_session(world) -> Session:
    """A session the local STS issued, so its federation stand-in accepts it."""
    account = world.config.account("demo-prod")
    assertion = decode_for_account(build_saml_response(world.key, roles=[world.admin]), account)
    kept = assume_and_keep(world.config, account, assertion, list(assertion.roles), write=False)
    return kept.sessions[0]


async def test_o_copies_the_console_url_when_there_is_no_browser(world) -> None:
    issued = _real_session(world)
    app = make_app(world.config)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        await pilot.press("o")
        await ready(app, pilot)
        assert app.clipboard.startswith(world.sts.federation_url + "?Action=login")
        assert "SigninToken=" in app.clipboard
        assert any(
            n.startswith("Copied the console sign-in URL for demo-prod Admin@prod-main")
            for n in notes(app)
        )
        assert not any("SigninToken" in n or world.sts.url in n for n in notes(app))
        assert issued.role_name == "Admin"


async def test_o_opens_the_browser_when_there_is_a_display(world, monkeypatch) -> None:
    _real_session(world)
    opened: list[str] = []
    app = make_app(world.config, display=True)
    monkeypatch.setattr(app, "open_url", lambda url, new_tab=True: opened.append(url))
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        await pilot.press("o")
        await ready(app, pilot)
        assert len(opened) == 1 and opened[0].startswith(world.sts.federation_url)
        assert app.clipboard == ""
        assert "Opened the console for demo-prod Admin@prod-main." in notes(app)
