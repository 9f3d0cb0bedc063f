"""The local Entra stand-in over plain HTTP: the page sequence, the final auto-posting form and its
SAMLResponse, every AADSTS refusal, cookies (silent sign-in, ForceAuthn, KMSI) and quietness."""

from __future__ import annotations

import base64
import html
import http.client
import json
import math
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import quote, urlencode, urlsplit

import pytest
from defusedxml.ElementTree import fromstring

from tui.core.assertion import SAML, decode_saml_response
from tui.core.config import Account
from tui.core.errors import IdpStatusError
from tui.core.roles import Role
from tui.core.saml_request import authn_request_xml, build_authn_request, encode_redirect
from tui.core.timeutil import utcnow
from tui.demo.idp import DEMO_TENANT, DemoApp, LocalIdp
from tui.demo.idp.errors import MESSAGES
from tui.demo.signing import SigningKey

USER, PASSWORD = "alice@contoso.com", "demo"
ACS = "https://signin.aws.amazon.com/saml"
ROLES = [
    ("arn:aws:iam::111111111111:role/Admin", "arn:aws:iam::111111111111:saml-provider/Entra"),
    ("arn:aws:iam::222222222222:role/ReadOnly", "arn:aws:iam::222222222222:saml-provider/Entra"),
]
APP1 = "https://signin.aws.amazon.com/saml#1"
APP2 = "https://signin.aws.amazon.com/saml#2"


# -- a tiny cookie-keeping HTTP client that reads forms ----------------------------------------


class _Forms(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, object]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append({"action": a.get("action", ""), "name": a.get("name", ""), "f": {}})
        elif tag == "input" and self.forms and a.get("type") == "hidden":
            self.forms[-1]["f"][a.get("name", "")] = a.get("value", "")  # type: ignore[index]


@dataclass
class Page:
    status: int
    headers: list[tuple[str, str]]
    text: str
    path: str

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)

    def set_cookies(self) -> list[str]:
        return [v for k, v in self.headers if k.lower() == "set-cookie"]

    def form(self, index: int = 0) -> tuple[str, dict[str, str]]:
        parser = _Forms()
        parser.feed(self.text)
        form = parser.forms[index]
        return str(form["action"]), dict(form["f"])  # type: ignore[arg-type]

    @property
    def flow_token(self) -> str:
        return self.form()[1]["flowToken"]

    def has(self, element_id: str) -> bool:
        return f'id="{element_id}"' in self.text


@dataclass
class Browser:
    """Cookies by name (with whether they persist), redirects followed like a browser."""

    base: str
    cookies: dict[str, tuple[str, bool]] = field(default_factory=dict)
    hops: int = 0

    def _send(self, method: str, path: str, body: bytes | None, ctype: str | None) -> Page:
        url = urlsplit(self.base)
        conn = http.client.HTTPConnection(url.hostname or "", url.port, timeout=10)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, (v, _) in self.cookies.items())}
        if ctype:
            headers["Content-Type"] = ctype
        conn.request(method, path, body=body, headers=headers)
        answer = conn.getresponse()
        page = Page(answer.status, answer.getheaders(), answer.read().decode(), path)
        conn.close()
        for raw in page.set_cookies():
            name, _, rest = raw.partition("=")
            value, *attrs = rest.split(";")
            persistent = any(x.strip().lower().startswith(("max-age", "expires")) for x in attrs)
            self.cookies[name] = (value, persistent)
        return page

    def get(self, url: str, follow: bool = True) -> Page:
        parts = urlsplit(url)
        page = self._send(
            "GET", parts.path + (f"?{parts.query}" if parts.query else ""), None, None
        )
        while follow and page.status == 302:
            self.hops += 1
            page = self._send("GET", page.header("Location") or "", None, None)
        return page

    def post(self, path: str, fields: dict[str, str]) -> Page:
        body = urlencode(fields).encode()
        return self._send("POST", path, body, "application/x-www-form-urlencoded")

    def post_json(self, path: str, data: dict[str, str]) -> dict[str, object]:
        page = self._send("POST", path, json.dumps(data).encode(), "application/json")
        return json.loads(page.text)

    def restart(self) -> None:
        """A browser restart on a persistent profile: only persistent cookies survive."""
        self.cookies = {k: v for k, v in self.cookies.items() if v[1]}


