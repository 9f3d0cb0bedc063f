"""What AWS STS checks before AssumeRoleWithSAML hands out credentials, with AWS's error shapes.

Stock moto checks none of it, so a client tested against moto never meets the refusals real users
meet (a rolled-over certificate, an expired assertion, a role the assertion does not list, a
duration above the role's maximum). `check_request` applies them in about the order AWS does and
returns what the session needs, or raises `StsRefusal` with AWS's code, HTTP status and message.
The assertion is read only from the part the signature covers (no signature-wrapping).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from lxml import etree
from signxml import SignatureConfiguration, XMLVerifier
from signxml.exceptions import SignXMLException

from tui.core.assertion import DURATION_ATTR, ROLE_ATTR, SAML, SAMLP, SESSION_NAME_ATTR
from tui.core.roles import PRINCIPAL_ARN_RE, ROLE_ARN_RE, pair_from_value
from tui.core.timeutil import parse_instant
from tui.demo.signing import DS_NS, MD_NS

DEFAULT_DURATION = 3600
MIN_DURATION, MAX_DURATION = 900, 43200
MAX_ASSERTION = 100_000
REDEEM_WINDOW = timedelta(minutes=5)
MAX_DURATION_MESSAGE = (
    "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."
)
NOT_AUTHORIZED = "Not authorized to perform sts:AssumeRoleWithSAML"
_SESSION_NAME_RE = re.compile(r"^[A-Za-z0-9_+=,.@-]{2,64}$")
_SUCCESS = "urn:oasis:names:tc:SAML:2.0:status:Success"
_NAMEID_PREFIX = "urn:oasis:names:tc:SAML:2.0:nameid-format:"


class StsRefusal(Exception):
    """An STS error: AWS's code, HTTP status and message."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.status = status
        self.code = code
        self.message = message


def invalid_token(message: str) -> StsRefusal:
    return StsRefusal(400, "InvalidIdentityToken", message)


def access_denied(message: str = NOT_AUTHORIZED) -> StsRefusal:
    return StsRefusal(403, "AccessDenied", message)


def validation_error(message: str) -> StsRefusal:
    return StsRefusal(400, "ValidationError", message)


def expired(message: str) -> StsRefusal:
    return StsRefusal(400, "ExpiredTokenException", message)


class Directory(Protocol):
    """What the checks need to know from IAM."""

    def provider_metadata(self, principal_arn: str) -> str | None:
        """The SAML provider's metadata document, or None when there is no such provider."""

    def role_max_session(self, role_arn: str) -> int | None:
        """The role's MaxSessionDuration in seconds, or None when there is no such role."""


@dataclass(frozen=True)
class SamlRequest:
    """The parameters of one AssumeRoleWithSAML call."""

    role_arn: str | None
    principal_arn: str | None
    saml_assertion: str | None = field(repr=False)
    duration: str | None

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> SamlRequest:
        return cls(
            params.get("RoleArn"),
            params.get("PrincipalArn"),
            params.get("SAMLAssertion"),
            params.get("DurationSeconds"),
        )

    @property
    def duration_seconds(self) -> int | None:
        try:
            return int(self.duration) if self.duration is not None else None
        except ValueError:
            return None


@dataclass(frozen=True)
class Grant:
    """What AWS puts in a successful answer, besides the credentials."""

    role_arn: str
    principal_arn: str
    session_name: str
    duration: int
    subject: str
    subject_type: str
    issuer: str
    audience: str
    name_qualifier: str


def _q(ns: str, tag: str) -> str:
    return f"{{{ns}}}{tag}"


def _required(request: SamlRequest) -> tuple[str, str, str]:
    for name, value in (
        ("roleArn", request.role_arn),
        ("principalArn", request.principal_arn),
        ("sAMLAssertion", request.saml_assertion),
    ):
        if not value:
            raise validation_error(
                f"1 validation error detected: Value null at '{name}' failed to satisfy "
                "constraint: Member must not be null"
            )
    role_arn, principal_arn, assertion = (
        str(request.role_arn),
        str(request.principal_arn),
        str(request.saml_assertion),
    )
    if not 4 <= len(assertion) <= MAX_ASSERTION:
        raise validation_error(
            "1 validation error detected: Value at 'sAMLAssertion' failed to satisfy constraint: "
            f"Member must have length less than or equal to {MAX_ASSERTION}"
        )
    if not ROLE_ARN_RE.match(role_arn) or not PRINCIPAL_ARN_RE.match(principal_arn):
        raise validation_error("Request ARN is invalid")
    return role_arn, principal_arn, assertion


