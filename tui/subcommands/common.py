"""Helpers the subcommands share: loading config, printing safely, picking a cached session."""

from __future__ import annotations

import argparse
import sys

from tui.core.assertion_facts import printable as printable  # the subcommands print with it
from tui.core.config import Config, load_config
from tui.core.config_index import identity_of, write_index
from tui.core.errors import EntraAwsError, SessionError
from tui.core.paths import config_path
from tui.core.sessions import Session, SessionStore
from tui.core.targets import aliases_for, choose, split_target, target


def config_from(args: argparse.Namespace, *, missing_ok: bool = False) -> Config:
    """The checked config; its index is refreshed too, so credential_process answers fast."""
    path = config_path(args.config)
    before = identity_of(str(path))
    config = load_config(path, missing_ok=missing_ok)
    if config.exists:
        write_index(config, str(path), before)
    return config


def say(message: str) -> None:
    """Progress and summaries for people go to stderr, keeping stdout for what scripts read."""
    print(message, file=sys.stderr, flush=True)


def target_and_role(text: str, role: str | None) -> tuple[str, str | None]:
    """`ACCOUNT[:ROLE]` and a `--role` option together: the account and the one role named."""
    account, inline = split_target(text)
    if inline and role and inline != role:
        raise EntraAwsError(f"Give the role once: {text} or --role {role}, not both.")
    return account, inline or role or None


def pick_session(
    store: SessionStore, config: Config | None, account: str, role: str | None
) -> Session:
    """The cached session for `account` (and `role`, or the account's default role)."""
    return choose(store.load(), config, account, role)


def require_live(session: Session, config: Config | None = None) -> Session:
    if session.expired():
        name = target(session, aliases_for(config, session.account))
        raise SessionError(
            f"The session for {name} expired; run "
            f"`entra-aws login {session.account} --role {session.role_arn}`."
        )
    return session