def drive(
    browser: Browser, page: Page, *, kmsi: bool = True, seen: list[str] | None = None
) -> Page:
    """Answer each Entra page as a person would, until the auto-posting form (or an error)."""
    seen = [] if seen is None else seen
    for _ in range(20):
        if "hiddenform" in page.text or page.has("service_exception_message"):
            return page
        action, fields = page.form()
        if page.has("i0116"):
            seen.append("email")
            page = browser.post(action, {**fields, "loginfmt": USER})
        elif page.has("i0118"):
            seen.append("password")
            page = browser.post(action, {**fields, "passwd": PASSWORD})
        elif page.has("idRichContext_DisplaySign"):
            seen.append("mfa")
            poll_path = action.replace("ProcessAuth", "EndAuth")
            deadline = time.monotonic() + 10
            while not browser.post_json(poll_path, {"FlowToken": fields["flowToken"]})["Success"]:
                assert time.monotonic() < deadline, "the approval never came"
                time.sleep(0.05)
            page = browser.post(action, fields)
        elif page.has("KmsiDescription"):
            seen.append("kmsi")
            page = browser.post(action, {**fields, "LoginOptions": "1" if kmsi else "3"})
        else:
            raise AssertionError(f"unrecognised page: {page.text[:300]}")
    raise AssertionError("too many pages")


def hidden_form(page: Page) -> tuple[str, dict[str, str]]:
    assert 'name="hiddenform"' in page.text, page.text[:500]
    return page.form()


def error_text(page: Page) -> str:
    match = re.search(r'id="service_exception_message"[^>]*>([^<]*)<', page.text)
    assert match, page.text[:500]
    return html.unescape(match.group(1))


# -- fixtures ----------------------------------------------------------------------------------


@pytest.fixture
def idp(signing_key: SigningKey) -> Iterator[LocalIdp]:
    apps = [
        DemoApp(identifier=APP1, reply_urls=[ACS], roles=ROLES, session_duration=7200),
        DemoApp(
            identifier=APP2,
            reply_urls=["https://eu-west-1.signin.aws.amazon.com/saml", ACS],
            roles=ROLES[:1],
            provider_first=True,
        ),
    ]
    with LocalIdp(signing_key, apps=apps, username=USER, password=PASSWORD) as server:
        server.scenario.mfa_delay = 0.05
        yield server


def account(idp: LocalIdp, **overrides: object) -> Account:
    fields: dict[str, object] = {
        "name": "prod",
        "tenant_id": DEMO_TENANT,
        "app_id_uri": APP1,
        "region": "us-east-1",
        "login_url": idp.url,
        "username": USER,
    } | overrides
    return Account(**fields)  # type: ignore[arg-type]


def raw_request_url(idp: LocalIdp, xml: str, tenant: str = DEMO_TENANT) -> str:
    return f"{idp.url}/{tenant}/saml2?{urlencode({'SAMLRequest': encode_redirect(xml)})}"


# -- the interactive sign-in -------------------------------------------------------------------


def test_full_flow_without_hint_walks_entras_pages_and_posts_a_valid_response(idp: LocalIdp):
    request = build_authn_request(account(idp, username=""))
    browser = Browser(idp.url)
    first = browser.get(request.url)
    assert first.status == 200
    assert "<title>Sign in to your account</title>" in first.text
    assert re.search(r'<input type="email" name="loginfmt" id="i0116"', first.text)
    assert first.has("idSIButton9") and '<meta name="viewport"' in first.text
    seen: list[str] = []
    final = drive(browser, first, seen=seen)
    assert seen == ["email", "password", "mfa", "kmsi"]
    assert idp.pages == ["email", "password", "mfa", "kmsi", "hiddenform"]
    action, fields = hidden_form(final)
    assert action == ACS == request.acs_url
    assert set(fields) == {"SAMLResponse"}
    assertion = decode_saml_response(fields["SAMLResponse"])
    assert assertion.roles == tuple(Role(r, p) for r, p in ROLES)
    assert assertion.in_response_to == request.id
    assert assertion.destination == ACS
    assert assertion.subject == USER and assertion.role_session_name == USER
    assert assertion.session_duration == 7200
    assert assertion.problems == ()
    audience = fromstring(base64.b64decode(fields["SAMLResponse"])).find(f".//{{{SAML}}}Audience")
    assert audience is not None and audience.text == ACS, "Entra strips the #1 from the audience"
    assert idp.sign_ins == 1 and idp.silent_sign_ins == 0
    assert idp.failures == []


