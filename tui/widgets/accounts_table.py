"""The configured accounts: one keyed row each, narrowed by the filter, with live session stats.

Space marks accounts, so one Enter signs in to all of them in one browser (`Marked` tells the
screen how many are marked)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.coordinate import Coordinate
from textual.message import Message
from textual.widgets import DataTable

from tui.core.config import Account
from tui.core.roles import ROLE_ARN_RE
from tui.core.sessions import Session

COLUMNS = (
    ("Account", "name"),
    ("AWS accounts", "aws"),
    ("Partition / region", "where"),
    ("Last sign-in", "last"),
    ("Sessions", "live"),
)


@dataclass(frozen=True)
class AccountStats:
    """What the session store says about one account."""

    last_sign_in: datetime | None = None
    live: int = 0


def aws_accounts(account: Account) -> str:
    """The aliases of its AWS accounts, else the default role's account ID, else —."""
    if account.aliases:
        return ", ".join(alias for _, alias in sorted(account.aliases.items()))
    match = ROLE_ARN_RE.match(account.default_role)
    return match.group("account") if match else "—"


def format_when(moment: datetime | None, now: datetime) -> str:
    """`14:02` today, `Nov 27 09:13` before; local time; `never` when unknown."""
    if moment is None:
        return "never"
    local, today = moment.astimezone(), now.astimezone()
    return f"{local:%H:%M}" if local.date() == today.date() else f"{local:%b %d %H:%M}"


def matches(account: Account, needle: str) -> bool:
    words = [account.name, account.region, account.profile_name, aws_accounts(account)]
    haystack = " ".join([*words, *account.aliases]).lower()
    return all(word in haystack for word in needle.lower().split())


class AccountsTable(DataTable[str]):
    """Row keys are account names, column keys the second item of each COLUMNS pair."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "enter",
            "screen.sign_in",
            "Sign in",
            tooltip="Sign in to the highlighted account in the browser",
            id="sign-in",
        ),
        Binding(
            "space",
            "toggle_mark",
            "Mark",
            tooltip="Mark or unmark the account; Enter then signs in to every marked one",
            id="mark-account",
        ),
    ]
    MARK = "✓ "

    @dataclass
    class Marked(Message):
        """The marked accounts changed."""

        names: list[str]

    def __init__(self, accounts: Sequence[Account], *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.accounts = list(accounts)
        self.needle = ""
        self.marked: list[str] = []  # names, in the order they were marked
        self._stats: dict[str, AccountStats] = {}
        self._now: datetime | None = None
        self.narrow = False  # the region without its partition, to keep Sessions on screen

    def on_mount(self) -> None:
        self._fill()

    def on_resize(self) -> None:
        if self._narrow_wanted() != self.narrow:
            self._fill()

    def _narrow_wanted(self) -> bool:
        room = self.scrollable_content_region.width or self.app.size.width - 4
        narrow, self.narrow = self.narrow, False
        wide = [len(label) for label, _ in COLUMNS]
        for account in self.accounts:
            wide = [max(w, len(c)) for w, c in zip(wide, self._cells(account), strict=True)]
        self.narrow = narrow
        return sum(w + 2 for w in wide) > room

    def _cells(self, account: Account) -> tuple[str, ...]:
        stats = self._stats.get(account.name, AccountStats())
        last = format_when(stats.last_sign_in, self._now) if self._now else "…"
        where = account.region if self.narrow else f"{account.partition.name} / {account.region}"
        name = f"{self.MARK}{account.name}" if account.name in self.marked else account.name
        return (name, aws_accounts(account), where, last, str(stats.live or "—"))

    def _fill(self) -> None:
        current = self.highlighted_account
        self.narrow = self._narrow_wanted()
        self.clear(columns=True)
        for label, key in COLUMNS:
            self.add_column("Region" if key == "where" and self.narrow else label, key=key)
        for account in self.accounts:
            if matches(account, self.needle):
                self.add_row(*self._cells(account), key=account.name)
        if current is not None and current.name in self.rows:
            self.move_cursor(row=self.get_row_index(current.name))

    @property
    def marked_accounts(self) -> list[Account]:
        by_name = {a.name: a for a in self.accounts}
        return [by_name[name] for name in self.marked]

    def action_toggle_mark(self) -> None:
        account = self.highlighted_account
        if account is None:
            return
        if account.name in self.marked:
            self.marked.remove(account.name)
        else:
            self.marked.append(account.name)
        self.update_cell(account.name, "name", self._cells(account)[0], update_width=True)
        self.post_message(self.Marked(list(self.marked)))
        if self.cursor_row < self.row_count - 1:
            self.move_cursor(row=self.cursor_row + 1)  # as in a file manager: mark and move on

    def clear_marks(self) -> None:
        names, self.marked = self.marked, []
        for name in names:
            if name in self.rows:
                account = next(a for a in self.accounts if a.name == name)
                self.update_cell(name, "name", self._cells(account)[0], update_width=True)
        self.post_message(self.Marked([]))

    def apply_filter(self, needle: str) -> int:
        """Show only accounts matching every word of `needle`; return how many are shown."""
        self.needle = needle.strip()
        self._fill()
        return self.row_count

    def show_sessions(self, sessions: Iterable[Session], now: datetime) -> None:
        """Each account's last sign-in and live sessions, from what the store holds."""
        last: dict[str, datetime] = {}
        live: dict[str, int] = defaultdict(int)
        for session in sessions:
            issued, seen = session.issued_at, last.get(session.account)
            if issued and (seen is None or issued > seen):
                last[session.account] = issued
            live[session.account] += not session.expired(now)
        stats = {a.name: AccountStats(last.get(a.name), live[a.name]) for a in self.accounts}
        self.update_stats(stats, now)

    def update_stats(self, stats: dict[str, AccountStats], now: datetime) -> None:
        """Rewrite the stats cells that changed (called on load and every tick)."""
        self._stats, self._now = stats, now
        for account in self.accounts:
            if account.name not in self.rows:
                continue
            _, _, _, last, live = self._cells(account)
            row = self.get_row(account.name)
            if row[3] != last:
                self.update_cell(account.name, "last", last)
            if row[4] != live:
                self.update_cell(account.name, "live", live)

    @property
    def highlighted_account(self) -> Account | None:
        if not self.row_count or self.cursor_row < 0:
            return None
        key = self.coordinate_to_cell_key(Coordinate(self.cursor_row, 0)).row_key.value
        return next((a for a in self.accounts if a.name == key), None)
