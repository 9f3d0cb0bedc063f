"""Decode a SAMLResponse into what a person needs to see: roles, duration, subject, redeem window.

The input is untrusted: size-capped before parsing, parsed with defusedxml (DTDs forbidden),
looked up by namespace + local name (Entra uses default namespaces; others use prefixes).
The values are hints for the UI; AWS verifies the signature, not us.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qs
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from tui.core.durations import MAX_SECONDS, MIN_SECONDS
from tui.core.errors import EncryptedAssertionError, IdpStatusError, SamlError
from tui.core.partitions import is_acs_url
from tui.core.roles import Role, pair_from_value
from tui.core.timeutil import parse_instant

MAX_ASSERTION_CHARS = 100_000  # STS's SAMLAssertion limit, in base64 characters
MAX_INPUT_BYTES = 1_000_000  # read no more than this from a file or stdin
REDEEM_WINDOW = timedelta(minutes=5)

SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol"
SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
ROLE_ATTR = "https://aws.amazon.com/SAML/Attributes/Role"
SESSION_NAME_ATTR = "https://aws.amazon.com/SAML/Attributes/RoleSessionName"
DURATION_ATTR = "https://aws.amazon.com/SAML/Attributes/SessionDuration"
_AWS_ATTRS = {ROLE_ATTR, SESSION_NAME_ATTR, DURATION_ATTR}
_SESSION_NAME_RE = re.compile(r"^[\w+=,.@-]{2,64}$")
_SUCCESS = "urn:oasis:names:tc:SAML:2.0:status:Success"
_B64_CHARS = re.compile(rb"^[A-Za-z0-9+/=\s]+$")
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
# Bounded, so no input can make it backtrack for long.
_DECLARED_ENCODING = re.compile(
    r"""\A(\s{0,64}<\?xml\s[^>]{0,200}?)\s{1,64}encoding\s{0,64}=\s{0,64}(["'])[^"'>]{0,64}\2"""
)


@dataclass(frozen=True)
class Assertion:
    """A decoded SAMLResponse. `saml_response` is the bearer token itself: never log it."""

    saml_response: str = field(repr=False)
    roles: tuple[Role, ...]
    session_duration: int | None
    not_on_or_after: datetime | None
    subject: str | None
    role_session_name: str | None
    issuer: str | None
    destination: str | None
    in_response_to: str | None
    issue_instant: datetime | None
    attributes: dict[str, list[str]]
    problems: tuple[str, ...] = ()

    @property
    def redeemable_until(self) -> datetime | None:
        """When STS stops accepting it: SubjectConfirmationData NotOnOrAfter, else issue + 5 min."""
        if self.not_on_or_after:
            return self.not_on_or_after
        if self.issue_instant is None:
            return None
        try:
            return self.issue_instant + REDEEM_WINDOW
        except OverflowError:  # an IssueInstant at the end of the calendar
            return None

    @property
    def display_name(self) -> str | None:
        values = self.attributes.get("http://schemas.microsoft.com/identity/claims/displayname")
        return values[0] if values else None

    def to_json(self) -> dict[str, Any]:
        return {
            "roles": [
                {
                    "role_arn": role.role_arn,
                    "principal_arn": role.principal_arn,
                    "account_id": role.account_id,
                    "role_name": role.name,
                }
                for role in self.roles
            ],
            "session_duration": self.session_duration,
            "not_on_or_after": _iso(self.not_on_or_after),
            "subject": self.subject,
            "role_session_name": self.role_session_name,
            "issuer": self.issuer,
            "destination": self.destination,
            "in_response_to": self.in_response_to,
            "issue_instant": _iso(self.issue_instant),
            "attributes": self.attributes,
            "problems": list(self.problems),
        }


def _iso(moment: datetime | None) -> str | None:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def _clean(text: str | None, limit: int = 300) -> str:
    """IdP text made safe for one line: control characters dropped, length capped."""
    flat = " ".join((text or "").split())
    flat = "".join(ch for ch in flat if ch.isprintable())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _to_xml_and_b64(data: str | bytes) -> tuple[bytes, str]:
    """Accept base64 (line breaks allowed), raw XML, or a form body `SAMLResponse=...`."""
    raw = data.encode("utf-8", "replace") if isinstance(data, str) else data
    if len(raw) > MAX_INPUT_BYTES:
        raise SamlError(
            f"The input is over {MAX_INPUT_BYTES:,} bytes; a SAMLResponse STS accepts is at most "
            f"{MAX_ASSERTION_CHARS:,} characters, so this is not one."
        )
    if raw.startswith(_UTF16_BOMS):
        raw = _from_utf16(raw)
    stripped = raw.lstrip(b"\xef\xbb\xbf").strip()
    if not stripped:
        raise SamlError("The input is empty; pass the SAMLResponse (base64) or its XML.")
    if stripped.startswith(b"SAMLResponse="):
        values = parse_qs(stripped.decode("ascii", "replace")).get("SAMLResponse", [""])
        stripped = values[0].encode("ascii", "replace").strip()
    if stripped.startswith(b"<"):
        encoded = base64.b64encode(stripped).decode("ascii")
        _check_size(len(encoded))
        return stripped, encoded
    if not _B64_CHARS.match(stripped):
        raise SamlError(
            "The input is neither base64 nor XML; pass the SAMLResponse value exactly as captured."
        )
    compact = b"".join(stripped.split())
    _check_size(len(compact))
    try:
        xml = base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError):
        raise SamlError(
            "The input is not valid base64 (truncated or altered?); capture the SAMLResponse again."
        ) from None
    if not (xml.startswith(_UTF16_BOMS) or xml.lstrip(b"\xef\xbb\xbf").lstrip().startswith(b"<")):
        raise SamlError("The base64 input does not decode to XML, so it is not a SAMLResponse.")
    return xml, compact.decode("ascii")


