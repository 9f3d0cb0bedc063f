"""Helpers the subcommands share: loading config, printing safely, picking a cached session."""

from __future__ import annotations

import argparse
import sys

from tui.core.assertion_facts import printable as printable  # the subcommands print with it
from tui.core.config import Config, load_config
from tui.core.errors import SessionError
from tui.core.paths import config_path
from tui.core.sessions import Session, SessionStore


def config_from(args: argparse.Namespace, *, missing_ok: bool = False) -> Config:
    return load_config(config_path(args.config), missing_ok=missing_ok)


def say(message: str) -> None:
    """Progress and summaries for people go to stderr, keeping stdout for what scripts read."""
    print(message, file=sys.stderr, flush=True)


def pick_session(
    store: SessionStore, config: Config | None, account: str, role: str | None
) -> Session:
    """The cached session for `account` (and `role`, or the account's default role)."""
    sessions = store.find(account, role)
    if not sessions and role is None and config is not None:
        configured = next((a for a in config.accounts if a.name == account), None)
        if configured is not None and configured.default_role:
            sessions = store.find(account, configured.default_role)
    if not sessions:
        what = f"{account}:{role}" if role else account
        raise SessionError(f"No session for {what}; run `entra-aws login {account}` first.")
    if len(sessions) > 1 and role is None:
        configured = next(
            (a for a in (config.accounts if config else ()) if a.name == account), None
        )
        default = [
            s
            for s in sessions
            if configured and configured.default_role in (s.role_arn, s.role_name)
        ]
        if len(default) == 1:
            return default[0]
        names = ", ".join(sorted(s.role_name for s in sessions))
        raise SessionError(
            f"{account} has sessions for several roles ({names}); name one as {account}:ROLE."
        )
    return sessions[0]


def require_live(session: Session) -> Session:
    if session.expired():
        raise SessionError(
            f"The session for {session.account}:{session.role_name} expired; run "
            f"`entra-aws login {session.account} --role {session.role_name}`."
        )
    return session
