"""Entra-shaped SAMLResponses, signed like Entra's, for the demo IdP, the tests and fixtures.

The shape follows what Entra posts for the AWS gallery app: `samlp:` only on protocol elements,
the Issuer and the whole Assertion in a default namespace, the Assertion (not the Response) signed
with an enveloped RSA-SHA256 signature right after its Issuer, written with a default namespace
too, and timestamps with 7 fractional digits. Parsers that only cope with `saml:`/`ds:` prefixes
or 6-digit fractions fail on real Entra output, so the demo must not be kinder than Entra.
"""

from __future__ import annotations

import base64
import enum
import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta

from lxml import etree
from signxml import XMLSigner
from signxml.algorithms import (
    CanonicalizationMethod,
    DigestAlgorithm,
    SignatureConstructionMethod,
    SignatureMethod,
)

from tui.core.assertion import DURATION_ATTR, ROLE_ATTR, SAML, SAMLP, SESSION_NAME_ATTR
from tui.demo.signing import DS_NS, SigningKey

DEMO_TENANT_ID = "6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b"
AWS_ACS_URL = "https://signin.aws.amazon.com/saml"
REQUESTER = "urn:oasis:names:tc:SAML:2.0:status:Requester"
SUCCESS = "urn:oasis:names:tc:SAML:2.0:status:Success"
EMAIL_FORMAT = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"
BEARER = "urn:oasis:names:tc:SAML:2.0:cm:bearer"
AUTHN_CONTEXT = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"
MULTIPLE_AUTHN = "http://schemas.microsoft.com/claims/multipleauthn"

_MS_ID = "http://schemas.microsoft.com/identity/claims/"
_WS_ID = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/"
APP_ROLE_CLAIM = "http://schemas.microsoft.com/ws/2008/06/identity/claims/role"
GROUPS_CLAIM = "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups"
_IDS = uuid.UUID("0b6d8f5e-2a41-4c1e-9f3a-5d7c6b8a9e10")  # namespace for stable demo object IDs


class _Default(enum.Enum):
    SUBJECT = "the subject"


SAME_AS_SUBJECT = _Default.SUBJECT


def issuer_for(tenant_id: str) -> str:
    """Entra's Issuer for a tenant (the Response's and the Assertion's)."""
    return f"https://sts.windows.net/{tenant_id}/"


def entra_instant(moment: datetime) -> str:
    """`2026-11-28T10:00:00.1234567Z`: .NET's round-trip format, 7 fractional digits."""
    utc = moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
    return f"{utc:%Y-%m-%dT%H:%M:%S}.{utc.microsecond:06d}0Z"


def _new_id() -> str:
    return f"_{uuid.uuid4()}"


def _stable_id(label: str) -> str:
    return str(uuid.uuid5(_IDS, label))


def _sub(
    parent: etree._Element, ns: str, tag: str, text: str | None = None, **attrs: str
) -> etree._Element:
    element = etree.SubElement(parent, f"{{{ns}}}{tag}", attrib=attrs)
    if text is not None:
        element.text = text
    return element


def _response(
    *, destination: str, in_response_to: str | None, issue_instant: datetime, issuer: str
) -> etree._Element:
    attrs = {"ID": _new_id(), "Version": "2.0", "IssueInstant": entra_instant(issue_instant)}
    attrs["Destination"] = destination
    if in_response_to:
        attrs["InResponseTo"] = in_response_to
    root = etree.Element(f"{{{SAMLP}}}Response", attrib=attrs, nsmap={"samlp": SAMLP})
    issuer_el = etree.SubElement(root, f"{{{SAML}}}Issuer", nsmap={None: SAML})
    issuer_el.text = issuer
    return root


def _attribute(statement: etree._Element, name: str, values: Sequence[str]) -> None:
    attribute = _sub(statement, SAML, "Attribute", Name=name)
    for value in values:
        _sub(attribute, SAML, "AttributeValue", value)


