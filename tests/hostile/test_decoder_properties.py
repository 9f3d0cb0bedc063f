"""The assertion decoder under hostile input (properties): real signed SAMLResponses mutated at the
byte level (in their base64 and in their XML), random XML trees of SAML's vocabulary, huge
attribute counts, and odd encodings. Every input ends, within a second, in an Assertion that the
`decode` output can show without a terminal control character, or in one SamlError sentence.

tests/unit/test_assertion.py already feeds random bytes/text and a templated (unsigned) document;
these go further: the input here starts from what the demo IdP really signs.
"""

from __future__ import annotations

import base64
import json
import time
import xml.etree.ElementTree as ET
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tui.core.assertion import (
    DURATION_ATTR,
    ROLE_ATTR,
    SAML,
    SAMLP,
    SESSION_NAME_ATTR,
    Assertion,
    decode_saml_response,
    require_roles,
)
from tui.core.errors import EntraAwsError, SamlError
from tui.subcommands.decode import render

from .conftest import CORPUS

DS = "http://www.w3.org/2000/09/xmldsig#"
REAL_B64 = (CORPUS / "signed_reference.b64").read_bytes().strip()  # signed by the demo IdP's code
REAL_XML = base64.b64decode(REAL_B64)
REAL_ROLES = tuple(role.role_arn for role in decode_saml_response(REAL_B64).roles)
DISPLAY = b"Alice Example"
TERMINAL_CONTROLS = ("\x1b", "\x9b", "\x85", "\u202e", "\x07", "\r")
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def outcome(data: str | bytes) -> Assertion | SamlError:
    """Decode `data` and everything a person sees of it; must end in a result or one sentence."""
    started = time.monotonic()
    try:
        result: Assertion | SamlError = decode_saml_response(data)
    except SamlError as error:
        result = error
    except EntraAwsError as error:  # pragma: no cover - would be a wrong error class
        raise AssertionError(f"not a SamlError: {type(error).__name__}: {error}") from None
    if isinstance(result, SamlError):
        message = str(result)
        assert message and "\n" not in message and "\r" not in message, repr(message)
        assert len(message) < 500
    else:
        _ = result.redeemable_until, result.display_name
        json.dumps(result.to_json())
        shown = render(result, {})
        for control in TERMINAL_CONTROLS:
            assert control not in shown, f"{control!r} would reach the terminal"
        try:
            assert require_roles(result) == result.roles
        except SamlError as error:
            assert "\n" not in str(error)
    elapsed = time.monotonic() - started
    assert elapsed < 1.0, f"took {elapsed:.2f} s"
    return result


# --- mutated real assertions -------------------------------------------------------------------

# Bytes that matter to an XML or base64 parser, besides random ones.
_TOKENS = st.sampled_from(
    [
        b"<",
        b">",
        b"&",
        b"&amp;",
        b"&#0;",
        b"&#x1b;",
        b"&lol;",
        b"]]>",
        b"<![CDATA[",
        b"<!--",
        b'"',
        b"'",
        b"=",
        b"\x00",
        b"\xff",
        b"\xc3",
        b"\xef\xbb\xbf",
        b"\xff\xfe",
        b"\r\n",
        b"<!DOCTYPE x>",
        b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>',
        b"</Assertion>",
        b'<Assertion xmlns="urn:oasis:names:tc:SAML:2.0:assertion">',
        b"<EncryptedAssertion/>",
        b' xmlns="urn:other"',
        b' xmlns:samlp="urn:x"',
        b"<?xml version='1.0' encoding='latin-1'?>",
        b"+",
        b"/",
        b"==",
        b"%3D",
        b"\n",
        b" ",
    ]
)
_CHUNK = st.one_of(_TOKENS, st.binary(min_size=1, max_size=12))
_EDIT = st.one_of(
    st.tuples(st.just("flip"), st.integers(0, 1 << 20), st.integers(0, 7)),
    st.tuples(st.just("insert"), st.integers(0, 1 << 20), _CHUNK),
    st.tuples(st.just("delete"), st.integers(0, 1 << 20), st.integers(1, 300)),
    st.tuples(st.just("replace"), st.integers(0, 1 << 20), _CHUNK),
    st.tuples(st.just("truncate"), st.integers(0, 1 << 20), st.just(b"")),
)


