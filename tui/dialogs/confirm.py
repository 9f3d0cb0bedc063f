"""A yes/no question before something that cannot be undone: `y` or Enter on the button
confirms, `n` or Esc keeps things as they are. Dismisses with True only when confirmed."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Static


class ConfirmDialog(ModalScreen[bool]):
    CSS_PATH = "confirm.tcss"
    AUTO_FOCUS = "#no"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes", tooltip="Do it", id="confirm-yes"),
        Binding("n,escape", "answer(False)", "No", tooltip="Keep things as they are", id="confirm-no"),
    ]  # fmt: skip

    def __init__(self, title: str, message: str, *, yes: str = "Remove") -> None:
        super().__init__()
        self.title_text, self.message, self.yes = title, message, yes

    def compose(self) -> ComposeResult:
        with Vertical(id="frame"):
            yield Static(Content(self.title_text), id="title")
            yield Static(Content(self.message), id="message")
            with Horizontal(id="buttons"):
                yield Button(f"{self.yes} (y)", id="yes", variant="error")
                yield Button("Keep (n)", id="no", variant="primary")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
