"""`entra-aws logout [ACCOUNT[:ROLE]]`: forget sessions (all of them, or those named), and take
their profiles out of the credentials file where we wrote them."""

from __future__ import annotations

import argparse

from tui.core.config import Settings
from tui.core.errors import ConfigError
from tui.core.logout import forget
from tui.core.sessions import SessionStore
from tui.core.targets import aliases_for, label, select, split_target
from tui.subcommands.common import config_from, say


def run(args: argparse.Namespace) -> int:
    try:
        config = config_from(args, missing_ok=True)
    except ConfigError:
        config = None
    store = SessionStore()
    account, role = split_target(args.target) if args.target else (None, None)
    sessions = select(store.load(), config, account, role)
    if not sessions:
        say("No sessions to remove.")
        return 0
    settings = config.settings if config else Settings()
    done = forget(store, sessions, settings.credentials_file)
    names = ", ".join(label(s, aliases_for(config, s.account)) for s in done.sessions)
    count = len(done.sessions)
    profiles = (
        f"; profile{'s' * (len(done.profiles) != 1)} {', '.join(done.profiles)} removed from "
        f"{settings.credentials_file}"
        if done.profiles
        else ""
    )
    say(f"Removed {count} session{'s' * (count != 1)} ({names}){profiles}.")
    return 0
