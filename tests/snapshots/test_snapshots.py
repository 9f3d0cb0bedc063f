"""What the screens look like, at 120x36 (and the main ones at 80x24), with a fixed clock and fixed data.

Regenerate with `pytest tests/snapshots --snapshot-update`, then look at snapshot_report.html
(or the SVGs under __snapshots__) before committing them.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from tui_testkit import DEV_ID, FIXED_NOW, PROD_ID, Clock, config, demo_accounts, make_app, session

from tui.core.assertion import ROLE_ATTR
from tui.core.errors import EntraPageError
from tui.core.sessions import SessionStore
from tui.core.signin import decode_for_account
from tui.demo.saml_builder import build_saml_response
from tui.demo.signing import load_signing_key
from tui.dialogs.error import ErrorDialog
from tui.dialogs.export import ExportDialog
from tui.screens.roles import RolesScreen

SIZE = (120, 36)
NARROW = (80, 24)


@pytest.fixture
def app(tmp_path):
    """demo-prod with three sessions: ok (52 min), warning (7 min) and expired."""
    SessionStore().save(
        [
            session("Admin", left=timedelta(minutes=52, seconds=10)),
            session("ReadOnly", left=timedelta(minutes=7, seconds=5)),
            session(
                "Deploy", account_name="demo-dev", account_id=DEV_ID, left=timedelta(minutes=-3)
            ),
        ],
        now=FIXED_NOW,
    )
    cfg = config(tmp_path, [*demo_accounts(), *demo_accounts_extra()], shell_name="bash")
    return make_app(cfg, clock=Clock())


def demo_accounts_extra():
    from tui_testkit import account

    return [
        account(
            "gov-audit",
            region="us-gov-west-1",
            default_role=f"arn:aws-us-gov:iam::{PROD_ID}:role/Audit",
        )
    ]


async def loaded(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def quiet(pilot) -> None:
    """Loaded, with the start-up toasts dismissed so they do not cover the dialog."""
    await loaded(pilot)
    pilot.app.clear_notifications()
    await pilot.pause()


@pytest.mark.parametrize("size", [SIZE, NARROW], ids=["wide", "80x24"])
def test_accounts_and_sessions(app, snap_compare, size) -> None:
    assert snap_compare(app, terminal_size=size, run_before=loaded)


@pytest.mark.parametrize("size", [SIZE, NARROW], ids=["wide", "80x24"])
def test_roles_inspector(app, snap_compare, tmp_path, size) -> None:
    key = load_signing_key(tmp_path / "key")
    prod_role = (
        f"arn:aws:iam::{PROD_ID}:role/Admin",
        f"arn:aws:iam::{PROD_ID}:saml-provider/EntraID",
    )
    read_role = (f"arn:aws:iam::{PROD_ID}:role/ReadOnly", prod_role[1])
    dev_role = (
        f"arn:aws:iam::{DEV_ID}:role/team/Deploy",
        f"arn:aws:iam::{DEV_ID}:saml-provider/EntraID",
    )
    saml = build_saml_response(
        key,
        roles=[dev_role, read_role, prod_role],
        session_duration=7200,
        issue_instant=FIXED_NOW - timedelta(seconds=60),
        display_name="Alice [b]Example[/b]",  # IdP text is shown as typed, never as markup
        extra_attributes={ROLE_ATTR: ["arn:aws:iam::123:role/[red]Broken"]},
    )

    async def open_roles(pilot) -> None:
        await quiet(pilot)
        account = pilot.app.ctx.config.account("demo-prod")
        await pilot.app.push_screen(
            RolesScreen(pilot.app.ctx, account, decode_for_account(saml, account))
        )
        await pilot.pause()

    assert snap_compare(
        app, terminal_size=size, run_before=open_roles, press=["space", "down", "down"]
    )


@pytest.mark.parametrize("size", [SIZE, NARROW], ids=["wide", "80x24"])
def test_export_dialog(app, snap_compare, size) -> None:
    async def open_export(pilot) -> None:
        await quiet(pilot)
        await pilot.app.push_screen(ExportDialog(session("Admin"), "bash"))
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=open_export)


def test_error_dialog(app, snap_compare) -> None:
    error = EntraPageError(
        "Entra refused the sign-in for demo-prod: [AADSTS50105] the signed-in user is not assigned to a role for the application.",
        "AADSTS50105",
    )

    async def fail(pilot) -> None:
        await quiet(pilot)
        await pilot.app.push_screen(ErrorDialog.from_error(error, "Could not sign in to demo-prod"))
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=fail)


def test_help_screen(app, snap_compare) -> None:
    assert snap_compare(app, terminal_size=SIZE, run_before=quiet, press=["f1"])
