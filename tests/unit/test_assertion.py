"""assertion.py: what a person sees of a captured SAMLResponse, and what hostile input gets."""

from __future__ import annotations

import base64
import json
import re
import time
from datetime import UTC, datetime, timedelta, timezone
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tui.core import assertion as assertion_module
from tui.core import saml_input
from tui.core.assertion import (
    MAX_ASSERTION_CHARS,
    Assertion,
    decode_saml_response,
    require_roles,
)
from tui.core.errors import EncryptedAssertionError, IdpStatusError, SamlError
from tui.core.roles import Role

from .builders import (
    ADMIN,
    DEV_ADMIN,
    DEV_PROVIDER,
    DISPLAY_NAME,
    PROVIDER,
    READONLY,
    SAML,
    SAMLP,
    TENANT,
    b64,
    saml_xml,
)

ISSUER = f"https://sts.windows.net/{TENANT}/"


def decode(**kwargs: object) -> Assertion:
    return decode_saml_response(b64(saml_xml(**kwargs)))


def refused(data: str | bytes) -> str:
    with pytest.raises(SamlError) as caught:
        decode_saml_response(data)
    message = str(caught.value)
    assert "\n" not in message
    assert "Traceback" not in message
    return message


# --- the Entra shape --------------------------------------------------------------------------


def test_entra_shaped_response_decodes_into_what_a_person_needs():
    encoded = b64(saml_xml(session_duration="28800"))
    result = decode_saml_response(encoded)

    assert result.roles == (Role(ADMIN, PROVIDER), Role(READONLY, PROVIDER))
    assert result.session_duration == 28800
    assert result.subject == "alice@contoso.com"
    assert result.role_session_name == "alice@contoso.com"
    assert result.issuer == ISSUER  # the pretty-printed Issuer is trimmed
    assert result.destination == "https://signin.aws.amazon.com/saml"
    assert result.in_response_to == "id0123456789abcdef"
    assert result.issue_instant == datetime(2026, 1, 1, 10, 0, 0, 123456, tzinfo=UTC)
    assert result.not_on_or_after == datetime(2026, 1, 1, 10, 5, 0, 123456, tzinfo=UTC)
    assert result.redeemable_until == result.not_on_or_after
    assert result.display_name == "Alice Example"
    assert result.problems == ()
    assert result.saml_response == encoded  # what STS gets: exactly what was captured


def test_every_other_attribute_is_kept_and_the_aws_ones_are_not_repeated():
    result = decode()
    assert result.attributes == {
        "http://schemas.microsoft.com/identity/claims/tenantid": [TENANT],
        DISPLAY_NAME: ["Alice Example"],
        "http://schemas.microsoft.com/claims/authnmethodsreferences": [
            "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport",
            "http://schemas.microsoft.com/claims/multipleauthn",
        ],
    }
    assert not any(name.startswith("https://aws.amazon.com/SAML/") for name in result.attributes)


def test_custom_attributes_and_the_duplicate_app_roles_claim_are_kept():
    attributes = {
        "https://lakeformation.amazon.com/SAML/Attributes/Username": ["alice"],
        "http://schemas.microsoft.com/ws/2008/06/identity/claims/role": [f"{ADMIN},{PROVIDER}"],
        "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups": [
            f"g{i}" for i in range(5)
        ],
    }
    result = decode(attributes=attributes)
    assert result.attributes == attributes
    assert result.roles == (Role(ADMIN, PROVIDER), Role(READONLY, PROVIDER))


@pytest.mark.parametrize("style", ["saml2", "saml"])
def test_prefixed_adfs_like_responses_decode_the_same(style):
    entra = decode()
    prefixed = decode(style=style)
    assert f"<{style}:Assertion" in saml_xml(style=style)
    for name in (
        "roles",
        "subject",
        "role_session_name",
        "issuer",
        "destination",
        "not_on_or_after",
        "issue_instant",
        "attributes",
        "problems",
    ):
        assert getattr(prefixed, name) == getattr(entra, name), name


