"""The capture machinery in real headless Chromium, against hand-written pages on loopback.

The page sequences of a real sign-in are in test_browser_signin.py (against the local Entra);
here: what is intercepted and what is not, every tab and pop-up, big bodies, every ACS host, and
every way a sign-in can end without an assertion.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest

from tests.e2e.conftest_browser import (  # noqa: F401  (fixtures, used by their short names)
    ACS,
    CANCEL_BOUND,
    CdpPeer,
    autopost,
    browser_home_fixture,
    fast,
    later,
    needs_chromium,
    pages_fixture,
    pid_alive,
    shared_cache_fixture,
)
from tests.locks import held_elsewhere
from tui.core.browser import close_all, profile_path, sign_in
from tui.core.errors import (
    BrowserError,
    EntraPageError,
    NeedsPerson,
    SignInCancelled,
    SignInTimeout,
)

pytestmark = [pytest.mark.e2e, pytest.mark.browser, needs_chromium]

# base64 with every character a form encoder must get right: '+', '/', '='.
TRICKY = "PHNhbWxwOlJlc3BvbnNl+Pz4/Pz8+Pj4+//8=="
IDLE = "<html><body><h1>Waiting</h1></body></html>"
LOGIN_FORM = (
    '<html><body><form><input type="email" name="loginfmt">'
    '<input type="submit" id="idSIButton9" value="Next"></form></body></html>'
)


def test_the_post_is_captured_exactly_and_answered_locally(browser_home, pages) -> None:
    url = pages.add("/saml2", autopost(ACS, {"SAMLResponse": TRICKY, "RelayState": "r+1 /x"}))

    capture = sign_in(url, "acct", fast())

    assert capture.saml_response == TRICKY
    assert capture.relay_state == "r+1 /x"
    assert capture.acs_url == ACS
    assert TRICKY not in repr(capture)
    # The browser closed cleanly: its lock is gone and no Chromium is left on the profile.
    assert not os.path.lexists(profile_path("acct") / "SingletonLock")


def test_a_one_megabyte_assertion_arrives_whole(browser_home, pages) -> None:
    big = ("A+b/" * 262_144)[:1_048_576]
    url = pages.add("/saml2", autopost(ACS, {"SAMLResponse": big}))

    assert sign_in(url, "acct", fast()).saml_response == big


@pytest.mark.parametrize(
    "acs",
    [
        "https://eu-west-1.signin.aws.amazon.com/saml",
        "https://signin.amazonaws-us-gov.com/saml",
        "https://cn-north-1.signin.amazonaws.cn/saml",
        "https://signin.aws.amazon.com/saml/acs/SAMLSP4EXAMPLE",
        "https://signin.aws.amazon.com.mcas.ms/saml",
        "https://eu-west-1.signin.aws.amazon.com.eu2.mcas.ms/saml",
    ],
)
def test_every_acs_host_is_intercepted(browser_home, pages, acs) -> None:
    url = pages.add("/saml2", autopost(acs, {"SAMLResponse": TRICKY}))

    capture = sign_in(url, "acct", fast())

    assert (capture.acs_url, capture.saml_response) == (acs, TRICKY)


def test_a_post_to_a_new_tab_is_caught(browser_home, pages) -> None:
    """A person clicks a button whose form posts into a new tab."""
    page = (
        f'<html><body><form method="POST" action="{ACS}" target="_blank">'
        f'<input type="hidden" name="SAMLResponse" value="{TRICKY}">'
        '<button id="go">Continue</button></form></body></html>'
    )
    url = pages.add("/saml2", page)
    later(0, lambda: CdpPeer(profile_path("acct")).click("/saml2", "#go"))

    assert sign_in(url, "acct", fast()).saml_response == TRICKY


def test_a_post_from_a_popup_is_caught(browser_home, pages) -> None:
    """A person clicks a link that opens the sign-in in a pop-up window, which posts."""
    popup = pages.add("/popup", autopost(ACS, {"SAMLResponse": TRICKY}, delay_ms=100))
    opener = (
        "<html><body><button id=go onclick=\"window.open('"
        + popup
        + "', 'signin', 'popup,width=500,height=600')\">Sign in</button></body></html>"
    )
    url = pages.add("/saml2", opener)
    later(0, lambda: CdpPeer(profile_path("acct")).click("/saml2", "#go"))

    assert sign_in(url, "acct", fast()).saml_response == TRICKY


def test_other_requests_pass_untouched(browser_home, pages) -> None:
    """The login form's POST (with the password) goes to its server as usual: never paused."""
    pages.add("/login", lambda _cookie, _body: (200, {}, autopost(ACS, {"SAMLResponse": TRICKY})))
    url = pages.add("/saml2", autopost("/login", {"loginfmt": "a@b.c", "passwd": "pa+ss w%rd"}))

    assert sign_in(url, "acct", fast()).saml_response == TRICKY
    posted = [body for method, path, body in pages.requests if method == "POST"]
    assert posted == [b"loginfmt=a%40b.c&passwd=pa%2Bss+w%25rd"]


