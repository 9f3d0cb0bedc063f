"""Sign-in → roles inspector → assume, with a signer seam instead of Chrome and a real local STS."""

from __future__ import annotations

import threading
from datetime import timedelta

from tui_testkit import (
    FIXED_NOW,
    Clock,
    FakeSigner,
    make_app,
    notes,
    saml_maker,
    settle,
    status_text,
)

from tui.core.credentials_file import read_profile
from tui.core.errors import EntraPageError, NeedsPerson
from tui.core.sessions import SessionStore
from tui.dialogs.error import ErrorDialog
from tui.screens.main import MainScreen
from tui.screens.roles import RolesScreen


async def test_enter_signs_in_and_enter_assumes_the_highlighted_role(world) -> None:
    signer = FakeSigner(saml_maker(world.key, world.roles, session_duration=7200))
    app = make_app(world.config, signer=signer)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("enter")
        await settle(app, pilot)
        roles = app.screen
        assert isinstance(roles, RolesScreen)
        assert roles.table.highlighted_role.name == "Admin"  # grouped: 1111… first, then by name
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
        sessions = SessionStore().load()
        assert [s.role_name for s in sessions] == ["Admin"]
        name = "demo-prod-prod-main-Admin"  # the app carries roles of two AWS accounts
        assert sessions[0].profile == name
        assert read_profile(world.config.settings.credentials_file, name)["region"] == "us-east-1"
        assert "Assumed Admin@prod-main." in notes(app)
        assert status_text(app) == f"Profile {name} written"
        assert signer.calls == [False]  # never signed in before: visible first
        assert "demo-prod|" + world.admin[0] in app.screen.sessions.table.sessions


async def test_space_marks_and_shift_a_assumes_all_marked_from_one_sign_in(world) -> None:
    signer = FakeSigner(saml_maker(world.key, world.roles))
    app = make_app(world.config, signer=signer)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, RolesScreen)
        assert app.screen.check_action("assume_marked", ()) is None  # nothing marked yet
        await pilot.press("space", "down", "space", "A")
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
        assert len(world.sts.calls) == 2
        assert sorted(s.profile for s in SessionStore().load()) == [
            "demo-prod-prod-main-Admin",
            "demo-prod-prod-main-ReadOnly",
        ]
        path = world.config.settings.credentials_file
        assert read_profile(path, "demo-prod-prod-main-Admin")["aws_access_key_id"]
        assert read_profile(path, "demo-prod-prod-main-ReadOnly")["aws_access_key_id"]
        assert "Assumed 2 roles." in notes(app)  # one short line; the names are below
        assert status_text(app) == (
            "Profiles demo-prod-prod-main-Admin, demo-prod-prod-main-ReadOnly written"
        )


async def test_duration_picker_defaults_to_the_smaller_of_config_and_session_duration(
    world,
) -> None:
    signer = FakeSigner(saml_maker(world.key, world.roles, session_duration=1800))
    app = make_app(world.config, signer=signer)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen.duration == 1800


async def test_headless_first_then_visible_when_entra_needs_a_person(world) -> None:
    signer = FakeSigner(saml_maker(world.key, world.roles), errors=[NeedsPerson("MFA is needed.")])
    app = make_app(world.config, signer=signer, display=True, signed_in_before=lambda name: True)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("enter")
        await settle(app, pilot)
        assert signer.calls == [True, False]
        assert isinstance(app.screen, RolesScreen)


async def test_needs_person_without_a_display_shows_the_error(world) -> None:
    signer = FakeSigner(
        saml_maker(world.key, world.roles),
        errors=[NeedsPerson("Entra asks for MFA; run with a display.")],
    )
    app = make_app(world.config, signer=signer, display=False, signed_in_before=lambda name: True)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("enter")
        await settle(app, pilot)
        assert signer.calls == [True]
        assert isinstance(app.screen, ErrorDialog)
        assert "Entra asks for MFA" in app.screen.text


async def test_demo_mode_always_uses_the_headless_it_was_given(world) -> None:
    signer = FakeSigner(saml_maker(world.key, world.roles))
    app = make_app(world.config, signer=signer, demo=True, headless=True, display=True)
    async with app.run_test(size=(120, 40)) as pilot:
        assert app.sub_title == "DEMO"
        await pilot.press("enter")
        await settle(app, pilot)
        assert signer.calls == [True]


