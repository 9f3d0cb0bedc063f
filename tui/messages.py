"""Messages that cross screens or come back from thread workers (posting is thread-safe).

Each is a small dataclass; Textual's `Message.__init__` runs from `__post_init__`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from textual.message import Message
from textual.notifications import SeverityLevel

if TYPE_CHECKING:
    from tui.core.assertion import Assertion
    from tui.core.sessions import Session
    from tui.core.signin import Kept
    from tui.screens.roles import Choice


@dataclass
class SignInStarted(Message):
    """A browser attempt began: the status line counts down to `deadline`."""

    account: str
    headless: bool
    deadline: datetime
    status: str


@dataclass
class SignInStatus(Message):
    """What the browser is doing now (from `on_status`), shown in the status line."""

    account: str
    text: str


@dataclass
class SignedIn(Message):
    """The browser captured an assertion; `refresh` names the session being renewed, if any."""

    account: str
    assertion: Assertion
    refresh: Session | None = None


@dataclass
class RolesAssumed(Message):
    """`assume_and_keep` finished: every role's outcome and any credentials-file error."""

    account: str
    kept: Kept
    refreshed: bool = False
    choice: Choice | None = None  # what was picked on the roles screen, to offer it again


@dataclass
class SessionsLoaded(Message):
    """The session store was read in a worker; `stamp` is what it looked like when read."""

    sessions: list[Session]
    stamp: tuple[float, int] | None
    warnings: list[str] = field(default_factory=list)


@dataclass
class Done(Message):
    """A background task finished; `text` (never a secret) is toasted unless empty."""

    text: str
    severity: SeverityLevel = "information"