def test_final_form_is_exactly_entras_auto_posting_form(idp: LocalIdp):
    browser = Browser(idp.url)
    final = drive(browser, browser.get(build_authn_request(account(idp)).url))
    saml = hidden_form(final)[1]["SAMLResponse"]
    assert (
        f'<form method="POST" name="hiddenform" action="{ACS}">'
        f'<input type="hidden" name="SAMLResponse" value="{saml}"/><noscript>'
    ) in final.text
    assert '<input type="submit" value="Continue"/></noscript></form>' in final.text
    assert (
        "<script>window.setTimeout(function(){document.forms[0].submit()},0);</script>"
        in final.text
    )


def test_login_hint_goes_straight_to_the_password_page(idp: LocalIdp):
    browser = Browser(idp.url)
    page = browser.get(build_authn_request(account(idp)).url)
    assert page.has("i0118") and re.search(
        r'<input name="passwd" type="password" id="i0118"', page.text
    )
    assert not page.has("i0116")
    assert f'id="displayName" title="{USER}"' in page.text


def test_a_hint_for_someone_else_prefills_the_email_page(idp: LocalIdp):
    browser = Browser(idp.url)
    page = browser.get(build_authn_request(account(idp, username="bob@contoso.com")).url)
    assert page.has("i0116") and 'value="bob@contoso.com"' in page.text
    action, fields = page.form()
    again = browser.post(action, {**fields, "loginfmt": "bob@contoso.com"})
    assert again.has("i0116") and "This username may be incorrect." in html.unescape(again.text)


def test_wrong_password_shows_the_page_again_with_entras_error(idp: LocalIdp):
    browser = Browser(idp.url)
    page = browser.get(build_authn_request(account(idp)).url)
    action, fields = page.form()
    again = browser.post(action, {**fields, "passwd": "nope"})
    assert again.has("i0118") and again.has("passwordError")
    assert "Your account or password is incorrect." in html.unescape(again.text)
    assert again.flow_token == fields["flowToken"]
    drive(browser, again)
    assert idp.sign_ins == 1


def test_number_matching_waits_for_the_approval(idp: LocalIdp):
    idp.scenario.mfa_delay = math.inf
    browser = Browser(idp.url)
    page = browser.get(build_authn_request(account(idp)).url)
    action, fields = page.form()
    mfa = browser.post(action, {**fields, "passwd": PASSWORD})
    shown = re.search(r'id="idRichContext_DisplaySign"[^>]*>(\d\d)<', mfa.text)
    assert shown and int(shown.group(1)) == idp.last_mfa_number
    assert 'id="idDiv_SAOTCAS_Title"' in mfa.text and "Approve sign in request" in mfa.text
    poll = f"/{DEMO_TENANT}/SAS/EndAuth"
    token = mfa.flow_token
    pending = browser.post_json(poll, {"FlowToken": token})
    assert pending["Success"] is False and pending["ResultValue"] == "AuthenticationPending"
    process_action, process_fields = mfa.form()
    assert browser.post(process_action, process_fields).has("idRichContext_DisplaySign")
    idp.approve_mfa()
    assert browser.post_json(poll, {"FlowToken": token})["Success"] is True
    assert browser.post(process_action, process_fields).has("KmsiDescription")