def mutate(data: bytes, edits: list[tuple[str, int, Any]]) -> bytes:
    raw = bytearray(data)
    for kind, position, arg in edits:
        where = position % (len(raw) + 1)
        if kind == "flip" and where < len(raw):
            raw[where] ^= 1 << arg
        elif kind == "insert":
            raw[where:where] = arg
        elif kind == "delete":
            del raw[where : where + arg]
        elif kind == "replace":
            raw[where : where + len(arg)] = arg
        elif kind == "truncate":
            del raw[where:]
    return bytes(raw)


_EDITS = st.lists(_EDIT, min_size=1, max_size=6)


@FAST
@given(_EDITS)
@example([("flip", 0, 0)])
@example([("truncate", len(REAL_B64) - 1, b"")])
@example([("insert", 40, b"\n")])  # a line break: still the same assertion
def test_a_real_assertion_with_its_base64_mutated(edits) -> None:
    data = mutate(REAL_B64, edits)
    result = outcome(data)
    if isinstance(result, Assertion):
        # Whatever decoded is what STS will get: the input, compacted, never something else.
        assert result.saml_response == "".join(data.decode("ascii").split())


@FAST
@given(_EDITS, st.booleans())
@example([("replace", REAL_XML.index(DISPLAY), b"&#x1b;[2J")], True)
@example([("replace", REAL_XML.index(DISPLAY), b"\xc2\x9b2J\xc2\x85")], False)
@example([("insert", REAL_XML.index(b"<Assertion"), b"<!--x-->")], True)
def test_a_real_assertion_with_its_xml_mutated(edits, as_base64: bool) -> None:
    xml = mutate(REAL_XML, edits)
    outcome(base64.b64encode(xml) if as_base64 else xml)


@FAST
@given(st.lists(st.tuples(st.integers(0, 1 << 20), st.integers(1, 40)), min_size=1, max_size=3))
def test_a_real_assertion_with_whole_elements_cut_out(cuts) -> None:
    """Remove whole tag-aligned spans (`<` to `>`): mostly still well-formed, often meaningful."""
    xml = REAL_XML
    for position, span in cuts:
        starts = [i for i in range(len(xml)) if xml[i : i + 1] == b"<"]
        if not starts:
            break
        first = starts[position % len(starts)]
        later = starts[(position % len(starts)) + span :] or [len(xml)]
        xml = xml[:first] + xml[later[0] :]
    outcome(base64.b64encode(xml))


# --- random XML of SAML's vocabulary ------------------------------------------------------------

_TAGS = st.sampled_from(
    [
        f"{{{SAMLP}}}Response",
        f"{{{SAMLP}}}Status",
        f"{{{SAMLP}}}StatusCode",
        f"{{{SAMLP}}}StatusMessage",
        f"{{{SAMLP}}}Extensions",
        f"{{{SAML}}}Assertion",
        f"{{{SAML}}}EncryptedAssertion",
        f"{{{SAML}}}Issuer",
        f"{{{SAML}}}Subject",
        f"{{{SAML}}}NameID",
        f"{{{SAML}}}SubjectConfirmation",
        f"{{{SAML}}}SubjectConfirmationData",
        f"{{{SAML}}}AttributeStatement",
        f"{{{SAML}}}Attribute",
        f"{{{SAML}}}AttributeValue",
        f"{{{DS}}}Signature",
        f"{{{DS}}}Object",
        "Assertion",
        "{urn:other}Response",
        "{urn:x}a",
    ]
)
_ROLE_VALUES = st.sampled_from(
    [
        "arn:aws:iam::111111111111:role/Admin,arn:aws:iam::111111111111:saml-provider/Entra",
        "arn:aws:iam::111111111111:saml-provider/Entra,arn:aws:iam::111111111111:role/Admin",
        "arn:aws-cn:iam::111111111111:role/a/b/C, arn:aws-cn:iam::111111111111:saml-provider/E,",
        "arn:aws:iam::111111111111:role/Admin",
        "urn:oasis:names:tc:SAML:2.0:status:Success",
        "urn:oasis:names:tc:SAML:2.0:status:Requester",
        "2026-01-01T10:00:00.1234567Z",
        "9999-12-31T23:59:59-01:00",
        "0001-01-01T00:00:00+01:00",
        "https://signin.aws.amazon.com/saml",
        "43200",
        "-1",
        "1" * 40,
    ]
)
_XML_TEXT = st.text(
    st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"), max_size=40
)
_VALUES = st.one_of(_ROLE_VALUES, _XML_TEXT)
_ATTR_NAMES = st.sampled_from(
    [
        "Name",
        "Value",
        "NotOnOrAfter",
        "Recipient",
        "Destination",
        "InResponseTo",
        "IssueInstant",
        "ID",
        "Version",
        "Format",
    ]
)
_NAME_VALUES = st.one_of(
    st.sampled_from([ROLE_ATTR, SESSION_NAME_ATTR, DURATION_ATTR]),
    st.sampled_from(["http://schemas.microsoft.com/identity/claims/displayname"]),
    _XML_TEXT,
)


