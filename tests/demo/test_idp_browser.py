"""The local Entra stand-in in a real headless Chromium: undetected-chromedriver signs in by
itself in auto mode (and again silently, from the cookie), while plain Selenium is refused by the
navigator.webdriver check."""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tui.core.config import Account
from tui.core.saml_request import build_authn_request
from tui.demo.idp import DEMO_TENANT, DemoApp, LocalIdp
from tui.demo.signing import SigningKey

pytestmark = [pytest.mark.browser, pytest.mark.timeout(120)]

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ACS = "https://signin.aws.amazon.com/saml"
ROLES = [("arn:aws:iam::111111111111:role/Admin", "arn:aws:iam::111111111111:saml-provider/E")]
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # The assertion must never leave the machine, even with a network: AWS's host never resolves.
    "--host-resolver-rules=MAP signin.aws.amazon.com ~NOTFOUND",
]


def _major() -> int:
    out = subprocess.run(
        [str(CHROMEDRIVER), "--version"], capture_output=True, text=True, timeout=10
    ).stdout
    match = re.search(r"(\d+)\.", out)
    assert match, out
    return int(match.group(1))


@pytest.fixture
def idp(signing_key: SigningKey) -> Iterator[LocalIdp]:
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.skip("needs Debian's chromium and chromedriver")
    app = DemoApp(identifier="https://signin.aws.amazon.com/saml#1", reply_urls=[ACS], roles=ROLES)
    with LocalIdp(signing_key, apps=[app]) as server:
        server.scenario.mfa_delay = 0.3
        yield server


def _url(idp: LocalIdp) -> str:
    account = Account(
        name="prod",
        tenant_id=DEMO_TENANT,
        app_id_uri="https://signin.aws.amazon.com/saml#1",
        region="us-east-1",
        login_url=idp.url,
        username="alice@contoso.com",
    )
    return build_authn_request(account).url


def _wait(check: Callable[[], bool], timeout: float, what: str) -> float:
    started = time.monotonic()
    while not check():
        assert time.monotonic() - started < timeout, f"timed out waiting for {what}"
        time.sleep(0.02)
    return time.monotonic() - started


def test_undetected_chromedriver_signs_in_by_itself_then_silently(idp: LocalIdp, tmp_path: Path):
    import undetected_chromedriver as uc

    driver_copy = tmp_path / "chromedriver"
    shutil.copy2(CHROMEDRIVER, driver_copy)  # uc patches the binary it is given, in place
    options = uc.ChromeOptions()
    for flag in FLAGS:
        options.add_argument(flag)
    options.page_load_strategy = "none"  # driver.get returns at once; we watch the IdP instead
    idp.scenario.refuse_automation = True  # uc's Chromium must not admit to being automated
    driver = uc.Chrome(
        options=options,
        driver_executable_path=str(driver_copy),
        browser_executable_path=str(CHROMIUM),
        version_main=_major(),
        headless=True,
        log_level=3,
        user_data_dir=str(tmp_path / "profile"),
    )
    try:
        driver.get(_url(idp))
        _wait(lambda: idp.sign_ins == 1, 30, "the interactive sign-in")
        assert idp.pages == ["password", "mfa", "kmsi", "hiddenform"]
        # The hidden form submitted itself: Chromium went to the ACS, which cannot resolve.
        _wait(lambda: driver.current_url.startswith(ACS), 15, "the POST to the ACS")

        driver.get(_url(idp))
        silent = _wait(lambda: idp.sign_ins == 2, 15, "the silent sign-in")
        assert idp.silent_sign_ins == 1 and idp.pages[-1] == "hiddenform"
        assert idp.pages.count("password") == 1
        print(f"silent sign-in: {silent * 1000:.0f} ms from driver.get to the SAMLResponse")
        assert silent < 3
        assert idp.failures == []
    finally:
        driver.quit()


def test_plain_selenium_is_refused_as_automated(idp: LocalIdp, tmp_path: Path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in [*FLAGS, "--headless=new", f"--user-data-dir={tmp_path / 'profile'}"]:
        options.add_argument(flag)
    idp.scenario.refuse_automation = True
    driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    try:
        assert driver.execute_script("return navigator.webdriver") is True
        driver.get(_url(idp))
        _wait(lambda: bool(driver.find_elements(By.ID, "automationRefused")), 10, "the refusal")
        text = driver.find_element(By.ID, "automationRefused").text
        assert text == (
            "This browser is being controlled by automated test software and can't be used to "
            "sign in."
        )
        assert not driver.find_elements(By.ID, "i0118")
        time.sleep(0.5)  # longer than the auto-submit delay: nothing was submitted
        assert idp.pages == ["password"] and idp.sign_ins == 0
    finally:
        driver.quit()
