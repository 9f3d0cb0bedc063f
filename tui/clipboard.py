"""Copying: OSC 52 through the terminal (works over SSH) plus the OS clipboard where there is one.

The toast says which clipboards got the text, never the text itself (it is usually a secret).
"""

from __future__ import annotations

from textual.app import App

from tui.services import copy_to_system_clipboard


def where_copied(system: bool) -> str:
    return "terminal clipboard + system clipboard" if system else "terminal clipboard only"


def copy_text(app: App[object], text: str, what: str, note: str = "") -> None:
    """Copy at once through the terminal; try the OS clipboard in a thread, then notify."""
    app.copy_to_clipboard(text)

    def system_copy() -> None:
        system = copy_to_system_clipboard(text)
        message = f"Copied {what} ({where_copied(system)})" + (f"; {note}" if note else "")
        app.notify(message, title="Clipboard", markup=False)

    app.run_worker(system_copy, thread=True, group="clipboard", name="copy", exit_on_error=False)