def test_mixed_prefixes_in_one_statement():
    """ADFS-like: a `saml2:`-prefixed SessionDuration mixed into an unprefixed statement."""
    xml = saml_xml().replace(
        "<AttributeStatement>",
        f'<AttributeStatement><saml2:Attribute xmlns:saml2="{SAML}" '
        'Name="https://aws.amazon.com/SAML/Attributes/SessionDuration">'
        "<saml2:AttributeValue>7200</saml2:AttributeValue></saml2:Attribute>",
    )
    assert decode_saml_response(b64(xml)).session_duration == 7200


# --- roles -----------------------------------------------------------------------------------


def test_roles_in_either_order_trimmed_deduplicated_with_a_trailing_comma():
    values = [
        f"{ADMIN},{PROVIDER}",
        f"{PROVIDER},{READONLY}",  # provider first
        f"  {DEV_ADMIN} ,  {DEV_PROVIDER}  ",  # whitespace
        f"{ADMIN},{PROVIDER},",  # trailing comma, and a duplicate of the first
        f"{PROVIDER},{ADMIN}",  # the same pair again, other order
        f"\n  {READONLY},\n  {PROVIDER}\n",  # line breaks from pretty-printing
    ]
    result = decode(roles=values)
    assert result.roles == (
        Role(ADMIN, PROVIDER),
        Role(READONLY, PROVIDER),
        Role(DEV_ADMIN, DEV_PROVIDER),
    )
    # the stray comma is read past, but flagged (issue 14: flag, don't guess)
    assert len(result.problems) == 1 and "stray comma" in result.problems[0]


def test_partitions_and_role_paths():
    gov_role = "arn:aws-us-gov:iam::111122223333:role/ops/team-a/Deploy"
    gov_provider = "arn:aws-us-gov:iam::111122223333:saml-provider/EntraGov"
    cn_role = "arn:aws-cn:iam::444455556666:role/ReadOnly"
    cn_provider = "arn:aws-cn:iam::444455556666:saml-provider/Entra.CN"
    result = decode(roles=[f"{gov_role},{gov_provider}", f"{cn_provider},{cn_role}"])
    gov, cn = result.roles
    assert (gov.partition, gov.account_id, gov.name) == ("aws-us-gov", "111122223333", "Deploy")
    assert (cn.partition, cn.account_id, cn.name) == ("aws-cn", "444455556666", "ReadOnly")
    assert gov.principal_arn == gov_provider
    assert result.to_json()["roles"][0] == {
        "role_arn": gov_role,
        "principal_arn": gov_provider,
        "account_id": "111122223333",
        "role_name": "Deploy",
    }


@pytest.mark.parametrize(
    "bad",
    [
        ADMIN,  # no provider
        f"{ADMIN},{READONLY}",  # two roles
        f"{PROVIDER},{DEV_PROVIDER}",  # two providers
        f"{ADMIN},{PROVIDER},{DEV_ADMIN}",  # three parts
        "arn:aws:iam::12345:role/Admin,arn:aws:iam::12345:saml-provider/Entra",  # short account
        "arn:aws-mars:iam::123456789012:role/Admin," + PROVIDER,  # unknown partition
        "Admin",
        "",
    ],
)
def test_malformed_role_values_are_dropped_with_a_note(bad):
    result = decode(roles=[bad, f"{READONLY},{PROVIDER}"])
    assert result.roles == (Role(READONLY, PROVIDER),)
    assert len(result.problems) == 1
    assert "Ignored a Role value" in result.problems[0]


def test_no_role_attribute():
    result = decode(include_role_attribute=False)
    assert result.roles == ()
    assert any("no AWS Role attribute" in problem for problem in result.problems)
    with pytest.raises(SamlError) as caught:
        require_roles(result)
    assert "no usable AWS roles" in str(caught.value)
    assert "Entra admin" in str(caught.value)


def test_require_roles_when_every_value_is_malformed():
    result = decode(roles=["garbage", "more garbage"])
    assert result.roles == ()
    assert len(result.problems) == 2
    with pytest.raises(SamlError):
        require_roles(result)
    assert require_roles(decode()) == (Role(ADMIN, PROVIDER), Role(READONLY, PROVIDER))


