"""profile_names.py: one rule for the names in `~/.aws/credentials` and `~/.aws/config`."""

from __future__ import annotations

from dataclasses import replace

from tui.core.profile_names import profile_name, profile_names
from tui.core.roles import Role

from .builders import ADMIN, DEV_ADMIN, DEV_PROVIDER, PROVIDER, READONLY
from .test_aws_config import ACCOUNT

ADMIN_ROLE, READ_ROLE, DEV_ROLE = (
    Role(ADMIN, PROVIDER),
    Role(READONLY, PROVIDER),
    Role(DEV_ADMIN, DEV_PROVIDER),
)


def test_one_aws_account_gives_account_and_role():
    offered = [ADMIN_ROLE, READ_ROLE]
    assert profile_name(ACCOUNT, ADMIN_ROLE, offered) == "prod-Admin"
    assert profile_name(ACCOUNT, READ_ROLE, offered) == "prod-ReadOnly"


def test_the_first_role_gets_no_bare_account_name():
    """Issue 15: the first role of an account no longer gets the bare account name."""
    assert profile_names(ACCOUNT, [ADMIN_ROLE], [ADMIN_ROLE]) == {ADMIN_ROLE: "prod-Admin"}


def test_several_aws_accounts_add_the_alias_or_the_id():
    offered = [ADMIN_ROLE, READ_ROLE, DEV_ROLE]
    assert profile_names(ACCOUNT, offered, offered) == {
        ADMIN_ROLE: "prod-prod-main-Admin",
        READ_ROLE: "prod-prod-main-ReadOnly",
        DEV_ROLE: "prod-210987654321-Admin",
    }


def test_an_explicit_profile_names_the_default_role_only():
    account = replace(ACCOUNT, profile="work", default_role="ReadOnly")
    offered = [ADMIN_ROLE, READ_ROLE]
    assert profile_names(account, offered, offered) == {
        ADMIN_ROLE: "prod-Admin",
        READ_ROLE: "work",
    }
    lone = replace(ACCOUNT, profile="work")
    assert profile_name(lone, ADMIN_ROLE, [ADMIN_ROLE]) == "work"
    assert profile_name(lone, ADMIN_ROLE, offered) == "prod-Admin"


def test_a_template_without_aws_still_gives_distinct_names():
    offered = [ADMIN_ROLE, DEV_ROLE]
    names = profile_names(ACCOUNT, offered, offered, template="{account}-{role}")
    assert names == {ADMIN_ROLE: "prod-Admin-123456789012", DEV_ROLE: "prod-Admin-210987654321"}


def test_unsafe_characters_in_an_alias_become_dashes():
    account = replace(ACCOUNT, aliases={"123456789012": "Prod [main]"})
    offered = [ADMIN_ROLE, DEV_ROLE]
    assert profile_name(account, ADMIN_ROLE, offered) == "prod-Prod-main-Admin"
