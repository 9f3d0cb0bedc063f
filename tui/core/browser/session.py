"""`sign_in`: the whole browser sign-in, from finding Chrome to a clean close; and `close_all`."""

from __future__ import annotations

import atexit
import logging
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from tui.core.browser.driver_copy import prepared_driver
from tui.core.browser.leftovers import end_orphaned_drivers
from tui.core.browser.locate import browser_and_driver
from tui.core.browser.profile import profile_in_use
from tui.core.browser.settings import BrowserSettings, Capture
from tui.core.display import has_display
from tui.core.errors import BrowserError, SignInCancelled

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


def sign_in(
    url: str,
    profile: str,
    settings: BrowserSettings,
    *,
    cancel: threading.Event | None = None,
    on_status: Callable[[str], None] | None = None,
) -> Capture:
    """Open Chrome on Entra's sign-in `url` with the account's persistent `profile`, and return
    what Entra posts to the AWS ACS (answered locally, never sent on), closing Chrome cleanly."""
    from tui.core.browser.capture import CaptureRun  # selenium and uc load only when signing in
    from tui.core.browser.launch import launch

    started = time.monotonic()
    deadline = started + settings.timeout
    status = _reporter(on_status)
    if cancel is not None and cancel.is_set():
        raise SignInCancelled("The sign-in was cancelled.")
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
    with profile_in_use(profile) as folder:
        status("Starting the browser…")
        with _OPEN_LOCK:
            closings = _closings
        browser = launch(browser_path, driver, version_main, folder, settings.headless)
        try:
            if not _track(browser, closings):
                raise SignInCancelled("The sign-in was stopped because entra-aws is closing.")
            signin = CaptureRun(
                browser, profile, settings, deadline=deadline, cancel=cancel, status=status
            )
            capture = signin.run(url)
        finally:
            browser.close()
            with _OPEN_LOCK:
                _OPEN.discard(browser)
    log.debug("sign-in done in %.2f s", time.monotonic() - started)
    return capture
