"""`entra-aws profiles [ACCOUNT...] [--dry-run]`: a `~/.aws/config` profile (credential_process)
for every role each account's last sign-in offered; say what changed, or that nothing did."""

from __future__ import annotations

import argparse
import sys

from tui.core.aws_config import Plan, config_file_path, write_profiles_for
from tui.core.config import Account, Config
from tui.core.errors import EntraAwsError
from tui.core.roles import Role
from tui.core.signins import SignIns
from tui.subcommands.common import config_from, say


def _offered(
    config: Config, names: list[str], signins: SignIns
) -> list[tuple[Account, list[Role]]]:
    if names:
        accounts = [config.account(name) for name in dict.fromkeys(names)]  # unknown: one sentence
    else:
        remembered = set(signins.accounts())
        accounts = [a for a in config.accounts if a.name in remembered]
        if not accounts:
            raise EntraAwsError(
                "No account has signed in yet, so there are no roles to write profiles for; "
                "run `entra-aws login ACCOUNT` first."
            )
    offered = []
    for account in accounts:
        roles = signins.roles(account.name)
        if not roles:
            raise EntraAwsError(
                f"{account.name} has not signed in yet, so its roles are unknown; run "
                f"`entra-aws login {account.name}` first."
            )
        offered.append((account, roles))
    return offered


def describe(plan: Plan, dry_run: bool) -> list[str]:
    """One line per change, for people."""
    path = config_file_path()
    lines = []
    for name, line in plan.theirs:
        lines.append(
            f"Left [profile {name}] at {path} line {line} alone: entra-aws did not write it "
            "(rename it, or change profile_template)."
        )
    verb, gone = ("Would write", "Would remove") if dry_run else ("Wrote", "Removed")
    for name in plan.written:
        item = plan.profiles[name]
        lines.append(f"{verb} [profile {name}] ({item.account}, {item.role.name}).")
    for name in plan.removed:
        lines.append(f"{gone} [profile {name}]: its role is no longer offered.")
    if not plan.changed:
        count = len(plan.unchanged)
        lines.append(
            f"{path} is up to date ({count} profile{'s' * (count != 1)}); nothing changed."
        )
    elif dry_run:
        lines.append(f"Nothing was written to {path} (--dry-run).")
    else:
        lines.append(f"Updated {path}.")
    return lines


def run(args: argparse.Namespace) -> int:
    config = config_from(args)
    offered = _offered(config, list(args.accounts), SignIns())
    plan = write_profiles_for(config, offered, dry_run=args.dry_run)
    if args.dry_run:
        newline = "\n"
        for name in plan.written:
            sys.stdout.write("".join(plan.profiles[name].lines(newline)) + newline)
    for line in describe(plan, args.dry_run):
        say(line)
    return 0
