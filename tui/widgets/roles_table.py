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
        self.needle = ""

    def on_mount(self) -> None:
        for label, key in COLUMNS:
            self.add_column(label, key=key)
        self._fill()

    def matches(self, role: Role) -> bool:
        haystack = " ".join([role.account_id, self.account.alias(role.account_id), role.role_arn])
        return all(word in haystack.lower() for word in self.needle.lower().split())

    @property
    def shown_roles(self) -> list[Role]:
        return [role for role in self.roles if self.matches(role)]

    def _fill(self) -> None:
        current = self.highlighted_role
        self.clear()
        previous = ""
        for role in self.shown_roles:
            alias = self.account.alias(role.account_id)
            aws = f"{role.account_id} {alias}".strip() if role.account_id != previous else ""
            previous = role.account_id
            mark = MARK if role_key(role) in self.marked else " "
            self.add_row(mark, aws, role.name, role.role_arn, key=role_key(role))
        if current is not None and role_key(current) in self.rows:
            self.move_cursor(row=self.get_row_index(role_key(current)))

    def apply_filter(self, needle: str) -> int:
        """Show only the roles matching every word of `needle` (marks stay); return the count."""
        self.needle = needle.strip()
        self._fill()
        return self.row_count

    @property
    def highlighted_role(self) -> Role | None:
        if not self.row_count or self.cursor_row < 0:
            return None
        return self.shown_roles[self.cursor_row]

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