def test_mfa_delay_is_measured_from_the_number_page(idp: LocalIdp):
    idp.scenario.mfa_delay = 0.4
    browser = Browser(idp.url)
    page = browser.get(build_authn_request(account(idp)).url)
    action, fields = page.form()
    started = time.monotonic()
    browser.post(action, {**fields, "passwd": PASSWORD})
    poll = f"/{DEMO_TENANT}/SAS/EndAuth"
    while not browser.post_json(poll, {"FlowToken": fields["flowToken"]})["Success"]:
        time.sleep(0.02)
    assert 0.38 <= time.monotonic() - started < 2


def test_relay_state_is_echoed_and_regional_acs_honoured(idp: LocalIdp):
    regional = "https://eu-west-1.signin.aws.amazon.com/saml"
    request = build_authn_request(account(idp, app_id_uri=APP2, acs_url=regional))
    browser = Browser(idp.url)
    final = drive(browser, browser.get(request.url + "&RelayState=" + quote("a b&c")))
    action, fields = hidden_form(final)
    assert action == regional
    assert fields["RelayState"] == "a b&c"
    assertion = decode_saml_response(fields["SAMLResponse"])
    assert assertion.destination == regional
    assert assertion.roles == (Role(*ROLES[0]),), "provider-first values still decode"


def test_no_acs_in_the_request_uses_the_apps_first_reply_url(idp: LocalIdp):
    xml = authn_request_xml("idNoAcs", APP2, ACS, utcnow()).replace(
        f' AssertionConsumerServiceURL="{ACS}"', ""
    )
    browser = Browser(idp.url)
    final = drive(browser, browser.get(raw_request_url(idp, xml)))
    assert hidden_form(final)[0] == "https://eu-west-1.signin.aws.amazon.com/saml"


def test_kmsi_can_be_turned_off(idp: LocalIdp):
    idp.scenario.kmsi = False
    browser = Browser(idp.url)
    seen: list[str] = []
    final = drive(browser, browser.get(build_authn_request(account(idp)).url), seen=seen)
    assert seen == ["password", "mfa"]
    hidden_form(final)
    assert [c.split("=")[0] for c in final.set_cookies()] == ["ESTSAUTH"]


# -- cookies: silent sign-in, ForceAuthn, KMSI -------------------------------------------------


def test_a_signed_in_cookie_makes_the_next_sign_in_silent_and_fast(idp: LocalIdp):
    browser = Browser(idp.url)
    drive(browser, browser.get(build_authn_request(account(idp)).url))
    request = build_authn_request(account(idp))
    started = time.perf_counter()
    page = browser.get(request.url)
    elapsed = time.perf_counter() - started
    action, fields = hidden_form(page)
    assert action == ACS
    assert decode_saml_response(fields["SAMLResponse"]).in_response_to == request.id
    assert idp.sign_ins == 2 and idp.silent_sign_ins == 1
    assert idp.pages[-1] == "hiddenform" and idp.pages.count("password") == 1
    assert elapsed < 0.5


def test_force_authn_skips_the_signed_in_cookie(idp: LocalIdp):
    browser = Browser(idp.url)
    drive(browser, browser.get(build_authn_request(account(idp)).url))
    page = browser.get(build_authn_request(account(idp), force_authn=True).url)
    assert page.has("i0118")
    drive(browser, page)
    assert idp.sign_ins == 2 and idp.silent_sign_ins == 0


def test_forget_sessions_signs_everyone_out(idp: LocalIdp):
    browser = Browser(idp.url)
    drive(browser, browser.get(build_authn_request(account(idp)).url))
    idp.forget_sessions()
    assert browser.get(build_authn_request(account(idp)).url).has("i0118")


def test_kmsi_yes_sets_a_persistent_cookie_that_survives_a_restart(idp: LocalIdp):
    browser = Browser(idp.url)
    final = drive(browser, browser.get(build_authn_request(account(idp)).url), kmsi=True)
    cookies = {c.split("=")[0]: c for c in final.set_cookies()}
    persistent = cookies["ESTSAUTHPERSISTENT"]
    attrs = [a.strip().lower() for a in persistent.split(";")[1:]]
    assert "max-age=7776000" in attrs and "httponly" in attrs and "path=/" in attrs
    assert any(a.startswith("expires=") and "gmt" in a for a in attrs)
    browser.restart()
    assert "hiddenform" in browser.get(build_authn_request(account(idp)).url).text


