"""Keys: the config keymap, check_action, the help generated from bindings, the palette, filter."""

from __future__ import annotations

from datetime import timedelta

from textual.binding import Binding
from tui_testkit import FIXED_NOW, Clock, config, demo_accounts, make_app, session

from tui.app import EntraAwsApp
from tui.core.exports import shell_export
from tui.core.sessions import SessionStore
from tui.providers import commands_for
from tui.screens.help import HelpScreen, binding_ids, binding_sections


async def ready(app, pilot) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


def test_every_binding_has_a_description_a_tooltip_and_a_unique_id() -> None:
    seen: list[str] = []
    for _, bindings in binding_sections(EntraAwsApp):
        for item in bindings:
            assert isinstance(item, Binding)
            assert item.description and item.tooltip and item.id, item
            seen.append(item.id)
    assert len(seen) == len(set(seen))
    assert {"sign-in", "copy-exports", "export", "write-profile", "refresh-session"} <= set(seen)
    assert {"open-console", "filter", "assume", "mark", "assume-marked", "help", "quit"} <= set(
        seen
    )


async def test_keymap_from_config_rebinds_a_key(tmp_path) -> None:
    SessionStore().save([session("Admin")], now=FIXED_NOW)
    cfg = config(tmp_path, demo_accounts(), shell_name="bash", keymap={"copy-exports": "y"})
    app = make_app(cfg, clock=Clock())
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        await pilot.press("c")
        await ready(app, pilot)
        assert app.clipboard == ""
        await pilot.press("y")
        await ready(app, pilot)
        assert app.clipboard == shell_export(session("Admin"), "bash")
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = " ".join(str(s.render()) for s in app.screen.query(".keys"))
        assert "y" in text.split() and "copy-exports" in text
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)


async def test_an_unknown_keymap_id_is_a_warning_not_a_crash(tmp_path) -> None:
    app = make_app(config(tmp_path, demo_accounts(), keymap={"launch-rockets": "x"}))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.pause()
        warnings = [n.message for n in app._notifications if n.severity == "warning"]
        assert warnings == ["[keymap] names no binding launch-rockets; F1 lists the ids."]
    assert "launch-rockets" not in binding_ids(EntraAwsApp)


async def test_slash_filters_the_accounts_and_escape_clears_it(tmp_path) -> None:
    app = make_app(config(tmp_path, demo_accounts()))
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        screen = app.screen
        assert screen.check_action("cancel", ()) is False
        await pilot.press("slash", *"eu-west")
        await pilot.pause()
        assert screen.accounts_table.row_count == 1
        assert screen.accounts_table.highlighted_account.name == "demo-dev"
        await pilot.press("escape")
        await pilot.pause()
        assert screen.accounts_table.row_count == 2
        assert not screen.query_one("#filter").display
        await pilot.press("slash", *"222222222222", "enter")
        await pilot.pause()
        assert screen.accounts_table.row_count == 2  # both alias that AWS account
        assert screen.accounts_table.has_focus


async def test_the_palette_names_its_commands_after_what_they_act_on(tmp_path) -> None:
    SessionStore().save(
        [session("Admin"), session("Old", left=timedelta(seconds=-10))], now=FIXED_NOW
    )
    app = make_app(config(tmp_path, demo_accounts()), clock=Clock())
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        names = [c.name for c in commands_for(app.screen, app)]
        assert "Sign in to demo-prod" in names and "Sign in to demo-dev" in names
        assert "Copy exports for demo-prod Admin@prod-main" in names
        assert "Open the AWS console for demo-prod Admin@prod-main" in names
        assert "Copy exports for demo-prod Old@prod-main" not in names  # expired
        assert "Refresh demo-prod Old@prod-main" in names
        assert "Help: keys and usage" in names
        assert all(c.help for c in commands_for(app.screen, app))
        [copy] = [
            c
            for c in commands_for(app.screen, app)
            if c.name == "Copy exports for demo-prod Admin@prod-main"
        ]
        copy.run()
        await ready(app, pilot)
        assert "AWS_SECRET_ACCESS_KEY" in app.clipboard


async def test_empty_config_explains_where_the_config_goes(tmp_path) -> None:
    cfg = config(tmp_path, [])
    app = make_app(cfg)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        text = str(app.screen.query_one("#empty").render())
        assert "config.example.toml" in text and str(cfg.path) in text and "entra-aws demo" in text
        assert app.screen.check_action("sign_in", ()) is None
        await pilot.press("enter")
        await pilot.pause()
        assert not app.screen.signin.busy


async def test_q_quits_with_status_0(tmp_path) -> None:
    app = make_app(config(tmp_path, demo_accounts()))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0


async def test_the_sign_in_key_can_move_off_enter(tmp_path) -> None:
    from tui.core.errors import SignInCancelled

    calls: list[str] = []

    def signer(request):
        calls.append(request.account.name)
        raise SignInCancelled("The sign-in was cancelled.")

    cfg = config(tmp_path, demo_accounts(), keymap={"sign-in": "ctrl+s"})
    app = make_app(cfg, signer=signer)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("enter")
        await ready(app, pilot)
        assert calls == []
        await pilot.press("ctrl+s")
        await ready(app, pilot)
        assert calls == ["demo-prod"]
