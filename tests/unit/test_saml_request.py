"""saml_request.py: the sign-in URL Entra receives (HTTP-Redirect binding, research §3)."""

from __future__ import annotations

import base64
import re
import zlib
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from defusedxml.ElementTree import fromstring

from tui.core.config import Account
from tui.core.saml_request import build_authn_request, decode_redirect, encode_redirect

SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol"
SAML = "urn:oasis:names:tc:SAML:2.0:assertion"


def account(**overrides: object) -> Account:
    values: dict[str, object] = {
        "name": "prod",
        "tenant_id": "00000000-0000-0000-0000-000000000000",
        "app_id_uri": "https://signin.aws.amazon.com/saml#3",
        "region": "eu-west-1",
    }
    values.update(overrides)
    return Account(**values)  # type: ignore[arg-type]


def query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query, keep_blank_values=True)


def raw_saml_request(url: str) -> str:
    """The SAMLRequest value as it appears in the URL, before URL-decoding."""
    match = re.search(r"[?&]SAMLRequest=([^&]*)", url)
    assert match
    return match.group(1)


def parsed(url: str):
    value = query(url)["SAMLRequest"][0]
    xml = zlib.decompress(base64.b64decode(value, validate=True), -15)
    return fromstring(xml, forbid_dtd=True)


def test_saml_request_is_raw_deflate_standard_base64_url_encoded():
    seen_plus_or_slash = False
    for index in range(40):
        request = build_authn_request(
            account(app_id_uri=f"https://signin.aws.amazon.com/saml#{index}")
        )
        value = query(request.url)["SAMLRequest"][0]
        data = base64.b64decode(value, validate=True)  # standard alphabet: strict decode works
        assert zlib.decompress(data, -15).decode("utf-8") == request.xml  # raw DEFLATE
        with pytest.raises(zlib.error):
            zlib.decompress(data)  # not zlib-wrapped
        assert "-" not in value and "_" not in value  # not base64url
        raw = raw_saml_request(request.url)
        # URL-encoded: no literal + / = survive in the query string
        assert not set("+/=") & set(raw)
        if "+" in value or "/" in value:
            seen_plus_or_slash = True
            assert "%2B" in raw or "%2F" in raw
    assert seen_plus_or_slash, "40 random requests should exercise the + and / characters"


def test_decode_redirect_inverts_encode_redirect():
    xml = '<samlp:AuthnRequest xmlns:samlp="urn:x" ID="idé"/>'
    assert decode_redirect(encode_redirect(xml)) == xml


def test_request_id_never_starts_with_a_digit_and_is_unique():
    ids = {build_authn_request(account()).id for _ in range(300)}
    assert len(ids) == 300
    for request_id in ids:
        assert not request_id[0].isdigit()
        assert re.fullmatch(r"[A-Za-z_][\w.-]*", request_id)  # an xs:ID (NCName)
    request = build_authn_request(account())
    assert parsed(request.url).get("ID") == request.id


def test_issue_instant_is_fresh_utc_with_z():
    before = datetime.now(UTC)
    root = parsed(build_authn_request(account()).url)
    after = datetime.now(UTC)
    instant = root.get("IssueInstant")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", instant)
    moment = datetime.strptime(instant, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    assert before - timedelta(milliseconds=1) <= moment <= after


def test_issue_instant_of_a_given_moment_is_converted_to_utc_text():
    moment = datetime(2026, 3, 4, 5, 6, 7, 891234, tzinfo=UTC)
    root = parsed(build_authn_request(account(), now=moment).url)
    assert root.get("IssueInstant") == "2026-03-04T05:06:07.891Z"


def test_xml_shape_and_namespaces():
    request = build_authn_request(account())
    root = parsed(request.url)
    assert root.tag == f"{{{SAMLP}}}AuthnRequest"
    assert root.get("Version") == "2.0"
    assert root.get("ProtocolBinding") == "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"
    issuer = root.find(f"{{{SAML}}}Issuer")
    assert issuer is not None, "Issuer is in the SAML assertion namespace"
    policy = root.find(f"{{{SAMLP}}}NameIDPolicy")
    assert policy is not None
    assert policy.get("Format") == "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"
    # No Subject: Entra wants login_hint instead (research §3.2)
    assert root.find(f"{{{SAML}}}Subject") is None


@pytest.mark.parametrize(
    "issuer",
    [
        "https://signin.aws.amazon.com/saml#3",
        "https://signin.aws.amazon.com/saml",
        "urn:amazon:webservices",
        "https://example.com/app?a=1&b=<2>",
    ],
)
def test_issuer_is_the_app_id_uri_exactly(issuer):
    root = parsed(build_authn_request(account(app_id_uri=issuer)).url)
    assert root.find(f"{{{SAML}}}Issuer").text == issuer


@pytest.mark.parametrize(
    ("region", "acs"),
    [
        ("us-east-1", "https://signin.aws.amazon.com/saml"),
        ("eu-west-1", "https://signin.aws.amazon.com/saml"),
        ("us-gov-west-1", "https://signin.amazonaws-us-gov.com/saml"),
        ("us-gov-east-1", "https://signin.amazonaws-us-gov.com/saml"),
        ("cn-north-1", "https://signin.amazonaws.cn/saml"),
        ("cn-northwest-1", "https://signin.amazonaws.cn/saml"),
    ],
)
def test_acs_follows_the_partition(region, acs):
    request = build_authn_request(account(region=region))
    assert request.acs_url == acs
    assert parsed(request.url).get("AssertionConsumerServiceURL") == acs


def test_acs_url_from_config_wins():
    acs = "https://eu-west-1.signin.aws.amazon.com/saml"
    request = build_authn_request(account(acs_url=acs))
    assert request.acs_url == acs
    assert parsed(request.url).get("AssertionConsumerServiceURL") == acs


def test_force_authn_only_when_asked():
    assert parsed(build_authn_request(account()).url).get("ForceAuthn") is None
    assert parsed(build_authn_request(account(), force_authn=True).url).get("ForceAuthn") == "true"
    assert parsed(build_authn_request(account(force_authn=True)).url).get("ForceAuthn") == "true"
    # An explicit False overrides the account's setting.
    forced_account = account(force_authn=True)
    assert (
        parsed(build_authn_request(forced_account, force_authn=False).url).get("ForceAuthn") is None
    )


def test_login_hint_from_username_only():
    assert "login_hint" not in query(build_authn_request(account()).url)
    url = build_authn_request(account(username="alice+aws@contoso.com")).url
    assert query(url)["login_hint"] == ["alice+aws@contoso.com"]
    assert "alice%2Baws%40contoso.com" in url


@pytest.mark.parametrize(
    ("region", "login_url", "host"),
    [
        ("eu-west-1", "", "https://login.microsoftonline.com"),
        # the login host follows the tenant's Entra cloud (global by default), not AWS's partition
        ("us-gov-west-1", "", "https://login.microsoftonline.com"),
        ("cn-north-1", "", "https://login.microsoftonline.com"),
        ("eu-west-1", "http://127.0.0.1:8765/", "http://127.0.0.1:8765"),
    ],
)
def test_sign_in_url_host_and_tenant(region, login_url, host):
    url = build_authn_request(account(region=region, login_url=login_url)).url
    assert url.startswith(f"{host}/00000000-0000-0000-0000-000000000000/saml2?SAMLRequest=")


def test_tenant_is_path_encoded():
    url = build_authn_request(account(tenant_id="contoso.onmicrosoft.com")).url
    assert urlsplit(url).path == "/contoso.onmicrosoft.com/saml2"