@st.composite
def _element(draw: st.DrawFn, children: st.SearchStrategy[list[ET.Element]]) -> ET.Element:
    element = ET.Element(draw(_TAGS))
    for name in draw(st.lists(_ATTR_NAMES, max_size=3, unique=True)):
        element.set(name, draw(_NAME_VALUES if name == "Name" else _VALUES))
    if draw(st.booleans()):
        element.text = draw(_VALUES)
    element.extend(draw(children))
    return element


_TREES = st.recursive(
    _element(st.just([])),
    lambda inner: _element(st.lists(inner, max_size=4)),
    max_leaves=40,
)


@st.composite
def _documents(draw: st.DrawFn) -> bytes:
    root = draw(_TREES)
    if draw(st.booleans()):
        root.tag = f"{{{SAMLP}}}Response"  # most of them get past the first check
    return ET.tostring(root)


@FAST
@given(_documents(), st.booleans())
def test_random_xml_of_saml_vocabulary(document: bytes, as_base64: bool) -> None:
    outcome(base64.b64encode(document) if as_base64 else document)


def _response_around(assertion: str) -> str:
    return (
        f'<samlp:Response xmlns:samlp="{SAMLP}" Destination="https://signin.aws.amazon.com/saml">'
        f'<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/>'
        f"</samlp:Status>{assertion}</samlp:Response>"
    )


@FAST
@given(st.lists(st.tuples(_NAME_VALUES, st.lists(_VALUES, max_size=4)), max_size=12))
def test_random_attribute_statements_in_a_well_formed_response(attributes) -> None:
    """Well-formed, so the decoder's own logic (not the XML parser) meets every value."""
    statement = ET.Element(f"{{{SAML}}}AttributeStatement")
    for name, values in attributes:
        attribute = ET.SubElement(statement, f"{{{SAML}}}Attribute", Name=name)
        for value in values:
            ET.SubElement(attribute, f"{{{SAML}}}AttributeValue").text = value
    assertion = ET.Element(f"{{{SAML}}}Assertion", IssueInstant="2026-01-01T10:00:00Z")
    assertion.append(statement)
    result = outcome(_response_around(ET.tostring(assertion, encoding="unicode")))
    if isinstance(result, Assertion):
        assert all(role.role_arn.startswith("arn:") for role in result.roles)
        assert len(set(result.roles)) == len(result.roles)


# --- huge counts ------------------------------------------------------------------------------


def _with_attributes(chunk: bytes) -> bytes:
    marker = b"<AttributeStatement>"
    at = REAL_XML.index(marker) + len(marker)
    return REAL_XML[:at] + chunk + REAL_XML[at:]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    attributes=st.integers(1, 3000),
    values=st.integers(0, 8000),
    value=st.sampled_from([b"", b"x", b"group-0000-1111-2222"]),
    as_base64=st.booleans(),
)
@example(attributes=1, values=4000, value=b"", as_base64=False)
@example(attributes=5000, values=0, value=b"", as_base64=False)
def test_huge_attribute_and_value_counts(attributes, values, value, as_base64) -> None:
    one = b"<AttributeValue>" + value + b"</AttributeValue>" if value else b"<AttributeValue/>"
    chunk = b"".join(b'<Attribute Name="n%d"/>' % n for n in range(attributes))
    chunk += b'<Attribute Name="many">' + one * values + b"</Attribute>"
    xml = _with_attributes(chunk)
    result = outcome(base64.b64encode(xml) if as_base64 else xml)
    if isinstance(result, Assertion):
        assert len(result.attributes["many"]) == values
        assert tuple(role.role_arn for role in result.roles) == REAL_ROLES
    else:
        assert "100,000" in str(result) or "1,000,000" in str(result)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(count=st.integers(100, 700), duplicates=st.integers(1, 3), junk=st.integers(0, 500))