def test_an_entra_error_page_fails_at_once_with_the_code(browser_home, pages) -> None:
    page = (
        "<html><body><div>Sorry, but we're having trouble signing you in.</div>"
        "<div id=service_exception_message>AADSTS50105: Your administrator has configured the "
        "application AWS ('x') to block users unless they are specifically granted access. "
        "More here.</div><div>Correlation Id: 1234</div></body></html>"
    )
    url = pages.add("/saml2", page)
    started = time.monotonic()

    with pytest.raises(EntraPageError) as caught:
        sign_in(url, "acct", fast(timeout=30))

    assert time.monotonic() - started < 5
    assert caught.value.code == "AADSTS50105"
    message = str(caught.value)
    assert "assign you" in message and "AADSTS50105" in message
    assert "More here" not in message and "Correlation" not in message


def test_an_unreachable_sign_in_page_fails_at_once(browser_home) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    started = time.monotonic()

    with pytest.raises(BrowserError, match=r"could not be opened \(net::ERR_CONNECTION_REFUSED\)"):
        sign_in(f"http://127.0.0.1:{port}/tenant/saml2?SAMLRequest=x", "acct", fast(timeout=30))

    assert time.monotonic() - started < 5


def test_closing_every_window_cancels_within_half_a_second(browser_home, pages) -> None:
    url = pages.add("/saml2", IDLE)
    peer = CdpPeer(profile_path("acct"))
    closed_at: list[float] = []

    def close() -> None:
        peer.wait_for_page("/saml2")
        closed_at.append(peer.close_pages())

    later(0, close)
    with pytest.raises(SignInCancelled, match="closed"):
        sign_in(url, "acct", fast(timeout=30))

    assert closed_at and time.monotonic() - closed_at[0] < CANCEL_BOUND  # not the 30 s timeout


def test_the_cancel_event_stops_the_sign_in_promptly(browser_home, pages) -> None:
    url = pages.add("/saml2", IDLE)
    cancel = threading.Event()
    later(0, lambda: (pages.wait_for("/saml2"), time.sleep(0.3), cancel.set()))

    with pytest.raises(SignInCancelled):
        sign_in(url, "acct", fast(timeout=30), cancel=cancel)
    # Cancelled before the browser even started: no Chromium at all.
    cancel.set()
    with pytest.raises(SignInCancelled):
        sign_in(url, "acct", fast(), cancel=cancel)


def test_close_all_ends_a_sign_in_in_progress(browser_home, pages) -> None:
    url = pages.add("/saml2", IDLE)
    peer = CdpPeer(profile_path("acct"))
    pids: list[int] = []
    later(0, lambda: (peer.wait_for_page("/saml2"), pids.append(peer.browser_pid()), close_all()))

    with pytest.raises(SignInCancelled, match="closing"):
        sign_in(url, "acct", fast(timeout=30))

    assert pids and not pid_alive(pids[0])


