"""The SAML AuthnRequest and the Entra sign-in URL that carries it (HTTP-Redirect binding)."""

from __future__ import annotations

import base64
import uuid
import zlib
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote, urlencode
from xml.sax.saxutils import quoteattr

from tui.core.config import Account
from tui.core.timeutil import utcnow

_SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol"
_SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
_EMAIL = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"
_POST = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"


@dataclass(frozen=True)
class AuthnRequest:
    id: str
    xml: str
    url: str
    acs_url: str


def _escape_text(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def authn_request_xml(
    request_id: str,
    issuer: str,
    acs_url: str,
    issue_instant: datetime,
    *,
    force_authn: bool = False,
) -> str:
    instant = (
        issue_instant.strftime("%Y-%m-%dT%H:%M:%S.") + f"{issue_instant.microsecond // 1000:03d}Z"
    )
    force = ' ForceAuthn="true"' if force_authn else ""
    return (
        f'<samlp:AuthnRequest xmlns:samlp="{_SAMLP}" ID={quoteattr(request_id)} Version="2.0"'
        f' IssueInstant="{instant}" ProtocolBinding="{_POST}"'
        f" AssertionConsumerServiceURL={quoteattr(acs_url)}{force}>"
        f'<Issuer xmlns="{_SAML}">{_escape_text(issuer)}</Issuer>'
        f'<samlp:NameIDPolicy Format="{_EMAIL}"/>'
        "</samlp:AuthnRequest>"
    )


def encode_redirect(xml: str) -> str:
    """Raw DEFLATE (no zlib header), then standard base64: what the Redirect binding carries."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    raw = compressor.compress(xml.encode("utf-8")) + compressor.flush()
    return base64.b64encode(raw).decode("ascii")


def decode_redirect(value: str) -> str:
    """The inverse of `encode_redirect` (used by the local IdP and the tests)."""
    return zlib.decompress(base64.b64decode(value, validate=True), -15).decode("utf-8")


def build_authn_request(
    account: Account, *, force_authn: bool | None = None, now: datetime | None = None
) -> AuthnRequest:
    """A fresh request for `account`: new ID (never starting with a digit), fresh UTC instant."""
    request_id = "id" + uuid.uuid4().hex
    acs = account.effective_acs_url
    force = account.force_authn if force_authn is None else force_authn
    xml = authn_request_xml(request_id, account.app_id_uri, acs, now or utcnow(), force_authn=force)
    query = {"SAMLRequest": encode_redirect(xml)}
    if account.username:
        query["login_hint"] = account.username
    tenant = quote(account.tenant_id, safe="")
    url = f"{account.effective_login_url}/{tenant}/saml2?{urlencode(query)}"
    return AuthnRequest(id=request_id, xml=xml, url=url, acs_url=acs)