# --- other claims ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected", "problem"),
    [
        ("3600", 3600, None),
        (" 43200 ", 43200, None),
        ("900", 900, None),
        ("60", 60, "outside 900..43200"),
        ("86400", 86400, "outside 900..43200"),
        ("one hour", None, "is not a number of seconds"),
    ],
)
def test_session_duration(value, expected, problem):
    result = decode(session_duration=value)
    assert result.session_duration == expected
    if problem:
        assert any(problem in p for p in result.problems)
    else:
        assert result.problems == ()


def test_no_session_duration_is_normal():
    result = decode()
    assert result.session_duration is None
    assert result.problems == ()


@pytest.mark.parametrize("name", ["a", "alice smith", "x" * 65, "alice/contoso"])
def test_invalid_role_session_name_is_a_problem_sts_would_refuse(name):
    result = decode(session_name=name)
    assert result.role_session_name == name
    assert any("RoleSessionName must match" in p for p in result.problems)


def test_non_aws_destination_is_a_problem():
    result = decode(destination="https://evil.example.com/saml")
    assert result.destination == "https://evil.example.com/saml"
    assert any("is not an AWS sign-in URL" in p for p in result.problems)


@pytest.mark.parametrize(
    "destination",
    [
        "https://eu-west-1.signin.aws.amazon.com/saml",
        "https://signin.amazonaws-us-gov.com/saml",
        "https://signin.amazonaws.cn/saml",
        "https://us-east-2.signin.aws.amazon.com/saml/acs/SAMLSP4SHN3UIS2D558H46",
        "https://signin.aws.amazon.com.mcas.ms/saml",
    ],
)
def test_aws_destinations_are_fine(destination):
    assert decode(destination=destination).problems == ()


def test_destination_falls_back_to_the_recipient():
    xml = saml_xml().replace(' Destination="https://signin.aws.amazon.com/saml"', "")
    assert decode_saml_response(b64(xml)).destination == "https://signin.aws.amazon.com/saml"


def test_issuer_falls_back_to_the_response_issuer():
    xml = re.sub(r"<Issuer>\s*https://sts\.windows\.net/[^<]*</Issuer>", "", saml_xml())
    assert "<Issuer>" not in xml
    assert decode_saml_response(b64(xml)).issuer == ISSUER


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-01-01T10:05:00Z", datetime(2026, 1, 1, 10, 5, tzinfo=UTC)),
        ("2026-01-01T10:05:00.144Z", datetime(2026, 1, 1, 10, 5, 0, 144000, tzinfo=UTC)),
        ("2026-01-01T10:05:00.123456Z", datetime(2026, 1, 1, 10, 5, 0, 123456, tzinfo=UTC)),
        ("2026-01-01T10:05:00.1839884Z", datetime(2026, 1, 1, 10, 5, 0, 183988, tzinfo=UTC)),
        ("2026-01-01T12:05:00+02:00", datetime(2026, 1, 1, 10, 5, tzinfo=UTC)),
        ("2026-01-01T04:35:00.5-0530", datetime(2026, 1, 1, 10, 5, 0, 500000, tzinfo=UTC)),
        ("2026-01-01T10:05:00", datetime(2026, 1, 1, 10, 5, tzinfo=UTC)),  # naive = UTC
    ],
)
def test_timestamps_with_0_3_6_7_fractional_digits_and_offsets(text, expected):
    result = decode(issue_instant=text, not_on_or_after=text)
    assert result.not_on_or_after == expected
    assert result.issue_instant == expected
    assert result.not_on_or_after.utcoffset() == timedelta(0)
    assert result.problems == ()


def test_invalid_timestamps_are_problems_not_failures():
    result = decode(issue_instant="yesterday", not_on_or_after="2026-13-45T99:00:00Z")
    assert result.issue_instant is None
    assert result.not_on_or_after is None
    assert result.redeemable_until is None
    assert any("NotOnOrAfter is not a valid timestamp" in p for p in result.problems)
    assert any("IssueInstant is not a valid timestamp" in p for p in result.problems)


