"""Chromium's flags, uc's options, adopting the Popen uc drops, and the package's surface."""

from __future__ import annotations

import gc
import subprocess
import sys
import threading
import time

import pytest

from tui.core import browser, display
from tui.core.browser import launch, session
from tui.core.browser.launch import APP_PAGE, chromium_flags
from tui.core.errors import BrowserError, SignInCancelled


def test_flags_for_this_machine_and_for_a_person() -> None:
    flags = chromium_flags(headless=False, version_main=156)
    for flag in ("--no-first-run", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-gpu"):  # fmt: skip
        assert flag in flags
    assert f"--app={APP_PAGE}" in flags
    assert not any(f.startswith("--user-agent") for f in flags)


def test_headless_does_not_announce_itself(monkeypatch) -> None:
    monkeypatch.setattr(launch.sys, "platform", "linux")
    flags = chromium_flags(headless=True, version_main=156)
    [agent] = [f for f in flags if f.startswith("--user-agent=")]
    assert "Headless" not in agent and "Chrome/156.0.0.0" in agent and "Linux" in agent
    assert "--password-store=basic" in flags  # headless and headful read the same cookies
    assert not any(f.startswith("--app") for f in flags)


def test_macos_keeps_one_cookie_key(monkeypatch) -> None:
    monkeypatch.setattr(launch.sys, "platform", "darwin")
    flags = chromium_flags(headless=True, version_main=120)
    assert "--use-mock-keychain" in flags and "Macintosh" in " ".join(flags)


@pytest.mark.parametrize("root", [True, False])
def test_no_sandbox_only_for_root_and_no_forced_window_size_for_people(monkeypatch, root) -> None:
    monkeypatch.setattr(launch, "running_as_root", lambda: root)
    options = launch._options(headless=False, version_main=156)
    for forced in ("--no-sandbox", "--window-size=1920,1080", "--start-maximized"):
        options.add_argument(forced)  # what uc adds in its __init__

    assert ("--no-sandbox" in options.arguments) is root
    assert "--window-size=1920,1080" not in options.arguments
    assert "--start-maximized" not in options.arguments
    assert "--window-size=1024,768" in options.arguments


def test_the_popen_uc_drops_is_adopted() -> None:
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(0.2)"])
    pid = process.pid
    del process
    gc.collect()

    adopted = launch._adopt_process(pid)

    assert adopted is not None and adopted.pid == pid
    assert all(getattr(p, "pid", None) != pid for p in subprocess._active)  # type: ignore[attr-defined]
    assert adopted.wait(timeout=5) == 0


def test_importing_the_package_does_not_load_selenium() -> None:
    code = (
        "import sys, tui.core.browser as b; "
        "print(any(m.startswith(('selenium', 'undetected_chromedriver', 'websocket')) "
        "for m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_the_public_surface() -> None:
    assert set(browser.__all__) == {
        "BrowserSettings", "Capture", "check_browser", "close_all", "has_signed_in_before",
        "profile_path", "sign_in", "sign_in_many", "Visit",
    }  # fmt: skip
    settings = browser.BrowserSettings()
    assert (settings.browser, settings.driver, settings.headless) == ("", "", False)
    assert (settings.timeout, settings.person_grace) == (300.0, 4.0)
    capture = browser.Capture(saml_response="secret", acs_url="https://signin.aws.amazon.com/saml")
    assert "secret" not in repr(capture) and capture.relay_state is None


def test_a_missing_browser_fails_before_anything_starts() -> None:
    settings = browser.BrowserSettings(browser="/no/chrome", headless=True)
    with pytest.raises(BrowserError, match="does not exist"):
        browser.sign_in("https://idp/saml2", "prod", settings)


def test_a_window_needs_a_display(monkeypatch) -> None:
    monkeypatch.setattr(display.sys, "platform", "linux")
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)

    with pytest.raises(BrowserError, match="no display to open the sign-in window on"):
        browser.sign_in("https://idp/saml2", "prod", browser.BrowserSettings(headless=False))


def test_a_cancel_already_set_starts_nothing() -> None:
    cancel = threading.Event()
    cancel.set()
    started = time.monotonic()
    with pytest.raises(SignInCancelled):
        browser.sign_in("https://idp/saml2", "prod", browser.BrowserSettings(), cancel=cancel)
    assert time.monotonic() - started < 0.5


def test_close_all_closes_every_open_browser_and_survives_failures() -> None:
    class Fake:
        def __init__(self, fail: bool) -> None:
            self.fail, self.closed = fail, False

        def close(self) -> None:
            self.closed = True
            if self.fail:
                raise RuntimeError("boom")

    fakes = [Fake(True), Fake(False)]
    for fake in fakes:
        assert session._track(fake, session._closings)  # type: ignore[arg-type]
    try:
        closings = session._closings
        browser.close_all()
        assert all(fake.closed for fake in fakes)
        # A browser that was still starting when close_all ran is not kept either.
        assert not session._track(Fake(False), closings)  # type: ignore[arg-type]
    finally:
        for fake in fakes:
            session._OPEN.discard(fake)  # type: ignore[arg-type]
