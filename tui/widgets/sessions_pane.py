"""The sessions half of the main screen: the table, the store watch, the 1 s tick, the session keys.

The store is read in a thread worker after the first frame and re-read whenever its stamp
changes (the CLI or another entra-aws wrote it). The tick moves every countdown (cell updates,
no rebuild) and raises the 10-minute and expiry toasts once per session. Copy, export, write
and console act here; refresh needs a sign-in, so the pane asks its screen for one.

Renewal: every few ticks the pane asks core which sessions are within their `renew_before` and
renews them in a thread worker (one silent browser per tenant). A session whose tenant needs a
person says "sign-in needed" once and is left alone until it is signed in again; any other
failure is retried a minute later, told once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Static
from textual.worker import Worker, WorkerState

from tui.context import Context
from tui.core.config import Account
from tui.core.errors import EntraAwsError
from tui.core.renewal_book import RenewalBook
from tui.core.sessions import Session, store_order
from tui.core.targets import aliases_for
from tui.core.targets import label as session_label
from tui.core.timeutil import format_remaining
from tui.widgets.sessions_table import SessionsTable, SessionState

if TYPE_CHECKING:  # the rest is imported where used: none of it is needed for the first frame
    from tui.core.renewal import Renewal
    from tui.outcomes import Toast

ERROR_TITLES = {
    "files": "Could not write the profile",
    "console": "Could not open the AWS console",
    "sessions": "Could not read the sessions",
    "renewal": "Could not renew the sessions",
    "remove": "Could not remove the session",
}
RENEW_EVERY = 5  # ticks between looks for sessions due for renewal
RENEWING, SIGN_IN_NEEDED = "renewing…", "sign-in needed"
# The filter's placeholder; the screen mounts the filter above the table when it first opens.
SESSIONS_FILTER = "Filter: account, role, AWS account, profile"


class SessionAction(StrEnum):
    """What a key (or a palette entry) does to one session."""

    COPY = "copy_exports"
    EXPORT = "export"
    WRITE = "write_profile"
    CONSOLE = "open_console"
    REFRESH = "refresh_session"
    REMOVE = "remove_session"


class SessionsPane(Vertical):
    """Posts `Changed` when what it shows or does changed, `Ticked` every second."""

    @dataclass
    class Changed(Message):
        """Sessions were shown, or an activity started or ended."""

    @dataclass
    class Ticked(Message):
        now: datetime

    @dataclass
    class RefreshWanted(Message):
        """Refresh `session`: sign in to `account` again and assume the same role."""

        account: Account
        session: Session

    @dataclass
    class Picked(Message):
        """Enter on a live session while picking (`entra-aws pick`): the shell gets this one."""

        session: Session

    @dataclass
    class Told(Message):
        """The detail of a short toast, for the status line."""

        text: str

    @dataclass
    class _Loaded(Message, bubble=False):
        sessions: list[Session]
        stamp: tuple[float, int] | None
        warnings: list[str] = field(default_factory=list)

    @dataclass
    class _Renewed(Message, bubble=False):
        renewals: list[Renewal]

    @dataclass
    class _Done(Message, bubble=False):
        toast: Toast | None  # never a secret
        reload: bool = False  # the store changed: read it again

    def __init__(self, ctx: Context, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.ctx = ctx
        self.activity: str | None = None
        self.loaded = False
        self._loading = False
        self._stamp: tuple[float, int] | None = None
        self._warned: set[str] = set()
        self._expired: set[str] = set()
        self._ticks = 0
        self.renewals = RenewalBook()

    def compose(self) -> ComposeResult:
        self.border_title = "Sessions"
        yield SessionsTable(id="sessions")
        yield Static("No sessions yet: sign in to an account with Enter.", id="no-sessions")

    def on_mount(self) -> None:
        self.table.alias_of = self.ctx.alias_for
        self.reload()
        self.set_interval(1, self.tick, name="countdown")

    @property
    def table(self) -> SessionsTable:
        return self.query_one("#sessions", SessionsTable)

    @property
    def sessions(self) -> list[Session]:
        return list(self.table.sessions.values())

    @property
    def highlighted(self) -> Session | None:
        return self.table.highlighted_session

    def label(self, session: Session) -> str:
        """`demo-prod ReadOnly@prod-main`: a session named with its AWS account."""
        return session_label(session, aliases_for(self.ctx.config, session.account))

    def status(self) -> str | None:
        """What the pane is busy with, for the status line (None: nothing)."""
        if self.activity:
            return f"{self.activity}…"
        if self.renewals.renewing:
            count = len(self.renewals.renewing)
            return f"Renewing {count} session{'s' * (count != 1)} silently…"
        return None if self.loaded else "Loading sessions…"

    def live_count(self, now: datetime) -> int:
        return sum(not s.expired(now) for s in self.table.sessions.values())

    # The store.

    def reload(self) -> None:
        self._loading = True
        self._load_worker()

    @work(thread=True, exclusive=True, group="sessions", exit_on_error=False)
    def _load_worker(self) -> None:
        store = self.ctx.store
        stamp = store.stamp()
        sessions = store.load()
        warnings, store.warnings = list(store.warnings), []
        self.post_message(self._Loaded(sessions, stamp, warnings))

    def on_sessions_pane__loaded(self, message: _Loaded) -> None:
        shown = self.loaded and message.sessions == self.sessions
        self._loading, self.loaded, self._stamp = False, True, message.stamp
        if shown:  # show_kept put exactly these up already: no rebuild
            self.post_message(self.Changed())
        else:
            self.show(message.sessions)
        for warning in message.warnings:
            self.notify(warning, severity="warning", markup=False)

    def show_kept(self, kept: Sequence[Session]) -> None:
        """Show sessions just assumed at once; the store re-read that follows only confirms."""
        merged = {**self.table.sessions, **{s.key: s for s in kept}}
        self.show(sorted(merged.values(), key=store_order))

    def show(self, sessions: Sequence[Session]) -> None:
        table = self.table
        table.show(sessions, self.ctx.now())
        for key in self.renewals.signed_in_again(table.sessions):
            table.set_note(key, None)
        self.query_one("#no-sessions").display = not sessions
        self._title()
        for session in sessions:
            self._announce(session, table.states[session.key], observed=False)
        self.post_message(self.Changed())

    def _title(self) -> None:
        total, shown = len(self.table.sessions), self.table.row_count
        self.border_title = (
            f"Sessions ({shown} of {total})" if self.table.needle else f"Sessions ({total})"
        )

    def apply_filter(self, needle: str) -> None:
        self.table.apply_filter(needle)
        self._title()
        self.post_message(self.Changed())

    def tick(self) -> None:
        now = self.ctx.now()
        changed = self.table.tick(now)
        for session, state in changed:
            self._announce(session, state, observed=True)
        self.post_message(self.Ticked(now))
        if changed:
            self.post_message(self.Changed())
        if not self._loading and self.ctx.store.stamp() != self._stamp:
            self.reload()
        self._ticks += 1
        if self._ticks % RENEW_EVERY == 1:
            self.renew_due(now)

    # Renewal.

    def renew_due(self, now: datetime) -> None:
        """Start renewing the sessions within their `renew_before` that nobody is renewing."""
        if not self.loaded:
            return
        due = self.renewals.take_due(self.sessions, self.ctx.config, now)
        if due:
            for session in due:
                self.table.set_note(session.key, RENEWING)
            self._renew_worker(due)
            self.post_message(self.Changed())

    @work(thread=True, group="renewal", exit_on_error=False)
    def _renew_worker(self, sessions: list[Session]) -> None:
        from tui.core.renewal import Renewal

        try:
            renewals = self.ctx.renewer(self.ctx.config, sessions, self.ctx.store)
        except EntraAwsError as error:  # e.g. another caller held the tenant's refresh too long
            renewals = [Renewal(s, error=error) for s in sessions]
        except Exception:
            # A bug: no row stays "renewing…"; the worker's error dialog tells the rest.
            failed = EntraAwsError("the renewal failed unexpectedly")
            self.post_message(self._Renewed([Renewal(s, error=failed) for s in sessions]))
            raise
        self.post_message(self._Renewed(renewals))

    def on_sessions_pane__renewed(self, message: _Renewed) -> None:
        from tui.outcomes import renewal_failed_toast, sign_in_needed_toast

        settled = self.renewals.settle(message.renewals, self.ctx.now())
        for renewal in message.renewals:
            self.table.set_note(renewal.old.key, None)
        for session in settled.needs_person:
            self.table.set_note(session.key, SIGN_IN_NEEDED)
        for renewal in settled.first_failures:
            self.tell(renewal_failed_toast(self.label(renewal.old), renewal.error), "Renewal")
        if settled.needs_person:
            labels = [self.label(s) for s in settled.needs_person]
            self.tell(sign_in_needed_toast(labels, self._refresh_key()), "Renewal")
        if settled.fresh:
            self.show_kept(settled.fresh)
        else:
            self.post_message(self.Changed())

    def _announce(self, session: Session, state: SessionState, *, observed: bool) -> None:
        """One toast at 10 minutes left and one at expiry, per session (until it is renewed)."""
        key = session.key
        if state is SessionState.OK:
            self._warned.discard(key)
            self._expired.discard(key)
        elif state is SessionState.WARNING and key not in self._warned:
            self._warned.add(key)
            from tui.core.renewal import renewal_window
            from tui.outcomes import expiring_toast

            if renewal_window(self.ctx.config, session) > 0:
                return  # renewal is on its way; it says so if it needs a person
            left = format_remaining(session.remaining(self.ctx.now()))
            toast = expiring_toast(self.label(session), left, self._refresh_key())
            self.tell(toast, "Session expiring")
        elif state is SessionState.EXPIRED and key not in self._expired:
            self._expired.add(key)
            self._warned.add(key)
            if observed:
                self.notify(
                    f"{self.label(session)} has expired; press r to sign in again.",
                    title="Session expired",
                    severity="error",
                    markup=False,
                )

    def tell(self, toast: Toast, title: str = "") -> None:
        """A short toast, and its detail (if any) for the status line."""
        self.notify(toast.text, title=title, severity=toast.severity, markup=False)
        if toast.detail:
            self.post_message(self.Told(toast.detail))

    def _refresh_key(self) -> str:
        from tui.screens.help import key_for

        return key_for(self.app, "refresh-session") or "r"

    # What the keys do.

    def allows(self, action: SessionAction, session: Session | None) -> bool:
        """Whether `action` makes sense for `session` now (refresh: see the screen)."""
        return self.why_not(action, session) is None

    def why_not(self, action: SessionAction, session: Session | None) -> str | None:
        """One line saying why `action` cannot act on `session` now; None when it can."""
        if session is None:
            return "No session yet: sign in to an account with Enter first."
        if action is SessionAction.REFRESH:
            if self.ctx.account_for(session) is None:
                return f"{session.account} is no longer in the config, so it cannot be refreshed."
            return None
        if action is SessionAction.REMOVE:
            return (
                "It is being renewed; remove it when the renewal is done."
                if session.key in self.renewals.renewing
                else None
            )
        if session.expired(self.ctx.now()):
            return f"{self.label(session)} ran out; press {self._refresh_key()} to sign in again first."
        return None

    def perform(self, action: SessionAction, session: Session) -> None:
        match action:
            case SessionAction.COPY:
                self.copy_exports(session)
            case SessionAction.EXPORT:
                self.open_export(session)
            case SessionAction.WRITE:
                self._write_worker(session)
            case SessionAction.CONSOLE:
                self.open_console(session)
            case SessionAction.REFRESH:
                self.refresh_session(session)
            case SessionAction.REMOVE:
                self.confirm_remove(session)

    def copy_exports(self, session: Session) -> None:
        from tui.clipboard import copy_text
        from tui.core.exports import shell_export

        shell = self.ctx.config.settings.export_shell
        try:
            text = shell_export(session, shell)
        except ValueError as exc:
            self.notify(f"Cannot export for {shell}: {exc}.", severity="error", markup=False)
            return
        copy_text(self.app, text, f"{shell} exports")

    def open_export(self, session: Session) -> None:
        from tui.dialogs.export import ExportDialog

        shell = self.ctx.config.settings.export_shell
        self.app.push_screen(ExportDialog(session, shell, self.label(session)))

    def open_console(self, session: Session) -> None:
        self._busy(f"Getting a console sign-in URL for {self.label(session)}")
        self._console_worker(session)

    def refresh_session(self, session: Session) -> None:
        account = self.ctx.account_for(session)
        if account is None:
            self.notify(
                f"{session.account} is no longer in the config, so it cannot be refreshed.",
                severity="error",
                markup=False,
            )
            return
        self.post_message(self.RefreshWanted(account, session))

    def confirm_remove(self, session: Session) -> None:
        """Ask first; then the session leaves the store and, if still ours, its profile."""
        from tui.dialogs.confirm import ConfirmDialog

        path = self.ctx.config.settings.credentials_file
        question = ConfirmDialog(
            f"Remove {self.label(session)}?",
            f"The session leaves the store, and profile {session.profile} leaves {path} if it "
            "still holds this session's keys. Signing in again brings it back.",
        )

        def answered(yes: bool | None) -> None:
            if yes:
                self._busy(f"Removing {self.label(session)}")
                self._remove_worker(session)

        self.app.push_screen(question, callback=answered)

    @work(thread=True, group="remove", exit_on_error=False)
    def _remove_worker(self, session: Session) -> None:
        from tui.core.logout import forget
        from tui.outcomes import Toast

        path = self.ctx.config.settings.credentials_file
        done = forget(self.ctx.store, [session], path)
        profile = f"; profile {done.profiles[0]} removed from {path}" if done.profiles else ""
        self.post_message(
            self._Done(
                Toast(f"Removed {self.label(session)}", detail=profile.lstrip("; ")), reload=True
            )
        )

    @on(DataTable.RowSelected, "#sessions")
    def _export_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        session = self.highlighted
        if not self.allows(SessionAction.EXPORT, session) or session is None:
            if self.ctx.picker and session is not None:
                self.notify(
                    f"{self.label(session)} has expired; pick a live session, or press r to refresh it.",
                    severity="warning",
                    markup=False,
                )
            return
        if self.ctx.picker:
            self.post_message(self.Picked(session))
        else:
            self.open_export(session)

    def _busy(self, activity: str | None) -> None:
        self.activity = activity
        self.post_message(self.Changed())

    @work(thread=True, group="files", exit_on_error=False)
    def _write_worker(self, session: Session) -> None:
        from tui.core.credentials_file import write_profiles
        from tui.outcomes import wrote_toast

        path = self.ctx.config.settings.credentials_file
        write_profiles(path, {session.profile: session})
        self.post_message(self._Done(wrote_toast(session.profile, path)))

    @work(thread=True, exclusive=True, group="console", exit_on_error=False)
    def _console_worker(self, session: Session) -> None:
        from tui.clipboard import copy_text
        from tui.core.console import console_url, federation_url_for
        from tui.outcomes import console_toast

        url = console_url(session, federation_url_for(session, self.ctx.account_for(session)))
        if self.ctx.display:
            self.app.call_from_thread(self.app.open_url, url)
            self.post_message(self._Done(console_toast(self.label(session))))
        else:
            what = f"the console sign-in URL for {self.label(session)}"
            note = "it works for 15 minutes"
            self.app.call_from_thread(copy_text, self.app, url, what, note)
            self.post_message(self._Done(None))

    def on_sessions_pane__done(self, message: _Done) -> None:
        self._busy(None)
        if message.reload:
            self.reload()
        if message.toast is not None:
            self.tell(message.toast)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        event.stop()
        if event.state is WorkerState.ERROR:
            if event.worker.group == "sessions":
                self._loading = False
            self._busy(None)
            from tui.dialogs.error import show_failure

            show_failure(self.app, event.worker.error, ERROR_TITLES[event.worker.group])
