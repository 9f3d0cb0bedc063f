"""The one line at the bottom that says what is happening now (state, not outcomes)."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static


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

    def say(self, text: str, *, busy: bool = False, alert: bool = False) -> None:
        # Screens re-say their status every tick; repaint only when it changed.
        if (text, busy, alert) == self._said:
            return
        self._said = (text, busy, alert)
        self.update(Content(text))
        self.set_class(busy, "-busy")
        self.set_class(alert, "-alert")
