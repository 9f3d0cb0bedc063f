"""The first screen: accounts above, live sessions below, a status line; it composes and routes.

The sessions pane owns the table, the store watch and the 1 s tick; the sign-in controller owns
the sign-in in progress. This screen wires them: a capture opens the roles screen, what it picks
goes back to the controller, what was assumed goes to the sessions pane.
"""

from __future__ import annotations

from collections import deque
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import DataTable, Header, Input, Static

from tui.context import Context
from tui.core.config import Account
from tui.core.targets import aliases_for
from tui.widgets.accounts_table import AccountsTable
from tui.widgets.footer import Footer
from tui.widgets.sessions_pane import SESSIONS_FILTER, SessionAction, SessionsPane
from tui.widgets.signin_controller import SignInController
from tui.widgets.status_line import StatusLine

if TYPE_CHECKING:
    from tui.core.assertion import Assertion


DETAIL_SECONDS = 8.0  # how long the status line shows the detail of a toast


class MainScreen(Screen[None]):
    CSS_PATH = "main.tcss"
    AUTO_FOCUS = "#accounts"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "filter", "Filter", tooltip="Narrow the focused list, accounts or sessions, by its words", id="filter"),
        Binding("escape", "cancel", "Cancel", tooltip="Cancel the sign-in in progress, or clear the filter", id="cancel"),
        Binding("c", "session('copy_exports')", "Copy", tooltip="Copy export commands for your shell (settings.shell)", id="copy-exports"),
        Binding("e", "session('export')", "Export", tooltip="Pick a shell or format and copy or read the export", id="export"),
        Binding("w", "session('write_profile')", "Write", tooltip="Write the session to its ~/.aws/credentials profile", id="write-profile"),
        Binding("r", "session('refresh_session')", "Refresh", tooltip="Sign in again and assume the same role", id="refresh-session"),
        Binding("o", "session('open_console')", "Console", tooltip="Open (or copy) an AWS console sign-in URL", id="open-console"),
        Binding("x,delete", "session('remove_session')", "Remove", tooltip="Remove the session (and the profile we wrote for it), after asking", id="remove-session"),
    ]  # fmt: skip

    def __init__(self, ctx: Context) -> None:
        super().__init__()
        self.ctx = ctx
        self._roles_waiting: deque[tuple[Account, Assertion]] = deque()
        self._picker_focused = False  # picking: the live sessions get the focus once, at load

    def compose(self) -> ComposeResult:
        yield Header()
        accounts = self.ctx.config.accounts
        with Vertical(id="accounts-pane") as pane:
            pane.border_title = f"Accounts ({len(accounts)})"
            if accounts:
                yield AccountsTable(accounts, id="accounts")
            else:
                yield Static(Content(self._empty_text()), id="empty")
        yield SessionsPane(self.ctx, id="sessions-pane")
        yield StatusLine(id="status")
        yield Footer()
        yield SignInController(self.ctx, id="signin")

    def _empty_text(self) -> str:
        return (
            f"No accounts configured yet.\n\nCopy config.example.toml to {self.ctx.config.path} "
            "and add an [[accounts]] table for each Entra AWS app,\nor run `entra-aws demo` "
            "to see the whole product against a local identity provider."
        )

    def on_mount(self) -> None:
        self.sub_title = "DEMO" if self.ctx.demo else ""
        self.show_status()

    @property
    def accounts_table(self) -> AccountsTable | None:
        return self.query_one_optional("#accounts", AccountsTable)

    @property
    def sessions(self) -> SessionsPane:
        return self.query_one(SessionsPane)

    @property
    def signin(self) -> SignInController:
        return self.query_one(SignInController)

    @property
    def status(self) -> StatusLine:
        return self.query_one("#status", StatusLine)

    def show_status(self, now: datetime | None = None) -> None:
        moment = now or self.ctx.now()
        busy = self.signin.status(moment) or self.sessions.status()
        if busy:
            self.status.say(busy, busy=True)
            return
        live = self.sessions.live_count(moment)
        count = len(self.ctx.config.accounts)
        marked = len(self.accounts_table.marked) if self.accounts_table else 0
        if marked:
            self.status.say(
                f"{marked} account{'s' * (marked != 1)} marked · Enter signs in to "
                f"{'them' if marked > 1 else 'it'} in one browser · Space unmarks"
            )
            return
        if self.ctx.picker:
            self.status.say(
                f"{live} live · Enter on a session switches this shell · Esc leaves it as it was"
            )
            return
        self.status.say(
            f"{count} account{'s' * (count != 1)} · {live} live session{'s' * (live != 1)} · Enter signs in · F1 help"
        )

    def _update_accounts(self, now: datetime) -> None:
        if self.accounts_table is not None:
            self.accounts_table.show_sessions(self.sessions.sessions, now)

    # Keys and what they may do now.

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "cancel":
            filtering = any(field.display for field in self.query(Input))
            return self.ctx.picker or self.signin.busy or filtering
        if action == "sign_in":
            table = self.accounts_table
            return (not self.signin.busy and table is not None and table.row_count > 0) or None
        if action == "session":
            if not self.sessions.sessions:
                return False  # no session at all: the keys leave the footer
            return self._why_not(str(parameters[0])) is None or None
        return True

    def _why_not(self, action: str) -> str | None:
        what = SessionAction(action)
        if what is SessionAction.REFRESH and self.signin.busy:
            return "A sign-in is in progress; wait for it, or press Esc to cancel it."
        return self.sessions.why_not(what, self.sessions.highlighted)

    def on_key(self, event: events.Key) -> None:
        """A session key that is off right now says why in the status line."""
        active = self.active_bindings.get(event.key)
        if active is not None and active.enabled:
            return
        mine = dict(self._binding_chain).get(self)
        for binding in mine.key_to_bindings.get(event.key, []) if mine else []:
            if binding.action.startswith("session("):
                reason = self._why_not(binding.action[len("session(") : -1].strip("'\""))
                if reason:
                    event.stop()
                    self.status.note(reason)
                return

    def action_sign_in(self) -> None:
        """The marked accounts (one browser), else the highlighted one."""
        table = self.accounts_table
        if table is None:
            return
        marked = table.marked_accounts
        if marked:
            table.clear_marks()
            self.signin.start_many(marked)
        elif table.highlighted_account is not None:
            self.sign_in(table.highlighted_account)

    def sign_in(self, account: Account) -> None:
        self.signin.start(account)

    def action_session(self, action: str) -> None:
        session = self.sessions.highlighted
        if session is not None:
            self.sessions.perform(SessionAction(action), session)

    def _in_sessions(self) -> bool:
        """Whether the focus is in the sessions pane (else the accounts are the focused list)."""
        focused = self.focused
        return focused is not None and self.sessions in focused.ancestors_with_self

    async def action_filter(self, target: str = "") -> None:
        """Open the filter of the focused list (or of `target`: accounts, sessions)."""
        sessions = target == "sessions" or (not target and self._in_sessions())
        field = await self._filter_field(sessions)
        field.display = True
        field.focus()
        self.refresh_bindings()

    async def _filter_field(self, sessions: bool) -> Input:
        """The list's filter, mounted above it the first time it opens: the first frame has
        none (two hidden Inputs cost it ~8 ms of mounting and styling)."""
        field = self.query_one_optional("#sessions-filter" if sessions else "#filter", Input)
        if field is not None:
            return field
        if sessions:
            field = Input(placeholder=SESSIONS_FILTER, id="sessions-filter")
            await self.sessions.mount(field, before=0)
        else:
            field = Input(placeholder="Filter: name, alias, account id, region", id="filter")
            await self.query_one("#accounts-pane").mount(field, before=0)
        return field

    def action_cancel(self) -> None:
        if self.signin.busy:
            self.signin.cancel()
            return
        shown = [field for field in self.query(Input) if field.display]
        if not shown:
            if self.ctx.picker:
                self.app.exit(return_code=1)  # `pick`: nothing picked, the shell stays as it was
            return
        mine = [f for f in shown if (f.id == "sessions-filter") == self._in_sessions()]
        field = (mine or shown)[0]
        field.value = ""
        field.display = False
        self._list_of(field).focus()
        self.refresh_bindings()

    def _list_of(self, field: Input) -> Widget:
        if field.id == "sessions-filter":
            return self.sessions.table
        return self.accounts_table or self.sessions.table

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "sessions-filter":
            self.sessions.apply_filter(event.value)
        elif self.accounts_table is not None:
            shown = self.accounts_table.apply_filter(event.value)
            self.query_one("#accounts-pane").border_title = (
                f"Accounts ({shown} of {len(self.ctx.config.accounts)})"
                if event.value
                else f"Accounts ({shown})"
            )

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self._list_of(event.input).focus()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.refresh_bindings()

    # What the parts report.

    @on(SessionsPane.Ticked)
    def _ticked(self, message: SessionsPane.Ticked) -> None:
        self._update_accounts(message.now)
        self.show_status(message.now)

    @on(SessionsPane.Picked)
    def _picked(self, message: SessionsPane.Picked) -> None:
        self.ctx.picked = message.session
        self.app.exit(return_code=0)

    def _focus_sessions(self, key: str | None = None) -> None:
        """Picking: put the focus on the sessions table (on `key`'s row when given)."""
        table = self.sessions.table
        if key is not None and key in table.sessions:
            table.move_cursor(row=table.get_row_index(key))
        table.focus()

    @on(SessionsPane.Changed)
    def _sessions_changed(self) -> None:
        if self.ctx.picker and not self._picker_focused and self.sessions.loaded:
            self._picker_focused = True
            if self.sessions.live_count(self.ctx.now()):
                self._focus_sessions()
        self._update_accounts(self.ctx.now())
        self.refresh_bindings()
        self.show_status()

    @on(SessionsPane.Told)
    def _told(self, message: SessionsPane.Told) -> None:
        self.status.note(message.text, DETAIL_SECONDS, alert=False)

    @on(SessionsPane.RefreshWanted)
    def _refresh(self, message: SessionsPane.RefreshWanted) -> None:
        self.signin.start(message.account, refresh=message.session)

    @on(SignInController.Changed)
    def _signin_changed(self) -> None:
        self.refresh_bindings()
        self.show_status()

    @on(AccountsTable.Marked)
    def _marked(self) -> None:
        self.show_status()

    @on(SignInController.Captured)
    def _captured(self, message: SignInController.Captured) -> None:
        # The roles first: this screen's keys then change while it is hidden, for free.
        self.show_roles(message.account, message.assertion)

    def show_roles(self, account: Account, assertion: Assertion) -> None:
        """The roles screen, or in line behind the one showing (several accounts at once)."""
        self._roles_waiting.append((account, assertion))
        if len(self._roles_waiting) == 1:
            self._show_next_roles()

    def _show_next_roles(self) -> None:
        from tui.screens.roles import Choice, RolesScreen

        account, assertion = self._roles_waiting[0]

        def picked(choice: Choice | None) -> None:
            self._roles_waiting.popleft()
            self.signin.assume(choice)
            if self._roles_waiting:
                self._show_next_roles()

        self.app.push_screen(RolesScreen(self.ctx, account, assertion), callback=picked)

    @on(SignInController.RolesAssumed)
    def _assumed(self, message: SignInController.RolesAssumed) -> None:
        """A toast for what worked; the error dialog for what did not (over the roles again)."""
        from tui.dialogs.error import ErrorDialog
        from tui.outcomes import kept_problem, kept_toast, redeemable

        kept, choice = message.kept, message.choice
        if kept.sessions:
            self.sessions.show_kept(kept.sessions)
            if self.ctx.picker:
                self._focus_sessions(kept.sessions[0].key)
        asked = choice.duration if choice else None
        aliases = aliases_for(self.ctx.config, message.account)
        toast = kept_toast(kept, refreshed=message.refreshed, asked=asked, aliases=aliases)
        if toast is not None:
            self.notify(toast.text, title=message.account, severity=toast.severity, markup=False)
            if toast.detail:
                self.status.note(toast.detail, DETAIL_SECONDS, alert=False)
        problem = kept_problem(message.account, kept)
        if problem is not None:
            # Nothing worked but the sign-in still holds: its roles again, under the error.
            if choice and not kept.sessions and redeemable(choice.assertion, self.ctx.now()):
                self.show_roles(choice.account, choice.assertion)
            dialog = ErrorDialog(problem.title, problem.message, details=problem.details)
            self.app.push_screen(dialog)
        self.sessions.reload()