def test_kmsi_no_sets_only_a_session_cookie(idp: LocalIdp):
    browser = Browser(idp.url)
    final = drive(browser, browser.get(build_authn_request(account(idp)).url), kmsi=False)
    (cookie,) = final.set_cookies()
    assert cookie.startswith("ESTSAUTH=")
    attrs = [a.strip().lower() for a in cookie.split(";")[1:]]
    assert "httponly" in attrs and "path=/" in attrs
    assert not any(a.startswith(("expires", "max-age")) for a in attrs)
    assert "hiddenform" in browser.get(build_authn_request(account(idp)).url).text
    browser.restart()
    assert browser.get(build_authn_request(account(idp)).url).has("i0118")


def test_is_passive_without_a_session_posts_a_no_passive_error_response(idp: LocalIdp):
    xml = authn_request_xml("idPassive", APP1, ACS, utcnow()).replace(
        'Version="2.0"', 'Version="2.0" IsPassive="true"'
    )
    page = Browser(idp.url).get(raw_request_url(idp, xml))
    _, fields = hidden_form(page)
    with pytest.raises(IdpStatusError) as caught:
        decode_saml_response(fields["SAMLResponse"])
    assert caught.value.status == "NoPassive"
    assert caught.value.detail and caught.value.detail.startswith("AADSTS50058:")
    assert idp.error_responses == 1 and idp.sign_ins == 0


# -- refusals ----------------------------------------------------------------------------------


def _refusal(page: Page, code: str) -> str:
    assert page.status == 200
    shown = html.unescape(page.text)
    assert "Sign in" in shown and "Sorry, but we're having trouble signing you in." in shown
    text = error_text(page)
    assert text.startswith(f"AADSTS{code}:"), text
    assert "Troubleshooting details" in page.text and "Correlation Id:" in page.text
    return text


def test_unknown_identifier_is_700016(idp: LocalIdp):
    page = Browser(idp.url).get(build_authn_request(account(idp, app_id_uri=APP1 + "0")).url)
    text = _refusal(page, "700016")
    assert f"identifier '{APP1}0' was not found in the directory '{DEMO_TENANT}'" in text


def test_identifier_must_match_exactly(idp: LocalIdp):
    bare = build_authn_request(account(idp, app_id_uri=ACS)).url
    _refusal(Browser(idp.url).get(bare), "700016")


def test_reply_url_not_configured_is_50011(idp: LocalIdp):
    request = build_authn_request(
        account(idp, acs_url="https://eu-west-1.signin.aws.amazon.com/saml")
    )
    text = _refusal(Browser(idp.url).get(request.url), "50011")
    assert "The redirect URI 'https://eu-west-1.signin.aws.amazon.com/saml' specified" in text


def test_unknown_tenant_is_90002_and_the_users_domain_is_a_tenant(idp: LocalIdp):
    other = "00000000-0000-0000-0000-000000000000"
    text = _refusal(
        Browser(idp.url).get(build_authn_request(account(idp, tenant_id=other)).url), "90002"
    )
    assert f"Tenant '{other}' not found" in text
    page = Browser(idp.url).get(build_authn_request(account(idp, tenant_id="contoso.com")).url)
    assert page.has("i0118")


@pytest.mark.parametrize(
    "query",
    [
        "",
        "SAMLRequest=",
        "SAMLRequest=%%%",
        "SAMLRequest=" + quote(base64.b64encode(b"junk").decode()),
    ],
)
def test_missing_or_garbled_request_is_750054(idp: LocalIdp, query: str):
    page = Browser(idp.url).get(f"{idp.url}/{DEMO_TENANT}/saml2?{query}")
    text = _refusal(page, "750054")
    assert "must be present as query string parameters" in text


