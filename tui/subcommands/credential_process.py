"""`entra-aws credential-process ACCOUNT [--role ROLE]`: the AWS CLI/SDKs' credential_process.

stdout carries only the documented JSON; stderr carries one sentence when something is wrong and
never a secret. An expiring session is refreshed by a silent headless sign-in when the tenant's
browser profile still holds Entra's "Stay signed in" cookie; otherwise we ask for a person. Many
calls at once share one refresh (`tui.core.refresh`): the others wait, then read its session.
"""

from __future__ import annotations

import argparse

from tui.core.cached_credentials import REFRESH_BEFORE
from tui.core.config import Config
from tui.core.errors import BrowserError, NeedsPerson, SessionError
from tui.core.exports import credential_process_json
from tui.core.refresh import refresh_session
from tui.core.sessions import Session, SessionStore
from tui.core.targets import AmbiguousTarget
from tui.subcommands.common import config_from, pick_session, say, target_and_role

SILENT_TIMEOUT = 60.0


def _cached(store: SessionStore, config: Config, account: str, role: str | None) -> Session | None:
    try:
        return pick_session(store, config, account, role)
    except AmbiguousTarget:
        raise
    except SessionError:
        return None


def run(args: argparse.Namespace) -> int:
    name, args.role = target_and_role(args.account, args.role)
    config = config_from(args)  # and indexed: the next call takes the fast path
    account = config.account(name)
    store = SessionStore()
    cached = _cached(store, config, account.name, args.role)
    if cached is not None and cached.remaining() > REFRESH_BEFORE:
        print(credential_process_json(cached))
        return 0
    role = cached.role_arn if cached is not None else (args.role or account.default_role or None)
    try:
        timeout = min(SILENT_TIMEOUT, config.settings.timeout)
        fresh = refresh_session(
            config,
            account,
            role,
            fresh_for=REFRESH_BEFORE,
            timeout=timeout,
            store=store,
            on_wait=lambda text: say(f"entra-aws: {text}"),
        )
    except (NeedsPerson, BrowserError) as error:
        if cached is not None and cached.remaining() > 60:
            say(
                f"entra-aws: could not refresh {account.name} silently; using the session that expires at {cached.expiration:%H:%M} UTC."
            )
            print(credential_process_json(cached))
            return 0
        reason = (
            "needs you to sign in"
            if isinstance(error, NeedsPerson)
            else f"could not be refreshed ({error})"
        )
        if cached is None:
            what = f"{account.name}:{args.role}" if args.role else account.name
            also = f" --role {args.role}" if args.role else ""
            why = (
                "signing in needs you"
                if isinstance(error, NeedsPerson)
                else f"a silent sign-in failed ({error})"
            )
            raise SessionError(
                f"There is no session for {what} yet and {why}: "
                f"run `entra-aws login {account.name}{also}`."
            ) from None
        raise SessionError(
            f"The session for {account.name} has expired and {reason}: run `entra-aws login {account.name}`."
        ) from None
    print(credential_process_json(fresh))
    return 0
