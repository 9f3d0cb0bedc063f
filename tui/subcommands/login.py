"""`entra-aws login ACCOUNT... | --all | --tenant ID`: sign in (one browser per tenant, or
--saml-file), assume roles per account, keep and export them, and say per account what happened."""

from __future__ import annotations

import argparse
import json
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

from tui.core.assertion import Assertion, require_redeemable
from tui.core.config import PROFILE_RE, Account, Config
from tui.core.errors import EntraAwsError
from tui.core.exports import shell_export
from tui.core.saml_input import read_saml_source
from tui.core.sessions import Session, SessionStore
from tui.core.signin import (
    Captured,
    Kept,
    assume_and_keep,
    capture_many,
    choose_roles,
    decode_for_account,
)
from tui.core.timeutil import format_duration, rfc3339, utcnow
from tui.subcommands.common import config_from, printable, say


@dataclass
class Result:
    """One account's end: its kept sessions, or the error that stopped it."""

    account: Account
    kept: Kept | None = None
    error: EntraAwsError | None = None
    problems: tuple[str, ...] = ()
    single_role: bool = False

    @property
    def ok(self) -> bool:
        return (
            self.error is None
            and self.kept is not None
            and self.kept.write_error is None
            and len(self.kept.sessions) == len(self.kept.outcomes)
        )


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


def _check(args: argparse.Namespace, accounts: list[Account]) -> None:
    """Options that only make sense for one account, refused before anything happens."""
    if args.profile and not PROFILE_RE.match(args.profile):
        raise EntraAwsError("--profile may use letters, digits and _.@+=,- only.")
    if len(accounts) > 1 or args.all or args.tenant:
        for given, option in ((args.saml_file, "--saml-file"), (args.profile, "--profile")):
            if given:
                raise EntraAwsError(f"{option} is for one account; name just one account.")
        if args.output == "env":
            raise EntraAwsError(
                "--output env is for one account (the exports would overwrite each other); "
                "use --output json for several."
            )


def _keep(
    args: argparse.Namespace, config: Config, account: Account, assertion: Assertion
) -> Result:
    """Choose this account's roles, assume them and keep them; its own failure stays its own."""
    try:
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
    except EntraAwsError as error:
        return Result(account, error=error, problems=assertion.problems)
    problems = assertion.problems + tuple(store.warnings)  # e.g. a corrupt store, set aside
    return Result(account, kept, problems=problems, single_role=len(roles) == 1)


def _results(args: argparse.Namespace, config: Config, accounts: list[Account]) -> list[Result]:
    """Sign in with one browser per tenant; each account's roles are assumed as soon as it is
    captured, while the browser goes on to the next account."""
    if args.saml_file:
        account = accounts[0]
        assertion = decode_for_account(read_saml_source(args.saml_file), account)
        return [_keep(args, config, account, assertion)]
    if not args.headless:
        names = ", ".join(a.name for a in accounts)
        say(f"Opening the sign-in for {names} in Chrome; finish it there.")
    futures: list[Future[Result] | Captured] = []
    with ThreadPoolExecutor(max_workers=4, thread_name_prefix="assume") as pool:
        for captured in capture_many(
            accounts, config, headless=args.headless, timeout=args.timeout, on_status=say
        ):
            if captured.assertion is None:
                futures.append(captured)
            else:
                futures.append(
                    pool.submit(_keep, args, config, captured.account, captured.assertion)
                )
    return [
        f.result() if isinstance(f, Future) else Result(f.account, error=f.error) for f in futures
    ]


def _report_one(args: argparse.Namespace, config: Config, result: Result, prefix: str) -> None:
    for problem in result.problems:
        say(f"entra-aws: {prefix}note: {printable(problem)}")
    if result.error is not None:
        say(f"entra-aws: {prefix}{result.error}")
        return
    kept = result.kept
    assert kept is not None
    written = not args.no_write and kept.write_error is None
    for line in _summary(kept, result.account, config, written):
        if line.startswith("Assumed"):
            if args.output == "none":
                print(prefix + line)
            else:
                say(prefix + line)
        else:
            say(f"entra-aws: {prefix}{line}")
    if kept.write_error is not None:
        say(
            f"entra-aws: {prefix}{kept.write_error} The sessions are kept; see `entra-aws sessions`."
        )


def _account_json(result: Result) -> dict[str, object]:
    sessions = result.kept.sessions if result.kept is not None else []
    error = result.error
    if error is None and result.kept is not None and not result.ok:
        failures = [str(o.error) for o in result.kept.outcomes if o.error is not None]
        error = EntraAwsError(" ".join(failures) or str(result.kept.write_error or ""))
    return {
        "account": result.account.name,
        "ok": result.ok,
        "error": str(error) if error is not None else None,
        "sessions": [_as_json(s) for s in sessions],
    }


def run(args: argparse.Namespace) -> int:
    config = config_from(args)
    accounts = config.select(args.accounts, every=args.all, tenant=args.tenant or "")
    _check(args, accounts)
    several = len(accounts) > 1 or bool(args.all or args.tenant)
    results = _results(args, config, accounts)
    if not several and results[0].error is not None:
        for problem in results[0].problems:
            say(f"entra-aws: note: {printable(problem)}")
        raise results[0].error  # one account: its error is the command's, as before
    if args.output == "json":
        if several:
            print(json.dumps([_account_json(r) for r in results], indent=2))
        else:
            payload = [_as_json(s) for s in results[0].kept.sessions] if results[0].kept else []
            single = results[0].single_role and payload
            print(json.dumps(payload[0] if single else payload, indent=2))
    elif args.output == "env" and results[0].kept is not None:
        shell = args.shell or config.settings.export_shell
        print("".join(shell_export(s, shell) for s in results[0].kept.sessions), end="")
    for result in results:
        _report_one(args, config, result, f"{result.account.name}: " if several else "")
    return 0 if all(r.ok for r in results) else 1
