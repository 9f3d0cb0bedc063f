"""The ACS interception: which URLs are paused, how the body is read, what goes back."""

from __future__ import annotations

import base64
import fnmatch
import logging
from urllib.parse import quote_plus

import pytest

from tui.core.browser.intercept import (
    SIGNED_IN_PAGE,
    AcsInterceptor,
    acs_patterns,
    form_body,
    short_url,
)
from tui.core.partitions import is_acs_url

SAML = "PHNhbWxwOlJlc3BvbnNl+Pz4/Pz8+Pj4+//8=="
ACS_URLS = [
    "https://signin.aws.amazon.com/saml",
    "https://eu-west-1.signin.aws.amazon.com/saml",
    "https://signin.aws.amazon.com/saml/acs/SAMLSP4EXAMPLE",
    "https://signin.amazonaws-us-gov.com/saml",
    "https://us-gov-east-1.signin.amazonaws-us-gov.com/saml",
    "https://signin.amazonaws.cn/saml",
    "https://cn-northwest-1.signin.amazonaws.cn/saml",
    "https://signin.aws.amazon.com.mcas.ms/saml",
    "https://signin.aws.amazon.com.eu2.mcas.ms/saml",
    "https://eu-west-1.signin.aws.amazon.com.us3.mcas.ms/saml",
]
OTHER_URLS = [
    "https://login.microsoftonline.com/tenant/saml2",
    "https://login.microsoftonline.com/tenant/login",
    "https://signin.aws.amazon.com/federation",
    "https://console.aws.amazon.com/saml",
    "https://signin.aws.amazon.com.evil.example/saml",
]


def matches(url: str) -> bool:
    """CDP's urlPattern globs: '*' any run, '?' one character (no classes in ours)."""
    return any(fnmatch.fnmatchcase(url, p["urlPattern"]) for p in acs_patterns())


@pytest.mark.parametrize("url", ACS_URLS)
def test_every_acs_host_is_paused(url) -> None:
    assert is_acs_url(url) and matches(url)


@pytest.mark.parametrize("url", OTHER_URLS)
def test_nothing_else_is_paused(url) -> None:
    assert not matches(url)


def test_patterns_pause_requests_before_they_are_sent() -> None:
    assert {p["requestStage"] for p in acs_patterns()} == {"Request"}
    assert all(p["urlPattern"].startswith("https://") for p in acs_patterns())


class Sent:
    def __init__(self) -> None:
        self.calls: list[tuple[str, dict]] = []

    def __call__(self, method: str, params: dict) -> None:
        self.calls.append((method, params))


def paused(url: str, method: str = "POST", **request: object) -> dict:
    return {"requestId": "r1", "request": {"url": url, "method": method, **request}}


def entries(body: str, chunks: int = 3) -> list[dict[str, str]]:
    raw = body.encode()
    size = max(1, len(raw) // chunks)
    parts = [raw[i : i + size] for i in range(0, len(raw), size)]
    return [{"bytes": base64.b64encode(part).decode()} for part in parts]


def test_the_post_is_answered_locally_and_read_exactly() -> None:
    sent = Sent()
    interceptor = AcsInterceptor(sent)
    body = f"SAMLResponse={quote_plus(SAML)}&RelayState=a%2Bb+c"

    interceptor.on_paused(paused(ACS_URLS[1], postDataEntries=entries(body), hasPostData=True))

    assert interceptor.done.is_set()
    capture = interceptor.capture
    assert capture is not None
    assert (capture.saml_response, capture.relay_state, capture.acs_url) == (
        SAML,
        "a+b c",
        ACS_URLS[1],
    )
    [(method, params)] = sent.calls
    assert method == "Fetch.fulfillRequest" and params["responseCode"] == 200
    assert base64.b64decode(params["body"]).decode() == SIGNED_IN_PAGE
    assert "you can close this window" in SIGNED_IN_PAGE


def test_post_data_is_the_fallback_and_a_bare_plus_is_a_space() -> None:
    interceptor = AcsInterceptor(Sent())

    interceptor.on_paused(paused(ACS_URLS[0], postData="SAMLResponse=ab+cd%2B%2F%3D"))

    assert interceptor.capture is not None
    assert interceptor.capture.saml_response == "ab cd+/="
    assert interceptor.capture.relay_state is None


@pytest.mark.parametrize(
    ("url", "method"),
    [("https://login.microsoftonline.com/t/login", "POST"), (ACS_URLS[0], "GET"),
     ("https://evil.example/?x=.signin.aws.amazon.com/saml", "POST")],
)  # fmt: skip
def test_anything_else_continues_untouched(url, method) -> None:
    sent = Sent()
    interceptor = AcsInterceptor(sent)

    interceptor.on_paused(paused(url, method, postData="passwd=secret"))

    assert sent.calls == [("Fetch.continueRequest", {"requestId": "r1"})]
    assert interceptor.capture is None and not interceptor.done.is_set()


def test_a_post_without_an_assertion_is_answered_but_not_captured() -> None:
    sent = Sent()
    interceptor = AcsInterceptor(sent)

    interceptor.on_paused(paused(ACS_URLS[0], postData="RelayState=x"))

    assert sent.calls[0][0] == "Fetch.fulfillRequest"
    assert interceptor.capture is None and not interceptor.done.is_set()


def test_a_body_chromium_kept_to_itself_is_reported() -> None:
    interceptor = AcsInterceptor(Sent())

    interceptor.on_paused(paused(ACS_URLS[0], hasPostData=True))

    assert interceptor.unreadable and interceptor.done.is_set() and interceptor.capture is None


def test_only_the_first_assertion_counts_but_every_post_is_stopped() -> None:
    sent = Sent()
    interceptor = AcsInterceptor(sent)
    interceptor.on_paused(paused(ACS_URLS[0], postData="SAMLResponse=first"))
    interceptor.on_paused(paused(ACS_URLS[0], postData="SAMLResponse=second"))

    assert interceptor.capture is not None and interceptor.capture.saml_response == "first"
    assert [m for m, _ in sent.calls] == ["Fetch.fulfillRequest", "Fetch.fulfillRequest"]


def test_nothing_secret_is_logged(caplog) -> None:
    caplog.set_level(logging.DEBUG, logger="entra_aws.browser")
    interceptor = AcsInterceptor(Sent())

    interceptor.on_paused(paused(ACS_URLS[0] + "?q=secret-query", postData=f"SAMLResponse={SAML}"))

    assert interceptor.capture is not None
    assert SAML.split("+")[0] not in caplog.text and "secret-query" not in caplog.text
    assert "signin.aws.amazon.com/saml" in caplog.text


def test_form_body_and_short_url() -> None:
    assert form_body({"postDataEntries": entries("a=1&b=2")}) == "a=1&b=2"
    assert form_body({"postData": "x=y"}) == "x=y"
    assert form_body({}) is None
    assert short_url("https://h.example/a/b?SAMLRequest=zz#f") == "h.example/a/b"
