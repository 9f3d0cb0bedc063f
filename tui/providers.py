"""The command palette's entra-aws commands, named after what they act on.

On the accounts screen: sign in to each account, and every session action for each session
("Copy exports for demo-prod Admin"). On the roles inspector: assume each role. Everywhere:
help. Keys reach the highlighted row; the palette reaches any row by name.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from typing import TYPE_CHECKING, NamedTuple

from textual.app import App
from textual.command import DiscoveryHit, Hit, Hits, Provider

from tui.core.sessions import Session
from tui.widgets.sessions_pane import SessionAction

if TYPE_CHECKING:
    from tui.screens.main import MainScreen

KeyOf = Callable[[str], str]


class Command(NamedTuple):
    name: str
    run: Callable[[], object]
    help: str


def _session_commands(screen: MainScreen, session: Session, key: KeyOf) -> Iterator[Command]:
    pane = screen.sessions
    who = pane.label(session)

    def run(action: SessionAction) -> Callable[[], object]:
        return partial(pane.perform, action, session)

    if pane.allows(SessionAction.COPY, session):
        shell = screen.ctx.config.settings.export_shell
        yield Command(f"Copy exports for {who}", run(SessionAction.COPY),
                      f"Copy {shell} export commands{key('copy-exports')}")  # fmt: skip
        yield Command(f"Export {who}…", run(SessionAction.EXPORT),
                      f"Pick a shell or format, then copy or read it{key('export')}")  # fmt: skip
        yield Command(f"Write profile {session.profile} ({who})", run(SessionAction.WRITE),
                      f"Write the session to the credentials file{key('write-profile')}")  # fmt: skip
        yield Command(f"Open the AWS console for {who}", run(SessionAction.CONSOLE),
                      f"Open, or copy when there is no browser, a console sign-in URL{key('open-console')}")  # fmt: skip
    if pane.allows(SessionAction.REFRESH, session):
        yield Command(f"Refresh {who}", run(SessionAction.REFRESH),
                      f"Sign in again and assume the same role{key('refresh-session')}")  # fmt: skip
    if pane.allows(SessionAction.REMOVE, session):
        yield Command(f"Remove {who}…", run(SessionAction.REMOVE),
                      f"Remove it from the store and its profile, after asking{key('remove-session')}")  # fmt: skip


def commands_for(screen: object, app: App[object]) -> Iterator[Command]:
    """The commands that make sense on `screen` right now, with the keys that do the same."""
    from tui.screens.help import key_for
    from tui.screens.main import MainScreen
    from tui.screens.roles import RolesScreen

    def key(binding_id: str) -> str:
        shown = key_for(app, binding_id)
        return f" ({shown})" if shown else ""

    if isinstance(screen, MainScreen):
        for account in screen.ctx.config.accounts:
            yield Command(f"Sign in to {account.name}", partial(screen.sign_in, account),
                          f"Open the browser sign-in for {account.name}{key('sign-in')}")  # fmt: skip
        for session in screen.sessions.sessions:
            yield from _session_commands(screen, session, key)
        yield Command("Filter accounts", partial(screen.action_filter, "accounts"),
                      f"Narrow the accounts list{key('filter')}")  # fmt: skip
        if screen.sessions.sessions:
            yield Command("Filter sessions", partial(screen.action_filter, "sessions"),
                          f"Narrow the sessions list{key('filter')}")  # fmt: skip
        yield Command("Reload sessions", screen.sessions.reload, "Read the session store again")
    elif isinstance(screen, RolesScreen) and not screen.expired:
        for role in screen.table.roles:
            alias = screen.account.alias(role.account_id)
            where = f"{alias} {role.account_id}".strip()
            yield Command(f"Assume {role.name} in {where}", partial(screen.assume_roles, [role]),
                          f"Assume {role.role_arn} from this sign-in")  # fmt: skip
        if screen.table.marked:
            yield Command("Assume marked roles", screen.action_assume_marked,
                          f"Assume every marked role from this sign-in{key('assume-marked')}")  # fmt: skip
    action_help = getattr(app, "action_help", None)
    if action_help is not None:
        yield Command(
            "Help: keys and usage", action_help, f"Every key and a short guide{key('help')}"
        )
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
