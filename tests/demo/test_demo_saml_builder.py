"""Entra-shaped SAMLResponses: shape, signature, and what our own decoder reads from them."""

from __future__ import annotations

import base64
import re
from datetime import UTC, datetime, timedelta

import pytest
from lxml import etree
from signxml import XMLVerifier
from signxml.exceptions import InvalidSignature

from tui.core.assertion import ROLE_ATTR, SAML, SAMLP, decode_saml_response
from tui.core.errors import IdpStatusError
from tui.core.roles import Role
from tui.demo.saml_builder import (
    APP_ROLE_CLAIM,
    DEMO_TENANT_ID,
    GROUPS_CLAIM,
    build_error_response,
    build_saml_response,
    entra_instant,
)
from tui.demo.signing import DS_NS, SigningKey, load_signing_key

ROLES = [
    ("arn:aws:iam::111111111111:role/Admin", "arn:aws:iam::111111111111:saml-provider/Entra"),
    ("arn:aws:iam::222222222222:role/team/Dev", "arn:aws:iam::222222222222:saml-provider/Entra"),
]
WHEN = datetime(2026, 11, 28, 10, 0, 0, 123456, tzinfo=UTC)


def _xml(response: str) -> bytes:
    return base64.b64decode(response, validate=True)


def test_shape_is_entras_prefixes_and_default_namespaces(signing_key: SigningKey):
    xml = _xml(build_saml_response(signing_key, roles=ROLES, issue_instant=WHEN))
    text = xml.decode()
    assert text.startswith("<samlp:Response ")
    assert "<saml:" not in text
    assert "<ds:" not in text
    assert f'<Issuer xmlns="{SAML}">https://sts.windows.net/{DEMO_TENANT_ID}/</Issuer>' in text
    assert f'<Assertion xmlns="{SAML}" ' in text
    assert f'<Signature xmlns="{DS_NS}">' in text
    root = etree.fromstring(xml)
    assert root.tag == f"{{{SAMLP}}}Response"
    assertion = root.find(f"{{{SAML}}}Assertion")
    assert assertion is not None
    children = [child.tag for child in assertion]
    assert children[:3] == [f"{{{SAML}}}Issuer", f"{{{DS_NS}}}Signature", f"{{{SAML}}}Subject"]
    assert root.get("Destination") == "https://signin.aws.amazon.com/saml"


def test_timestamps_have_seven_fractional_digits(signing_key: SigningKey):
    text = _xml(build_saml_response(signing_key, roles=ROLES, issue_instant=WHEN)).decode()
    assert 'IssueInstant="2026-11-28T10:00:00.1234560Z"' in text
    assert 'NotOnOrAfter="2026-11-28T10:05:00.1234560Z"' in text  # SubjectConfirmationData
    assert 'NotOnOrAfter="2026-11-28T11:10:00.1234560Z"' in text  # Conditions: 70 min
    stamps = re.findall(r'(?:Instant|NotBefore|NotOnOrAfter)="([^"]+)"', text)
    assert stamps
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z", s) for s in stamps)
    assert entra_instant(datetime(2026, 1, 2, 3, 4, 5)) == "2026-01-02T03:04:05.0000000Z"


def test_signature_is_rsa_sha256_exclusive_c14n_and_verifies(signing_key: SigningKey):
    xml = _xml(build_saml_response(signing_key, roles=ROLES))
    text = xml.decode()
    assert "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256" in text
    assert "http://www.w3.org/2001/04/xmlenc#sha256" in text
    assert 'CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"' in text
    assert "http://www.w3.org/2000/09/xmldsig#enveloped-signature" in text
    assert f"<X509Certificate>{signing_key.cert_b64}</X509Certificate>" in text
    result = XMLVerifier().verify(xml, x509_cert=signing_key.cert_pem)
    assert result.signed_xml.tag == f"{{{SAML}}}Assertion"


def test_an_altered_assertion_no_longer_verifies(signing_key: SigningKey):
    xml = _xml(build_saml_response(signing_key, roles=ROLES))
    altered = xml.replace(b"role/Admin,", b"role/Admim,", 1)
    assert altered != xml
    with pytest.raises(InvalidSignature):
        XMLVerifier().verify(altered, x509_cert=signing_key.cert_pem)


def test_another_key_does_not_verify(signing_key: SigningKey):
    xml = _xml(build_saml_response(load_signing_key(), roles=ROLES))
    with pytest.raises(InvalidSignature):
        XMLVerifier().verify(xml, x509_cert=signing_key.cert_pem)


