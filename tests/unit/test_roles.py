"""roles.py: reading role/provider pairs and finding the role a person named."""

from __future__ import annotations

import pytest

from tui.core.roles import Role, is_principal_arn, is_role_arn, matching_roles, pair_from_value

ADMIN = "arn:aws:iam::123456789012:role/Admin"
PROVIDER = "arn:aws:iam::123456789012:saml-provider/Entra"


@pytest.mark.parametrize(
    "value",
    [
        f"{ADMIN},{PROVIDER}",
        f"{PROVIDER},{ADMIN}",
        f" {ADMIN} , {PROVIDER} ",
        f"{ADMIN},{PROVIDER},",
        f",{PROVIDER},,{ADMIN},",
        f"\n\t{ADMIN},\n\t{PROVIDER}\n",
    ],
)
def test_pair_in_either_order_with_whitespace_and_stray_commas(value):
    assert pair_from_value(value) == Role(ADMIN, PROVIDER)


@pytest.mark.parametrize(
    "value",
    [
        "",
        ",",
        ADMIN,
        PROVIDER,
        f"{ADMIN},{ADMIN}",
        f"{PROVIDER},{PROVIDER}",
        f"{ADMIN},{PROVIDER},{ADMIN}",
        f"{ADMIN};{PROVIDER}",
        f"{ADMIN} {PROVIDER}",
        "arn:aws:iam::123456789012:role/,arn:aws:iam::123456789012:saml-provider/Entra",
        "arn:aws:iam::1234567890123:role/Admin," + PROVIDER,
        "arn:aws:iam::123456789012:user/Admin," + PROVIDER,
        "arn:aws:sts::123456789012:role/Admin," + PROVIDER,
        "arn:azure:iam::123456789012:role/Admin," + PROVIDER,
        ADMIN + ",arn:aws:iam::123456789012:saml-provider/",
        ADMIN + ",arn:aws:iam::123456789012:saml-provider/En tra",
        "arn:aws:iam::123456789012:role/" + "x" * 65 + "," + PROVIDER,
    ],
)
def test_malformed_values_give_none(value):
    assert pair_from_value(value) is None


@pytest.mark.parametrize(
    ("role_arn", "partition", "account", "name"),
    [
        (ADMIN, "aws", "123456789012", "Admin"),
        ("arn:aws:iam::123456789012:role/team/ops/Deploy", "aws", "123456789012", "Deploy"),
        (
            "arn:aws-us-gov:iam::111122223333:role/ReadOnly",
            "aws-us-gov",
            "111122223333",
            "ReadOnly",
        ),
        (
            "arn:aws-cn:iam::444455556666:role/a+b=c.d@e-f_g",
            "aws-cn",
            "444455556666",
            "a+b=c.d@e-f_g",
        ),
    ],
)
def test_role_properties(role_arn, partition, account, name):
    provider = f"arn:{partition}:iam::{account}:saml-provider/Entra"
    role = pair_from_value(f"{provider},{role_arn}")
    assert role is not None
    assert (role.partition, role.account_id, role.name) == (partition, account, name)
    assert role.role_arn == role_arn and role.principal_arn == provider


def test_arn_predicates():
    assert is_role_arn(ADMIN) and not is_role_arn(PROVIDER)
    assert is_principal_arn(PROVIDER) and not is_principal_arn(ADMIN)
    assert not is_role_arn("Admin")


ROLES = (
    Role("arn:aws:iam::111111111111:role/Admin", "arn:aws:iam::111111111111:saml-provider/E"),
    Role("arn:aws:iam::222222222222:role/Admin", "arn:aws:iam::222222222222:saml-provider/E"),
    Role(
        "arn:aws:iam::111111111111:role/team/ReadOnly", "arn:aws:iam::111111111111:saml-provider/E"
    ),
)


def test_matching_by_name_finds_the_role_in_every_account():
    assert matching_roles(ROLES, "Admin") == [ROLES[0], ROLES[1]]


def test_matching_by_arn_is_exact():
    assert matching_roles(ROLES, "arn:aws:iam::222222222222:role/Admin") == [ROLES[1]]
    assert matching_roles(ROLES, "arn:aws:iam::333333333333:role/Admin") == []


def test_matching_a_role_with_a_path_by_its_name_or_arn():
    assert matching_roles(ROLES, "ReadOnly") == [ROLES[2]]
    assert matching_roles(ROLES, "arn:aws:iam::111111111111:role/team/ReadOnly") == [ROLES[2]]


def test_matching_is_case_sensitive_like_iam():
    assert matching_roles(ROLES, "admin") == []
    assert matching_roles(ROLES, "") == []


def test_roles_sort_by_arn():
    assert sorted([ROLES[1], ROLES[0]]) == [ROLES[0], ROLES[1]]
