"""What the keys on the sessions table do: copy, export, write, console, refresh.

Each takes an explicit session so the command palette can name one; the key actions pass the
highlighted one. File and network work runs in thread workers that answer with `Done`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work

from tui.clipboard import copy_text
from tui.core.exports import shell_export
from tui.core.partitions import partition_for_region
from tui.core.sessions import Session
from tui.messages import Done

if TYPE_CHECKING:
    from tui.screens.main import MainScreen


def label(session: Session) -> str:
    return f"{session.account} {session.role_name}"


class SessionActions:
    """Mixed into MainScreen; `self` is that screen."""

    def copy_exports(self: MainScreen, session: Session) -> None:
        shell = self.ctx.config.settings.export_shell
        try:
            text = shell_export(session, shell)
        except ValueError as exc:
            self.notify(f"Cannot export for {shell}: {exc}.", severity="error", markup=False)
            return
        copy_text(self.app, text, f"{shell} exports")

    def open_export(self: MainScreen, session: Session) -> None:
        from tui.dialogs.export import ExportDialog

        self.app.push_screen(ExportDialog(session, self.ctx.config.settings.export_shell))

    def write_profile(self: MainScreen, session: Session) -> None:
        self._write_worker(session)

    def open_console(self: MainScreen, session: Session) -> None:
        self.activity = f"Getting a console sign-in URL for {label(session)}"
        self.show_status()
        self._console_worker(session)

    def refresh_session(self: MainScreen, session: Session) -> None:
        account = self.ctx.account_for(session)
        if account is None:
            self.notify(
                f"{session.account} is no longer in the config, so it cannot be refreshed.",
                severity="error",
                markup=False,
            )
            return
        self.start_sign_in(account, refresh=session)

    @work(thread=True, group="files", exit_on_error=False)
    def _write_worker(self: MainScreen, session: Session) -> None:
        from tui.core.credentials_file import write_profiles

        path = self.ctx.config.settings.credentials_file
        write_profiles(path, {session.profile: session})
        self.post_message(Done(f"Wrote profile {session.profile} to {path}"))

    @work(thread=True, exclusive=True, group="console", exit_on_error=False)
    def _console_worker(self: MainScreen, session: Session) -> None:
        from tui.core.console import console_url

        account = self.ctx.account_for(session)
        federation = (
            account.effective_federation_url
            if account
            else partition_for_region(session.region).federation_url()
        )
        url = console_url(session, federation)
        if self.ctx.display:
            self.app.call_from_thread(self.app.open_url, url)
            self.post_message(Done(f"Opened the AWS console for {label(session)} in your browser"))
        else:
            what = f"the console sign-in URL for {label(session)}"
            note = "it works for 15 minutes"
            self.app.call_from_thread(copy_text, self.app, url, what, note)
            self.post_message(Done(""))

    def on_done(self: MainScreen, message: Done) -> None:
        self.activity = None
        self.show_status()
        if message.text:
            self.notify(message.text, severity=message.severity, markup=False)
