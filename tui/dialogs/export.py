"""Export one session: pick a format on the left, read or copy the text on the right.

The person opened this on purpose, so the secrets are shown here (and only here).
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from tui.core.exports import credential_process_config, profile_export, shell_export
from tui.core.sessions import Session
from tui.dialogs.copyable import CopyableDialog

FORMATS = (
    ("bash", "bash / zsh"),
    ("fish", "fish"),
    ("powershell", "PowerShell"),
    ("cmd", "cmd"),
    ("dotenv", ".env file"),
    ("profile", "AWS_PROFILE line"),
    ("credential_process", "credential_process"),
)
_LABELS = dict(FORMATS)


def export_text(session: Session, fmt: str, shell: str) -> str:
    """The text for one format; `shell` is the configured one, used by the AWS_PROFILE line."""
    if fmt == "profile":
        return profile_export(session.profile, shell)
    if fmt == "credential_process":
        return credential_process_config(session)
    try:
        return shell_export(session, fmt)
    except ValueError as exc:  # cmd cannot quote some characters: say so instead of a bad line
        return f"REM {exc}; use PowerShell or the credentials file instead.\n"


def format_for_shell(shell: str) -> str:
    return "bash" if shell in ("bash", "zsh", "sh") else shell


class ExportDialog(CopyableDialog):
    """Result-less: copying and closing are the only outcomes."""

    CSS_PATH = "export.tcss"
    AUTO_FOCUS = "#formats"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "c", "copy", "Copy", tooltip="Copy the text shown to the clipboard", id="export-copy"
        ),
        Binding("escape", "close", "Close", tooltip="Close the export dialog", id="export-close"),
    ]

    def __init__(self, session: Session, shell: str, who: str = "") -> None:
        super().__init__()
        self.session = session
        self.who = who or f"{session.account} {session.role_name}"  # names the AWS account too
        self.shell = shell
        self.fmt = format_for_shell(shell)

    def compose(self) -> ComposeResult:
        title = f"Export {self.who} ({self.session.profile})"
        with Vertical(id="frame"):
            yield Static(Content(title), id="title")
            with Horizontal(id="main"):
                yield OptionList(*[Option(label, id=fmt) for fmt, label in FORMATS], id="formats")
                yield TextArea(
                    export_text(self.session, self.fmt, self.shell),
                    read_only=True,
                    soft_wrap=False,
                    show_cursor=False,
                    id="text",
                )
            with Horizontal(id="buttons"):
                yield Static(Content("Secrets are shown; close this when done."), id="hint")
                yield Button("Copy", id="copy", variant="primary")
                yield Button("Close", id="close")

    def on_mount(self) -> None:
        formats = self.query_one("#formats", OptionList)
        formats.highlighted = formats.get_option_index(self.fmt)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.fmt = event.option.id or "bash"
        self.query_one("#text", TextArea).load_text(export_text(self.session, self.fmt, self.shell))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.action_copy()

    @property
    def text(self) -> str:
        return self.query_one("#text", TextArea).text

    def copy_label(self) -> str:
        what = _LABELS[self.fmt] + (" config" if self.fmt == "credential_process" else "")
        return f"{what} for {self.who}"
