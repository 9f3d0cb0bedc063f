"""Which session a name means (`ACCOUNT[:ROLE[@AWS-ACCOUNT]]` or a role ARN), and how one is named."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.unit.builders import session
from tui.core.config import Account, Config, Settings
from tui.core.errors import ConfigError, SessionError
from tui.core.targets import AmbiguousTarget, choose, label, role_matches, split_target, target

PROD, DEV = "111111111111", "222222222222"
ALIASES = {PROD: "acme-prod", DEV: "acme-dev"}


def _s(role: str, account_id: str = PROD, account: str = "prod"):
    return session(
        account=account,
        role_arn=f"arn:aws:iam::{account_id}:role/{role}",
        principal_arn=f"arn:aws:iam::{account_id}:saml-provider/Entra",
    )


def _config(default_role: str = "", **extra: object) -> Config:
    accounts = (
        Account("prod", "t", "uri", "us-east-1", default_role=default_role, aliases=ALIASES),
        Account("dev", "t", "uri2", "us-east-1"),
    )
    return Config(Path("/c.toml"), Settings(), accounts)


READ_PROD, READ_DEV, ADMIN = _s("ReadOnly"), _s("ReadOnly", DEV), _s("Admin")
ALL = [ADMIN, READ_PROD, READ_DEV]


def test_split_target_keeps_an_arn_whole() -> None:
    arn = f"arn:aws:iam::{DEV}:role/ReadOnly"
    assert split_target(f"prod:{arn}") == ("prod", arn)
    assert split_target("prod") == ("prod", None)
    assert split_target("prod:") == ("prod", None)


@pytest.mark.parametrize(
    ("wanted", "matches"),
    [
        ("ReadOnly", True),
        ("ReadOnly@222222222222", True),
        ("ReadOnly@acme-dev", True),
        ("ReadOnly@acme-prod", False),
        ("ReadOnly@111111111111", False),
        ("ReadOnly@", False),
        (f"arn:aws:iam::{DEV}:role/ReadOnly", True),
        (f"arn:aws:iam::{PROD}:role/ReadOnly", False),
        ("Admin@acme-dev", False),
    ],
)
def test_role_matches_name_name_at_account_and_arn(wanted: str, matches: bool) -> None:
    assert role_matches(READ_DEV, wanted, ALIASES) is matches


def test_a_role_name_with_an_at_sign_is_taken_whole_first() -> None:
    odd = _s("ops@team")
    assert role_matches(odd, "ops@team", ALIASES)
    assert role_matches(odd, "ops@team@acme-prod", ALIASES)


def test_a_name_in_two_aws_accounts_is_refused_with_the_choices() -> None:
    with pytest.raises(AmbiguousTarget) as raised:
        choose(ALL, _config(), "prod", "ReadOnly")
    message = str(raised.value)
    assert "prod:ReadOnly@acme-prod" in message and "prod:ReadOnly@acme-dev" in message


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("ReadOnly@acme-dev", READ_DEV),
        ("ReadOnly@111111111111", READ_PROD),
        (f"arn:aws:iam::{DEV}:role/ReadOnly", READ_DEV),
        ("Admin", ADMIN),
    ],
)
def test_a_qualified_name_or_arn_picks_one(role: str, expected: object) -> None:
    assert choose(ALL, _config(), "prod", role) == expected


def test_no_role_uses_the_only_session_or_the_default_role() -> None:
    assert choose([READ_DEV], _config(), "prod", None) == READ_DEV
    assert choose(ALL, _config(default_role="Admin"), "prod", None) == ADMIN
    with pytest.raises(AmbiguousTarget):
        choose(ALL, _config(default_role="ReadOnly"), "prod", None)
    with pytest.raises(AmbiguousTarget, match="name one: prod:Admin@acme-prod"):
        choose(ALL, _config(), "prod", None)


def test_an_unknown_account_is_named_as_such_not_as_a_missing_session() -> None:
    with pytest.raises(ConfigError, match="No account named 'nope'"):
        choose(ALL, _config(), "nope", None)
    with pytest.raises(ConfigError, match="No account named 'nope'"):
        choose(ALL, None, "nope", None)


def test_a_configured_account_without_sessions_says_no_session() -> None:
    with pytest.raises(SessionError, match="No session for dev; run `entra-aws login dev`"):
        choose(ALL, _config(), "dev", None)


def test_a_role_never_assumed_lists_what_there_is() -> None:
    with pytest.raises(SessionError) as raised:
        choose(ALL, _config(), "prod", "Nope")
    assert not isinstance(raised.value, AmbiguousTarget)
    assert "No session for prod:Nope" in str(raised.value)
    assert "Admin@acme-prod, ReadOnly@acme-prod, ReadOnly@acme-dev" in str(raised.value)


def test_a_session_of_an_account_no_longer_configured_is_still_found() -> None:
    gone = _s("Admin", account="old")
    assert choose([gone], _config(), "old", "Admin") == gone


def test_labels_always_name_the_aws_account() -> None:
    assert label(READ_DEV, ALIASES) == "prod ReadOnly@acme-dev"
    assert label(READ_DEV, {}) == f"prod ReadOnly@{DEV}"
    assert target(READ_PROD, ALIASES) == "prod:ReadOnly@acme-prod"
    for s in ALL:
        assert choose(ALL, _config(), "prod", target(s, ALIASES).partition(":")[2]) == s
