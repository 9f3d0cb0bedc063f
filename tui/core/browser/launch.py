"""Starting Chromium through undetected-chromedriver, and closing it so the profile is saved.

uc launches Chromium itself (no `--enable-automation`, so `navigator.webdriver` is false), from our
patched chromedriver copy, offline. uc's own `quit()` kills Chromium like a crash (recent cookies
unsaved, `SingletonLock` left behind), so `Browser.close` asks Chromium to close over DevTools,
waits for the process to exit, and only then lets uc stop chromedriver.
"""

from __future__ import annotations

import contextlib
import logging
import os
import subprocess
import sys
import threading
import time
import warnings
from pathlib import Path
from typing import IO, Any

from tui.core.browser.devtools import DevTools, DevToolsError, EventHandler
from tui.core.browser.leftovers import clear_leftovers
from tui.core.browser.processes import alive, end_process, reap
from tui.core.errors import BrowserError

log = logging.getLogger("entra_aws.browser")

UNKNOWN_EXIT = -999  # exited, but someone else collected the status
CLOSE_WAIT = 5.0  # for Chromium to save the profile and exit after Browser.close
FLAGS = (
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-gpu",
)
# The window a person signs in with: one plain app window, not a whole browser.
APP_PAGE = "data:text/html,<title>entra-aws sign-in</title>"
_UA_PLATFORM = {
    "darwin": "Macintosh; Intel Mac OS X 10_15_7",
    "win32": "Windows NT 10.0; Win64; x64",
}


def running_as_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def chromium_flags(headless: bool, version_main: int) -> list[str]:
    flags = list(FLAGS)
    # One cookie key whatever the mode, so a headless run reads the cookies a windowed run saved
    # (and no keyring or Keychain prompt): the profile folder's 0700 is what protects them.
    if sys.platform.startswith("linux"):
        flags.append("--password-store=basic")
    elif sys.platform == "darwin":
        flags.append("--use-mock-keychain")
    if headless:
        # Headless says "HeadlessChrome" in its user agent; Entra may treat that as a robot.
        platform = _UA_PLATFORM.get(sys.platform, "X11; Linux x86_64")
        flags.append(
            f"--user-agent=Mozilla/5.0 ({platform}) AppleWebKit/537.36 (KHTML, like Gecko) "
            f"Chrome/{version_main}.0.0.0 Safari/537.36"
        )
    else:
        flags += [f"--app={APP_PAGE}", "--window-size=1024,768"]
    return flags


def _options(headless: bool, version_main: int) -> Any:
    """uc's options with our flags, minus what uc forces that we do not want: `--no-sandbox`
    when not root, and its maximised 1920x1080 window when a person will see it."""
    import undetected_chromedriver as uc

    dropped = set() if running_as_root() else {"--no-sandbox"}
    if not headless:
        dropped |= {"--window-size=1920,1080", "--start-maximized"}

    class Arguments(list[str]):
        """uc drops every argument with "headless" in it, and takes it as asking for headless:
        a profile path with that word (a user or folder named so) would lose --user-data-dir,
        and Chromium would sign in on its default profile. The profile argument stays."""

        def remove(self, value: str) -> None:
            if not value.startswith("--user-data-dir="):
                super().remove(value)

    class Options(uc.ChromeOptions):
        def __init__(self) -> None:
            super().__init__()
            self._arguments = Arguments()

        @property
        def headless(self) -> bool:
            return headless

        @headless.setter
        def headless(self, value: bool) -> None:
            """Ignored: whether to show a window is ours to say, not a path's."""

        def add_argument(self, argument: str) -> None:
            if argument not in dropped:
                super().add_argument(argument)

    options = Options()
    for flag in chromium_flags(headless, version_main):
        options.add_argument(flag)
    return options


def _adopt_process(pid: int) -> subprocess.Popen[bytes] | None:
    """uc drops Chromium's Popen; CPython parks it in `subprocess._active`. Take it back so its
    exit status is ours to read and nobody else reaps it."""
    active = getattr(subprocess, "_active", None)
    if not isinstance(active, list):
        return None
    for popen in list(active):
        if getattr(popen, "pid", None) == pid:
            with contextlib.suppress(ValueError):
                active.remove(popen)
            for stream in (popen.stdout, popen.stderr):
                if stream is not None:
                    threading.Thread(target=_drain, args=(stream,), daemon=True).start()
            return popen
    return None