def test_hundreds_of_distinct_roles_and_junk_values(count, duplicates, junk) -> None:
    """As many distinct roles as fit under the cap (deduplicated), plus junk that becomes notes."""
    values = [
        f"arn:aws:iam::{100000000000 + n:012d}:role/R{n},"
        f"arn:aws:iam::{100000000000 + n:012d}:saml-provider/E"
        for n in range(count)
    ] * duplicates + ["junk"] * junk
    inner = "".join(f"<AttributeValue>{v}</AttributeValue>" for v in values)
    xml = _with_attributes(f'<Attribute Name="{ROLE_ATTR}">{inner}</Attribute>'.encode())
    result = outcome(xml)
    if isinstance(result, Assertion):
        assert len(result.roles) == count + len(REAL_ROLES)
        assert len([p for p in result.problems if "Ignored a Role value" in p]) == junk


# --- odd encodings ------------------------------------------------------------------------------

_NAMES = {
    "latin-1": st.text(st.characters(codec="latin-1", categories=["Lu", "Ll"]), min_size=1),
    "unicode": st.text(st.characters(categories=["Lu", "Ll", "Lo", "Nd"]), min_size=1),
}
# (codec, BOM written, declaration's encoding or None, alphabet, must decode)
_ENCODINGS = st.sampled_from(
    [
        ("utf-16", "", "UTF-16", "unicode", True),  # BOM from the codec, declared
        ("utf-16", "", None, "unicode", True),  # BOM alone
        ("utf-16-be", "\ufeff", "UTF-16", "unicode", True),
        ("utf-8", "\ufeff", None, "unicode", True),
        ("utf-8", "", "UTF-8", "unicode", True),
        ("latin-1", "", "ISO-8859-1", "latin-1", True),
        ("cp1252", "", "windows-1252", "latin-1", False),  # expat may not know cp1252
        ("utf-16-le", "", None, "unicode", False),  # no BOM: not recognisable
        ("utf-32", "", "UTF-32", "unicode", False),  # expat has no UTF-32
        ("latin-1", "", None, "latin-1", False),  # undeclared latin-1 is invalid UTF-8
        ("utf-16", "", "ISO-8859-1", "unicode", False),  # declared wrong
    ]
)


@FAST
@given(_ENCODINGS, st.data(), st.booleans())
def test_odd_encodings_decode_the_same_or_refuse_clearly(encoding, data, as_base64) -> None:
    codec, bom, declared, alphabet, must_decode = encoding
    name = data.draw(_NAMES[alphabet])
    text = REAL_XML.decode("utf-8").replace("Alice Example", name)
    if declared:
        text = f'<?xml version="1.0" encoding="{declared}"?>\n{text}'
    raw = (bom + text).encode(codec)
    result = outcome(base64.b64encode(raw) if as_base64 else raw)
    if must_decode:
        assert isinstance(result, Assertion), result
    if isinstance(result, Assertion) and (must_decode or codec in ("utf-8", "latin-1")):
        assert result.display_name == name
        assert tuple(role.role_arn for role in result.roles) == REAL_ROLES


@FAST
@given(st.binary(min_size=1, max_size=8), st.booleans())
@example(b"\xfc", False)  # latin-1 ü, undeclared
@example(b"\xed\xa0\x80", True)  # a UTF-8-encoded surrogate
@example(b"\xc0\xaf", False)  # an overlong '/'
def test_invalid_utf8_in_a_utf8_document_is_refused(junk: bytes, as_base64: bool) -> None:
    try:
        junk.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        junk = b"\xff" + junk  # make it invalid
    xml = REAL_XML.replace(DISPLAY, b"A" + junk + b"B")
    result = outcome(base64.b64encode(xml) if as_base64 else xml)
    assert isinstance(result, SamlError)
    assert "not well-formed XML" in str(result) or "encoding" in str(result)


@example(b"\xff\xfe" + "<?xml ".encode("utf-16-le") + " ".encode("utf-16-le") * 200_000)
@example(b"\xff\xfe" + "<?xml encoding".encode("utf-16-le") * 30_000)
@example(b"\xfe\xff" + b"\xd8\x00" * 100)  # unpaired surrogates in UTF-16
@example(b"\xff\xfe\x00")  # an odd byte count
@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=400).map(lambda rest: b"\xff\xfe" + rest))
def test_anything_behind_a_utf16_bom(data: bytes) -> None:
    outcome(data)


def test_base64_alphabet_errors_never_leak_binascii_wording() -> None:
    for data in (b"QUJD=A", b"A" * 5, b"====", REAL_B64[:-1]):
        result = outcome(data)
        assert isinstance(result, SamlError)
        assert "binascii" not in str(result) and "Incorrect padding" not in str(result)
