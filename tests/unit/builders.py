"""Builders for realistic inputs: Entra-shaped SAMLResponses and synthetic sessions."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta
from xml.sax.saxutils import escape, quoteattr

from tui.core.config import Account
from tui.core.sessions import Session

# ---------------------------------------------------------------------------------------------
# Sessions


# The account `prod` as a loaded config holds it (builders.CONFIG is the same one as TOML).
ACCOUNT = Account(
    name="prod",
    tenant_id="contoso.com",
    app_id_uri="https://signin.aws.amazon.com/saml#1",
    region="eu-west-1",
    aliases={"123456789012": "prod-main"},
)

# One account, `prod`, with an alias for its AWS account: what the CLI tests sign in to.
CONFIG = """
[[accounts]]
name = "prod"
tenant_id = "00000000-0000-0000-0000-000000000000"
app_id_uri = "https://signin.aws.amazon.com/saml#1"
region = "eu-west-1"

[accounts.aliases]
"123456789012" = "prod-main"
"""


def session(**overrides: object) -> Session:
    values: dict[str, object] = {
        "account": "prod",
        "role_arn": "arn:aws:iam::123456789012:role/Admin",
        "principal_arn": "arn:aws:iam::123456789012:saml-provider/Entra",
        "profile": "prod",
        "region": "eu-west-1",
        "access_key_id": "ASIAEXAMPLEKEY0000001",
        "secret_access_key": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY01",
        "session_token": "FwoGZXIvYXdzEXAMPLETOKEN/+long+token+value+0123456789abcdefTOKEN==",
        "expiration": datetime.now(UTC).replace(microsecond=0) + timedelta(hours=1),
        "assumed_role_arn": "arn:aws:sts::123456789012:assumed-role/Admin/alice@contoso.com",
        "issued_at": datetime.now(UTC).replace(microsecond=0),
        "subject": "alice@contoso.com",
        "duration": 3600,
    }
    values.update(overrides)
    return Session(**values)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------
# SAML responses shaped like Entra's (research §1.1): samlp: on the protocol elements, a default
# namespace on the Assertion and its children.

SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol"
SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
ROLE = "https://aws.amazon.com/SAML/Attributes/Role"
SESSION_NAME = "https://aws.amazon.com/SAML/Attributes/RoleSessionName"
DURATION = "https://aws.amazon.com/SAML/Attributes/SessionDuration"
ADMIN = "arn:aws:iam::123456789012:role/Admin"
READONLY = "arn:aws:iam::123456789012:role/ReadOnly"
DEV_ADMIN = "arn:aws:iam::210987654321:role/Admin"
PROVIDER = "arn:aws:iam::123456789012:saml-provider/Entra"
DEV_PROVIDER = "arn:aws:iam::210987654321:saml-provider/Entra"
TENANT = "00000000-0000-0000-0000-000000000000"
DISPLAY_NAME = "http://schemas.microsoft.com/identity/claims/displayname"


def _attribute(name: str, values: list[str], prefix: str) -> str:
    inner = "".join(
        f"<{prefix}AttributeValue>{escape(value)}</{prefix}AttributeValue>" for value in values
    )
    return f"<{prefix}Attribute Name={quoteattr(name)}>{inner}</{prefix}Attribute>"


def saml_xml(
    *,
    roles: list[str] | None = None,
    attributes: dict[str, list[str]] | None = None,
    session_duration: str | None = None,
    session_name: str | None = "alice@contoso.com",
    name_id: str = "alice@contoso.com",
    issue_instant: str = "2026-01-01T10:00:00.1234567Z",
    not_on_or_after: str = "2026-01-01T10:05:00.1234567Z",
    destination: str = "https://signin.aws.amazon.com/saml",
    in_response_to: str | None = "id0123456789abcdef",
    status: str = "urn:oasis:names:tc:SAML:2.0:status:Success",
    sub_status: str | None = None,
    status_message: str | None = None,
    style: str = "entra",
    include_role_attribute: bool = True,
    assertion_override: str | None = None,
    extra_before_assertion: str = "",
) -> str:
    """A SAMLResponse document. `style`: "entra" (default namespaces), "saml2" or "saml" prefixes."""
    if roles is None:
        roles = [f"{ADMIN},{PROVIDER}", f"{READONLY},{PROVIDER}"]
    if style == "entra":
        p, ns_decl = "", f' xmlns="{SAML}"'
        top_ns = ""
    else:
        p, ns_decl = f"{style}:", ""
        top_ns = f' xmlns:{style}="{SAML}"'
    attrs: dict[str, list[str]] = {}
    if include_role_attribute:
        attrs[ROLE] = roles
    if session_name is not None:
        attrs[SESSION_NAME] = [session_name]
    if session_duration is not None:
        attrs[DURATION] = [session_duration]
    attrs.update(
        attributes
        if attributes is not None
        else {
            "http://schemas.microsoft.com/identity/claims/tenantid": [TENANT],
            DISPLAY_NAME: ["Alice Example"],
            "http://schemas.microsoft.com/claims/authnmethodsreferences": [
                "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport",
                "http://schemas.microsoft.com/claims/multipleauthn",
            ],
        }
    )
    statement = "".join(_attribute(name, values, p) for name, values in attrs.items())
    irt = f' InResponseTo="{in_response_to}"' if in_response_to else ""
    sub = f'<samlp:StatusCode Value="{sub_status}"/>' if sub_status else ""
    message = (
        f"<samlp:StatusMessage>{escape(status_message)}</samlp:StatusMessage>"
        if status_message
        else ""
    )
    assertion = assertion_override
    if assertion is None:
        assertion = (
            f'<{p}Assertion{ns_decl} ID="_5f42" IssueInstant="{issue_instant}" Version="2.0">'
            f"<{p}Issuer>\n  https://sts.windows.net/{TENANT}/\n</{p}Issuer>"
            f"<{p}Subject>"
            f'<{p}NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">{escape(name_id)}</{p}NameID>'
            f'<{p}SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">'
            f'<{p}SubjectConfirmationData{irt} NotOnOrAfter="{not_on_or_after}"'
            f' Recipient="https://signin.aws.amazon.com/saml"/>'
            f"</{p}SubjectConfirmation></{p}Subject>"
            f'<{p}Conditions NotBefore="{issue_instant}" NotOnOrAfter="{not_on_or_after}">'
            f"<{p}AudienceRestriction><{p}Audience>https://signin.aws.amazon.com/saml</{p}Audience>"
            f"</{p}AudienceRestriction></{p}Conditions>"
            f"<{p}AttributeStatement>{statement}</{p}AttributeStatement>"
            f'<{p}AuthnStatement AuthnInstant="{issue_instant}" SessionIndex="_5f42">'
            f"<{p}AuthnContext><{p}AuthnContextClassRef>"
            "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"
            f"</{p}AuthnContextClassRef></{p}AuthnContext></{p}AuthnStatement>"
            f"</{p}Assertion>"
        )
    return (
        f'<samlp:Response xmlns:samlp="{SAMLP}"{top_ns} ID="_a80f" Version="2.0"'
        f' IssueInstant="{issue_instant}" Destination="{destination}"{irt}>'
        f'<Issuer xmlns="{SAML}">https://sts.windows.net/{TENANT}/</Issuer>'
        f'<samlp:Status><samlp:StatusCode Value="{status}">{sub}</samlp:StatusCode>{message}</samlp:Status>'
        f"{extra_before_assertion}{assertion}"
        "</samlp:Response>"
    )


def b64(xml: str | bytes) -> str:
    data = xml.encode("utf-8") if isinstance(xml, str) else xml
    return base64.b64encode(data).decode("ascii")
