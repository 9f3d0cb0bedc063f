"""`entra-aws decode [FILE|-] [--json]`: what a SAMLResponse carries, without calling AWS."""

from __future__ import annotations

import argparse
import json
from collections import defaultdict

from tui.core.assertion import Assertion, decode_saml_response
from tui.core.assertion_facts import attributes, facts
from tui.core.errors import ConfigError
from tui.core.saml_input import read_saml_source
from tui.core.timeutil import format_duration, format_remaining, utcnow
from tui.subcommands.common import config_from, printable, say


def _aliases(args: argparse.Namespace) -> dict[str, str]:
    """Account aliases from every configured account; decode works without a config too."""
    try:
        config = config_from(args, missing_ok=True)
    except ConfigError as error:
        say(f"entra-aws: note: aliases unavailable ({error})")
        return {}
    merged: dict[str, str] = {}
    for account in config.accounts:
        merged.update(account.aliases)
    return merged


def render(assertion: Assertion, aliases: dict[str, str]) -> str:
    now = utcnow()
    lines: list[str] = []
    who = printable(assertion.subject) or "(no NameID)"
    if assertion.display_name:
        who += f" ({printable(assertion.display_name)})"
    lines.append(f"Subject        {who}")
    lines.extend(f"{label:<15}{value}" for label, value in facts(assertion))
    duration = assertion.session_duration
    lines.append(
        f"Duration       {format_duration(duration) + f' ({duration} s)' if duration else '- (no SessionDuration)'}"
    )
    until = assertion.redeemable_until
    if until:
        left = (until - now).total_seconds()
        state = f"{format_remaining(left)} left" if left > 0 else "expired: sign in again to use it"
        lines.append(f"Redeem until   {until:%Y-%m-%d %H:%M:%S} UTC ({state})")
    by_account: dict[str, list] = defaultdict(list)
    for role in assertion.roles:
        by_account[role.account_id].append(role)
    lines.append("")
    lines.append(
        f"Roles ({len(assertion.roles)} in {len(by_account)} account{'s' if len(by_account) != 1 else ''})"
    )
    for account_id, roles in sorted(by_account.items()):
        alias = aliases.get(account_id, "")
        lines.append(f"  {account_id}  {printable(alias)}".rstrip())
        width = max(len(role.name) for role in roles)
        for role in sorted(roles, key=lambda r: r.name):
            provider = role.principal_arn.split(":", 5)[-1]
            lines.append(f"    {role.name:<{width}}  {role.role_arn}  via {provider}")
    if not assertion.roles:
        lines.append("  (none)")
    claims = attributes(assertion)
    if claims:
        lines.append("")
        lines.append(f"Attributes ({len(claims)})")
        width = min(32, max(len(name) for name, _ in claims))
        lines.extend(f"  {name:<{width}}  {shown}" for name, shown in claims)
    if assertion.problems:
        lines.append("")
        lines.append("Problems")
        lines.extend(f"  - {printable(problem)}" for problem in assertion.problems)
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    assertion = decode_saml_response(read_saml_source(args.file))
    if args.json:
        print(json.dumps(assertion.to_json(), indent=2))
    else:
        print(render(assertion, _aliases(args)))
    return 0
