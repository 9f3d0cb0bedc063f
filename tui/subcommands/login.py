"""`entra-aws login ACCOUNT`: sign in (browser or --saml-file), assume roles, keep and export them."""

from __future__ import annotations

import argparse
import json
import re

from tui.core.assertion import Assertion, require_redeemable
from tui.core.config import Account, Config
from tui.core.errors import EntraAwsError
from tui.core.exports import shell_export
from tui.core.saml_input import read_saml_source
from tui.core.sessions import Session, SessionStore
from tui.core.signin import (
    Kept,
    SignInRequest,
    assume_and_keep,
    capture,
    choose_roles,
    decode_for_account,
)
from tui.core.timeutil import format_duration, rfc3339, utcnow
from tui.subcommands.common import config_from, printable, say

_PROFILE_RE = re.compile(r"^[A-Za-z0-9_.@+=,-]{1,128}$")


def obtain(args: argparse.Namespace, config: Config, account: Account) -> Assertion:
    if args.saml_file:
        return decode_for_account(read_saml_source(args.saml_file), account)
    if not args.headless:
        say(f"Opening the sign-in for {account.name} in Chrome; finish it there.")
    request = SignInRequest(account, config, args.headless, args.timeout, on_status=say)
    return capture(request)


def _as_json(session: Session) -> dict[str, object]:
    return {
        "account": session.account,
        "role_arn": session.role_arn,
        "account_id": session.account_id,
        "role_name": session.role_name,
        "profile": session.profile,
        "region": session.region,
        "assumed_role_arn": session.assumed_role_arn,
        "access_key_id": session.access_key_id,
        "secret_access_key": session.secret_access_key,
        "session_token": session.session_token,
        "expiration": rfc3339(session.expiration),
    }


def _summary(kept: Kept, account: Account, config: Config, written: bool) -> list[str]:
    lines = []
    for outcome in kept.outcomes:
        role = outcome.role
        where = account.alias(role.account_id) or role.account_id
        if outcome.session:
            session = outcome.session
            target = (
                f"; profile {session.profile} written to {config.settings.credentials_file}"
                if written
                else ""
            )
            lines.append(
                f"Assumed {role.name} in {where} until {session.expiration:%H:%M} UTC "
                f"({format_duration(session.duration)}){target}."
            )
        else:
            lines.append(f"Could not assume {role.name} in {where}: {outcome.error}")
    return lines


def run(args: argparse.Namespace) -> int:
    if args.profile and not _PROFILE_RE.match(args.profile):
        raise EntraAwsError("--profile may use letters, digits and _.@+=,- only.")
    config = config_from(args)
    account = config.account(args.account)
    assertion = obtain(args, config, account)
    for problem in assertion.problems:
        say(f"entra-aws: note: {printable(problem)}")
    roles = choose_roles(account, assertion, args.role, args.all_roles)
    require_redeemable(assertion, utcnow())  # an expired assertion never reaches STS
    store = SessionStore()
    kept = assume_and_keep(
        config,
        account,
        assertion,
        roles,
        duration=args.duration,
        profile=args.profile,
        write=not args.no_write,
        store=store,
    )
    for warning in store.warnings:  # e.g. a corrupt session store, set aside
        say(f"entra-aws: {warning}")
    written = not args.no_write and kept.write_error is None
    summary = _summary(kept, account, config, written)
    sessions = kept.sessions
    if args.output == "json":
        payload = [_as_json(s) for s in sessions]
        print(json.dumps(payload[0] if len(roles) == 1 and payload else payload, indent=2))
    elif args.output == "env":
        shell = args.shell or config.settings.export_shell
        print("".join(shell_export(s, shell) for s in sessions), end="")
    for line in summary:
        if args.output == "none" and line.startswith("Assumed"):
            print(line)
        else:
            say(line if line.startswith("Assumed") else f"entra-aws: {line}")
    if kept.write_error is not None:
        say(f"entra-aws: {kept.write_error} The sessions are kept; see `entra-aws sessions`.")
    failed = len(kept.outcomes) - len(sessions)
    if failed or kept.write_error is not None:
        return 1
    return 0
