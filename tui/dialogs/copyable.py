"""What the error and export dialogs share: a Copy button and `c`, a Close button and Esc."""

from __future__ import annotations

from textual.screen import ModalScreen
from textual.widgets import Button

from tui.clipboard import copy_text


class CopyableDialog(ModalScreen[None]):
    """A result-less dialog whose `text` can be copied; subclasses declare the bindings."""

    @property
    def text(self) -> str:
        raise NotImplementedError

    def copy_label(self) -> str:
        """How the clipboard toast names what was copied (never the text itself)."""
        raise NotImplementedError

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "copy":
            self.action_copy()
        else:
            self.action_close()

    def action_copy(self) -> None:
        copy_text(self.app, self.text, self.copy_label())

    def action_close(self) -> None:
        self.dismiss(None)