def test_redeemable_until_falls_back_to_issue_instant_plus_five_minutes():
    xml = re.sub(r' NotOnOrAfter="[^"]*"(?= Recipient)', "", saml_xml())
    result = decode_saml_response(b64(xml))
    assert result.not_on_or_after is None
    assert result.redeemable_until == datetime(2026, 1, 1, 10, 5, 0, 123456, tzinfo=UTC)


# --- input forms -----------------------------------------------------------------------------


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_base64_with_line_breaks(newline):
    encoded = b64(saml_xml())
    wrapped = newline.join(encoded[i : i + 76] for i in range(0, len(encoded), 76)) + newline
    result = decode_saml_response(wrapped)
    assert result.roles == decode().roles
    assert result.saml_response == encoded  # sent to STS without the line breaks


def test_bytes_and_text_input_agree():
    encoded = b64(saml_xml())
    assert decode_saml_response(encoded.encode()).roles == decode_saml_response(encoded).roles


def _encoded_with_plus() -> str:
    for index in range(500):
        encoded = b64(saml_xml(name_id=f"user{index}@contoso.com"))
        if "+" in encoded:
            return encoded
    raise AssertionError("no base64 with a + found")


def test_form_body_with_percent_encoded_plus():
    encoded = _encoded_with_plus()
    body = f"SAMLResponse={quote(encoded, safe='')}&RelayState=https%3A%2F%2Fx"
    assert "%2B" in body
    result = decode_saml_response(body)
    assert result.saml_response == encoded  # %2B became + again, not a space
    assert result.roles == decode().roles


def test_raw_xml_with_bom_and_non_ascii_display_name():
    name = "Müller, Jürgen (山田 太郎)"
    xml = saml_xml(attributes={DISPLAY_NAME: [name]})
    data = b"\xef\xbb\xbf" + b'<?xml version="1.0" encoding="UTF-8"?>\n' + xml.encode("utf-8")
    result = decode_saml_response(data)
    assert result.display_name == name
    assert result.roles == decode().roles
    # The base64 kept for STS decodes to the XML that was given.
    assert "山田".encode() in base64.b64decode(result.saml_response)


def test_base64_of_xml_with_bom_and_non_ascii_text():
    name = "Zoë Ångström"
    data = b"\xef\xbb\xbf" + saml_xml(attributes={DISPLAY_NAME: [name]}).encode("utf-8")
    assert decode_saml_response(b64(data)).display_name == name


def test_raw_xml_input_is_reencoded_for_sts():
    xml = saml_xml()
    result = decode_saml_response(xml)
    assert base64.b64decode(result.saml_response).decode("utf-8") == xml


# --- refusals ---------------------------------------------------------------------------------

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol">&lol9;</samlp:Response>
"""

XXE = """<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"
  Destination="&xxe;"/>