@pytest.mark.parametrize(
    "change",
    [
        ('ID="idX"', 'ID="1abc"'),
        ('ID="idX"', ""),
        ('Version="2.0"', 'Version="1.1"'),
        ("samlp:AuthnRequest", "samlp:LogoutRequest"),
    ],
)
def test_malformed_request_is_75005(idp: LocalIdp, change: tuple[str, str]):
    xml = authn_request_xml("idX", APP1, ACS, utcnow()).replace(*change)
    _refusal(Browser(idp.url).get(raw_request_url(idp, xml)), "75005")


def test_prefixed_issuer_is_read_by_namespace(idp: LocalIdp):
    xml = (
        authn_request_xml("idP", APP1, ACS, utcnow())
        .replace('<Issuer xmlns="urn:oasis:names:tc:SAML:2.0:assertion">', "<saml:Issuer>")
        .replace("</Issuer>", "</saml:Issuer>")
        .replace(
            "<samlp:AuthnRequest ",
            '<samlp:AuthnRequest xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ',
        )
    )
    assert Browser(idp.url).get(raw_request_url(idp, xml)).has("i0116")


def test_a_dtd_in_the_request_is_refused(idp: LocalIdp):
    xml = '<!DOCTYPE x [<!ENTITY a "b">]>' + authn_request_xml("idD", APP1, ACS, utcnow())
    _refusal(Browser(idp.url).get(raw_request_url(idp, xml)), "750054")


# The AADSTS codes the demo IdP can be told to answer with.
SCENARIO_CODES = (
    "50105",
    "50011",
    "700016",
    "53000",
    "53003",
    "50076",
    "50079",
    "50058",
    "50196",
    "75011",
    "90002",
    "750054",
)


@pytest.mark.parametrize("code", SCENARIO_CODES)
def test_scenario_error_code_shows_entras_error_page_after_the_password(idp: LocalIdp, code: str):
    idp.scenario.error_code = code
    browser = Browser(idp.url)
    page = browser.get(build_authn_request(account(idp)).url)
    action, fields = page.form()
    text = _refusal(browser.post(action, {**fields, "passwd": PASSWORD}), code)
    assert text == text.strip() and "{" not in text
    assert idp.sign_ins == 0 and idp.pages[-1] == "error"


def test_50105_names_the_app_and_the_user(idp: LocalIdp):
    idp.scenario.error_code = "50105"
    browser = Browser(idp.url)
    page = drive(browser, browser.get(build_authn_request(account(idp)).url))
    text = error_text(page)
    assert "AWS Single-Account Access" in text and f"'{USER}'" in text
    assert "specifically granted ('assigned') access" in text
    assert '"sErrorCode": "50105"' in page.text


def test_error_code_also_stops_a_silent_sign_in(idp: LocalIdp):
    browser = Browser(idp.url)
    drive(browser, browser.get(build_authn_request(account(idp)).url))
    idp.scenario.error_code = "53003"
    _refusal(browser.get(build_authn_request(account(idp)).url), "53003")


def test_error_as_response_posts_a_requester_status(idp: LocalIdp):
    idp.scenario.error_code, idp.scenario.error_as_response = "50105", True
    browser = Browser(idp.url)
    page = drive(browser, browser.get(build_authn_request(account(idp)).url))
    _, fields = hidden_form(page)
    with pytest.raises(IdpStatusError) as caught:
        decode_saml_response(fields["SAMLResponse"])
    assert caught.value.status == "Requester"
    assert idp.error_responses == 1


def test_every_listed_code_has_a_message():
    for code in SCENARIO_CODES:
        assert MESSAGES[code].startswith(f"AADSTS{code}: ")


def test_unknown_or_used_flow_token_is_refused(idp: LocalIdp):
    browser = Browser(idp.url)
    _refusal(browser.post(f"/{DEMO_TENANT}/login", {"flowToken": "nope", "passwd": "x"}), "90100")
    first = browser.get(build_authn_request(account(idp)).url)
    action, fields = first.form()
    drive(browser, first)
    _refusal(browser.post(action, {**fields, "passwd": PASSWORD}), "90100")