def _requested_duration(request: SamlRequest) -> int:
    if request.duration is None:
        return DEFAULT_DURATION
    seconds = request.duration_seconds
    if seconds is None:
        raise validation_error(
            f"1 validation error detected: Value '{request.duration[:20]}' at 'durationSeconds' "
            "failed to satisfy constraint: Member must be a number"
        )
    if seconds < MIN_DURATION:
        raise validation_error(
            f"1 validation error detected: Value '{seconds}' at 'durationSeconds' failed to "
            f"satisfy constraint: Member must have value greater than or equal to {MIN_DURATION}"
        )
    if seconds > MAX_DURATION:
        raise validation_error(
            f"1 validation error detected: Value '{seconds}' at 'durationSeconds' failed to "
            f"satisfy constraint: Member must have value less than or equal to {MAX_DURATION}"
        )
    return seconds


def _decode(assertion: str) -> tuple[bytes, Element]:
    try:
        xml = base64.b64decode("".join(assertion.split()), validate=True)
    except (binascii.Error, ValueError):
        raise invalid_token("Invalid base64 SAMLResponse") from None
    try:
        root = fromstring(xml, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (ParseError, DefusedXmlException, ValueError, LookupError):
        raise invalid_token("Response is not well-formed XML") from None
    if root.tag != _q(SAMLP, "Response"):
        raise invalid_token("Invalid SAML Response: the root element is not a samlp:Response")
    code = root.find(f"{_q(SAMLP, 'Status')}/{_q(SAMLP, 'StatusCode')}")
    if code is None or code.get("Value") != _SUCCESS:
        raise StsRefusal(
            403,
            "IDPRejectedClaim",
            "The identity provider reported that authentication failed (SAML status not Success).",
        )
    if root.find(f".//{_q(SAML, 'EncryptedAssertion')}") is not None:
        raise invalid_token("Encrypted assertions are not enabled for this SAML provider")
    if len(list(root.iter(_q(SAML, "Assertion")))) != 1 or root.find(_q(SAML, "Assertion")) is None:
        raise invalid_token("Invalid SAML Response: it must contain exactly one Assertion")
    return xml, root


def _provider(metadata: str) -> tuple[str, list[str]]:
    """The entityID and signing certificates (base64 DER) of an IdP metadata document."""
    try:
        root = fromstring(metadata.encode("utf-8"), forbid_dtd=True)
    except (ParseError, DefusedXmlException, ValueError):
        return "", []
    certs = [
        "".join((cert.text or "").split())
        for descriptor in root.iter(_q(MD_NS, "KeyDescriptor"))
        if descriptor.get("use", "signing") == "signing"
        for cert in descriptor.iter(_q(DS_NS, "X509Certificate"))
    ]
    return root.get("entityID", ""), [cert for cert in certs if cert]


def _verified_assertion(xml: bytes, certs: list[str], assertion_id: str | None) -> etree._Element:
    """The Assertion as the signature covers it, verified against one of the provider's certs."""
    for cert in certs:
        pem = f"-----BEGIN CERTIFICATE-----\n{cert}\n-----END CERTIFICATE-----\n"
        try:
            result = XMLVerifier().verify(
                xml, x509_cert=pem, expect_config=SignatureConfiguration(expect_references=1)
            )
        except (SignXMLException, etree.LxmlError, ValueError, TypeError):
            continue
        signed = result.signed_xml  # type: ignore[union-attr]
        if signed is None:
            continue
        assertion = (
            signed if signed.tag == _q(SAML, "Assertion") else signed.find(_q(SAML, "Assertion"))
        )
        if assertion is not None and assertion.get("ID") == assertion_id:
            return assertion
    raise invalid_token("Response signature invalid")


def _attributes(assertion: etree._Element) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for attribute in assertion.iter(_q(SAML, "Attribute")):
        values = [(v.text or "").strip() for v in attribute.iter(_q(SAML, "AttributeValue"))]
        found.setdefault(attribute.get("Name", ""), []).extend(values)
    return found


def _check_times(assertion: etree._Element, now: datetime) -> str:
    """Refuse a stale assertion; return the Recipient (STS answers it as Audience)."""
    data = assertion.find(
        f"{_q(SAML, 'Subject')}/{_q(SAML, 'SubjectConfirmation')}/{_q(SAML, 'SubjectConfirmationData')}"
    )
    if data is None or not data.get("NotOnOrAfter") or not data.get("Recipient"):
        raise invalid_token("SubjectConfirmationData must include both NotOnOrAfter and Recipient")
    try:
        not_on_or_after = parse_instant(data.get("NotOnOrAfter", ""))
        issued = parse_instant(assertion.get("IssueInstant", ""))
    except ValueError:
        raise invalid_token("Invalid SAML Response: a timestamp is not valid") from None
    if now - issued >= REDEEM_WINDOW:
        raise expired("Token must be redeemed within 5 minutes of issuance")
    conditions = assertion.find(_q(SAML, "Conditions"))
    ends = [not_on_or_after]
    if conditions is not None and conditions.get("NotOnOrAfter"):
        try:
            ends.append(parse_instant(conditions.get("NotOnOrAfter", "")))
        except ValueError:
            raise invalid_token("Invalid SAML Response: a timestamp is not valid") from None
    if now >= min(ends):
        raise expired("Response has expired")
    return data.get("Recipient", "")


def _session_name(attributes: dict[str, list[str]]) -> str:
    names = attributes.get(SESSION_NAME_ATTR, [])
    if not names:
        raise invalid_token("RoleSessionName is required in AuthnResponse")
    if not _SESSION_NAME_RE.match(names[0]):
        raise invalid_token("RoleSessionName in AuthnResponse must match [a-zA-Z_0-9+=,.@-]{2,64}")
    return names[0]


def _session_duration(attributes: dict[str, list[str]]) -> int | None:
    values = attributes.get(DURATION_ATTR, [])
    if not values:
        return None
    try:
        seconds = int(values[0])
    except ValueError:
        seconds = 0
    if not MIN_DURATION <= seconds <= MAX_DURATION:
        raise invalid_token(
            f"SessionDuration in AuthnResponse must be between {MIN_DURATION} and {MAX_DURATION}"
        )
    return seconds


def name_qualifier(issuer: str, principal_arn: str) -> str:
    """AWS's NameQualifier: base64(SHA1(issuer + account ID + "/" + provider name))."""
    account = principal_arn.split(":")[4]
    provider = principal_arn.rsplit("/", 1)[-1]
    digest = hashlib.sha1(f"{issuer}{account}/{provider}".encode(), usedforsecurity=False)
    return base64.b64encode(digest.digest()).decode("ascii")


def _subject(assertion: etree._Element) -> tuple[str, str]:
    name_id = assertion.find(f"{_q(SAML, 'Subject')}/{_q(SAML, 'NameID')}")
    if name_id is None or not (name_id.text or "").strip():
        raise access_denied()
    form = name_id.get("Format", "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified")
    return (name_id.text or "").strip(), form.removeprefix(_NAMEID_PREFIX)


def check_request(request: SamlRequest, directory: Directory, now: datetime) -> Grant:
    """Apply STS's rules to one AssumeRoleWithSAML call; raise StsRefusal as AWS would."""
    role_arn, principal_arn, encoded = _required(request)
    requested = _requested_duration(request)
    xml, response = _decode(encoded)
    metadata = directory.provider_metadata(principal_arn)
    if metadata is None:
        raise invalid_token("Specified provider doesn't exist")
    entity_id, certs = _provider(metadata)
    unsigned = response.find(_q(SAML, "Assertion"))
    assertion = _verified_assertion(
        xml, certs, unsigned.get("ID") if unsigned is not None else None
    )
    issuer = (assertion.findtext(_q(SAML, "Issuer")) or "").strip()
    if issuer != entity_id:
        raise invalid_token("Issuer not present in specified provider")
    audience = _check_times(assertion, now)
    attributes = _attributes(assertion)
    pairs = {pair_from_value(value) for value in attributes.get(ROLE_ATTR, [])}
    if not any(p and (p.role_arn, p.principal_arn) == (role_arn, principal_arn) for p in pairs):
        raise access_denied()
    session_name = _session_name(attributes)
    capped_by = _session_duration(attributes)
    subject, subject_type = _subject(assertion)
    max_session = directory.role_max_session(role_arn)
    if max_session is None:
        raise access_denied()
    if requested > max_session:
        raise validation_error(MAX_DURATION_MESSAGE)
    return Grant(
        role_arn=role_arn,
        principal_arn=principal_arn,
        session_name=session_name,
        duration=min(requested, capped_by) if capped_by else requested,
        subject=subject,
        subject_type=subject_type,
        issuer=issuer,
        audience=audience,
        name_qualifier=name_qualifier(issuer, principal_arn),
    )
