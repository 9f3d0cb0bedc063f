"""Every stored session with a live countdown, updated cell by cell from the screen's 1 s tick.

Rows are keyed by `Session.key`, columns by name, so a tick touches two cells per row and never
rebuilds the table. Warning and expired are component classes styled in TCSS (theme variables).

Columns are sized to what they can hold (State fits "warning" before any row warns) and chosen
for the width: when everything does not fit, Profile goes first, then the AWS account's name
(its id stays), then the AWS account, then Expires, so the countdown and the state stay on screen.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from enum import StrEnum
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.coordinate import Coordinate
from textual.widgets import DataTable

from tui.core.sessions import Session
from tui.core.timeutil import format_expiry, format_left

WARNING_SECONDS = 600
COLUMNS = (
    ("Account", "account"),
    ("Role", "role"),
    ("AWS account", "aws"),
    ("Profile", "profile"),
    ("Expires", "expires"),
    ("Left", "left"),
    ("State", "state"),
)
LABELS = dict((key, label) for label, key in COLUMNS)
# From the widest layout to the narrowest: (columns shown, whether the AWS account keeps its name).
LAYOUTS: tuple[tuple[tuple[str, ...], bool], ...] = (
    (("account", "role", "aws", "profile", "expires", "left", "state"), True),
    (("account", "role", "aws", "expires", "left", "state"), True),
    (("account", "role", "aws", "expires", "left", "state"), False),
    (("account", "role", "expires", "left", "state"), False),
    (("account", "role", "left", "state"), False),
)
PADDING = 2  # a DataTable cell's padding, both sides


class SessionState(StrEnum):
    OK = "ok"
    WARNING = "warning"
    EXPIRED = "expired"


def state_of(remaining: float) -> SessionState:
    if remaining <= 0:
        return SessionState.EXPIRED
    return SessionState.WARNING if remaining < WARNING_SECONDS else SessionState.OK


class SessionsTable(DataTable[Text]):
    """`tick(now)` returns the sessions whose state changed since the last tick."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "sessions-table--ok",
        "sessions-table--warning",
        "sessions-table--expired",
        "sessions-table--muted",
    }
    DEFAULT_CSS = """
    SessionsTable > .sessions-table--ok { color: $success; }
    SessionsTable > .sessions-table--warning { color: $warning; text-style: bold; }
    SessionsTable > .sessions-table--expired { color: $error; }
    SessionsTable > .sessions-table--muted { color: $text-muted; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        # "renderable": the state colours stay visible on the highlighted row too.
        super().__init__(
            id=id, cursor_type="row", zebra_stripes=True, cursor_foreground_priority="renderable"
        )
        self.sessions: dict[str, Session] = {}
        self.states: dict[str, SessionState] = {}
        self.notes: dict[str, str] = {}  # what the State cell says instead ("renewing…")
        self.alias_of: Callable[[Session], str] = lambda session: ""
        self._now: datetime | None = None
        self.needle = ""  # the filter: rows whose words hold every word of it
        self.shown_columns: tuple[str, ...] = ()
        self._named = True  # whether the AWS account column shows the alias too
        self._widths: dict[str, int] = {}

    def on_mount(self) -> None:
        self._set_columns(*LAYOUTS[0], self._natural_widths(True))
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self._restyle())

    def on_resize(self) -> None:
        if self._now is not None and self._pick_layout() != (self.shown_columns, self._named):
            self.show(list(self.sessions.values()), self._now)

    def _texts(self, session: Session, now: datetime, *, named: bool) -> dict[str, str]:
        aws = self.alias_of(session) if named else ""
        return {
            "account": session.account,
            "role": session.role_name,
            "aws": f"{aws} ({session.account_id})" if aws else session.account_id,
            "profile": session.profile,
            "expires": format_expiry(session.expiration),
            "left": self._left(session, now),
            "state": self._state_text(session.key, state_of(session.remaining(now))),
        }

    def _natural_widths(self, named: bool) -> dict[str, int]:
        """Each column as wide as its label and every value it may show (before a tick)."""
        widths = {key: len(label) for label, key in COLUMNS}
        widths["state"] = max(widths["state"], *(len(s.value) for s in SessionState))
        now = self._now
        if now is None:
            return widths
        for session in self.sessions.values():
            for key, text in self._texts(session, now, named=named).items():
                widths[key] = max(widths[key], len(text))
        return widths

    def _pick_layout(self) -> tuple[tuple[str, ...], bool]:
        """The widest layout that fits the table's width (the narrowest when none does)."""
        room = self.scrollable_content_region.width or self.app.size.width - 4
        for columns, named in LAYOUTS:
            widths = self._natural_widths(named)
            if sum(widths[key] + PADDING for key in columns) <= room:
                return columns, named
        return LAYOUTS[-1]

    def _set_columns(self, columns: tuple[str, ...], named: bool, widths: dict[str, int]) -> None:
        self.clear(columns=True)
        self.shown_columns, self._named, self._widths = columns, named, widths
        for key in columns:
            self.add_column(LABELS[key], key=key, width=widths[key])

    def _style(self, state: SessionState) -> str:
        return f"sessions-table--{state.value}"

    def _cell(self, text: str, component: str | None) -> Text:
        """Text in the component's colour; its background is left to the row (cursor, zebra)."""
        if component is None:
            return Text(text)
        full = self.get_component_rich_style(component)
        return Text(text, style=Style(color=full.color, bold=full.bold, italic=full.italic))

    def _row(self, session: Session, now: datetime) -> list[Text]:
        state = state_of(session.remaining(now))
        plain = "sessions-table--muted" if state is SessionState.EXPIRED else None
        texts = self._texts(session, now, named=self._named)
        styles = {"left": self._live_style(state), "state": self._style(state)}
        return [self._cell(texts[key], styles.get(key, plain)) for key in self.shown_columns]

    def _state_text(self, key: str, state: SessionState) -> str:
        return self.notes.get(key) or state.value

    def _state_cell(self, key: str, state: SessionState) -> Text:
        return self._cell(self._state_text(key, state), self._style(state))

    def set_note(self, key: str, note: str | None) -> None:
        """Show `note` in the session's State cell until it is cleared (None)."""
        if note is None:
            self.notes.pop(key, None)
        else:
            self.notes[key] = note
        if key in self.rows and self._now is not None:
            if len(note or "") > self._widths.get("state", 0):  # "sign-in needed": widen State
                self.show(list(self.sessions.values()), self._now)
                return
            state = state_of(self.sessions[key].remaining(self._now))
            self.update_cell(key, "state", self._state_cell(key, state))

    @staticmethod
    def _left(session: Session, now: datetime) -> str:
        remaining = session.remaining(now)
        return format_left(remaining) if remaining > 0 else "—"

    def _live_style(self, state: SessionState) -> str | None:
        return None if state is SessionState.OK else self._style(state)

    def matches(self, session: Session) -> bool:
        words = [session.account, session.role_name, session.account_id, session.profile]
        haystack = " ".join([*words, self.alias_of(session)]).lower()
        return all(word in haystack for word in self.needle.lower().split())

    def apply_filter(self, needle: str) -> int:
        """Show only the sessions matching every word of `needle`; return how many are shown."""
        self.needle = needle.strip()
        if self._now is not None:
            self.show(list(self.sessions.values()), self._now)
        return self.row_count

    def show(self, sessions: Sequence[Session], now: datetime) -> None:
        """Replace the rows (a store reload), keeping the cursor on the same session."""
        current = self.highlighted_session
        self._now = now
        self.sessions = {s.key: s for s in sessions}
        self.states = {}
        columns, named = self._pick_layout()
        self._set_columns(columns, named, self._natural_widths(named))
        for session in sessions:
            if self.matches(session):
                self.add_row(*self._row(session, now), key=session.key)
            self.states[session.key] = state_of(session.remaining(now))
        if current is not None and current.key in self.rows:
            self.move_cursor(row=self.get_row_index(current.key))

    def tick(self, now: datetime) -> list[tuple[Session, SessionState]]:
        """Update the countdown (and, on a change, the state) cells of every row."""
        self._now = now
        changed: list[tuple[Session, SessionState]] = []
        for key, session in self.sessions.items():
            state = state_of(session.remaining(now))
            shown = key in self.rows
            if shown:
                left = self._left(session, now)
                self.update_cell(key, "left", self._cell(left, self._live_style(state)))
            if state is not self.states.get(key):
                self.states[key] = state
                changed.append((session, state))
                if not shown:
                    continue
                if state is SessionState.EXPIRED:
                    self._restyle_row(session, now)
                else:
                    self.update_cell(key, "state", self._state_cell(key, state))
        return changed

    def _restyle_row(self, session: Session, now: datetime) -> None:
        for column, cell in zip(self.shown_columns, self._row(session, now), strict=True):
            self.update_cell(session.key, column, cell)

    def _restyle(self) -> None:
        """Re-render styled cells after a theme change (their styles were resolved at write time)."""
        if self._now is not None:
            for session in self.sessions.values():
                if session.key in self.rows:
                    self._restyle_row(session, self._now)

    @property
    def highlighted_session(self) -> Session | None:
        if not self.row_count or self.cursor_row < 0:
            return None
        key = self.coordinate_to_cell_key(Coordinate(self.cursor_row, 0)).row_key.value
        return self.sessions.get(key or "")
