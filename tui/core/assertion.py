"""Decode a SAMLResponse into what a person needs to see: roles, duration, subject, redeem window.

The input is untrusted: size-capped before parsing, parsed with defusedxml (DTDs forbidden),
looked up by namespace + local name (Entra uses default namespaces; others use prefixes).
The values are hints for the UI; AWS verifies the signature, not us.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from tui.core.durations import MAX_SECONDS, MIN_SECONDS
from tui.core.errors import (
    AssertionExpiredError,
    EncryptedAssertionError,
    IdpStatusError,
    SamlError,
)
from tui.core.partitions import is_acs_url
from tui.core.roles import Role, has_stray_comma, pair_from_value
from tui.core.saml_input import MAX_ASSERTION_CHARS as MAX_ASSERTION_CHARS  # re-exported
from tui.core.saml_input import MAX_INPUT_BYTES as MAX_INPUT_BYTES
from tui.core.saml_input import to_xml_and_b64
from tui.core.timeutil import parse_instant

REDEEM_WINDOW = timedelta(minutes=5)  # STS refuses an assertion issued longer ago than this

SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol"
SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
ROLE_ATTR = "https://aws.amazon.com/SAML/Attributes/Role"
SESSION_NAME_ATTR = "https://aws.amazon.com/SAML/Attributes/RoleSessionName"
DURATION_ATTR = "https://aws.amazon.com/SAML/Attributes/SessionDuration"
_AWS_ATTRS = {ROLE_ATTR, SESSION_NAME_ATTR, DURATION_ATTR}
# ASCII only: `\w` would also pass `jörg.müller@…`, which STS refuses.
_SESSION_NAME_RE = re.compile(r"^[A-Za-z0-9_+=,.@-]{2,64}\Z")
_SUCCESS = "urn:oasis:names:tc:SAML:2.0:status:Success"
_ROLE_CLAIM_FIX = (
    "in Entra, assign the user or a group to an app role of the AWS application, and check "
    "that the Role claim's source is user.assignedroles"
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
    conditions_not_on_or_after: datetime | None = None

    @property
    def redeemable_until(self) -> datetime | None:
        """When STS stops accepting it: the earliest of IssueInstant + 5 minutes,
        Conditions/@NotOnOrAfter and SubjectConfirmationData/@NotOnOrAfter."""
        ends = [t for t in (self.not_on_or_after, self.conditions_not_on_or_after) if t]
        if self.issue_instant is not None:
            with contextlib.suppress(OverflowError):  # an IssueInstant at the end of time
                ends.append(self.issue_instant + REDEEM_WINDOW)
        return min(ends) if ends else None

    def expired(self, now: datetime) -> bool:
        until = self.redeemable_until
        return until is not None and now >= until

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
            continue
        if has_stray_comma(value):
            problems.append(
                f"The Role value for {role.name} has an empty part (a stray comma); AWS may refuse "
                "it, so fix that app role's value in Entra to role-ARN,provider-ARN."
            )
        if role not in roles:
            roles.append(role)
    return tuple(roles)


def _duration(values: list[str], problems: list[str]) -> int | None:
    if not values:
        return None
    if len(values) > 1:
        shown = ", ".join(_clean(value, 12) for value in values[:4])
        problems.append(
            f"SessionDuration has {len(values)} values ({shown}), so neither is used; make the "
            "Entra claim send one."
        )
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
    xml, encoded = to_xml_and_b64(data)
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
        problems.append(f"There is no AWS Role attribute: {_ROLE_CLAIM_FIX}.")
    session_names = attributes.get(SESSION_NAME_ATTR, [])
    session_name = session_names[0] if session_names else None
    if session_name is None:
        problems.append(
            "There is no RoleSessionName attribute, which STS requires; map it to "
            "user.userprincipalname in the AWS app's claims in Entra."
        )
    elif not _SESSION_NAME_RE.match(session_name):
        problems.append(
            "RoleSessionName must match [A-Za-z0-9_+=,.@-]{2,64} (ASCII only), so STS will refuse "
            "this assertion; map it in Entra to an attribute without accents or spaces."
        )
    conditions = assertion.find(_q(SAML, "Conditions"))
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
        conditions_not_on_or_after=_instant(
            conditions.get("NotOnOrAfter") if conditions is not None else None,
            "Conditions NotOnOrAfter",
            problems,
        ),
    )


def require_roles(assertion: Assertion) -> tuple[Role, ...]:
    """The roles, or a SamlError saying why there are none."""
    if assertion.roles:
        return assertion.roles
    raise SamlError(
        "The assertion carries no usable AWS roles; ask your Entra admin to assign you an app "
        "role of the form role-ARN,provider-ARN in the AWS enterprise app (and to check that "
        "the Role claim's source is user.assignedroles)."
    )


def require_redeemable(assertion: Assertion, now: datetime) -> None:
    """Refuse, before any STS call, an assertion STS would refuse as expired."""
    if not assertion.expired(now):
        return
    until = assertion.redeemable_until
    assert until is not None
    raise AssertionExpiredError(
        f"The assertion expired at {until:%Y-%m-%d %H:%M:%S} UTC (STS redeems one only within "
        "5 minutes of its IssueInstant and before its NotOnOrAfter); sign in again.",
        "ExpiredTokenException",
    )
