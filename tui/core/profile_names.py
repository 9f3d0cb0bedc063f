"""The one rule naming a role's profile, in `~/.aws/credentials` and in `~/.aws/config` alike.

A role's name depends only on the account's config and the roles its sign-in offers, never on how
many roles were picked this time, so it is the same on every run:

- an account's explicit `profile` names its `default_role`'s profile (or, without a default_role,
  the profile of its only role);
- every other role: `settings.profile_template` filled in, by default `{account}-{role}`, or
  `{account}-{aws}-{role}` when the account's app carries roles of several AWS accounts
  (`{aws}` is the AWS account's alias from the config, else its id).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from tui.core.config import Account
from tui.core.roles import Role

ONE_AWS_ACCOUNT = "{account}-{role}"
SEVERAL_AWS_ACCOUNTS = "{account}-{aws}-{role}"
_UNSAFE = re.compile(r"[^A-Za-z0-9_.@+=,-]+")  # what an INI header and a shell both take as is


def _explicit_role(account: Account, offered: Sequence[Role]) -> Role | None:
    """The role an explicit `profile` belongs to, if the account has one."""
    if not account.profile:
        return None
    if account.default_role:
        hits = [role for role in offered if role.matches(account.default_role)]
        return hits[0] if len(hits) == 1 else None
    return offered[0] if len(offered) == 1 else None


def template_for(account: Account, offered: Sequence[Role], template: str = "") -> str:
    """The template that names the account's roles: the setting, else the default rule."""
    if template:
        return template
    several = len({role.account_id for role in offered}) > 1
    return SEVERAL_AWS_ACCOUNTS if several else ONE_AWS_ACCOUNT


def _fill(template: str, account_name: str, account: Account, role: Role) -> str:
    name = template.format(
        account=account_name,
        role=role.name,
        aws=_UNSAFE.sub("-", account.alias(role.account_id)).strip("-") or role.account_id,
        account_id=role.account_id,
    )
    return _UNSAFE.sub("-", name).strip("-") or f"{account_name}-{role.name}"


def profile_names(
    account: Account,
    roles: Sequence[Role],
    offered: Sequence[Role] = (),
    template: str = "",
    override: str | None = None,
) -> dict[Role, str]:
    """The profile name of each of `roles`; `offered` is every role the sign-in carried (`roles`
    when empty). `override` (`login --profile`) names a lone role, or stands in for the account
    name in the template for several."""
    every = list(dict.fromkeys([*offered, *roles]))
    if override and len(roles) == 1:
        return {roles[0]: override}
    rule = template_for(account, every, template)
    base = override or account.name
    names = {role: _fill(rule, base, account, role) for role in every}
    explicit = None if override else _explicit_role(account, every)
    if explicit is not None:
        names[explicit] = account.profile
    taken: dict[str, int] = {}
    for name in names.values():
        taken[name] = taken.get(name, 0) + 1
    for role, name in names.items():  # a template without {aws} over several AWS accounts
        if taken[name] > 1 and role != explicit:
            names[role] = f"{name}-{role.account_id}"
    return {role: names[role] for role in roles}


def profile_name(
    account: Account, role: Role, offered: Sequence[Role] = (), template: str = ""
) -> str:
    return profile_names(account, [role], offered, template)[role]