def test_headless_timeout_without_a_form_is_a_timeout(browser_home, pages) -> None:
    url = pages.add("/saml2", IDLE)
    started = time.monotonic()

    with pytest.raises(SignInTimeout, match="within 3 s"):
        sign_in(url, "acct", fast(timeout=3))

    assert 2.9 < time.monotonic() - started < 6


def test_headless_with_a_sign_in_form_needs_a_person(browser_home, pages) -> None:
    url = pages.add("/saml2", LOGIN_FORM)
    started = time.monotonic()

    with pytest.raises(NeedsPerson, match=r"entra-aws login acct` without --headless"):
        sign_in(url, "acct", fast(person_grace=1.0, timeout=30))

    assert time.monotonic() - started < 5


def test_a_killed_chromium_is_reported_as_a_crash(browser_home, pages) -> None:
    url = pages.add("/saml2", IDLE)
    peer = CdpPeer(profile_path("acct"))
    later(0, lambda: (peer.wait_for_page("/saml2"), os.kill(peer.browser_pid(), signal.SIGKILL)))

    with pytest.raises(BrowserError, match="stopped unexpectedly") as caught:
        sign_in(url, "acct", fast(timeout=30))

    assert not isinstance(caught.value, SignInCancelled)


def test_a_terminated_chromium_counts_as_closed(browser_home, pages) -> None:
    url = pages.add("/saml2", IDLE)
    peer = CdpPeer(profile_path("acct"))
    later(0, lambda: (peer.wait_for_page("/saml2"), os.kill(peer.browser_pid(), signal.SIGTERM)))

    with pytest.raises(SignInCancelled):
        sign_in(url, "acct", fast(timeout=30))


def test_a_profile_in_use_by_another_entra_aws_is_waited_for(browser_home, pages) -> None:
    url = pages.add("/saml2", autopost(ACS, {"SAMLResponse": TRICKY}))
    lock = profile_path("acct").parent / ".acct.lock"
    with held_elsewhere(lock):
        started = time.monotonic()
        with pytest.raises(BrowserError, match="did not finish within"):
            sign_in(url, "acct", fast(timeout=2))
        assert time.monotonic() - started < 6
    with held_elsewhere(lock, hold=1.0):
        assert sign_in(url, "acct", fast()).saml_response == TRICKY


def test_a_lock_left_by_chromium_on_another_host_is_cleared(browser_home, pages) -> None:
    url = pages.add("/saml2", autopost(ACS, {"SAMLResponse": TRICKY}))
    profile = profile_path("acct")
    os.symlink("other-host.example-4242", profile / "SingletonLock")
    os.symlink("/tmp/gone-1234/SingletonSocket", profile / "SingletonSocket")
    os.symlink("8923749237", profile / "SingletonCookie")
    started = time.monotonic()

    assert sign_in(url, "acct", fast()).saml_response == TRICKY
    assert time.monotonic() - started < 10  # chromedriver's own give-up is 60 s


def test_a_leftover_chromium_on_the_profile_is_ended_first(browser_home, pages) -> None:
    url = pages.add("/saml2", autopost(ACS, {"SAMLResponse": TRICKY}))
    profile = profile_path("acct")
    leftover = subprocess.Popen(
        [
            "chromium",
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            f"--user-data-dir={profile}",
            "about:blank",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while not os.path.lexists(profile / "SingletonLock") and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        started = time.monotonic()
        assert sign_in(url, "acct", fast()).saml_response == TRICKY
        assert time.monotonic() - started < 10
        assert leftover.wait(timeout=5) is not None
    finally:
        leftover.kill()
        leftover.wait()


def test_the_profile_folder_is_private(browser_home, pages) -> None:
    url = pages.add("/saml2", autopost(ACS, {"SAMLResponse": TRICKY}))
    sign_in(url, "acct", fast())

    folder = profile_path("acct")
    assert folder.stat().st_mode & 0o777 == 0o700
    assert Path(folder.parent).stat().st_mode & 0o777 == 0o700
