"""A copyable error: the one-sentence message (and for Entra error pages, the AADSTS code and fix).

Everything shown is plain `Content`: messages may quote the IdP, so nothing is parsed as markup.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Static

from tui.core.errors import EntraAwsError, EntraPageError, SignInCancelled
from tui.dialogs.copyable import CopyableDialog

log = logging.getLogger("entra_aws.tui")

# The Entra errors people meet most with AWS SAML apps, and what fixes them.
AADSTS_FIXES = {
    "AADSTS50105": "Your admin has to assign you (or your group) to the AWS app in Entra.",
    "AADSTS700016": "Check tenant_id and app_id_uri: app_id_uri must equal the Identifier exactly as the Entra app shows it.",
    "AADSTS50011": "The app's Reply URL differs from acs_url; make them the same.",
    "AADSTS75011": "The sign-in method does not satisfy the app; sign in again with the method it asks for.",
    "AADSTS50076": "Multi-factor authentication is required: finish the sign-in in the visible browser.",
    "AADSTS50079": "You must register for multi-factor authentication first (https://aka.ms/mfasetup).",
    "AADSTS53000": "Conditional Access needs a compliant device: sign in from a managed device.",
    "AADSTS53003": "Conditional Access blocked the sign-in; ask your admin which policy applies.",
    "AADSTS50058": "There is no signed-in session; sign in with the browser visible.",
    "AADSTS50196": "Entra saw a sign-in loop; wait a minute before signing in again.",
    "AADSTS76021": "The app requires signed requests, which entra-aws does not send; ask your admin.",
}


def fix_for(code: str) -> str:
    return AADSTS_FIXES.get(
        code.upper(), "Look the code up at https://login.microsoftonline.com/error."
    )


class ErrorDialog(CopyableDialog):
    """Shows one error; `c` or the Copy button copies it; Esc or Enter closes."""

    CSS_PATH = "error.tcss"
    AUTO_FOCUS = "#close"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "c", "copy", "Copy", tooltip="Copy the error text to the clipboard", id="error-copy"
        ),
        Binding("escape", "close", "Close", tooltip="Close this message", id="error-close"),
    ]

    def __init__(
        self, title: str, message: str, *, code: str = "", details: Sequence[str] = ()
    ) -> None:
        super().__init__()
        self.title_text = title
        self.message = message
        self.code = code
        self.details = list(details)

    @classmethod
    def from_error(cls, error: BaseException, title: str = "Something went wrong") -> ErrorDialog:
        """The dialog for an exception: user errors by their sentence, bugs by their type only."""
        if isinstance(error, EntraPageError):
            return cls(title, str(error), code=error.code)
        if isinstance(error, EntraAwsError):
            return cls(title, str(error))
        return cls(
            title,
            f"An unexpected error ({type(error).__name__}) stopped this; details are in the log.",
        )

    @property
    def text(self) -> str:
        """What Copy puts on the clipboard: the same words as on screen."""
        lines = [self.title_text, self.message]
        if self.code:
            lines += [f"Code: {self.code}", f"Fix: {fix_for(self.code)}"]
        return "\n".join(lines + self.details)

    def compose(self) -> ComposeResult:
        with Vertical(id="frame"):
            yield Static(Content(self.title_text), id="title")
            with VerticalScroll(id="body"):
                yield Static(Content(self.message), id="message")
                if self.code:
                    yield Static(Content(f"Code: {self.code}"), id="code")
                    yield Static(Content(f"Fix: {fix_for(self.code)}"), id="fix")
                for line in self.details:
                    yield Static(Content(line), classes="detail")
            with Horizontal(id="buttons"):
                yield Button("Copy", id="copy", variant="default")
                yield Button("Close", id="close", variant="primary")

    def copy_label(self) -> str:
        return "the error"


def show_failure(app: App[object], error: BaseException | None, title: str) -> None:
    """Where every failed worker of the app ends: a toast for a cancel, else this dialog."""
    if isinstance(error, SignInCancelled):
        app.notify("Sign-in cancelled", markup=False)
        return
    if error is not None and not isinstance(error, EntraAwsError):
        log.error("unexpected error in a worker (%s)", title, exc_info=error)
    app.push_screen(ErrorDialog.from_error(error or RuntimeError(), title))