"""


@pytest.mark.parametrize("as_base64", [False, True])
@pytest.mark.parametrize(
    "document",
    [
        BILLION_LAUGHS,
        XXE,
        '<!DOCTYPE Response SYSTEM "http://127.0.0.1:9/evil.dtd">' + saml_xml(),
        "<!DOCTYPE Response>" + saml_xml(),
    ],
    ids=["billion-laughs", "external-entity", "external-dtd", "bare-dtd"],
)
def test_dtds_and_entities_are_refused_quickly(document, as_base64):
    start = time.perf_counter()
    message = refused(b64(document) if as_base64 else document)
    assert time.perf_counter() - start < 1.0
    assert "DTD" in message
    assert "root:" not in message


def _must_not_parse(*args: object, **kwargs: object) -> None:
    raise AssertionError("oversize input reached the XML parser")


def test_oversize_base64_is_refused_before_decoding_or_parsing(monkeypatch):
    monkeypatch.setattr(assertion_module, "fromstring", _must_not_parse)
    monkeypatch.setattr(saml_input.base64, "b64decode", _must_not_parse)
    data = "PHNhbWxwOlJlc3BvbnNl" + "A" * (MAX_ASSERTION_CHARS + 4)
    start = time.perf_counter()
    message = refused(data)
    assert time.perf_counter() - start < 0.5
    assert "100,000" in message


def test_oversize_raw_xml_is_refused_before_parsing(monkeypatch):
    monkeypatch.setattr(assertion_module, "fromstring", _must_not_parse)
    padding = "<!-- " + "x" * 80_000 + " -->"
    message = refused(saml_xml(extra_before_assertion=padding))
    assert "100,000" in message


def test_exactly_at_the_limit_is_accepted():
    """A response whose base64 is just under STS's limit still decodes."""
    xml = saml_xml()
    room = MAX_ASSERTION_CHARS * 3 // 4 - len(xml.encode()) - 12
    padded = saml_xml(extra_before_assertion="<!--" + "x" * room + "-->")
    encoded = b64(padded)
    assert MAX_ASSERTION_CHARS - 8 <= len(encoded) <= MAX_ASSERTION_CHARS
    assert decode_saml_response(encoded).roles == decode().roles


def test_huge_input_is_refused_without_reading_it_all(monkeypatch):
    monkeypatch.setattr(assertion_module, "fromstring", _must_not_parse)
    start = time.perf_counter()
    message = refused(b"A" * 5_000_000)
    assert time.perf_counter() - start < 0.5
    assert "1,000,000 bytes" in message