def test_our_decoder_reads_roles_duration_subject_and_window(signing_key: SigningKey):
    response = build_saml_response(
        signing_key,
        roles=ROLES,
        subject="bob@contoso.com",
        session_duration=7200,
        issue_instant=WHEN,
        in_response_to="id-1234",
    )
    assertion = decode_saml_response(response)
    assert assertion.roles == tuple(Role(role, provider) for role, provider in ROLES)
    assert assertion.session_duration == 7200
    assert assertion.subject == "bob@contoso.com"
    assert assertion.role_session_name == "bob@contoso.com"
    assert assertion.not_on_or_after == WHEN.replace(microsecond=123456) + timedelta(minutes=5)
    assert assertion.issue_instant == WHEN
    assert assertion.in_response_to == "id-1234"
    assert assertion.issuer == f"https://sts.windows.net/{DEMO_TENANT_ID}/"
    assert assertion.display_name == "Alice Example"
    assert assertion.problems == ()
    assert assertion.saml_response == response


def test_provider_first_values_decode_to_the_same_roles(signing_key: SigningKey):
    response = build_saml_response(signing_key, roles=ROLES, provider_first=True)
    text = _xml(response).decode()
    assert f"<AttributeValue>{ROLES[0][1]},{ROLES[0][0]}</AttributeValue>" in text
    assert decode_saml_response(response).roles == tuple(Role(*pair) for pair in ROLES)


def test_optional_attributes_can_be_left_out(signing_key: SigningKey):
    response = build_saml_response(signing_key, roles=ROLES[:1], role_session_name=None)
    text = _xml(response).decode()
    assert "RoleSessionName" not in text
    assert "SessionDuration" not in text
    assertion = decode_saml_response(response)
    assert assertion.role_session_name is None
    assert assertion.session_duration is None


def test_entra_default_claims_groups_and_extra_attributes(signing_key: SigningKey):
    response = build_saml_response(
        signing_key,
        roles=ROLES,
        groups=3,
        extra_attributes={"https://lakeformation.amazon.com/SAML/Attributes/Username": ["alice"]},
        role_session_name="custom-name",
    )
    attributes = decode_saml_response(response).attributes
    ms = "http://schemas.microsoft.com/identity/claims/"
    assert attributes[f"{ms}tenantid"] == [DEMO_TENANT_ID]
    assert attributes[f"{ms}identityprovider"] == [f"https://sts.windows.net/{DEMO_TENANT_ID}/"]
    assert len(attributes[f"{ms}objectidentifier"][0]) == 36
    assert len(attributes["http://schemas.microsoft.com/claims/authnmethodsreferences"]) == 2
    ws = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/"
    assert attributes[f"{ws}name"] == ["alice@contoso.com"]
    assert attributes[f"{ws}givenname"] == ["Alice"]
    assert attributes[f"{ws}surname"] == ["Example"]
    assert attributes[APP_ROLE_CLAIM] == [f"{r},{p}" for r, p in ROLES]
    assert len(set(attributes[GROUPS_CLAIM])) == 3
    assert attributes["https://lakeformation.amazon.com/SAML/Attributes/Username"] == ["alice"]
    assert ROLE_ATTR not in attributes  # the decoder keeps AWS attributes apart
    assert decode_saml_response(response).role_session_name == "custom-name"


def test_destination_audience_and_lifetimes_are_settable(signing_key: SigningKey):
    response = build_saml_response(
        signing_key,
        roles=ROLES,
        destination="https://eu-west-1.signin.aws.amazon.com/saml",
        audience="urn:amazon:webservices",
        issue_instant=WHEN,
        confirmation_lifetime=timedelta(minutes=1),
        conditions_lifetime=timedelta(minutes=10),
    )
    root = etree.fromstring(_xml(response))
    data = root.find(f".//{{{SAML}}}SubjectConfirmationData")
    assert data is not None
    assert data.get("Recipient") == "https://eu-west-1.signin.aws.amazon.com/saml"
    assert root.findtext(f".//{{{SAML}}}Audience") == "urn:amazon:webservices"
    conditions = root.find(f".//{{{SAML}}}Conditions")
    assert conditions is not None
    assert conditions.get("NotOnOrAfter") == entra_instant(WHEN + timedelta(minutes=10))
    assert decode_saml_response(response).not_on_or_after == WHEN + timedelta(minutes=1)


def test_error_response_is_unsigned_and_decodes_as_an_idp_refusal():
    response = build_error_response(
        message="AADSTS50105: Your administrator has configured the application to block users.",
        sub_status="urn:oasis:names:tc:SAML:2.0:status:RequestDenied",
        in_response_to="id-9",
    )
    text = _xml(response).decode()
    assert "Signature" not in text
    assert "<Assertion" not in text
    assert 'InResponseTo="id-9"' in text
    with pytest.raises(IdpStatusError) as caught:
        decode_saml_response(response)
    assert caught.value.status == "RequestDenied"
    assert caught.value.detail is not None
    assert caught.value.detail.startswith("AADSTS50105: Your administrator")
    assert "Trace ID:" in caught.value.detail


def test_error_response_without_sub_status_reports_the_top_status():
    with pytest.raises(IdpStatusError) as caught:
        decode_saml_response(build_error_response(message="AADSTS750054: SAMLRequest missing."))
    assert caught.value.status == "Requester"
