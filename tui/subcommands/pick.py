"""`entra-aws pick [ACCOUNT[:ROLE]] [--shell SHELL]`: export lines for the shell that evals them.

`eval "$(entra-aws pick)"` opens the app as a picker: Textual paints on stderr (its Linux driver
writes to `sys.__stderr__`), so stdout carries only the export lines printed after the app ends.
Enter on a live session prints its exports; Esc (or q) prints nothing and exits 1. With
ACCOUNT[:ROLE] there is no screen: the one session it names, as `env` prints it (a name that
fits several sessions opens the picker when there is a terminal, else is refused with the choices).
"""

from __future__ import annotations

import argparse
import sys

from tui.core.config import Config, Settings
from tui.core.errors import ConfigError, EntraAwsError
from tui.core.exports import shell_export
from tui.core.paths import config_path
from tui.core.sessions import Session, SessionStore
from tui.core.targets import AmbiguousTarget
from tui.subcommands.common import (
    config_from,
    pick_session,
    require_live,
    say,
    target_and_role,
)

NOTHING_PICKED = 1


def require_picker_terminal() -> None:
    """The picker reads keys on stdin and paints on stderr; stdout may be a pipe (`$(...)`)."""
    if sys.stdin.isatty() and sys.stderr.isatty():
        return
    raise EntraAwsError(
        "The picker needs a terminal on stdin and stderr; name the session instead: "
        "`entra-aws pick ACCOUNT[:ROLE]`."
    )


def run_picker(args: argparse.Namespace) -> tuple[Session | None, Settings]:
    """The app as a picker: the session picked with Enter (None: Esc, q) and the settings."""
    from tui.services import close_browsers
    from tui.subcommands.run_tui import prepare

    app = prepare(config_path(args.config), theme=None, picker=True)
    require_picker_terminal()
    try:
        app.run()
    finally:
        close_browsers()
    picked = app.ctx.picked if app.return_code == 0 else None
    return picked, app.ctx.config.settings


def named(args: argparse.Namespace) -> tuple[Session, Settings] | None:
    """The session ACCOUNT[:ROLE] names; None when several fit and a person can choose."""
    try:
        config: Config | None = config_from(args, missing_ok=True)
    except ConfigError:
        config = None
    account, role = target_and_role(args.target, None)
    try:
        found = pick_session(SessionStore(), config, account, role)
    except AmbiguousTarget:
        if sys.stdin.isatty() and sys.stderr.isatty():
            return None
        raise
    return require_live(found, config), (config.settings if config else Settings())


def run(args: argparse.Namespace) -> int:
    chosen = named(args) if args.target else None
    if chosen is None:
        picked, settings = run_picker(args)
        if picked is None:
            return NOTHING_PICKED
        chosen = (picked, settings)
    session, settings = chosen
    print(shell_export(session, args.shell or settings.export_shell), end="", flush=True)
    if sys.stdout.isatty():  # printed, not evaluated: say how to make it count
        say(
            'entra-aws: this shell did not change; run `eval "$(entra-aws pick)"`, or `eaws` '
            'after `eval "$(entra-aws shell-init bash)"`.'
        )
    return 0
