"""Browser faults in real headless Chromium against the local Entra stand-in: each ends in one clear
BrowserError sentence, leaves no browser running on the profile, and the next sign-in on the same
profile works.

Already proven in tests/e2e/test_browser_capture.py: a SIGKILLed Chromium is reported as a crash,
a profile lock held by another process is refused and works once released, a leftover Chromium or
a lock from another host is cleared. Added here: the clean next attempt after a crash mid sign-in,
a chromedriver of another major version, the same profile signed in twice from one process, a lock
path that cannot be used, and a Chromium lock naming a live process that is not a browser.
"""

from __future__ import annotations

import concurrent.futures
import os
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.conftest_browser import (  # noqa: F401  (fixtures, used by their short names)
    CdpPeer,
    browser_home_fixture,
    fast,
    needs_chromium,
    pid_alive,
    shared_cache_fixture,
)
from tui.core.assertion import decode_saml_response
from tui.core.browser import BrowserSettings, profile_path, sign_in
from tui.core.browser.leftovers import profile_browsers
from tui.core.browser.locate import find_browser, version_of
from tui.core.config import Account
from tui.core.errors import BrowserError, SignInCancelled
from tui.core.saml_request import build_authn_request
from tui.demo.idp import DEMO_TENANT, DemoApp, LocalIdp, Scenario

pytestmark = [pytest.mark.e2e, pytest.mark.browser, needs_chromium]

PROVIDER = "arn:aws:iam::111111111111:saml-provider/Entra"
APP = DemoApp(
    identifier="https://signin.aws.amazon.com/saml#1",
    roles=[("arn:aws:iam::111111111111:role/Admin", PROVIDER)],
)
ROLES = ["arn:aws:iam::111111111111:role/Admin"]


@pytest.fixture
def idp(signing_key, browser_home) -> Iterator[LocalIdp]:
    with LocalIdp(signing_key, apps=[APP]) as server:
        yield server


def url_for(idp: LocalIdp) -> str:
    account = Account(
        name="prod",
        tenant_id=DEMO_TENANT,
        app_id_uri=APP.identifier,
        region="us-east-1",
        login_url=idp.url,
        username=idp.username,
    )
    return build_authn_request(account).url


def roles_of(saml_response: str) -> list[str]:
    return [role.role_arn for role in decode_saml_response(saml_response).roles]


