"""The command palette's entra-aws commands, named after what they act on.

On the accounts screen: sign in to each account, and every session action for each session
("Copy exports for demo-prod Admin"). On the roles inspector: assume each role. Everywhere:
help. Keys reach the highlighted row; the palette reaches any row by name.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from typing import NamedTuple

from textual.app import App
from textual.command import DiscoveryHit, Hit, Hits, Provider

from tui.core.sessions import Session


class Command(NamedTuple):
    name: str
    run: Callable[[], object]
    help: str


def _session_commands(screen: object, session: Session) -> Iterator[Command]:
    from tui.screens.main import MainScreen

    assert isinstance(screen, MainScreen)
    who = f"{session.account} {session.role_name}"
    live = not session.expired(screen.ctx.now())
    if live:
        yield Command(
            f"Copy exports for {who}",
            partial(screen.copy_exports, session),
            f"Copy {screen.ctx.config.settings.export_shell} export commands (c)",
        )
        yield Command(
            f"Export {who}…",
            partial(screen.open_export, session),
            "Pick a shell or format, then copy or read it (e)",
        )
        yield Command(
            f"Write profile {session.profile} ({who})",
            partial(screen.write_profile, session),
            "Write the session to the credentials file (w)",
        )
        yield Command(
            f"Open the AWS console for {who}",
            partial(screen.open_console, session),
            "Open, or copy when there is no browser, a console sign-in URL (o)",
        )
    if screen.ctx.account_for(session) is not None:
        yield Command(f"Refresh {who}", partial(screen.refresh_session, session),
                      "Sign in again and assume the same role (r)")  # fmt: skip


def commands_for(screen: object, app: object) -> Iterator[Command]:
    """The commands that make sense on `screen` right now."""
    from tui.screens.main import MainScreen
    from tui.screens.roles import RolesScreen

    if isinstance(screen, MainScreen):
        for account in screen.ctx.config.accounts:
            yield Command(f"Sign in to {account.name}", partial(screen.start_sign_in, account),
                          f"Open the browser sign-in for {account.name} (Enter)")  # fmt: skip
        for session in screen.sessions_table.sessions.values():
            yield from _session_commands(screen, session)
        yield Command("Filter accounts", screen.action_filter, "Narrow the accounts list (/)")
        yield Command("Reload sessions", screen.reload_sessions, "Read the session store again")
    elif isinstance(screen, RolesScreen) and not screen.expired:
        for role in screen.table.roles:
            alias = screen.account.alias(role.account_id)
            where = f"{alias} {role.account_id}".strip()
            yield Command(f"Assume {role.name} in {where}", partial(screen.assume_roles, [role]),
                          f"Assume {role.role_arn} from this sign-in")  # fmt: skip
        if screen.table.marked:
            yield Command("Assume marked roles", screen.action_assume_marked,
                          "Assume every marked role from this sign-in (A)")  # fmt: skip
    action_help = getattr(app, "action_help", None)
    if action_help is not None:
        yield Command("Help: keys and usage", action_help, "Every key and a short guide (F1)")
    if isinstance(app, App) and hasattr(app, "ctx"):
        yield Command("Doctor: check this setup", partial(run_doctor_in, app),
                      "Browser, driver, profiles, config, clock and STS, like `entra-aws doctor`")  # fmt: skip


def run_doctor_in(app: App[object]) -> None:
    """`entra-aws doctor` in a thread worker: a toast when all pass, else every line in a dialog."""
    from tui.core.doctor import all_passed, render, run_doctor
    from tui.dialogs.error import ErrorDialog

    path = app.ctx.config.path  # type: ignore[attr-defined]

    def work() -> None:
        checks = run_doctor(path)
        failed = [check for check in checks if not check.ok]
        if all_passed(checks):
            app.call_from_thread(app.notify, f"Doctor: all {len(checks)} checks passed.")
            return
        title = f"Doctor: {len(failed)} of {len(checks)} checks failed"
        dialog = ErrorDialog(title, failed[0].line(), details=render(checks))
        app.call_from_thread(app.push_screen, dialog)

    app.notify("Doctor: checking (up to 15 s)…")
    app.run_worker(work, thread=True, exit_on_error=False, group="doctor", name="doctor")


class EntraCommands(Provider):
    """Context-aware commands for the screen the palette was opened on."""

    def _commands(self) -> list[Command]:
        return list(commands_for(self.screen, self.app))

    async def discover(self) -> Hits:
        for command in self._commands():
            yield DiscoveryHit(command.name, command.run, help=command.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in self._commands():
            score = matcher.match(command.name)
            if score > 0:
                yield Hit(score, matcher.highlight(command.name), command.run, help=command.help)