def _claims(
    *,
    tenant_id: str,
    subject: str,
    display_name: str,
    role_values: list[str],
    groups: int,
) -> list[tuple[str, list[str]]]:
    """Entra's default claims for the AWS gallery app, in the order Entra writes them."""
    given, _, surname = display_name.partition(" ")
    claims = [
        (f"{_MS_ID}tenantid", [tenant_id]),
        (f"{_MS_ID}objectidentifier", [_stable_id(f"user:{subject}")]),
        (f"{_MS_ID}displayname", [display_name]),
        (f"{_MS_ID}identityprovider", [issuer_for(tenant_id)]),
        (
            "http://schemas.microsoft.com/claims/authnmethodsreferences",
            [AUTHN_CONTEXT, MULTIPLE_AUTHN],
        ),
    ]
    if groups:
        claims.append((GROUPS_CLAIM, [_stable_id(f"group:{n}") for n in range(groups)]))
    if role_values:
        claims.append((APP_ROLE_CLAIM, role_values))
    claims += [
        (f"{_WS_ID}givenname", [given]),
        (f"{_WS_ID}surname", [surname or given]),
        (f"{_WS_ID}emailaddress", [subject]),
        (f"{_WS_ID}name", [subject]),
    ]
    return claims


def _sign(root: etree._Element, assertion_id: str, key: SigningKey) -> bytes:
    """Enveloped signature over the Assertion, placed by the placeholder after its Issuer."""
    signer = XMLSigner(
        method=SignatureConstructionMethod.enveloped,
        signature_algorithm=SignatureMethod.RSA_SHA256,
        digest_algorithm=DigestAlgorithm.SHA256,
        c14n_algorithm=CanonicalizationMethod.EXCLUSIVE_XML_CANONICALIZATION_1_0,
    )
    signer.namespaces = {None: DS_NS}  # type: ignore[dict-item]  # <Signature xmlns="…dsig#">
    signed = signer.sign(
        root, key=key.key_pem, cert=key.cert_pem.decode("ascii"), reference_uri=assertion_id
    )
    # signxml wraps the certificate at 64 columns; Entra writes it on one line. KeyInfo is outside
    # the signed data, so rewriting it leaves the signature valid.
    reparsed = etree.fromstring(etree.tostring(signed))
    for cert in reparsed.iter(f"{{{DS_NS}}}X509Certificate"):
        cert.text = key.cert_b64
    return etree.tostring(reparsed)


