"""`entra-aws console ACCOUNT [--role ROLE] [--print]`: the AWS console, signed in as a session."""

from __future__ import annotations

import argparse
import webbrowser

from tui.core.console import console_url, federation_url_for
from tui.core.errors import ConfigError, EntraAwsError
from tui.core.sessions import SessionStore
from tui.core.targets import aliases_for, label
from tui.subcommands.common import (
    config_from,
    pick_session,
    require_live,
    say,
    target_and_role,
)


def run(args: argparse.Namespace) -> int:
    try:
        config = config_from(args, missing_ok=True)
    except ConfigError:
        config = None
    session = require_live(
        pick_session(SessionStore(), config, *target_and_role(args.account, args.role)), config
    )
    account = next(
        (a for a in (config.accounts if config else ()) if a.name == session.account), None
    )
    url = console_url(session, federation_url_for(session, account))
    if args.print:
        print(url)
        return 0
    if not webbrowser.open(url):
        raise EntraAwsError(
            "No web browser could be opened here; use --print and open the URL yourself."
        )
    say(f"Opened the AWS console for {label(session, aliases_for(config, session.account))}.")
    return 0
