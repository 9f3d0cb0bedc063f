"""The first screen: accounts above, live sessions below, a status line, one 1 s tick.

The accounts show from config at once; the session store is read in a thread worker after the
first frame and re-read whenever its stamp changes (the CLI may have written it).
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Header, Input, Static
from textual.worker import Worker, WorkerState

from tui.context import Context
from tui.core.errors import EntraAwsError, SignInCancelled
from tui.core.sessions import Session
from tui.screens.session_actions import SessionActions
from tui.screens.session_watch import SessionWatch
from tui.screens.signin_flow import SignInFlow
from tui.widgets.accounts_table import AccountsTable
from tui.widgets.footer import Footer
from tui.widgets.sessions_table import SessionsTable
from tui.widgets.status_line import StatusLine

log = logging.getLogger("entra_aws.tui")
SESSION_ACTIONS = {
    "copy_exports": SessionActions.copy_exports,
    "export": SessionActions.open_export,
    "write_profile": SessionActions.write_profile,
    "open_console": SessionActions.open_console,
    "refresh_session": SessionActions.refresh_session,
}
ERROR_TITLES = {
    "assume": "Could not assume the roles",
    "files": "Could not write the profile",
    "console": "Could not open the AWS console",
    "sessions": "Could not read the sessions",
}


class MainScreen(SessionWatch, SignInFlow, SessionActions, Screen[None]):
    CSS_PATH = "main.tcss"
    AUTO_FOCUS = "#accounts"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "filter", "Filter", tooltip="Narrow the accounts by name, alias, id or region", id="filter"),
        Binding("escape", "cancel", "Cancel", tooltip="Cancel the sign-in in progress, or clear the filter", id="cancel"),
        Binding("c", "copy_exports", "Copy", tooltip="Copy export commands for your shell (settings.shell)", id="copy-exports"),
        Binding("e", "export", "Export", tooltip="Pick a shell or format and copy or read the export", id="export"),
        Binding("w", "write_profile", "Write", tooltip="Write the session to its ~/.aws/credentials profile", id="write-profile"),
        Binding("r", "refresh_session", "Refresh", tooltip="Sign in again and assume the same role", id="refresh-session"),
        Binding("o", "open_console", "Console", tooltip="Open (or copy) an AWS console sign-in URL", id="open-console"),
    ]  # fmt: skip

    def __init__(self, ctx: Context) -> None:
        super().__init__()
        self.ctx = ctx
        self.activity: str | None = None
        self._stamp: tuple[float, int] | None = None
        self._loading = False
        self._loaded = False
        self._warned: set[str] = set()
        self._expired: set[str] = set()

    def compose(self) -> ComposeResult:
        yield Header()
        accounts = self.ctx.config.accounts
        with Vertical(id="accounts-pane") as pane:
            pane.border_title = f"Accounts ({len(accounts)})"
            yield Input(placeholder="Filter: name, alias, account id, region", id="filter")
            if accounts:
                yield AccountsTable(accounts, id="accounts")
            else:
                yield Static(Content(self._empty_text()), id="empty")
        with Vertical(id="sessions-pane") as pane:
            pane.border_title = "Sessions"
            yield SessionsTable(id="sessions")
            yield Static("No sessions yet: sign in to an account with Enter.", id="no-sessions")
        yield StatusLine(id="status")
        yield Footer()

    def _empty_text(self) -> str:
        return (
            f"No accounts configured yet.\n\nCopy config.example.toml to {self.ctx.config.path} "
            "and add an [[accounts]] table for each Entra AWS app,\nor run `entra-aws demo` "
            "to see the whole product against a local identity provider."
        )

    def on_mount(self) -> None:
        self.sub_title = "DEMO" if self.ctx.demo else ""
        self.sessions_table.alias_of = self.ctx.alias_for
        self.reload_sessions()
        self.set_interval(1, self._tick, name="countdown")
        self.show_status()

    def on_unmount(self) -> None:
        self.cancel_sign_in()

    @property
    def accounts_table(self) -> AccountsTable | None:
        return self.query_one_optional("#accounts", AccountsTable)

    @property
    def sessions_table(self) -> SessionsTable:
        return self.query_one("#sessions", SessionsTable)

    @property
    def status(self) -> StatusLine:
        return self.query_one("#status", StatusLine)

    @property
    def highlighted_session(self) -> Session | None:
        return self.sessions_table.highlighted_session

    def show_status(self, now: datetime | None = None) -> None:
        moment = now or self.ctx.now()
        if self.signin is not None:
            self.status.say(self.signin.line(moment), busy=True)
        elif self.activity:
            self.status.say(f"{self.activity}…", busy=True)
        elif not self._loaded:
            self.status.say("Loading sessions…", busy=True)
        else:
            live = sum(not s.expired(moment) for s in self.sessions_table.sessions.values())
            count = len(self.ctx.config.accounts)
            self.status.say(
                f"{count} account{'s' * (count != 1)} · {live} live session{'s' * (live != 1)} · Enter signs in · F1 help"
            )

    # Keys and what they may do now.

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "cancel":
            return self.signin is not None or self.query_one("#filter", Input).display
        if action == "sign_in":
            return (
                self.signin is None
                and self.accounts_table is not None
                and self.accounts_table.row_count > 0
            ) or None
        if action in SESSION_ACTIONS:
            session = self.highlighted_session
            if session is None:
                return None
            if action == "refresh_session":
                return (self.signin is None and self.ctx.account_for(session) is not None) or None
            return not session.expired(self.ctx.now()) or None
        return True

    def action_sign_in(self) -> None:
        table = self.accounts_table
        account = table.highlighted_account if table else None
        if account is not None:
            self.start_sign_in(account)

    def action_filter(self) -> None:
        field = self.query_one("#filter", Input)
        field.display = True
        field.focus()
        self.refresh_bindings()

    def action_cancel(self) -> None:
        if self.signin is not None:
            self.cancel_sign_in()
            return
        field = self.query_one("#filter", Input)
        field.value = ""
        field.display = False
        if self.accounts_table is not None:
            self.accounts_table.focus()
        self.refresh_bindings()

    def on_input_changed(self, event: Input.Changed) -> None:
        if self.accounts_table is not None:
            shown = self.accounts_table.apply_filter(event.value)
            self.query_one("#accounts-pane").border_title = (
                f"Accounts ({shown} of {len(self.ctx.config.accounts)})"
                if event.value
                else f"Accounts ({shown})"
            )

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if self.accounts_table is not None:
            self.accounts_table.focus()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.refresh_bindings()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id == "sessions" and self.check_action("export", ()):
            self.action_export()

    def run_session_action(self, action: str) -> None:
        session = self.highlighted_session
        if session is not None:
            SESSION_ACTIONS[action](self, session)

    def action_copy_exports(self) -> None:
        self.run_session_action("copy_exports")

    def action_export(self) -> None:
        self.run_session_action("export")

    def action_write_profile(self) -> None:
        self.run_session_action("write_profile")

    def action_open_console(self) -> None:
        self.run_session_action("open_console")

    def action_refresh_session(self) -> None:
        self.run_session_action("refresh_session")

    # Outcomes.

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Every worker of this screen fails here, in one place."""
        worker = event.worker
        if worker.group == "signin" and event.state in (
            WorkerState.SUCCESS,
            WorkerState.ERROR,
            WorkerState.CANCELLED,
        ):
            account = self.signin.account if self.signin else ""
            self.signin = None
            self.refresh_bindings()
            self.show_status()
            if event.state is WorkerState.ERROR:
                self._failed(worker.error, f"Could not sign in to {account}")
        elif event.state is WorkerState.ERROR:
            if worker.group == "sessions":
                self._loading = False
            self.activity = None
            self.show_status()
            self._failed(worker.error, ERROR_TITLES.get(worker.group, "Something went wrong"))

    def _failed(self, error: BaseException | None, title: str) -> None:
        from tui.dialogs.error import ErrorDialog

        if isinstance(error, SignInCancelled):
            self.notify("Sign-in cancelled", markup=False)
            return
        if error is not None and not isinstance(error, EntraAwsError):
            log.error("unexpected error in a worker (%s)", title, exc_info=error)
        self.app.push_screen(ErrorDialog.from_error(error or RuntimeError(), title))