def _drain(stream: IO[bytes]) -> None:
    """Read and drop Chromium's output so a full pipe can never block it."""
    with contextlib.suppress(OSError, ValueError):
        while stream.read(65536):
            pass


def _reason(exc: BaseException) -> str:
    text = str(getattr(exc, "msg", "") or exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__).removeprefix("Message: ")[:200]


class Browser:
    """One Chromium started for one sign-in, with our DevTools connection to it."""

    def __init__(self, driver: Any, profile: Path) -> None:
        self.driver = driver
        self.profile = profile
        self.pid: int = driver.browser_pid
        self.popen = _adopt_process(self.pid)
        self._exit: int | None = None
        self.devtools: DevTools | None = None
        self.closed_by_us = False
        self._close_lock = threading.RLock()  # close_all may run from a signal handler

    def connect(self, on_event: EventHandler, on_close: Any) -> DevTools:
        try:
            self.devtools = DevTools.connect(
                self.driver.options.debugger_address, on_event, on_close
            )
        except DevToolsError as exc:
            raise BrowserError(
                f"Could not talk to Chromium over DevTools ({exc}); try again."
            ) from None
        return self.devtools

    def exit_status(self) -> int | None:
        """Chromium's exit status once it has exited (-N: signal N; UNKNOWN_EXIT if it cannot be
        known), else None."""
        if self._exit is None:
            if self.popen is not None:
                self._exit = self.popen.poll()
            else:
                self._exit = reap(self.pid)
                if self._exit is None and not alive(self.pid):
                    self._exit = UNKNOWN_EXIT
        return self._exit

    def wait_exit(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while self.exit_status() is None:
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.01)
        return True

    def close(self) -> None:
        """Close Chromium cleanly (cookies saved, locks released), then stop chromedriver."""
        with self._close_lock:
            if self.closed_by_us:
                return
            self.closed_by_us = True
            if self.exit_status() is None:
                asked = False
                if self.devtools is not None and not self.devtools.closed:
                    with contextlib.suppress(DevToolsError):
                        self.devtools.send("Browser.close")
                        asked = True
                if not asked or not self.wait_exit(CLOSE_WAIT):
                    log.debug("ending Chromium with SIGTERM (it still saves the profile)")
                    end_process(self.pid)
                    self.wait_exit(1.0)
            if self.devtools is not None:
                self.devtools.close()
            self._quit_driver()

    def _quit_driver(self) -> None:
        # Reaped above, so the pid may be reused: uc's quit() and __del__ must not signal it.
        self.driver.browser_pid = None
        try:
            self.driver.quit()
        except Exception as exc:  # uc's quit is best effort by design
            log.debug("chromedriver quit: %s", type(exc).__name__)
        process = getattr(getattr(self.driver, "service", None), "process", None)
        if process is not None:
            with contextlib.suppress(Exception):
                process.wait(timeout=2.0)


def launch(
    browser: Path, driver: Path, version_main: int, profile: Path, headless: bool
) -> Browser:
    """Start Chromium on `profile` through uc and our patched chromedriver copy."""
    import undetected_chromedriver as uc
    from undetected_chromedriver.patcher import Patcher

    Patcher.data_path = str(driver.parent)  # uc would otherwise make a folder in the home
    try:
        with warnings.catch_warnings():
            # uc calls locale.getdefaultlocale(), deprecated since Python 3.11: not ours to fix.
            warnings.filterwarnings(
                "ignore", category=DeprecationWarning, module="undetected_chromedriver"
            )
            handle = uc.Chrome(
                options=_options(headless, version_main),
                driver_executable_path=str(driver),
                browser_executable_path=str(browser),
                version_main=version_main,
                user_data_dir=str(profile),
                headless=headless,
                log_level=3,
                use_subprocess=True,
                no_sandbox=running_as_root(),
            )
    except Exception as exc:
        clear_leftovers(profile)  # a half-started Chromium must not hold the profile
        raise BrowserError(
            f"Chromium could not be started ({_reason(exc)}); check that {browser.name} runs "
            "and matches chromedriver, then try again."
        ) from None
    log.debug(
        "Chromium started (pid %s, %s)", handle.browser_pid, "headless" if headless else "window"
    )
    return Browser(handle, profile)
