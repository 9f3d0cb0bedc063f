"""How one sign-in ends: every outcome the loop can reach, with the browser faked."""

from __future__ import annotations

import signal
import threading

import pytest

from tui.core.browser.capture import HEADLESS_STALL, CaptureRun
from tui.core.browser.intercept import AcsInterceptor
from tui.core.browser.launch import UNKNOWN_EXIT
from tui.core.browser.pages import Pages
from tui.core.browser.settings import BrowserSettings, Capture
from tui.core.errors import (
    BrowserError,
    EntraPageError,
    NeedsPerson,
    SignInCancelled,
    SignInTimeout,
)

NOW = 1000.0


class FakeDevTools:
    closed = False


class FakeBrowser:
    def __init__(self) -> None:
        self.devtools = FakeDevTools()
        self.closed_by_us = False
        self.status: int | None = None

    def exit_status(self) -> int | None:
        return self.status

    def wait_exit(self, timeout: float) -> bool:
        return self.status is not None


def signin(headless: bool = True, **settings: float) -> tuple[CaptureRun, FakeBrowser, Pages]:
    browser = FakeBrowser()
    config = BrowserSettings(headless=headless, **settings)  # type: ignore[arg-type]
    run = CaptureRun(
        browser,  # type: ignore[arg-type]
        "prod",
        config,
        deadline=NOW + config.timeout,
        cancel=threading.Event(),
        status=lambda _text: None,
    )
    run.interceptor = AcsInterceptor(lambda *_: None)
    run.pages = Pages(lambda *a, **k: {}, run.wake)
    run.pages.on_event(
        "Target.targetCreated",
        {"targetInfo": {"targetId": "t1", "type": "page", "url": "https://idp/saml2"}},
        None,
    )
    run.pages.last_change = NOW
    return run, browser, run.pages


def page(pages: Pages, **fields: str) -> None:
    target = pages._pages["t1"]
    for name, value in fields.items():
        setattr(target, name, value)
    target.since = NOW


def test_nothing_yet_means_keep_waiting() -> None:
    run, _, _ = signin()
    assert run._check(NOW + 1) is None


def test_a_capture_wins_over_everything_that_happens_after_it() -> None:
    run, browser, pages = signin()
    assert run.interceptor is not None
    run.interceptor.capture = Capture(
        saml_response="x", acs_url="https://signin.aws.amazon.com/saml"
    )
    browser.devtools.closed, browser.status = True, 0
    pages.on_event("Target.targetDestroyed", {"targetId": "t1"}, None)

    assert run._check(NOW + 10_000) is run.interceptor.capture


def test_cancel_event() -> None:
    run, _, _ = signin()
    assert run.cancel is not None
    run.cancel.set()
    with pytest.raises(SignInCancelled, match="cancelled"):
        run._check(NOW)


def test_an_entra_error_page_fails_at_once() -> None:
    run, _, pages = signin()
    page(pages, code="50105", message="Not assigned. More.")
    with pytest.raises(EntraPageError) as caught:
        run._check(NOW)
    assert caught.value.code == "AADSTS50105"


def test_every_window_closed() -> None:
    run, _, pages = signin()
    pages.on_event("Target.targetDestroyed", {"targetId": "t1"}, None)
    with pytest.raises(SignInCancelled, match="window was closed"):
        run._check(NOW)


def test_closed_by_entra_aws_itself() -> None:
    run, browser, _ = signin()
    browser.closed_by_us = True
    with pytest.raises(SignInCancelled, match="entra-aws is closing"):
        run._check(NOW)


@pytest.mark.parametrize("status", [0, -int(signal.SIGTERM), -int(signal.SIGINT)])
def test_chromium_quit_normally_counts_as_closed(status) -> None:
    run, browser, _ = signin()
    browser.devtools.closed, browser.status = True, status
    with pytest.raises(SignInCancelled, match="browser was closed"):
        run._check(NOW)


@pytest.mark.parametrize(
    ("status", "how"),
    [(-int(signal.SIGKILL), "signal SIGKILL"), (-int(signal.SIGSEGV), "signal SIGSEGV"),
     (21, "exit status 21"), (UNKNOWN_EXIT, "status unknown")],
)  # fmt: skip
def test_chromium_dying_is_a_crash(status, how) -> None:
    run, browser, _ = signin()
    browser.status = status
    with pytest.raises(BrowserError, match=f"Chromium stopped unexpectedly \\({how}\\)") as caught:
        run._check(NOW)
    assert not isinstance(caught.value, SignInCancelled)


def test_timeout_headful_and_headless() -> None:
    run, _, _ = signin(headless=False, timeout=3.0)
    with pytest.raises(SignInTimeout, match="within 3 s"):
        run._check(NOW + 3)

    run, _, pages = signin(headless=True, timeout=3.0, person_grace=10.0)
    with pytest.raises(SignInTimeout):
        run._check(NOW + 3)
    page(pages, controls='input[name="loginfmt"]')
    with pytest.raises(NeedsPerson, match="run `entra-aws login prod` without --headless"):
        run._check(NOW + 3)


def test_a_form_nobody_answers_needs_a_person_only_when_headless() -> None:
    run, _, pages = signin(headless=True, person_grace=4.0, timeout=300.0)
    page(pages, controls="#idSIButton9")
    assert run._check(NOW + 3.9) is None
    with pytest.raises(NeedsPerson):
        run._check(NOW + 4.0)

    run, _, pages = signin(headless=False, person_grace=4.0, timeout=300.0)
    page(pages, controls="#idSIButton9")
    assert run._check(NOW + 200) is None


def test_headless_with_nothing_moving_gives_up_before_the_timeout() -> None:
    run, _, _ = signin(headless=True, timeout=300.0)
    assert run._check(NOW + HEADLESS_STALL - 0.1) is None
    with pytest.raises(NeedsPerson):
        run._check(NOW + HEADLESS_STALL)


def test_an_unreadable_post_is_an_error() -> None:
    run, _, _ = signin()
    assert run.interceptor is not None
    run.interceptor.unreadable = True
    with pytest.raises(BrowserError, match="did not hand over"):
        run._check(NOW)
