"""Real sign-ins in real Chromium against the local Entra stand-in (tui.demo.idp).

Each test drives one page sequence Entra shows (login, number matching, "Stay signed in?",
redirect hops, error pages, automation checks) and checks what `sign_in` returns or raises.
Headless unless marked `headful` (then a private Xvfb display, closed with xdotool like a person).
"""

from __future__ import annotations

import subprocess
import threading
import time
from collections.abc import Iterator

import pytest

from tests.e2e.conftest_browser import (  # noqa: F401  (fixtures, used by their short names)
    CANCEL_BOUND,
    CdpPeer,
    browser_home_fixture,
    fast,
    later,
    needs_chromium,
    needs_xvfb,
    shared_cache_fixture,
    xvfb_display_fixture,
    xvfb_fixture,
)
from tui.core.assertion import decode_saml_response
from tui.core.browser import Visit, has_signed_in_before, profile_path, sign_in, sign_in_many
from tui.core.config import Account
from tui.core.errors import EntraPageError, NeedsPerson, SignInCancelled, SignInTimeout
from tui.core.saml_request import build_authn_request
from tui.demo.idp import DEMO_TENANT, DemoApp, LocalIdp, Scenario

pytestmark = [pytest.mark.e2e, pytest.mark.browser, needs_chromium]