def test_truncated_xml():
    xml = saml_xml()
    assert "not well-formed XML" in refused(xml[: len(xml) // 2])
    assert "not well-formed XML" in refused(b64(xml[: len(xml) // 2]))


def test_truncated_base64():
    encoded = b64(saml_xml())
    refused(encoded[:-3])  # broken padding or truncated XML: either way a SamlError


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        ("this is not a SAMLResponse!", "neither base64 nor XML"),
        ("%%%%", "neither base64 nor XML"),
        ("QUJD=A", "not valid base64"),
        (b64("just some text, not XML"), "does not decode to XML"),
        (b64(b"\x00\x01\x02binary"), "does not decode to XML"),
        ("", "empty"),
        ("   \n\t ", "empty"),
        ("\ufeff", "empty"),
        ("SAMLResponse=", "SAMLResponse field is empty"),
    ],
)
def test_not_a_saml_response(data, fragment):
    assert fragment in refused(data)


def test_other_xml_root():
    message = refused(b64(f'<samlp:AuthnRequest xmlns:samlp="{SAMLP}" ID="id1"/>'))
    assert "<AuthnRequest>" in message and "not a SAML <Response>" in message


def test_non_saml_response_element_in_another_namespace():
    assert "not a SAML <Response>" in refused(b64('<Response xmlns="urn:other"/>'))


def test_encrypted_assertion_keeps_the_response_but_never_shows_it():
    encrypted = (
        f'<EncryptedAssertion xmlns="{SAML}"><xenc:EncryptedData '
        'xmlns:xenc="http://www.w3.org/2001/04/xmlenc#">'
        "<xenc:CipherData><xenc:CipherValue>AAAA</xenc:CipherValue></xenc:CipherData>"
        "</xenc:EncryptedData></EncryptedAssertion>"
    )
    encoded = b64(saml_xml(assertion_override=encrypted))
    with pytest.raises(EncryptedAssertionError) as caught:
        decode_saml_response(encoded)
    error = caught.value
    assert error.saml_response == encoded
    assert encoded not in str(error)
    assert encoded[:40] not in str(error) and encoded[-40:] not in str(error)
    assert encoded not in repr(error)
    assert "encrypted" in str(error)
    assert "default_role" in str(error) and "principal_arn" in str(error)


def test_idp_error_status_with_aadsts_message():
    message = (
        "AADSTS50105: Your administrator has configured the application AWS ('x') to block users "
        "unless they are specifically granted ('assigned') access to the application.\r\n"
        "Trace ID: 0000 Correlation ID: 1111 Timestamp: 2026-01-01 10:00:00Z"
    )
    encoded = b64(
        saml_xml(
            status="urn:oasis:names:tc:SAML:2.0:status:Requester",
            sub_status="urn:oasis:names:tc:SAML:2.0:status:RequestDenied",
            status_message=message,
            assertion_override="",
        )
    )
    with pytest.raises(IdpStatusError) as caught:
        decode_saml_response(encoded)
    error = caught.value
    assert "AADSTS50105" in str(error)
    assert "RequestDenied" in str(error)
    assert error.status == "RequestDenied"
    assert error.detail and error.detail.startswith("AADSTS50105")
    assert "\n" not in str(error) and "\r" not in str(error)


def test_idp_error_status_without_message_says_where_to_look():
    encoded = b64(
        saml_xml(status="urn:oasis:names:tc:SAML:2.0:status:Responder", assertion_override="")
    )
    with pytest.raises(IdpStatusError) as caught:
        decode_saml_response(encoded)
    assert "(Responder)" in str(caught.value)
    assert "assignment" in str(caught.value)
    assert caught.value.detail is None


def test_no_assertion_at_all():
    assert "carries no Assertion" in refused(b64(saml_xml(assertion_override="")))


def test_two_assertions_are_refused():
    xml = saml_xml()
    start = xml.index("<Assertion ")
    end = xml.index("</Assertion>") + len("</Assertion>")
    twice = xml[:end] + xml[start:end] + xml[end:]
    assert "signature-wrapping" in refused(b64(twice))


def test_an_assertion_nested_inside_another_element_is_refused():
    xml = saml_xml()
    start = xml.index("<Assertion ")
    end = xml.index("</Assertion>") + len("</Assertion>")
    nested = (
        xml[:start]
        + f"<samlp:Extensions>{xml[start:end].replace('<Assertion ', '<Assertion ', 1)}</samlp:Extensions>"
        + xml[end:]
    )
    assert "signature-wrapping" in refused(b64(nested))


def test_an_evil_assertion_wrapped_in_the_legit_one_is_refused():
    xml = saml_xml()
    evil = saml_xml(roles=[f"{DEV_ADMIN},{DEV_PROVIDER}"])
    start = evil.index("<Assertion ")
    end = evil.index("</Assertion>") + len("</Assertion>")
    wrapped = xml.replace("<AttributeStatement>", evil[start:end] + "<AttributeStatement>", 1)
    assert "signature-wrapping" in refused(b64(wrapped))


# --- JSON --------------------------------------------------------------------------------------

DESIGN_KEYS = {
    "roles",
    "session_duration",
    "not_on_or_after",
    "subject",
    "role_session_name",
    "issuer",
    "destination",
    "attributes",
}


def test_to_json_has_the_design_keys():
    data = decode(session_duration="3600").to_json()
    assert set(data) >= DESIGN_KEYS
    json.dumps(data)  # serialisable as is
    assert data["session_duration"] == 3600
    assert data["not_on_or_after"] == "2026-01-01T10:05:00Z"
    assert data["subject"] == "alice@contoso.com"
    assert data["role_session_name"] == "alice@contoso.com"
    assert data["issuer"] == ISSUER
    assert data["destination"] == "https://signin.aws.amazon.com/saml"
    assert data["attributes"][DISPLAY_NAME] == ["Alice Example"]
    assert data["roles"] == [
        {
            "role_arn": ADMIN,
            "principal_arn": PROVIDER,
            "account_id": "123456789012",
            "role_name": "Admin",
        },
        {
            "role_arn": READONLY,
            "principal_arn": PROVIDER,
            "account_id": "123456789012",
            "role_name": "ReadOnly",
        },
    ]
    # The bearer token itself is never part of what `decode` shows.
    assert decode().saml_response not in json.dumps(data)


def test_to_json_nulls_for_absent_values():
    xml = re.sub(r"<Subject>.*</Subject>", "", saml_xml(session_name=None))
    data = decode_saml_response(b64(xml)).to_json()
    assert data["session_duration"] is None
    assert data["not_on_or_after"] is None
    assert data["subject"] is None
    assert data["role_session_name"] is None


def test_repr_never_shows_the_bearer_token():
    result = decode()
    assert result.saml_response not in repr(result)


# --- property: anything in, an Assertion or a SamlError out -----------------------------------

_TIMESTAMP = st.from_regex(
    r"\A\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})?\Z"
)
_DATETIME = st.datetimes(
    timezones=st.sampled_from([UTC, timezone(timedelta(hours=14)), timezone(-timedelta(hours=12))])
).map(lambda moment: moment.isoformat())
_SHORT_TEXT = st.text(max_size=60)
_TEMPLATED = st.builds(
    lambda issue, until, duration, roles, name, session_name: saml_xml(
        issue_instant=issue,
        not_on_or_after=until,
        session_duration=duration,
        roles=roles,
        name_id=name,
        session_name=session_name,
    ),
    st.one_of(_TIMESTAMP, _DATETIME, _SHORT_TEXT),
    st.one_of(_TIMESTAMP, _DATETIME, _SHORT_TEXT),
    st.one_of(st.none(), st.integers(-(10**30), 10**30).map(str), _SHORT_TEXT),
    st.lists(st.one_of(_SHORT_TEXT, st.sampled_from([f"{ADMIN},{PROVIDER}", ADMIN]))),
    _SHORT_TEXT,
    st.one_of(st.none(), _SHORT_TEXT),
)


def _mutated(data: tuple[str, list[tuple[int, bytes]]]) -> bytes:
    xml, edits = data
    raw = bytearray(xml.encode("utf-8"))
    for position, chunk in edits:
        where = position % (len(raw) + 1)
        raw[where : where + len(chunk)] = chunk
    return bytes(raw)


_MUTATED = st.tuples(
    st.just(saml_xml()),
    st.lists(st.tuples(st.integers(0, 10**6), st.binary(max_size=8)), max_size=6),
).map(_mutated)

_INPUTS = st.one_of(
    st.binary(max_size=3000),
    st.text(max_size=3000),
    st.binary(max_size=2000).map(b64),
    st.text(max_size=500).map(lambda text: "SAMLResponse=" + text),
    st.text(max_size=500).map(lambda text: "<" + text),
    _TEMPLATED,
    _TEMPLATED.map(b64),
    _MUTATED,
    _MUTATED.map(b64),
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_INPUTS)
@example(saml_xml(issue_instant="0001-01-01T00:00:00+01:00"))
@example(b64(saml_xml(not_on_or_after="9999-12-31T23:59:59-01:00")))
def test_any_input_gives_an_assertion_or_a_saml_error(data):
    start = time.perf_counter()
    try:
        result = decode_saml_response(data)
    except SamlError as error:
        assert str(error)
        assert "\n" not in str(error)
    else:
        assert isinstance(result, Assertion)
        # What the UI and `decode --json` do next must not fail either.
        _ = result.redeemable_until
        json.dumps(result.to_json())
    assert time.perf_counter() - start < 1.0


@pytest.mark.parametrize(
    "text",
    [
        "0001-01-01T00:00:00+01:00",  # before year 1 in UTC
        "9999-12-31T23:59:59-01:00",  # after year 9999 in UTC
    ],
)
def test_timestamps_outside_the_calendar_are_problems_not_crashes(text):
    result = decode(issue_instant=text, not_on_or_after=text)
    assert result.issue_instant is None
    assert result.not_on_or_after is None
    assert any("NotOnOrAfter is not a valid timestamp" in p for p in result.problems)
    json.dumps(result.to_json())


def test_redeem_window_at_the_end_of_time_does_not_crash():
    xml = re.sub(r' NotOnOrAfter="[^"]*"', "", saml_xml(issue_instant="9999-12-31T23:58:00Z"))
    result = decode_saml_response(b64(xml))
    assert result.issue_instant == datetime(9999, 12, 31, 23, 58, tzinfo=UTC)
    until = result.redeemable_until
    assert until is None or until >= result.issue_instant