def test_unknown_path_is_404(idp: LocalIdp):
    assert Browser(idp.url).get(f"{idp.url}/favicon.ico").status == 404


# -- hops, escaping, quietness -----------------------------------------------------------------


def test_redirect_hops_and_a_script_hop_come_before_the_first_page(idp: LocalIdp):
    idp.scenario.redirects, idp.scenario.js_redirect = 2, True
    browser = Browser(idp.url)
    page = browser.get(build_authn_request(account(idp)).url)
    assert browser.hops == 2
    target = re.search(r"window\.location\.replace\(\"([^\"]+)\"\)", page.text)
    assert target and 'http-equiv="refresh"' in page.text
    final = drive(browser, browser.get(target.group(1).replace("\\u0026", "&")))
    hidden_form(final)
    assert idp.pages[:3] == ["hop-302", "hop-302", "hop-js"]


def test_common_redirects_to_the_tenant(idp: LocalIdp):
    request = build_authn_request(account(idp, tenant_id="common"))
    browser = Browser(idp.url)
    first = browser.get(request.url, follow=False)
    assert first.status == 302 and (first.header("Location") or "").startswith(
        f"/{DEMO_TENANT}/saml2?"
    )
    assert browser.get(request.url).has("i0118")


def test_user_input_is_escaped_everywhere(idp: LocalIdp):
    evil = '"><script>alert(1)</script>'
    request = build_authn_request(account(idp, username=evil))
    browser = Browser(idp.url)
    page = browser.get(request.url + "&RelayState=" + quote(evil))
    assert "<script>alert(1)" not in page.text and "&quot;&gt;&lt;script&gt;" in page.text
    action, fields = page.form()
    again = browser.post(action, {**fields, "loginfmt": evil})
    assert "<script>alert(1)" not in again.text
    final = drive(browser, browser.post(action, {**fields, "loginfmt": USER}))
    assert hidden_form(final)[1]["RelayState"] == evil
    assert "<script>alert(1)" not in final.text


def test_auto_mode_pages_carry_the_fill_in_and_manual_pages_do_not(idp: LocalIdp):
    browser = Browser(idp.url)
    auto = browser.get(build_authn_request(account(idp)).url)
    assert '"fAuto": true' in auto.text and f'"sAutoPassword": "{PASSWORD}"' in auto.text
    idp.scenario.auto = False
    manual = browser.get(build_authn_request(account(idp)).url)
    assert '"fAuto": false' in manual.text and '"sAutoPassword": ""' in manual.text
    assert "setTimeout(function(){var p" not in manual.text


def test_nothing_is_logged(idp: LocalIdp, capfd: pytest.CaptureFixture[str]):
    browser = Browser(idp.url)
    final = drive(browser, browser.get(build_authn_request(account(idp)).url))
    browser.get(f"{idp.url}/nowhere")
    out, err = capfd.readouterr()
    assert out == "" and err == ""
    assert hidden_form(final)[1]["SAMLResponse"] not in out + err


def test_concurrent_sign_ins_each_get_their_own_response(idp: LocalIdp):
    results: dict[str, str] = {}

    def one() -> None:
        request = build_authn_request(account(idp))
        browser = Browser(idp.url)
        final = drive(browser, browser.get(request.url))
        got = decode_saml_response(hidden_form(final)[1]["SAMLResponse"]).in_response_to
        results[request.id] = got or ""

    threads = [threading.Thread(target=one) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert len(results) == 4 and all(k == v for k, v in results.items())
    assert idp.sign_ins == 4 and idp.failures == []


def test_stop_frees_the_port_and_url_needs_start(signing_key: SigningKey):
    server = LocalIdp(signing_key, apps=[DemoApp(identifier=APP1, roles=ROLES)])
    with pytest.raises(RuntimeError):
        _ = server.url
    server.start()
    url = server.url
    server.stop()
    with pytest.raises(OSError):
        http.client.HTTPConnection(
            urlsplit(url).hostname or "", urlsplit(url).port, timeout=2
        ).request("GET", "/")