PROVIDER = "arn:aws:iam::{}:saml-provider/Entra"
MAIN = DemoApp(
    identifier="https://signin.aws.amazon.com/saml#1",
    roles=[
        ("arn:aws:iam::111111111111:role/Admin", PROVIDER.format("111111111111")),
        ("arn:aws:iam::222222222222:role/ReadOnly", PROVIDER.format("222222222222")),
    ],
)
REGIONAL_ACS = "https://eu-west-1.signin.aws.amazon.com/saml"
REGIONAL = DemoApp(
    identifier="https://signin.aws.amazon.com/saml#eu",
    reply_urls=[REGIONAL_ACS],
    roles=[("arn:aws:iam::333333333333:role/Deploy", PROVIDER.format("333333333333"))],
)
BIG = DemoApp(
    identifier="https://signin.aws.amazon.com/saml#big",
    roles=[
        (
            f"arn:aws:iam::{400000000000 + n // 10}:role/Role{n:03d}",
            PROVIDER.format(400000000000 + n // 10),
        )
        for n in range(120)
    ],
    groups=150,
)


@pytest.fixture
def idp(signing_key, browser_home) -> Iterator[LocalIdp]:
    with LocalIdp(signing_key, apps=[MAIN, REGIONAL, BIG]) as server:
        yield server


def url_for(idp: LocalIdp, app: DemoApp = MAIN, **changes: str) -> str:
    """A fresh Entra sign-in URL for `app`, exactly as `entra-aws login` builds it."""
    values = {
        "name": "prod",
        "tenant_id": DEMO_TENANT,
        "app_id_uri": app.identifier,
        "region": "us-east-1",
        "login_url": idp.url,
        "username": idp.username,
    } | changes
    return build_authn_request(Account(**values)).url


def role_arns(saml_response: str) -> list[str]:
    return [role.role_arn for role in decode_saml_response(saml_response).roles]


MAIN_ROLES = [arn for arn, _ in MAIN.roles]


def test_full_login_then_a_silent_re_sign_in(idp) -> None:
    assert not has_signed_in_before("prod")

    first = sign_in(url_for(idp), "prod", fast())

    assert role_arns(first.saml_response) == MAIN_ROLES
    assert idp.pages == ["password", "mfa", "kmsi", "hiddenform"]
    assert has_signed_in_before("prod")

    # Nothing answers the login pages any more: only the "Stay signed in" cookie can sign in now.
    idp.scenario = Scenario(auto=False)
    started = time.monotonic()
    second = sign_in(url_for(idp), "prod", fast())
    took = time.monotonic() - started

    assert role_arns(second.saml_response) == MAIN_ROLES
    assert (idp.sign_ins, idp.silent_sign_ins) == (2, 1)
    assert idp.pages[4:] == ["hiddenform"]
    assert second.saml_response != first.saml_response
    print(f"silent re-sign-in: {took:.2f} s")
    assert took < 3


def test_kmsi_no_means_the_next_headless_sign_in_needs_a_person(idp) -> None:
    idp.scenario = Scenario(kmsi_answer=False)
    assert role_arns(sign_in(url_for(idp), "prod", fast()).saml_response) == MAIN_ROLES

    idp.scenario = Scenario(auto=False)
    with pytest.raises(NeedsPerson, match="run `entra-aws login prod` without --headless"):
        sign_in(url_for(idp), "prod", fast(person_grace=1.0))

    assert idp.pages[-1] == "password" and idp.silent_sign_ins == 0


def test_a_slow_number_matching_approval_is_waited_for(idp) -> None:
    """The phone approves after 6 s; the page polls, we wait (a person could see the number)."""
    idp.scenario = Scenario(mfa_delay=6)
    started = time.monotonic()

    capture = sign_in(url_for(idp), "prod", fast(person_grace=10.0, timeout=30))

    assert time.monotonic() - started >= 6
    assert role_arns(capture.saml_response) == MAIN_ROLES
    assert idp.pages == ["password", "mfa", "kmsi", "hiddenform"]


def test_headless_number_matching_needs_a_person(idp) -> None:
    """Headless, nobody can read the number to type on the phone: stop and say so."""
    idp.scenario = Scenario(mfa_delay=60)

    with pytest.raises(NeedsPerson):
        sign_in(url_for(idp), "prod", fast(person_grace=1.0))

    assert idp.pages[-1] == "mfa"


def test_redirect_hops_302_and_script(idp) -> None:
    idp.scenario = Scenario(redirects=3, js_redirect=True)

    capture = sign_in(url_for(idp), "prod", fast())

    assert role_arns(capture.saml_response) == MAIN_ROLES
    assert idp.pages[:4] == ["hop-302", "hop-302", "hop-302", "hop-js"]


def test_a_regional_acs_host(idp) -> None:
    capture = sign_in(url_for(idp, REGIONAL, acs_url=REGIONAL_ACS), "prod", fast())

    assert capture.acs_url == REGIONAL_ACS
    assertion = decode_saml_response(capture.saml_response)
    assert assertion.destination == REGIONAL_ACS
    assert [r.role_arn for r in assertion.roles] == [arn for arn, _ in REGIONAL.roles]


def test_an_assertion_with_120_roles_and_150_groups(idp) -> None:
    capture = sign_in(url_for(idp, BIG), "prod", fast())

    assertion = decode_saml_response(capture.saml_response)
    assert len(assertion.roles) == 120
    assert {r.role_arn for r in assertion.roles} == {arn for arn, _ in BIG.roles}


@pytest.mark.parametrize(
    ("setup", "code", "fix"),
    [
        ({"error_code": "50105"}, "AADSTS50105", "assign you"),
        ({"app_id_uri": "https://signin.aws.amazon.com/saml#nope"}, "AADSTS700016", "Identifier"),
        ({"acs_url": "https://us-east-2.signin.aws.amazon.com/saml"}, "AADSTS50011", "Reply URL"),
        ({"tenant_id": "fabrikam.example"}, "AADSTS90002", "tenant_id"),
    ],
)
def test_an_entra_error_page_fails_fast_with_the_code(idp, setup, code, fix) -> None:
    if "error_code" in setup:
        idp.scenario = Scenario(error_code=setup["error_code"])
        url = url_for(idp)
    else:
        url = url_for(idp, **setup)
    started = time.monotonic()

    with pytest.raises(EntraPageError) as caught:
        sign_in(url, "prod", fast(timeout=60))

    assert time.monotonic() - started < 5, "an error page must not wait for the timeout"
    assert caught.value.code == code
    assert code in str(caught.value) and fix in str(caught.value)
    assert idp.sign_ins == 0


def test_a_page_that_refuses_automated_browsers_lets_us_through(idp) -> None:
    idp.scenario = Scenario(refuse_automation=True)

    capture = sign_in(url_for(idp), "prod", fast())

    assert role_arns(capture.saml_response) == MAIN_ROLES
    assert idp.pages == ["password", "mfa", "kmsi", "hiddenform"]


def test_closing_the_window_mid_sign_in_cancels_at_once(idp) -> None:
    idp.scenario = Scenario(auto=False)
    peer = CdpPeer(profile_path("prod"))
    closed_at: list[float] = []
    later(0, lambda: (peer.wait_for_page("/saml2"), closed_at.append(peer.close_pages())))

    with pytest.raises(SignInCancelled, match="closed"):
        sign_in(url_for(idp), "prod", fast(timeout=30, person_grace=30))

    latency = time.monotonic() - closed_at[0]
    print(f"cancel latency: {latency:.3f} s")
    assert latency < CANCEL_BOUND  # the close is noticed, not the 30 s timeout waited out
    assert idp.sign_ins == 0


def test_timeout_headless_on_a_sign_in_form_needs_a_person(idp) -> None:
    idp.scenario = Scenario(auto=False)
    started = time.monotonic()

    with pytest.raises(NeedsPerson):
        sign_in(url_for(idp), "prod", fast(timeout=3, person_grace=10))

    assert 2.9 < time.monotonic() - started < 6


# -- headful, under Xvfb, as a person would see it ------------------------------------------


def close_window_like_a_person(display: str) -> float:
    """Ctrl+Shift+W in the Chromium window (there is no window manager to click X on)."""
    find = ["search", "--sync", "--onlyvisible", "--class", "chromium"]
    subprocess.run(
        ["xdotool", *find, "windowfocus", "--sync", "key", "ctrl+shift+w"],
        env={"DISPLAY": display, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        timeout=20,
        check=False,
    )
    return time.monotonic()


@pytest.mark.headful
@needs_xvfb
def test_headful_full_login_in_a_window(idp, xvfb) -> None:
    capture = sign_in(url_for(idp), "prod", fast(headless=False))

    assert role_arns(capture.saml_response) == MAIN_ROLES
    assert idp.pages == ["password", "mfa", "kmsi", "hiddenform"]


@pytest.mark.headful
@needs_xvfb
def test_a_windowed_sign_in_lets_the_next_one_run_headless(idp, xvfb) -> None:
    """What the TUI does: a person signs in once in a window, later refreshes are silent."""
    sign_in(url_for(idp), "prod", fast(headless=False))
    idp.scenario = Scenario(auto=False)

    capture = sign_in(url_for(idp), "prod", fast(headless=True))

    assert role_arns(capture.saml_response) == MAIN_ROLES
    assert idp.silent_sign_ins == 1


@pytest.mark.headful
@needs_xvfb
def test_headful_window_closed_by_the_person(idp, xvfb) -> None:
    idp.scenario = Scenario(auto=False)
    closed_at: list[float] = []

    def close() -> None:
        deadline = time.monotonic() + 15
        while "password" not in idp.pages and time.monotonic() < deadline:
            time.sleep(0.05)
        closed_at.append(close_window_like_a_person(xvfb))

    threading.Thread(target=close, daemon=True).start()
    with pytest.raises(SignInCancelled, match="closed"):
        sign_in(url_for(idp), "prod", fast(headless=False, timeout=30))

    assert closed_at and time.monotonic() - closed_at[0] < CANCEL_BOUND  # not the 30 s timeout


@pytest.mark.headful
@needs_xvfb
def test_headful_timeout_is_a_timeout(idp, xvfb) -> None:
    idp.scenario = Scenario(auto=False)

    with pytest.raises(SignInTimeout, match="within 3 s"):
        sign_in(url_for(idp), "prod", fast(headless=False, timeout=3))


# --- several accounts in one browser -------------------------------------------------------------


def test_several_accounts_in_one_browser_one_asked_and_the_rest_silent(idp) -> None:
    visits = [
        Visit(name, lambda app=app: url_for(idp, app))
        for name, app in (("one", MAIN), ("two", BIG))
    ]

    outcomes = list(sign_in_many(visits, "tenant-demo", fast()))

    assert [label for label, _ in outcomes] == ["one", "two"]
    assert [type(o).__name__ for _, o in outcomes] == ["Capture", "Capture"]
    assert idp.sign_ins == 2 and idp.silent_sign_ins == 1
    assert idp.answered.count("password") == 1


def test_a_closed_window_cancels_the_remaining_accounts_each_on_its_own(idp) -> None:
    idp.scenario = Scenario(auto=False)
    peer = CdpPeer(profile_path("tenant-demo"))
    later(0, lambda: (peer.wait_for_page(idp.url), peer.close_pages()))
    visits = [Visit(name, lambda: url_for(idp)) for name in ("one", "two", "three")]

    outcomes = list(sign_in_many(visits, "tenant-demo", fast(timeout=30, person_grace=30)))

    assert [label for label, _ in outcomes] == ["one", "two", "three"]
    assert all(isinstance(o, SignInCancelled) for _, o in outcomes)
    assert "window was closed" in str(outcomes[0][1])
    assert idp.sign_ins == 0
