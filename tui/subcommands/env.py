"""`entra-aws env ACCOUNT[:ROLE] [--shell ...]`: export commands for a cached session."""

from __future__ import annotations

import argparse

from tui.core.config import Settings
from tui.core.errors import ConfigError
from tui.core.exports import shell_export
from tui.core.sessions import SessionStore
from tui.core.targets import split_target
from tui.subcommands.common import config_from, pick_session, require_live


def run(args: argparse.Namespace) -> int:
    account, role = split_target(args.target)
    try:
        config = config_from(args, missing_ok=True)
    except ConfigError:
        config = None
    session = require_live(pick_session(SessionStore(), config, account, role), config)
    shell = args.shell or (config.settings if config else Settings()).export_shell
    print(shell_export(session, shell), end="")
    return 0
