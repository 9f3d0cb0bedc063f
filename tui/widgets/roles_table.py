"""The roles an assertion carries, grouped by AWS account, with marks for assuming several."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.widgets import DataTable

from tui.core.config import Account
from tui.core.roles import Role

COLUMNS = (("", "mark"), ("AWS account", "aws"), ("Role", "role"), ("Role ARN", "arn"))
MARK = "●"


def role_key(role: Role) -> str:
    return f"{role.role_arn}|{role.principal_arn}"


def grouped(roles: Sequence[Role]) -> list[Role]:
    """By AWS account, then role name: the order people scan an inspector in."""
    return sorted(roles, key=lambda role: (role.account_id, role.name.lower(), role.role_arn))


class RolesTable(DataTable[str]):
    """Row keys are `role_key(role)`; the AWS account shows on the first row of each group."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "enter",
            "screen.assume",
            "Assume",
            tooltip="Assume the highlighted role from this sign-in",
            id="assume",
        ),
    ]

    def __init__(self, account: Account, roles: Sequence[Role], *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.account = account
        self.roles = grouped(roles)
        self.marked: set[str] = set()

    def on_mount(self) -> None:
        for label, key in COLUMNS:
            self.add_column(label, key=key)
        previous = ""
        for role in self.roles:
            alias = self.account.alias(role.account_id)
            aws = f"{role.account_id} {alias}".strip() if role.account_id != previous else ""
            previous = role.account_id
            self.add_row(" ", aws, role.name, role.role_arn, key=role_key(role))

    @property
    def highlighted_role(self) -> Role | None:
        if not self.row_count or self.cursor_row < 0:
            return None
        return self.roles[self.cursor_row]

    def toggle_mark(self) -> Role | None:
        role = self.highlighted_role
        if role is None:
            return None
        key = role_key(role)
        self.marked ^= {key}
        self.update_cell(key, "mark", MARK if key in self.marked else " ")
        return role

    @property
    def marked_roles(self) -> list[Role]:
        return [role for role in self.roles if role_key(role) in self.marked]