async def test_escape_cancels_a_sign_in_quietly(world) -> None:
    signer = FakeSigner(saml_maker(world.key, world.roles), wait_for_cancel=True)
    clock = Clock()
    app = make_app(world.config, signer=signer, clock=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        assert signer.started.wait(5)
        await pilot.pause(0.1)
        screen = app.screen
        assert screen.signin.busy
        assert screen.check_action("sign_in", ()) is None  # one sign-in at a time
        clock.advance(seconds=48)
        screen.sessions.tick()
        await pilot.pause()
        assert str(screen.status.content) == (
            "Signing in to demo-prod: Waiting for you in Chrome — 4:12 left · Esc cancels"
        )
        await pilot.press("escape")
        await settle(app, pilot)
        assert not screen.signin.busy
        assert "Sign-in cancelled" in notes(app)
        assert isinstance(app.screen, MainScreen)


async def test_entra_error_page_opens_a_copyable_modal_with_the_code(world) -> None:
    error = EntraPageError(
        "Entra refused the sign-in: you are not assigned to this app.", "AADSTS50105"
    )
    signer = FakeSigner(saml_maker(world.key, world.roles), errors=[error])
    app = make_app(world.config, signer=signer)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("enter")
        await settle(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, ErrorDialog)
        assert dialog.code == "AADSTS50105"
        assert "assign you" in dialog.text
        await pilot.press("c")
        await settle(app, pilot)
        assert "AADSTS50105" in app.clipboard
        assert "not assigned" in app.clipboard
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)


