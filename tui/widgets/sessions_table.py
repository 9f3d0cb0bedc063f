"""Every stored session with a live countdown, updated cell by cell from the screen's 1 s tick.

Rows are keyed by `Session.key`, columns by name, so a tick touches two cells per row and never
rebuilds the table. Warning and expired are component classes styled in TCSS (theme variables).
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
from tui.core.timeutil import format_remaining

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

    def on_mount(self) -> None:
        for label, key in COLUMNS:
            self.add_column(label, key=key)
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self._restyle())

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
        aws = self.alias_of(session)
        aws_text = f"{aws} ({session.account_id})" if aws else session.account_id
        return [
            self._cell(session.account, plain),
            self._cell(session.role_name, plain),
            self._cell(aws_text, plain),
            self._cell(session.profile, plain),
            self._cell(f"{session.expiration.astimezone():%H:%M}", plain),
            self._cell(self._left(session, now), self._live_style(state)),
            self._state_cell(session.key, state),
        ]

    def _state_cell(self, key: str, state: SessionState) -> Text:
        note = self.notes.get(key)
        return self._cell(note or state.value, self._style(state))

    def set_note(self, key: str, note: str | None) -> None:
        """Show `note` in the session's State cell until it is cleared (None)."""
        if note is None:
            self.notes.pop(key, None)
        else:
            self.notes[key] = note
        if key in self.sessions and self._now is not None:
            state = state_of(self.sessions[key].remaining(self._now))
            self.update_cell(key, "state", self._state_cell(key, state), update_width=True)

    @staticmethod
    def _left(session: Session, now: datetime) -> str:
        remaining = session.remaining(now)
        return format_remaining(remaining) if remaining > 0 else "—"

    def _live_style(self, state: SessionState) -> str | None:
        return None if state is SessionState.OK else self._style(state)

    def show(self, sessions: Sequence[Session], now: datetime) -> None:
        """Replace the rows (a store reload), keeping the cursor on the same session."""
        current = self.highlighted_session
        self._now = now
        self.sessions = {s.key: s for s in sessions}
        self.states = {}
        self.clear()
        for session in sessions:
            self.add_row(*self._row(session, now), key=session.key)
            self.states[session.key] = state_of(session.remaining(now))
        if current is not None and current.key in self.sessions:
            self.move_cursor(row=self.get_row_index(current.key))

    def tick(self, now: datetime) -> list[tuple[Session, SessionState]]:
        """Update the countdown (and, on a change, the state) cells of every row."""
        self._now = now
        changed: list[tuple[Session, SessionState]] = []
        for key, session in self.sessions.items():
            state = state_of(session.remaining(now))
            left = self._left(session, now)
            self.update_cell(key, "left", self._cell(left, self._live_style(state)))
            if state is not self.states.get(key):
                self.states[key] = state
                changed.append((session, state))
                if state is SessionState.EXPIRED:
                    self._restyle_row(session, now)
                else:
                    self.update_cell(key, "state", self._state_cell(key, state))
        return changed

    def _restyle_row(self, session: Session, now: datetime) -> None:
        for (_, column), cell in zip(COLUMNS, self._row(session, now), strict=True):
            self.update_cell(session.key, column, cell)

    def _restyle(self) -> None:
        """Re-render styled cells after a theme change (their styles were resolved at write time)."""
        if self._now is not None:
            for session in self.sessions.values():
                self._restyle_row(session, self._now)

    @property
    def highlighted_session(self) -> Session | None:
        if not self.row_count or self.cursor_row < 0:
            return None
        key = self.coordinate_to_cell_key(Coordinate(self.cursor_row, 0)).row_key.value
        return self.sessions.get(key or "")