def build_saml_response(
    key: SigningKey,
    *,
    roles: Sequence[tuple[str, str]],
    subject: str = "alice@contoso.com",
    tenant_id: str = DEMO_TENANT_ID,
    display_name: str = "Alice Example",
    role_session_name: str | _Default | None = SAME_AS_SUBJECT,
    session_duration: int | None = None,
    destination: str = AWS_ACS_URL,
    audience: str = AWS_ACS_URL,
    in_response_to: str | None = None,
    issue_instant: datetime | None = None,
    confirmation_lifetime: timedelta = timedelta(minutes=5),
    conditions_lifetime: timedelta = timedelta(minutes=70),
    groups: int = 0,
    extra_attributes: Mapping[str, Sequence[str]] | None = None,
    provider_first: bool = False,
) -> str:
    """A signed SAMLResponse, base64-encoded exactly as Entra form-POSTs it to the AWS ACS.

    `roles` are (role ARN, SAML provider ARN) pairs; `role_session_name=None` and
    `session_duration=None` leave those attributes out, as many real tenants do.
    """
    issued = issue_instant or datetime.now(UTC)
    issuer = issuer_for(tenant_id)
    root = _response(
        destination=destination, in_response_to=in_response_to, issue_instant=issued, issuer=issuer
    )
    status = _sub(root, SAMLP, "Status")
    _sub(status, SAMLP, "StatusCode", Value=SUCCESS)

    assertion_id = _new_id()
    assertion = etree.SubElement(
        root,
        f"{{{SAML}}}Assertion",
        attrib={"ID": assertion_id, "IssueInstant": entra_instant(issued), "Version": "2.0"},
        nsmap={None: SAML},
    )
    _sub(assertion, SAML, "Issuer", issuer)
    etree.SubElement(
        assertion, f"{{{DS_NS}}}Signature", attrib={"Id": "placeholder"}, nsmap={None: DS_NS}
    )

    subject_el = _sub(assertion, SAML, "Subject")
    _sub(subject_el, SAML, "NameID", subject, Format=EMAIL_FORMAT)
    confirmation = _sub(subject_el, SAML, "SubjectConfirmation", Method=BEARER)
    data_attrs = {
        "NotOnOrAfter": entra_instant(issued + confirmation_lifetime),
        "Recipient": destination,
    }
    if in_response_to:
        data_attrs = {"InResponseTo": in_response_to, **data_attrs}
    _sub(confirmation, SAML, "SubjectConfirmationData", **data_attrs)

    conditions = _sub(
        assertion,
        SAML,
        "Conditions",
        NotBefore=entra_instant(issued),
        NotOnOrAfter=entra_instant(issued + conditions_lifetime),
    )
    _sub(_sub(conditions, SAML, "AudienceRestriction"), SAML, "Audience", audience)

    role_values = [
        f"{principal},{role}" if provider_first else f"{role},{principal}"
        for role, principal in roles
    ]
    statement = _sub(assertion, SAML, "AttributeStatement")
    claims = _claims(
        tenant_id=tenant_id,
        subject=subject,
        display_name=display_name,
        role_values=role_values,
        groups=groups,
    )
    if role_values:
        claims.append((ROLE_ATTR, role_values))
    if role_session_name is SAME_AS_SUBJECT:
        claims.append((SESSION_NAME_ATTR, [subject]))
    elif isinstance(role_session_name, str):
        claims.append((SESSION_NAME_ATTR, [role_session_name]))
    if session_duration is not None:
        claims.append((DURATION_ATTR, [str(session_duration)]))
    claims += [(name, list(values)) for name, values in (extra_attributes or {}).items()]
    for name, values in claims:
        _attribute(statement, name, values)

    authn = _sub(
        assertion,
        SAML,
        "AuthnStatement",
        AuthnInstant=entra_instant(issued),
        SessionIndex=assertion_id,
    )
    _sub(_sub(authn, SAML, "AuthnContext"), SAML, "AuthnContextClassRef", AUTHN_CONTEXT)

    return base64.b64encode(_sign(root, assertion_id, key)).decode("ascii")


def build_error_response(
    *,
    status: str = REQUESTER,
    message: str,
    sub_status: str | None = None,
    destination: str = AWS_ACS_URL,
    in_response_to: str | None = None,
    tenant_id: str = DEMO_TENANT_ID,
    issue_instant: datetime | None = None,
) -> str:
    """An unsigned non-Success SAMLResponse, as Entra posts when it refuses a sign-in.

    `message` is the AADSTS text (e.g. "AADSTS50105: ..."); Entra appends trace lines to it.
    """
    issued = issue_instant or datetime.now(UTC)
    root = _response(
        destination=destination,
        in_response_to=in_response_to,
        issue_instant=issued,
        issuer=issuer_for(tenant_id),
    )
    status_el = _sub(root, SAMLP, "Status")
    code = _sub(status_el, SAMLP, "StatusCode", Value=status)
    if sub_status:
        _sub(code, SAMLP, "StatusCode", Value=sub_status)
    trace = (
        f"\r\nTrace ID: {uuid.uuid4()}\r\nCorrelation ID: {uuid.uuid4()}"
        f"\r\nTimestamp: {issued.astimezone(UTC):%Y-%m-%d %H:%M:%S}Z"
    )
    _sub(status_el, SAMLP, "StatusMessage", message + trace)
    return base64.b64encode(etree.tostring(root)).decode("ascii")
