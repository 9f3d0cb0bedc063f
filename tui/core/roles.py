"""IAM roles and SAML providers as ARNs: the pairs an assertion carries and a user picks from."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Every AWS partition an ARN may name (botocore's partitions.json): commercial, China, GovCloud,
# the ISO partitions and the European Sovereign Cloud.
ARN_PARTITIONS = (
    "aws",
    "aws-cn",
    "aws-us-gov",
    "aws-iso",
    "aws-iso-b",
    "aws-iso-e",
    "aws-iso-f",
    "aws-eusc",
)
_PARTITION = "|".join(re.escape(name) for name in ARN_PARTITIONS)
# ASCII classes only: Python's \w and \d also match other scripts' letters and digits, which IAM
# and STS refuse. `\Z`, not `$`, so a trailing newline does not pass.
_NAME_CHARS = r"A-Za-z0-9_+=,.@-"
ROLE_ARN_RE = re.compile(
    rf"^arn:(?P<partition>{_PARTITION}):iam::(?P<account>[0-9]{{12}}):role/"
    rf"(?P<path>(?:[{_NAME_CHARS}]+/)*)(?P<name>[{_NAME_CHARS}]{{1,64}})\Z"
)
PRINCIPAL_ARN_RE = re.compile(
    rf"^arn:(?P<partition>{_PARTITION}):iam::(?P<account>[0-9]{{12}}):saml-provider/"
    r"(?P<name>[A-Za-z0-9_.-]{1,128})\Z"
)
ROLE_NAME_RE = re.compile(rf"^[{_NAME_CHARS}]{{1,64}}\Z")


@dataclass(frozen=True, order=True)
class Role:
    """One (role, SAML provider) pair from the assertion's Role attribute."""

    role_arn: str
    principal_arn: str

    @property
    def account_id(self) -> str:
        return self.role_arn.split(":")[4]

    @property
    def partition(self) -> str:
        return self.role_arn.split(":")[1]

    @property
    def name(self) -> str:
        """The role name without its path: `Admin` for `role/team/Admin`."""
        return self.role_arn.rsplit("/", 1)[-1]

    def matches(self, wanted: str) -> bool:
        """True when `wanted` is this role's ARN or its name (case-sensitive, as IAM is)."""
        return wanted == self.role_arn or wanted == self.name


def is_role_arn(value: str) -> bool:
    return bool(ROLE_ARN_RE.match(value))


def is_principal_arn(value: str) -> bool:
    return bool(PRINCIPAL_ARN_RE.match(value))


def pair_from_value(value: str) -> Role | None:
    """Read `role,provider` or `provider,role` (trimmed, empty parts dropped); None if malformed."""
    parts = [part.strip() for part in value.split(",") if part.strip()]
    roles = [part for part in parts if ROLE_ARN_RE.match(part)]
    providers = [part for part in parts if PRINCIPAL_ARN_RE.match(part)]
    if len(parts) != 2 or len(roles) != 1 or len(providers) != 1:
        return None
    return Role(roles[0], providers[0])


def has_stray_comma(value: str) -> bool:
    """A pair with an empty part (`role,provider,`): read anyway, but worth telling the admin."""
    return any(not part.strip() for part in value.strip().split(","))


def matching_roles(available: tuple[Role, ...], wanted: str) -> list[Role]:
    """The roles `wanted` (an ARN or a name) refers to; a name may match roles in several accounts."""
    return [role for role in available if role.matches(wanted)]
