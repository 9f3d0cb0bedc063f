"""`sign_in` / `sign_in_many`: whole browser sign-ins, from finding Chrome to a clean close (one
browser for several accounts of a tenant); and `close_all`."""

from __future__ import annotations

import atexit
import contextlib
import logging
import threading
import time
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tui.core.browser.driver_copy import prepared_driver
from tui.core.browser.leftovers import end_orphaned_drivers
from tui.core.browser.locate import browser_and_driver
from tui.core.browser.profile import profile_in_use
from tui.core.browser.settings import BrowserSettings, Capture
from tui.core.display import has_display
from tui.core.errors import (
    BrowserError,
    EntraAwsError,
    EntraPageError,
    NeedsPerson,
    SignInCancelled,
    SignInTimeout,
)

if TYPE_CHECKING:
    from tui.core.browser.launch import Browser

log = logging.getLogger("entra_aws.browser")

_OPEN: set[Browser] = set()  # the Browser of every sign-in in progress in this process
_OPEN_LOCK = threading.Lock()
_closings = 0  # how many times close_all ran: a browser still starting then is closed too
_atexit_registered = False


def _reporter(on_status: Callable[[str], None] | None) -> Callable[[str], None]:
    def report(text: str) -> None:
        log.debug("status: %s", text)
        if on_status is not None:
            try:
                on_status(text)
            except Exception as exc:  # a status line must never break the sign-in
                log.debug("on_status failed: %s", type(exc).__name__)

    return report


def _track(browser: Browser, closings: int) -> bool:
    """Remember `browser` for close_all; False if close_all ran while it was starting."""
    global _atexit_registered
    with _OPEN_LOCK:
        if closings != _closings:
            return False
        _OPEN.add(browser)
        if not _atexit_registered:
            atexit.register(close_all)
            _atexit_registered = True
        return True


def close_all() -> None:
    """Close every browser this process started, cleanly (for SIGTERM and atexit handlers)."""
    global _closings
    with _OPEN_LOCK:
        _closings += 1
        browsers = list(_OPEN)
    for browser in browsers:
        try:
            browser.close()
        except Exception as exc:
            log.debug("close_all: %s", type(exc).__name__)


@dataclass(frozen=True)
class Visit:
    """One account's turn in a shared browser: its label and its (freshly built) sign-in URL."""

    label: str
    url: Callable[[], str]


Outcome = Capture | EntraAwsError


def sign_in(
    url: str,
    profile: str,
    settings: BrowserSettings,
    *,
    cancel: threading.Event | None = None,
    on_status: Callable[[str], None] | None = None,
    legacy: Sequence[str] = (),
) -> Capture:
    """Open Chrome on Entra's sign-in `url` with the persistent `profile`, and return what Entra
    posts to the AWS ACS (answered locally, never sent on), closing Chrome cleanly."""
    visits = [Visit(profile, lambda: url)]
    many = sign_in_many(
        visits, profile, settings, cancel=cancel, on_status=on_status, legacy=legacy
    )
    with contextlib.closing(many):  # the browser closes here, not whenever the generator is freed
        _, outcome = next(many)
        if isinstance(outcome, EntraAwsError):
            raise outcome
        return outcome


def _ends_the_browser(error: EntraAwsError) -> bool:
    """After these the window is gone or nobody is there: the remaining accounts cannot go on."""
    return isinstance(error, SignInCancelled | SignInTimeout | NeedsPerson) or (
        isinstance(error, BrowserError) and not isinstance(error, EntraPageError)
    )


def sign_in_many(
    visits: Sequence[Visit],
    profile: str,
    settings: BrowserSettings,
    *,
    cancel: threading.Event | None = None,
    on_status: Callable[[str], None] | None = None,
    legacy: Sequence[str] = (),
) -> Generator[tuple[str, Outcome], None, None]:
    """One Chrome on `profile` for several accounts, each visit's URL in turn in the same window.

    Yields (label, Capture or the error) per visit, in order, as each finishes; an Entra error page
    spoils only its own visit, while a closed window, a timeout or a crash ends the rest, each
    with the same error. Each visit has the whole `settings.timeout` (launch included for the
    first). The browser stays open between yields: hand each capture on quickly.
    """
    from tui.core.browser.capture import CaptureRun  # selenium and uc load only when signing in
    from tui.core.browser.launch import launch

    started = time.monotonic()
    deadline = started + settings.timeout
    status = _reporter(on_status)
    if cancel is not None and cancel.is_set():
        yield from ((v.label, SignInCancelled("The sign-in was cancelled.")) for v in visits)
        return
    if not settings.headless and not has_display():
        raise BrowserError(
            "There is no display to open the sign-in window on; sign in from a desktop "
            "session, or use --headless if this account has signed in before."
        )
    # A chromedriver fetch says its progress where the sign-in's status goes (the TUI's status
    # line swallows nothing), or on stderr when nobody listens.
    browser_path, driver_path, version_main = browser_and_driver(
        settings, status if on_status is not None else None
    )
    driver = prepared_driver(driver_path, version_main)
    end_orphaned_drivers(driver.parent)
    wait = max(0.0, deadline - time.monotonic())
    with profile_in_use(profile, wait, legacy=legacy, on_wait=status) as folder:
        status("Starting the browser…")
        with _OPEN_LOCK:
            closings = _closings
        browser = launch(browser_path, driver, version_main, folder, settings.headless)
        ended: EntraAwsError | None = None
        try:
            if not _track(browser, closings):
                ended = SignInCancelled("The sign-in was stopped because entra-aws is closing.")
            run = CaptureRun(
                browser, profile, settings, deadline=deadline, cancel=cancel, status=status
            )
            for number, visit in enumerate(visits):
                if ended is None and cancel is not None and cancel.is_set():
                    ended = SignInCancelled("The sign-in was cancelled.")
                if ended is not None:
                    yield visit.label, ended
                    continue
                turn = deadline if number == 0 else time.monotonic() + settings.timeout
                outcome: Outcome
                try:
                    outcome = run.run(visit.url(), label=visit.label, deadline=turn)
                except EntraAwsError as error:
                    outcome = error
                    if _ends_the_browser(error):
                        ended = error
                log.debug("visit %d of %d done", number + 1, len(visits))
                yield visit.label, outcome
        finally:
            browser.close()
            with _OPEN_LOCK:
                _OPEN.discard(browser)
    log.debug("sign-in done in %.2f s", time.monotonic() - started)
