"""Reading a SAML AuthnRequest off the HTTP-Redirect binding, with Entra's checks and error codes.

The query string is untrusted: the base64 and the inflated XML are size-capped, the XML is parsed
with defusedxml, and elements are found by namespace + local name (our Issuer has a default
namespace, other clients use `saml:`).
"""

from __future__ import annotations

import base64
import binascii
import zlib
from dataclasses import dataclass
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from tui.demo.idp.errors import IdpRefusal

SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol"
SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
MAX_QUERY_CHARS = 20_000
MAX_XML_BYTES = 100_000
NAMEID_FORMATS = {
    "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent",
    "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",
    "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified",
    "urn:oasis:names:tc:SAML:2.0:nameid-format:transient",
}
# What a password + Authenticator sign-in satisfies when a request names an AuthnContext.
SATISFIED_CONTEXTS = {
    "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport",
    "urn:oasis:names:tc:SAML:2.0:ac:classes:Password",
    "urn:oasis:names:tc:SAML:2.0:ac:classes:unspecified",
    "http://schemas.microsoft.com/claims/multipleauthn",
}


@dataclass(frozen=True)
class AuthnRequestInfo:
    """What Entra takes from a request; everything else in it is ignored, as Entra ignores it."""

    id: str
    issuer: str
    acs_url: str | None
    force_authn: bool
    is_passive: bool
    # A NameIDPolicy/AuthnContext refusal code: Entra raises it only after the app checks.
    policy_refusal: str | None = None


def _inflate(saml_request: str) -> bytes:
    if not saml_request or len(saml_request) > MAX_QUERY_CHARS:
        raise IdpRefusal("750054")
    try:
        raw = base64.b64decode(saml_request, validate=True)
        inflater = zlib.decompressobj(-15)
        xml = inflater.decompress(raw, MAX_XML_BYTES + 1)
    except (binascii.Error, ValueError, zlib.error):
        raise IdpRefusal("750054") from None
    if len(xml) > MAX_XML_BYTES or not inflater.eof:
        raise IdpRefusal("750054")
    return xml


def _parse(xml: bytes) -> Element:
    try:
        return fromstring(xml, forbid_dtd=True)
    except (ParseError, DefusedXmlException, ValueError):
        raise IdpRefusal("750054") from None


def _flag(root: Element, name: str) -> bool:
    return (root.get(name) or "").strip().lower() in ("true", "1")


def _policy_refusal(root: Element) -> str | None:
    policy = root.find(f"{{{SAMLP}}}NameIDPolicy")
    if policy is not None and policy.get("Format") and policy.get("Format") not in NAMEID_FORMATS:
        return "75016"
    context = root.find(f"{{{SAMLP}}}RequestedAuthnContext")
    if context is None:
        return None
    refs = [(el.text or "").strip() for el in context.iter(f"{{{SAML}}}AuthnContextClassRef")]
    exact = context.get("Comparison", "exact") == "exact"
    if not exact or any(ref not in SATISFIED_CONTEXTS for ref in refs):
        return "75011"
    return None


def read_authn_request(saml_request: str) -> AuthnRequestInfo:
    """Decode and check a SAMLRequest query value, raising IdpRefusal with Entra's code."""
    root = _parse(_inflate(saml_request))
    if root.tag != f"{{{SAMLP}}}AuthnRequest":
        raise IdpRefusal("75005")
    request_id = (root.get("ID") or "").strip()
    if not request_id or request_id[0].isdigit():
        raise IdpRefusal("75005")
    if root.get("Version") != "2.0" or not (root.get("IssueInstant") or "").strip():
        raise IdpRefusal("75005")
    issuer_el = root.find(f"{{{SAML}}}Issuer")
    issuer = (issuer_el.text or "").strip() if issuer_el is not None else ""
    if not issuer:
        raise IdpRefusal("75005")
    acs = (root.get("AssertionConsumerServiceURL") or "").strip() or None
    return AuthnRequestInfo(
        id=request_id,
        issuer=issuer,
        acs_url=acs,
        force_authn=_flag(root, "ForceAuthn"),
        is_passive=_flag(root, "IsPassive"),
        policy_refusal=_policy_refusal(root),
    )
