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

    def say(self, text: str, *, busy: bool = False, alert: bool = False) -> None:
        self.update(Content(text))
        self.set_class(busy, "-busy")
        self.set_class(alert, "-alert")
