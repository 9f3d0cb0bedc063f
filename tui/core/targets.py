"""Which cached session a name means: `ACCOUNT`, `ACCOUNT:ROLE`, `ACCOUNT:ROLE@AWS-ACCOUNT` or
`ACCOUNT:ROLE-ARN`, and how a session is named back (always with its AWS account).

One config account (an Entra app) may carry the same role name in several AWS accounts, so a bare
role name that matches more than one session is refused with the spellings that tell them apart.
Imports stay cheap (no boto3, no Textual): the cached credential_process path uses this module.
"""

from __future__ import annotations

from tui.core.arns import is_role_arn
from tui.core.errors import ConfigError, SessionError

TYPE_CHECKING = False  # not `typing.TYPE_CHECKING`: importing typing costs the fast path ~10 ms
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from typing import Protocol, TypeAlias, TypeVar

    Aliases: TypeAlias = Mapping[str, str]  # AWS account id -> alias, as `aliases` holds them

    class Session(Protocol):
        """What choosing needs of a session: a stored `Session` or the fast path's entry."""

        @property
        def account(self) -> str: ...
        @property
        def role_arn(self) -> str: ...

    class Account(Protocol):
        @property
        def name(self) -> str: ...
        @property
        def aliases(self) -> Mapping[str, str]: ...
        @property
        def default_role(self) -> str: ...

    class Config(Protocol):
        """A loaded `Config`, or the fast path's index of it."""

        @property
        def accounts(self) -> Sequence[Account]: ...
        def account(self, name: str) -> object: ...

    S = TypeVar("S", bound=Session)


class AmbiguousTarget(SessionError):
    """A name that matches several sessions: never guess which one was meant."""


def split_target(text: str) -> tuple[str, str | None]:
    """`ACCOUNT[:ROLE]` into the account and the role part (None when there is none)."""
    account, _, role = text.strip().partition(":")
    return account, role or None


def spell_role(role_arn: str, aliases: Aliases) -> str:
    """`ReadOnly@acme-prod`: a role with its AWS account, as `ACCOUNT:ROLE@AWS-ACCOUNT` takes it."""
    account_id = role_arn.split(":")[4]
    return f"{role_arn.rsplit('/', 1)[-1]}@{aliases.get(account_id) or account_id}"


def role_spelling(session: Session, aliases: Aliases) -> str:
    """`ReadOnly@acme-prod` for a session's role."""
    return spell_role(session.role_arn, aliases)


def label(session: Session, aliases: Aliases) -> str:
    """`demo-prod ReadOnly@acme-prod`: how toasts, the palette and messages name a session."""
    return f"{session.account} {role_spelling(session, aliases)}"


def target(session: Session, aliases: Aliases) -> str:
    """`demo-prod:ReadOnly@acme-prod`: a name every command accepts for exactly this session."""
    return f"{session.account}:{role_spelling(session, aliases)}"


def names_role(role_arn: str, wanted: str, aliases: Aliases) -> bool:
    """Whether `wanted` (role ARN, role name, or `NAME@ID` / `NAME@ALIAS`) names `role_arn`.

    IAM role names may hold "@", so a name is first taken whole, then split at its last "@".
    """
    if is_role_arn(wanted):
        return wanted == role_arn
    role_name, account_id = role_arn.rsplit("/", 1)[-1], role_arn.split(":")[4]
    if wanted == role_name:
        return True
    name, at, aws = wanted.rpartition("@")
    if not at or name != role_name:
        return False
    return aws == account_id or (bool(aws) and aliases.get(account_id) == aws)


def role_matches(session: Session, wanted: str, aliases: Aliases) -> bool:
    """Whether `wanted` names `session`'s role (see `names_role`)."""
    return names_role(session.role_arn, wanted, aliases)


def matching(sessions: Sequence[S], account: str, role: str | None, aliases: Aliases) -> list[S]:
    """The sessions of `account` that `role` names (every one of them when `role` is None)."""
    mine = [s for s in sessions if s.account == account]
    if role is None:
        return mine
    return [s for s in mine if role_matches(s, role, aliases)]


def _configured(config: Config | None, name: str) -> Account | None:
    return next((a for a in (config.accounts if config else ()) if a.name == name), None)


def aliases_for(config: Config | None, account: str) -> Aliases:
    """The AWS account aliases the configured `account` names (none when it is not configured)."""
    configured = _configured(config, account)
    return configured.aliases if configured else {}


def _unknown_account(config: Config | None, name: str, sessions: Sequence[Session]) -> None:
    """An account that is neither configured nor in the store: say so (with the config's hint)."""
    if any(s.account == name for s in sessions):
        return
    if config is not None and config.accounts:
        config.account(name)  # raises "No account named ...; did you mean ...?"
    if _configured(config, name) is None:
        raise ConfigError(f"No account named {name!r} is configured and none has a session.")


def _ambiguous(
    found: Sequence[Session], account: str, aliases: Aliases, asked: str
) -> AmbiguousTarget:
    choices = ", ".join(target(s, aliases) for s in found)
    return AmbiguousTarget(f"{asked} names {len(found)} sessions; name one: {choices}.")


def choose(sessions: Sequence[S], config: Config | None, account: str, role: str | None) -> S:
    """The one session `account` and `role` name, or one sentence saying why there is none.

    No role: the account's only session, else its `default_role`'s. A role that matches in
    several AWS accounts is refused with the choices; an unknown account says so.
    """
    _unknown_account(config, account, sessions)
    configured = _configured(config, account)
    aliases = aliases_for(config, account)
    mine = matching(sessions, account, None, aliases)
    if not mine:
        raise SessionError(f"No session for {account}; run `entra-aws login {account}` first.")
    if role is not None:
        found = matching(mine, account, role, aliases)
        if len(found) == 1:
            return found[0]
        if found:
            raise _ambiguous(found, account, aliases, f"{account}:{role}")
        have = ", ".join(role_spelling(s, aliases) for s in mine)
        raise SessionError(
            f"No session for {account}:{role} (sessions of {account}: {have}); run "
            f"`entra-aws login {account} --role {role}` to assume it."
        )
    if len(mine) == 1:
        return mine[0]
    default = configured.default_role if configured else ""
    found = matching(mine, account, default, aliases) if default else []
    if len(found) == 1:
        return found[0]
    raise _ambiguous(found or mine, account, aliases, account)


def select(
    sessions: Sequence[S], config: Config | None, account: str | None, role: str | None
) -> list[S]:
    """Every session `account` and `role` name (`logout`): all of them for no account; one
    sentence when the account is unknown or nothing matches."""
    if account is None:
        return list(sessions)
    _unknown_account(config, account, sessions)
    found = matching(sessions, account, role, aliases_for(config, account))
    if not found:
        what = f"{account}:{role}" if role else account
        raise SessionError(f"No session for {what}; `entra-aws sessions` lists them.")
    return found