def _from_utf16(raw: bytes) -> bytes:
    """Text saved as UTF-16 (PowerShell 5's `>` and Out-File write that), as UTF-8; an XML
    declaration's encoding goes, or the parser would read the UTF-8 as UTF-16."""
    try:
        text = raw.decode("utf-16")
    except UnicodeDecodeError:
        raise SamlError(
            "The input is UTF-16 text with broken characters; save the SAMLResponse as UTF-8 "
            "and try again."
        ) from None
    return _DECLARED_ENCODING.sub(r"\1", text, count=1).encode("utf-8")


def _check_size(chars: int) -> None:
    if chars > MAX_ASSERTION_CHARS:
        raise SamlError(
            f"The SAMLResponse is {chars:,} base64 characters; STS accepts at most "
            f"{MAX_ASSERTION_CHARS:,}, so ask your Entra admin to send fewer claims (e.g. groups)."
        )


def _parse(xml: bytes) -> Element:
    try:
        return fromstring(xml, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise SamlError(
            "The XML declares a DTD or entities, which a SAMLResponse never does; refusing it."
        ) from None
    except ParseError as exc:
        line = exc.position[0] if getattr(exc, "position", None) else "?"
        raise SamlError(
            f"The SAMLResponse is not well-formed XML (line {line}); capture it again."
        ) from None
    except (ValueError, LookupError):
        raise SamlError(
            "The SAMLResponse XML has an unknown or broken encoding; capture it again."
        ) from None


def _q(ns: str, name: str) -> str:
    return f"{{{ns}}}{name}"


def _text(element: Element | None) -> str | None:
    if element is None or element.text is None:
        return None
    return element.text.strip() or None


def _instant(value: str | None, label: str, problems: list[str]) -> datetime | None:
    if not value:
        return None
    try:
        return parse_instant(value)
    except ValueError:
        problems.append(f"{label} is not a valid timestamp.")
        return None


def _check_status(root: Element) -> None:
    status = root.find(_q(SAMLP, "Status"))
    if status is None:
        return
    code = status.find(_q(SAMLP, "StatusCode"))
    value = code.get("Value", "") if code is not None else ""
    if value == _SUCCESS:
        return
    nested = code.find(_q(SAMLP, "StatusCode")) if code is not None else None
    detail = _clean(_text(status.find(_q(SAMLP, "StatusMessage"))))
    short = (nested.get("Value", "") if nested is not None else value).rsplit(":", 1)[
        -1
    ] or "unknown"
    message = f"The identity provider refused the sign-in ({short})"
    message += f": {detail}" if detail else "; check the app's assignment and setup in Entra."
    raise IdpStatusError(message, status=short, detail=detail or None)


def _attributes(assertion: Element) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for statement in assertion.iter(_q(SAML, "AttributeStatement")):
        for attribute in statement.findall(_q(SAML, "Attribute")):
            name = (attribute.get("Name") or "").strip()
            if not name:
                continue
            values = [
                (value.text or "").strip()
                for value in attribute.findall(_q(SAML, "AttributeValue"))
            ]
            found.setdefault(name, []).extend(values)
    return found


def _roles(values: list[str], problems: list[str]) -> tuple[Role, ...]:
    roles: list[Role] = []
    for value in values:
        role = pair_from_value(value)
        if role is None:
            problems.append(
                f"Ignored a Role value that is not a role ARN and SAML provider ARN pair: {_clean(value, 120)!r}."
            )
        elif role not in roles:
            roles.append(role)
    return tuple(roles)


def _duration(values: list[str], problems: list[str]) -> int | None:
    if not values:
        return None
    try:
        seconds = int(values[0])
    except ValueError:
        problems.append(
            f"SessionDuration {_clean(values[0], 40)!r} is not a number of seconds; ignored."
        )
        return None
    if not MIN_SECONDS <= seconds <= MAX_SECONDS:
        problems.append(
            f"SessionDuration {seconds} is outside {MIN_SECONDS}..{MAX_SECONDS} seconds; "
            "STS may refuse it."
        )
    return seconds


def decode_saml_response(data: str | bytes) -> Assertion:
    """Decode and read a SAMLResponse; raise SamlError (one sentence) when it cannot be used."""
    xml, encoded = _to_xml_and_b64(data)
    root = _parse(xml)
    if root.tag != _q(SAMLP, "Response"):
        local = root.tag.rsplit("}", 1)[-1]
        raise SamlError(
            f"The XML is a <{_clean(local, 40)}>, not a SAML <Response>; capture the SAMLResponse again."
        )
    _check_status(root)
    if root.find(f".//{_q(SAML, 'EncryptedAssertion')}") is not None:
        raise EncryptedAssertionError(
            "The assertion is encrypted, so its roles cannot be read here; set default_role "
            "(a role ARN) and principal_arn for this account in the config to sign in without reading them.",
            encoded,
        )
    assertions = list(root.iter(_q(SAML, "Assertion")))
    if not assertions:
        raise SamlError(
            "The SAMLResponse carries no Assertion; the sign-in did not complete, so try again."
        )
    if len(assertions) > 1 or root.find(_q(SAML, "Assertion")) is None:
        raise SamlError(
            "The SAMLResponse has its Assertion in an unexpected place or more than once "
            "(the shape of a signature-wrapping attack); refusing it."
        )
    assertion = assertions[0]
    problems: list[str] = []
    attributes = _attributes(assertion)
    roles = _roles(attributes.get(ROLE_ATTR, []), problems)
    if ROLE_ATTR not in attributes:
        problems.append("There is no AWS Role attribute: the app sends no roles for this user.")
    session_names = attributes.get(SESSION_NAME_ATTR, [])
    session_name = session_names[0] if session_names else None
    if session_name is not None and not _SESSION_NAME_RE.match(session_name):
        problems.append(
            "RoleSessionName must match [A-Za-z0-9_+=,.@-]{2,64}; STS will refuse this assertion."
        )
    subject = assertion.find(_q(SAML, "Subject"))
    confirmation = (
        subject.find(f"{_q(SAML, 'SubjectConfirmation')}/{_q(SAML, 'SubjectConfirmationData')}")
        if subject is not None
        else None
    )
    destination = root.get("Destination") or (
        confirmation.get("Recipient") if confirmation is not None else None
    )
    if destination and not is_acs_url(destination):
        problems.append(f"Destination {_clean(destination, 120)!r} is not an AWS sign-in URL.")
    issuer = _text(assertion.find(_q(SAML, "Issuer"))) or _text(root.find(_q(SAML, "Issuer")))
    return Assertion(
        saml_response=encoded,
        roles=roles,
        session_duration=_duration(attributes.get(DURATION_ATTR, []), problems),
        not_on_or_after=_instant(
            confirmation.get("NotOnOrAfter") if confirmation is not None else None,
            "NotOnOrAfter",
            problems,
        ),
        subject=_text(subject.find(_q(SAML, "NameID"))) if subject is not None else None,
        role_session_name=session_name,
        issuer=issuer,
        destination=destination,
        in_response_to=root.get("InResponseTo")
        or (confirmation.get("InResponseTo") if confirmation is not None else None),
        issue_instant=_instant(assertion.get("IssueInstant"), "IssueInstant", problems),
        attributes={name: values for name, values in attributes.items() if name not in _AWS_ATTRS},
        problems=tuple(problems),
    )


def require_roles(assertion: Assertion) -> tuple[Role, ...]:
    """The roles, or a SamlError saying why there are none."""
    if assertion.roles:
        return assertion.roles
    raise SamlError(
        "The assertion carries no usable AWS roles; ask your Entra admin to assign you an app "
        "role of the form role-ARN,provider-ARN in the AWS enterprise app."
    )
