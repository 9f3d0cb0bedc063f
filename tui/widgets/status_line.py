"""The one line at the bottom that says what is happening now (state, not outcomes)."""

from __future__ import annotations

from textual.content import Content
from textual.timer import Timer
from textual.widgets import Static

NOTE_SECONDS = 4.0


class StatusLine(Static):
    """Plain text only: whatever it shows may come from the browser or the IdP."""

    DEFAULT_CSS = """
    StatusLine {
        height: 1;
        padding: 0 1;
        background: $panel;
        color: $text-muted;
    }
    StatusLine.-busy { color: $text; background: $primary-muted; }
    StatusLine.-alert { color: $text; background: $error-muted; }
    """

    _said: tuple[str, bool, bool] | None = None
    _wanted: tuple[str, bool, bool] | None = None  # what `say` asked for while a note showed
    _note: Timer | None = None

    def say(self, text: str, *, busy: bool = False, alert: bool = False) -> None:
        self._wanted = (text, busy, alert)
        if self._note is None:
            self._show(text, busy, alert)

    def note(self, text: str, seconds: float = NOTE_SECONDS, *, alert: bool = True) -> None:
        """Say `text` over the status for a few seconds: why a key did nothing (alert), or the
        detail of what a short toast just said."""
        if self._note is not None:
            self._note.stop()
        self._show(text, False, alert)
        self._note = self.set_timer(seconds, self._end_note, name="status-note")

    @property
    def text(self) -> str:
        return self._said[0] if self._said else ""

    def _end_note(self) -> None:
        self._note = None
        if self._wanted is not None:
            self._show(*self._wanted)

    def _show(self, text: str, busy: bool, alert: bool) -> None:
        # Screens re-say their status every tick; repaint only when it changed.
        if (text, busy, alert) == self._said:
            return
        self._said = (text, busy, alert)
        self.update(Content(text))
        self.set_class(busy, "-busy")
        self.set_class(alert, "-alert")
