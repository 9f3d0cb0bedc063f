"""One sign-in on a started Chromium: pause the ACS POST, open Entra, wait for an outcome.

Threads: the caller's thread runs `CaptureRun.run` and is the only one that raises; the DevTools reader
thread answers paused requests and records target events; the watcher thread probes pages. They
meet on `wake`, an Event that every interesting change sets, and every wait here is bounded.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable
from typing import Any

from tui.core.browser.devtools import DevToolsError, Pending
from tui.core.browser.entra_errors import entra_page_error
from tui.core.browser.intercept import AcsInterceptor, acs_patterns, short_url
from tui.core.browser.launch import UNKNOWN_EXIT, Browser
from tui.core.browser.pages import Pages
from tui.core.browser.settings import BrowserSettings, Capture
from tui.core.errors import BrowserError, NeedsPerson, SignInCancelled, SignInTimeout

log = logging.getLogger("entra_aws.browser")

TICK = 0.1  # the longest the loop sleeps between checks (cancel latency)
HEADLESS_STALL = 20.0  # headless: no page change for this long means nobody is coming
_QUIT_SIGNALS = {0, -int(signal.SIGTERM), -int(signal.SIGINT), -getattr(signal, "SIGHUP", 1)}


class CaptureRun:
    """Sign-ins on one started Chromium, one URL after another (`run` once per account)."""

    def __init__(
        self,
        browser: Browser,
        profile: str,
        settings: BrowserSettings,
        *,
        deadline: float,
        cancel: threading.Event | None,
        status: Callable[[str], None],
    ) -> None:
        self.browser = browser
        self.profile = profile
        self.label = profile  # the account signing in now, for the "needs you" sentence
        self.settings = settings
        self.deadline = deadline
        self.cancel = cancel
        self.status = status
        self.wake = threading.Event()
        self.stop = threading.Event()
        self.interceptor: AcsInterceptor | None = None
        self.pages: Pages | None = None
        self.navigation: Pending | None = None
        self.runs = 0

    def _on_event(self, method: str, params: dict[str, Any], session: str | None) -> None:
        interceptor, pages = self.interceptor, self.pages
        if method == "Fetch.requestPaused" and interceptor is not None:
            interceptor.on_paused(params)
            if interceptor.done.is_set():
                self.wake.set()
        elif method.startswith("Target.") and pages is not None:
            pages.on_event(method, params, session)

    def run(self, url: str, *, label: str | None = None, deadline: float | None = None) -> Capture:
        """One sign-in at `url`; later calls reuse the window (and so Entra's cookie)."""
        if label is not None:
            self.label = label
        if deadline is not None:
            self.deadline = deadline
        first = self.runs == 0
        self.runs += 1
        devtools = self.browser.devtools
        if first or devtools is None:
            devtools = self.browser.connect(self._on_event, self.wake.set)
        self.stop = threading.Event()
        self.navigation = None
        self.interceptor = AcsInterceptor(devtools.send)
        self.pages = Pages(devtools.call, self.wake)
        watcher = threading.Thread(
            target=self.pages.watch, args=(self.stop,), name="entra-aws-pages", daemon=True
        )
        try:
            self._open(url, first)
            watcher.start()
            self.status(
                "Signing in without a window…"
                if self.settings.headless
                else "Sign in in the browser window."
            )
            return self._wait()
        except DevToolsError as exc:
            self._raise_if_gone()
            raise BrowserError(f"Chromium stopped answering ({exc}); try again.") from None
        finally:
            self.stop.set()
            if watcher.is_alive():
                watcher.join(timeout=2.0)

    def _open(self, url: str, first: bool) -> None:
        """Intercept first, then navigate: the POST can follow within milliseconds."""
        assert self.pages is not None and self.browser.devtools is not None
        devtools = self.browser.devtools
        if first:
            devtools.call("Fetch.enable", {"patterns": acs_patterns()})
            devtools.call("Target.setDiscoverTargets", {"discover": True})
        for info in devtools.call("Target.getTargets").get("targetInfos", []):
            self.pages.on_event("Target.targetCreated", {"targetInfo": info}, None)
        target = self.pages.first_page()
        if target is None:
            self._raise_if_gone()
            if not first:
                raise SignInCancelled("The browser window was closed before the sign-in finished.")
            raise BrowserError("Chromium opened no window to sign in with; try again.")
        attached = devtools.call("Target.attachToTarget", {"targetId": target, "flatten": True})
        session = attached.get("sessionId")
        if not first:  # the last account's page (an Entra error, say) must be gone before probes
            devtools.call("Page.navigate", {"url": "about:blank"}, session_id=session)
        log.debug("opening %s", short_url(url))
        # Not waited for here: a slow IdP must not delay cancel, close or the timeout.
        self.navigation = devtools.request("Page.navigate", {"url": url}, session_id=session)

    def _wait(self) -> Capture:
        while True:
            self.wake.clear()
            capture = self._check(time.monotonic())
            if capture is not None:
                self.status("Signed in; closing the browser…")
                return capture
            self.wake.wait(TICK)

    def _check(self, now: float) -> Capture | None:
        assert self.interceptor is not None and self.pages is not None
        if self.interceptor.capture is not None:
            return self.interceptor.capture
        if self.interceptor.unreadable:
            raise BrowserError("Chromium did not hand over what Entra posted to AWS; try again.")
        if self.cancel is not None and self.cancel.is_set():
            raise SignInCancelled("The sign-in was cancelled.")
        if self.browser.closed_by_us:
            raise SignInCancelled("The sign-in was stopped because entra-aws is closing.")
        error = self.pages.entra_error()
        if error is not None:
            raise entra_page_error(*error)
        if self.pages.all_closed():
            raise SignInCancelled("The browser window was closed before the sign-in finished.")
        self._raise_if_gone()
        self._raise_if_unreachable()
        headless = self.settings.headless
        if now >= self.deadline:
            if headless and self.pages.person_controls():
                raise self._needs_person()
            raise SignInTimeout(
                f"No sign-in came back within {self.settings.timeout:g} s; try again, or allow "
                "longer with --timeout or `timeout` under [settings]."
            )
        if headless and (
            self.pages.waiting_for_person(now, self.settings.person_grace)
            or now - self.pages.last_change >= HEADLESS_STALL
        ):
            raise self._needs_person()
        return None

    def _raise_if_unreachable(self) -> None:
        """The first page failed to load (DNS, refused, TLS): no sign-in can follow."""
        if self.navigation is None or not self.navigation.done.is_set():
            return
        navigation, self.navigation = self.navigation, None
        try:
            error = navigation.result().get("errorText")
        except DevToolsError:
            return  # the page went away: the window checks explain why
        if error and error != "net::ERR_ABORTED":  # aborted: replaced by the next navigation
            raise BrowserError(
                f"The Entra sign-in page could not be opened ({error}); "
                "check login_url and tenant_id for this account and your network."
            )

    def _needs_person(self) -> NeedsPerson:
        return NeedsPerson(
            f"This sign-in needs you: run `entra-aws login {self.label}` without --headless."
        )

    def _raise_if_gone(self) -> None:
        """Chromium exited or dropped our connection: the person quit it, we closed it, or a crash."""
        devtools = self.browser.devtools
        if (devtools is None or not devtools.closed) and self.browser.exit_status() is None:
            return
        if self.browser.closed_by_us:
            raise SignInCancelled("The sign-in was stopped because entra-aws is closing.")
        self.browser.wait_exit(0.3)
        status = self.browser.exit_status()
        if status in _QUIT_SIGNALS:
            raise SignInCancelled("The browser was closed before the sign-in finished.")
        how = "status unknown" if status in (None, UNKNOWN_EXIT) else f"exit status {status}"
        if status is not None and status < 0 and -status in signal.valid_signals():
            how = f"signal {signal.Signals(-status).name}"
        raise BrowserError(f"Chromium stopped unexpectedly ({how}); try again.")
