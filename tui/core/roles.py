"""IAM roles and SAML providers as ARNs: the pairs an assertion carries and a user picks from."""

from __future__ import annotations

from dataclasses import dataclass

from tui.core.arns import ARN_PARTITIONS as ARN_PARTITIONS
from tui.core.arns import PRINCIPAL_ARN_RE as PRINCIPAL_ARN_RE
from tui.core.arns import ROLE_ARN_RE as ROLE_ARN_RE
from tui.core.arns import ROLE_NAME_RE as ROLE_NAME_RE
from tui.core.arns import is_principal_arn as is_principal_arn
from tui.core.arns import is_role_arn as is_role_arn


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