async def test_the_redeem_window_closing_disables_assuming(world) -> None:
    clock = Clock()
    from tui.core.timeutil import utcnow

    clock.moment = utcnow()
    signer = FakeSigner(saml_maker(world.key, world.roles))
    app = make_app(world.config, signer=signer, clock=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("enter")
        await settle(app, pilot)
        roles = app.screen
        assert roles.check_action("assume", ()) is True
        clock.advance(minutes=4, seconds=30)
        roles._tick()
        assert roles.query_one("#redeem").has_class("-urgent")
        clock.advance(minutes=1)
        roles._tick()
        assert roles.check_action("assume", ()) is None
        assert "sign in again" in str(roles.query_one("#redeem").content)
        await pilot.press("enter")
        await pilot.pause()
        assert world.sts.calls == []
        assert isinstance(app.screen, RolesScreen)


async def test_r_refreshes_the_highlighted_session_with_the_same_role(world) -> None:
    signer = FakeSigner(saml_maker(world.key, world.roles))
    app = make_app(world.config, signer=signer, signed_in_before=lambda name: True)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("down", "enter")  # ReadOnly
        await settle(app, pilot)
        first = SessionStore().load()[0]
        await pilot.press("tab")
        await pilot.pause()
        assert app.screen.sessions.highlighted.role_name == "ReadOnly"
        await pilot.press("r")
        await settle(app, pilot)
        assert signer.calls == [True, True]
        [renewed] = SessionStore().load()
        assert renewed.role_name == "ReadOnly" and renewed.profile == first.profile
        assert renewed.access_key_id != first.access_key_id
        assert "Refreshed ReadOnly@prod-main." in notes(app)
        assert status_text(app) == "Profile demo-prod-prod-main-ReadOnly written"


def test_the_status_line_counts_down_and_says_when_cancelling() -> None:
    from tui.widgets.signin_controller import SignInState

    deadline = FIXED_NOW + timedelta(minutes=4, seconds=12)
    state = SignInState("demo-prod", threading.Event(), "Waiting for you in Chrome", deadline)
    assert state.line(FIXED_NOW) == (
        "Signing in to demo-prod: Waiting for you in Chrome — 4:12 left · Esc cancels"
    )
    state.cancel.set()
    assert state.line(FIXED_NOW).endswith("cancelling…")


async def test_a_role_sts_refuses_is_shown_in_the_error_dialog_and_the_rest_is_kept(world) -> None:
    signer = FakeSigner(saml_maker(world.key, world.roles, display_name="Alice [b]Example[/b]"))
    app = make_app(world.config, signer=signer)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("enter")
        await settle(app, pilot)
        who = str(app.screen.query_one("#who").render())
        assert "(Alice [b]Example[/b])" in who  # IdP text is shown as typed, not as markup
        world.sts.fail_next(
            1, status=403, code="AccessDenied", message="Not authorized", role_arn=world.admin[0]
        )
        await pilot.press("space", "down", "space", "A")
        await settle(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, ErrorDialog)
        assert dialog.title_text == "Some roles in demo-prod could not be assumed"
        assert len(SessionStore().load()) == 1
        assert [n for n in notes(app) if n.startswith("Assumed")] == ["Assumed ReadOnly@prod-main."]
        assert status_text(app).endswith("written")


async def test_when_sts_refuses_every_picked_role_the_roles_come_back_under_the_error(
    world,
) -> None:
    signer = FakeSigner(saml_maker(world.key, world.roles))
    app = make_app(world.config, signer=signer)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("enter")
        await settle(app, pilot)
        world.sts.fail_next(1, status=403, code="AccessDenied", message="Not authorized")
        await pilot.press("enter")  # Admin: refused
        await settle(app, pilot)
        assert isinstance(app.screen, ErrorDialog)
        assert SessionStore().load() == []
        await pilot.press("escape")
        await pilot.pause()
        roles = app.screen
        assert isinstance(roles, RolesScreen)  # the same sign-in, to pick another role
        await pilot.press("down", "enter")  # ReadOnly, from the same assertion
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
        assert [s.role_name for s in SessionStore().load()] == ["ReadOnly"]
        assert signer.calls == [False]  # one sign-in for both attempts


async def test_the_accounts_screen_says_what_it_assumes_while_sts_answers(world) -> None:
    signer = FakeSigner(saml_maker(world.key, world.roles))
    app = make_app(world.config, signer=signer)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("enter")
        await settle(app, pilot)
        world.sts.hang_next(1.0)
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert isinstance(app.screen, MainScreen)
        assert "Assuming Admin@prod-main in demo-prod for 1h" in str(app.screen.status.render())
        await settle(app, pilot)
        assert "Assuming" not in str(app.screen.status.render())
        assert [s.role_name for s in SessionStore().load()] == ["Admin"]


async def test_a_role_whose_limit_is_shorter_than_asked_says_so_in_the_toast(world) -> None:
    signer = FakeSigner(saml_maker(world.key, world.roles, session_duration=7200))
    app = make_app(world.config, signer=signer)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("enter")
        await settle(app, pilot)
        roles = app.screen
        roles.query_one("#duration").value = 7200
        await pilot.press("down", "enter")  # ReadOnly: MaxSessionDuration 1 h
        await settle(app, pilot)
        [session] = SessionStore().load()
        assert session.role_name == "ReadOnly" and session.duration == 3600
        assert [n for n in notes(app) if n.startswith("Assumed")] == ["Assumed ReadOnly@prod-main."]
        assert status_text(app).endswith("written · ReadOnly for 1h, its limit")


def footer_keys(screen) -> dict[str, bool]:
    """The keys the screen's footer shows: key -> enabled."""
    from textual.widgets._footer import FooterKey

    return {key.key: not key.has_class("-disabled") for key in screen.query(FooterKey)}


async def test_the_footer_shows_the_keys_of_each_moment_of_a_sign_in(world) -> None:
    signer = FakeSigner(saml_maker(world.key, world.roles), wait_for_cancel=True)
    app = make_app(world.config, signer=signer)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        before = footer_keys(app.screen)
        assert before["enter"] and "escape" not in before and "c" not in before  # no session yet
        await pilot.press("enter")
        assert signer.started.wait(5)
        await pilot.pause(0.2)
        during = footer_keys(app.screen)
        assert not during["enter"] and during["escape"]  # Esc cancels; no second sign-in
        await pilot.press("escape")
        await settle(app, pilot)
        assert footer_keys(app.screen) == before

        signer.wait_for_cancel = False
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, RolesScreen)
        assert footer_keys(app.screen)["enter"]
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.pause(0.5)
        assert isinstance(app.screen, MainScreen)
        after = footer_keys(app.screen)
        assert after["enter"] and "escape" not in after and after["c"] and after["w"]
