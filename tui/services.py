"""The outside world the TUI talks to, behind small seams that tests replace.

Nothing here imports selenium or boto3 at module level: the first frame must not wait for them.
Every function may block, so the screens call them from thread workers.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tui.core.assertion import Assertion
    from tui.core.config import Config
    from tui.core.renewal import Renewal
    from tui.core.sessions import Session, SessionStore
    from tui.core.signin import Captured, SignInRequest

Clock = Callable[[], datetime]


Signer = Callable[["SignInRequest"], "Assertion"]
"""Signs in to one account and returns the decoded assertion (`tui.core.signin.capture`)."""


def browser_signer(request: SignInRequest) -> Assertion:
    """The real sign-in, with the browser code loaded on first use."""
    from tui.core.signin import capture

    return capture(request)


Renewer = Callable[["Config", list["Session"], "SessionStore"], list["Renewal"]]
"""Renews sessions silently, one browser per tenant (`tui.core.renewal.renew_all`)."""


def silent_renewer(config: Config, sessions: list[Session], store: SessionStore) -> list[Renewal]:
    """The real renewal; it writes the profiles too, as the app's sign-ins do."""
    from tui.core.renewal import renew_all

    return renew_all(config, sessions, store=store, write=True)


ManySigner = Callable[[Sequence["SignInRequest"]], Iterable["Captured"]]
"""Signs in to several accounts in one browser per tenant, yielding each one's `Captured` in
order (`tui.core.signin.capture_many`); the requests share headless, timeout and cancel."""


def browser_many(requests: Sequence[SignInRequest]) -> Iterator[Captured]:
    from tui.core.signin import capture_many

    first = requests[0]
    yield from capture_many(
        [r.account for r in requests],
        first.config,
        headless=first.headless,
        timeout=first.seconds,
        cancel=first.cancel,
        on_status=first.on_status,
    )


def signed_in_before(account_name: str) -> bool:
    """Whether the account's own (pre-tenant) browser profile has signed in before. `Context`
    asks `tui.core.signin.signed_in_before` instead, which knows the tenant's profile."""
    from tui.core import browser

    return browser.has_signed_in_before(account_name)


def copy_to_system_clipboard(text: str) -> bool:
    """Put `text` on the OS clipboard through pyperclip; False when there is none (SSH, CI)."""
    import pyperclip

    try:
        pyperclip.copy(text)
    except pyperclip.PyperclipException:
        return False
    return True


def close_browsers() -> None:
    """Close any Chrome we started, if the browser module was ever loaded."""
    browser = sys.modules.get("tui.core.browser")
    if browser is not None:
        browser.close_all()