def no_browser_on(profile: str) -> None:
    deadline = time.monotonic() + 5
    while profile_browsers(profile_path(profile)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert profile_browsers(profile_path(profile)) == [], "a Chromium is left on the profile"
    drivers = [
        entry.name
        for entry in Path("/proc").iterdir()
        if entry.name.isdigit() and _is_our_chromedriver(entry)
    ]
    assert drivers == [], "a chromedriver started by this test is still running"


def _is_our_chromedriver(entry: Path) -> bool:
    try:
        command = (entry / "cmdline").read_bytes().split(b"\0")[0]
        stat = (entry / "stat").read_text().rpartition(")")[2].split()
    except OSError:
        return False
    return b"chromedriver" in command and stat[0] != "Z" and int(stat[1]) == os.getpid()


def one_sentence(error: BaseException) -> str:
    message = str(error)
    assert message and "\n" not in message and "Traceback" not in message
    return message


# --- Chromium crashing mid sign-in ---------------------------------------------------------------


def test_a_crash_mid_sign_in_then_the_next_sign_in_on_the_profile_works(idp) -> None:
    idp.scenario = Scenario(auto=False)  # the password page waits for a person
    peer = CdpPeer(profile_path("prod"))
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        running = pool.submit(sign_in, url_for(idp), "prod", fast(timeout=30, person_grace=30))
        peer.wait_for_page(idp.url)
        pid = peer.browser_pid()
        os.kill(pid, signal.SIGKILL)
        with pytest.raises(BrowserError) as caught:
            running.result(timeout=20)

    assert not isinstance(caught.value, SignInCancelled)
    assert "stopped unexpectedly" in one_sentence(caught.value)
    assert not pid_alive(pid)
    no_browser_on("prod")
    assert idp.sign_ins == 0

    idp.scenario = Scenario()  # auto: the pages answer themselves
    started = time.monotonic()
    capture = sign_in(url_for(idp), "prod", fast())
    assert roles_of(capture.saml_response) == ROLES
    assert time.monotonic() - started < 15, "the crashed profile held the next sign-in up"
    no_browser_on("prod")


# --- a chromedriver of another version ------------------------------------------------------------


def fake_driver(folder: Path, output: str) -> Path:
    path = folder / "chromedriver"
    path.write_text(f"#!/bin/sh\necho {output!r}\n")
    path.chmod(0o755)
    return path


def test_a_driver_of_another_major_version_is_named_with_both_versions(
    idp, browser_home: Path
) -> None:
    browser_version = version_of(find_browser())
    driver = fake_driver(browser_home, "ChromeDriver 99.0.0.0 (abc)")
    started = time.monotonic()

    with pytest.raises(BrowserError) as caught:
        sign_in(url_for(idp), "prod", fast(driver=str(driver)))

    message = one_sentence(caught.value)
    assert browser_version in message and "99.0.0.0" in message
    assert f"version {browser_version.split('.')[0]}" in message  # which driver to install
    assert "`driver`" in message
    assert time.monotonic() - started < 5
    no_browser_on("prod")
    assert idp.sign_ins == 0
    # Auto-detected again, the matching driver signs in.
    assert roles_of(sign_in(url_for(idp), "prod", fast()).saml_response) == ROLES


@pytest.mark.parametrize(
    "output",
    ["", "Google Chrome 999", "ChromeDriver unknown"],
    ids=["silent", "not-a-driver", "no-version"],
)
def test_a_driver_that_does_not_report_a_version(idp, browser_home: Path, output: str) -> None:
    driver = fake_driver(browser_home, output)

    with pytest.raises(BrowserError) as caught:
        sign_in(url_for(idp), "prod", fast(driver=str(driver)))

    message = one_sentence(caught.value)
    assert str(driver) in message and "did not report its version" in message
    no_browser_on("prod")


def test_a_browser_of_another_major_version_than_the_driver(idp, browser_home: Path) -> None:
    browser = browser_home / "chrome"
    browser.write_text("#!/bin/sh\necho 'Chromium 12.0.0.1 built on nothing'\n")
    browser.chmod(0o755)

    with pytest.raises(BrowserError) as caught:
        sign_in(url_for(idp), "prod", fast(browser=str(browser)))

    message = one_sentence(caught.value)
    assert "12.0.0.1" in message and "version 12" in message
    no_browser_on("prod")


# --- the profile locked --------------------------------------------------------------------------


def test_the_same_profile_twice_from_one_process(idp) -> None:
    """The TUI pressing Enter twice: the second queues behind the first (never fails), and runs
    once the first is done."""
    idp.scenario = Scenario(auto=False)
    cancel = threading.Event()
    peer = CdpPeer(profile_path("prod"))
    heard: list[str] = []
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        first = pool.submit(
            sign_in, url_for(idp), "prod", fast(timeout=30, person_grace=30), cancel=cancel
        )
        peer.wait_for_page(idp.url)
        second = pool.submit(sign_in, url_for(idp), "prod", fast(), on_status=heard.append)
        deadline = time.monotonic() + 10
        while not any("Waiting for another sign-in" in h for h in heard):
            assert time.monotonic() < deadline, "the second sign-in never said it was waiting"
            time.sleep(0.05)
        assert not first.done() and not second.done()
        idp.scenario = Scenario()
        cancel.set()
        with pytest.raises(SignInCancelled):
            first.result(timeout=20)
        assert roles_of(second.result(timeout=30).saml_response) == ROLES

    no_browser_on("prod")


def test_a_lock_path_that_cannot_be_used_then_is_freed(idp) -> None:
    lock = profile_path("prod").parent / ".prod.lock"
    lock.mkdir()  # something else owns that name

    with pytest.raises(BrowserError) as caught:
        sign_in(url_for(idp), "prod", fast())

    message = one_sentence(caught.value)
    assert "Could not lock the browser profile" in message
    no_browser_on("prod")
    lock.rmdir()
    assert roles_of(sign_in(url_for(idp), "prod", fast()).saml_response) == ROLES


def test_a_chromium_lock_naming_a_live_process_that_is_no_browser(idp) -> None:
    """SingletonLock says host-PID of a live process here (the pid was reused): the lock is
    stale, and that process is none of ours to end."""
    profile = profile_path("prod")
    bystander = subprocess.Popen(["sleep", "60"])
    try:
        os.symlink(f"{socket.gethostname()}-{bystander.pid}", profile / "SingletonLock")
        started = time.monotonic()
        assert roles_of(sign_in(url_for(idp), "prod", fast()).saml_response) == ROLES
        assert time.monotonic() - started < 15
        assert bystander.poll() is None, "a process that is not a browser was ended"
    finally:
        bystander.kill()
        bystander.wait()


def test_settings_pointing_at_nothing(idp, browser_home: Path) -> None:
    for settings in (
        BrowserSettings(browser=str(browser_home / "missing-chrome"), headless=True),
        BrowserSettings(driver=str(browser_home / "missing-driver"), headless=True),
    ):
        with pytest.raises(BrowserError) as caught:
            sign_in(url_for(idp), "prod", settings)
        assert "does not exist or is not executable" in one_sentence(caught.value)
    no_browser_on("prod")
