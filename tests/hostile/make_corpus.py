"""Regenerate tests/hostile/corpus/: hostile SAMLResponses and the manifest of what each must give.

    .venv/bin/python tests/hostile/make_corpus.py

The signed files are signed by a key this script makes (and throws away), with a fixed
IssueInstant, so the checked-in files are static: tests read them, never this script. The tests
assert what the decoder says, never what STS would (the assertions are long expired).
Every file is rewritten and the manifest (corpus/manifest.toml) with it, so the two stay in step.
"""

from __future__ import annotations

import base64
import copy
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import tomli_w
from lxml import etree

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from tui.core.assertion import MAX_ASSERTION_CHARS, ROLE_ATTR, SAML, SAMLP  # noqa: E402
from tui.demo.saml_builder import (  # noqa: E402
    REQUESTER,
    build_error_response,
    build_saml_response,
)
from tui.demo.signing import DS_NS, load_signing_key  # noqa: E402

CORPUS = Path(__file__).resolve().parent / "corpus"
ISSUED = datetime(2026, 1, 1, 10, 0, 0, 123456, tzinfo=UTC)
NOT_ON_OR_AFTER = "2026-01-01T10:05:00Z"  # ISSUED + 5 min, as decode --json prints it
ACCOUNT = "111111111111"
OTHER = "222222222222"
PROVIDER = f"arn:aws:iam::{ACCOUNT}:saml-provider/Entra"
ADMIN = f"arn:aws:iam::{ACCOUNT}:role/Admin"
READONLY = f"arn:aws:iam::{ACCOUNT}:role/ReadOnly"
DEPLOY = f"arn:aws:iam::{ACCOUNT}:role/Deploy"
EVIL = f"arn:aws:iam::{OTHER}:role/OrganizationAccountAccessRole"
EVIL_PROVIDER = f"arn:aws:iam::{OTHER}:saml-provider/Entra"
DISPLAY_NAME = "http://schemas.microsoft.com/identity/claims/displayname"
XI = "http://www.w3.org/2001/XInclude"
XENC = "http://www.w3.org/2001/04/xmlenc#"

_KEY = load_signing_key()  # fresh, never stored: the files are what is kept


def signed(**options: Any) -> bytes:
    """A real signed Entra-shaped SAMLResponse (its XML), issued at the fixed instant."""
    options.setdefault("roles", [(ADMIN, PROVIDER), (READONLY, PROVIDER)])
    options.setdefault("issue_instant", ISSUED)
    return base64.b64decode(build_saml_response(_KEY, **options))


def b64(data: bytes) -> bytes:
    return base64.b64encode(data)


def tree(xml: bytes) -> etree._Element:
    return etree.fromstring(xml)


def q(ns: str, name: str) -> str:
    return f"{{{ns}}}{name}"


def _assertion(root: etree._Element) -> etree._Element:
    found = root.find(q(SAML, "Assertion"))
    assert found is not None
    return found


def _set_role_values(assertion: etree._Element, values: list[str]) -> None:
    for attribute in assertion.iter(q(SAML, "Attribute")):
        if attribute.get("Name") == ROLE_ATTR:
            for old in list(attribute):
                attribute.remove(old)
            for value in values:
                etree.SubElement(attribute, q(SAML, "AttributeValue")).text = value
            return
    raise AssertionError("no Role attribute")


def _evil_copy(assertion: etree._Element) -> etree._Element:
    """The attacker's assertion: the signed one with another account's admin role."""
    evil = copy.deepcopy(assertion)
    evil.set("ID", "_evil-0000")
    _set_role_values(evil, [f"{EVIL},{EVIL_PROVIDER}"])
    for signature in evil.findall(q(DS_NS, "Signature")):
        evil.remove(signature)
    return evil


def xml_bytes(root: etree._Element) -> bytes:
    return etree.tostring(root)


# --- the cases ---------------------------------------------------------------------------------

DTD_REFUSED = {"expect": "SamlError", "message": "DTD or entities"}
WRAPPING = {"expect": "SamlError", "message": "signature-wrapping"}
WELL_FORMED = {"expect": "SamlError", "message": "not well-formed XML"}
DECODED_ROLES = [ADMIN, READONLY]


def billion_laughs() -> bytes:
    levels = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10)
    ]
    body = signed().decode().replace("Alice Example", "&lol9;")
    return f'<?xml version="1.0"?>\n<!DOCTYPE samlp:Response [\n {" ".join(levels)}\n]>\n{body}'.encode()


def quadratic_blowup() -> bytes:
    """One 20,000-character entity referenced 2,000 times: 40 MB once expanded."""
    body = signed().decode().replace("Alice Example", "&a;" * 2000)
    return f'<!DOCTYPE samlp:Response [<!ENTITY a "{"B" * 20_000}">]>\n{body}'.encode()


def external_entity(url: str) -> bytes:
    body = signed().decode().replace("Alice Example", "&xxe;")
    return f'<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY xxe SYSTEM "{url}">]>\n{body}'.encode()


def parameter_entity() -> bytes:
    body = signed().decode()
    return (
        '<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY % remote SYSTEM '
        f'"http://127.0.0.1:9/evil.dtd"> %remote;]>\n{body}'
    ).encode()


def dtd_alone() -> bytes:
    return b"<!DOCTYPE samlp:Response>\n" + signed()


def xinclude() -> bytes:
    """XInclude elements: an XML library that processes them would read /etc/passwd."""
    root = tree(signed())
    for value in root.iter(q(SAML, "AttributeValue")):
        if value.text == "Alice Example":
            value.text = None
            include = etree.SubElement(value, q(XI, "include"), nsmap={"xi": XI})
            include.set("href", "file:///etc/passwd")
            include.set("parse", "text")
    top = etree.Element(q(XI, "include"), nsmap={"xi": XI})
    top.set("href", "http://127.0.0.1:9/assertion.xml")
    root.insert(1, top)
    return xml_bytes(root)


def wrap_sibling() -> bytes:
    """XSW: the attacker's assertion first, the signed one after it, both children of Response."""
    root = tree(signed())
    legit = _assertion(root)
    root.insert(root.index(legit), _evil_copy(legit))
    return xml_bytes(root)


def wrap_in_extensions() -> bytes:
    """XSW: the signed assertion hidden in samlp:Extensions, the attacker's in its place."""
    root = tree(signed())
    legit = _assertion(root)
    evil = _evil_copy(legit)
    index = root.index(legit)
    root.remove(legit)
    extensions = etree.Element(q(SAMLP, "Extensions"))
    extensions.append(legit)
    root.insert(1, extensions)
    root.insert(index + 1, evil)
    return xml_bytes(root)


def wrap_in_signature_object() -> bytes:
    """XSW: the attacker's assertion carries the signed one inside its Signature's <Object>."""
    root = tree(signed())
    legit = _assertion(root)
    evil = _evil_copy(legit)
    signature = copy.deepcopy(legit.find(q(DS_NS, "Signature")))
    assert signature is not None
    holder = etree.SubElement(signature, q(DS_NS, "Object"))
    holder.append(copy.deepcopy(legit))
    evil.insert(1, signature)
    root.replace(legit, evil)
    return xml_bytes(root)


def nested_only() -> bytes:
    """The only Assertion is not a child of Response (inside samlp:Extensions)."""
    root = tree(signed())
    legit = _assertion(root)
    root.remove(legit)
    extensions = etree.SubElement(root, q(SAMLP, "Extensions"))
    extensions.append(legit)
    return xml_bytes(root)


def encrypted() -> bytes:
    root = tree(signed())
    legit = _assertion(root)
    holder = etree.Element(q(SAML, "EncryptedAssertion"), nsmap={None: SAML})
    data = etree.SubElement(holder, q(XENC, "EncryptedData"), nsmap={"xenc": XENC})
    data.set("Type", "http://www.w3.org/2001/04/xmlenc#Element")
    method = etree.SubElement(data, q(XENC, "EncryptionMethod"))
    method.set("Algorithm", "http://www.w3.org/2009/xmlenc11#aes256-gcm")
    cipher = etree.SubElement(etree.SubElement(data, q(XENC, "CipherData")), q(XENC, "CipherValue"))
    cipher.text = base64.b64encode(bytes(range(256)) * 2).decode()
    root.replace(legit, holder)
    return xml_bytes(root)


def status_requester() -> bytes:
    return base64.b64decode(
        build_error_response(
            status=REQUESTER,
            sub_status="urn:oasis:names:tc:SAML:2.0:status:RequestDenied",
            message=(
                "AADSTS50105: Your administrator has configured the application AWS "
                "('https://signin.aws.amazon.com/saml#1') to block users unless they are "
                "specifically granted ('assigned') access to the application."
            ),
            issue_instant=ISSUED,
        )
    )


def status_responder() -> bytes:
    root = tree(signed())
    root.remove(_assertion(root))
    code = root.find(f"{q(SAMLP, 'Status')}/{q(SAMLP, 'StatusCode')}")
    assert code is not None
    code.set("Value", "urn:oasis:names:tc:SAML:2.0:status:Responder")
    return xml_bytes(root)


def oversize() -> bytes:
    """A real response padded with a groups claim until its base64 passes STS's 100,000."""
    count = 1000
    while True:
        groups = [f"{n:08d}-0000-4000-8000-000000000000" for n in range(count)]
        encoded = b64(signed(extra_attributes={"http://example.com/groups": groups}))
        if len(encoded) > MAX_ASSERTION_CHARS:
            return encoded
        count += 10


def truncated_xml() -> bytes:
    xml = signed()
    return xml[: len(xml) * 2 // 3]


def truncated_base64() -> bytes:
    encoded = b64(signed())
    cut = encoded[: len(encoded) - 3]
    assert len(cut) % 4 != 0
    return cut


def not_base64() -> bytes:
    return (
        b"Paste the SAMLResponse here: <<<\n  ** nothing was captured ** (see %TEMP%\\saml.log)\n"
    )


def base64_of_non_xml() -> bytes:
    return b64(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\n")


def non_response_root() -> bytes:
    root = tree(signed())
    root.tag = q(SAMLP, "LogoutResponse")
    return xml_bytes(root)


def role_values(values: list[str]) -> bytes:
    root = tree(signed())
    _set_role_values(_assertion(root), values)
    return xml_bytes(root)


JUNK_ROLES = [
    "",
    "Admin",
    "arn:aws:iam::1111:role/Admin,arn:aws:iam::1111:saml-provider/Entra",
    f"{ADMIN}",
    f"{ADMIN},{READONLY}",
    f"{PROVIDER},{PROVIDER}",
    f"{ADMIN};{PROVIDER}",
    f"arn:aws:s3:::bucket,{PROVIDER}",
    f"{ADMIN},{PROVIDER},{DEPLOY}",
]

MESSY_ROLES = [
    f"  {ADMIN} ,\n\t{PROVIDER}  ",
    f"{READONLY},{PROVIDER},",
    f"{PROVIDER},{DEPLOY}",
    f"{ADMIN},{PROVIDER}",
    f"{PROVIDER}, {ADMIN}",
    f",{READONLY},,{PROVIDER}",
]


def display_name_controls() -> bytes:
    """C1 controls (CSI U+009B, NEL), bidi overrides and a zero-width joiner: legal XML, all of
    which a terminal may act on."""
    return signed(display_name="Eve\u009b2J\u009b31mRED\u0085\u202egnp.exe\u200d Mallory")


def display_name_escape() -> bytes:
    """ESC (U+001B) cannot appear in XML 1.0, not even as a character reference."""
    return signed(display_name="Eve Mallory").replace(
        b"Eve Mallory", b"Eve&#x1B;[2J&#x1b;]0;pwned&#7;"
    )


def display_name_escape_xml11() -> bytes:
    """The same, declared XML 1.1 (where &#x1B; would be legal): expat speaks 1.0 only."""
    return b'<?xml version="1.1"?>\n' + display_name_escape()


def many_values() -> bytes:
    """As many (empty) values as fit under STS's size cap in one attribute."""
    root = tree(signed())
    statement = _assertion(root).find(q(SAML, "AttributeStatement"))
    assert statement is not None
    attribute = etree.SubElement(statement, q(SAML, "Attribute"), Name="http://example.com/many")
    count = 0
    base = len(xml_bytes(root))
    room = MAX_ASSERTION_CHARS * 3 // 4 - base - 200
    count = room // len(b"<AttributeValue/>")
    for _ in range(count):
        etree.SubElement(attribute, q(SAML, "AttributeValue"))
    data = xml_bytes(root)
    assert len(b64(data)) <= MAX_ASSERTION_CHARS, len(b64(data))
    assert count >= 4000, count
    MANY_VALUES_COUNT[0] = count
    return data


MANY_VALUES_COUNT = [0]


def utf16(with_declaration: bool) -> bytes:
    text = signed(display_name="J\u00fcrgen \u00dcnal").decode("utf-8")
    if with_declaration:
        text = '<?xml version="1.0" encoding="UTF-16"?>\n' + text
    return text.encode("utf-16")  # with a BOM, in this machine's byte order


def latin1_declared() -> bytes:
    text = signed(display_name="J\u00fcrgen \u00dcnal").decode("utf-8")
    return ('<?xml version="1.0" encoding="ISO-8859-1"?>\n' + text).encode("latin-1")


def invalid_utf8() -> bytes:
    return signed(display_name="Jxrgen").replace(b"Jxrgen", b"J\xfcrgen \xc3\x28 \xed\xa0\x80")


def form_body() -> bytes:
    return b"SAMLResponse=" + quote(b64(signed()).decode(), safe="").encode() + b"&RelayState=x"


# --- the manifest ------------------------------------------------------------------------------


def cases() -> list[tuple[str, bytes, dict[str, Any]]]:
    decodes = {"expect": "decodes", "roles": DECODED_ROLES, "problems": []}
    return [
        ("billion_laughs.xml", billion_laughs(), DTD_REFUSED),
        ("billion_laughs.b64", b64(billion_laughs()), DTD_REFUSED),
        ("quadratic_blowup.xml", quadratic_blowup(), DTD_REFUSED),
        ("xxe_file.xml", external_entity("file:///etc/passwd"), DTD_REFUSED),
        ("xxe_http.b64", b64(external_entity("http://127.0.0.1:9/secret")), DTD_REFUSED),
        ("xxe_parameter_entity.xml", parameter_entity(), DTD_REFUSED),
        ("dtd_alone.xml", dtd_alone(), DTD_REFUSED),
        (
            "xinclude.b64",
            b64(xinclude()),
            {**decodes, "display_name": "", "not_in_output": ["root:", "/bin/"]},
        ),
        ("wrap_sibling.b64", b64(wrap_sibling()), WRAPPING),
        ("wrap_in_extensions.b64", b64(wrap_in_extensions()), WRAPPING),
        ("wrap_in_signature_object.b64", b64(wrap_in_signature_object()), WRAPPING),
        (
            "assertion_not_a_child.b64",
            b64(nested_only()),
            {"expect": "SamlError", "message": "unexpected place"},
        ),
        (
            "encrypted.b64",
            b64(encrypted()),
            {"expect": "EncryptedAssertionError", "message": "encrypted"},
        ),
        (
            "status_requester_aadsts50105.b64",
            b64(status_requester()),
            {"expect": "IdpStatusError", "message": "(RequestDenied): AADSTS50105"},
        ),
        (
            "status_responder.b64",
            b64(status_responder()),
            {"expect": "IdpStatusError", "message": "(Responder)"},
        ),
        ("oversize.b64", oversize(), {"expect": "SamlError", "message": "STS accepts at most"}),
        ("truncated.xml", truncated_xml(), WELL_FORMED),
        (
            "truncated.b64",
            truncated_base64(),
            {"expect": "SamlError", "message": "not valid base64"},
        ),
        ("not_base64.txt", not_base64(), {"expect": "SamlError", "message": "neither base64"}),
        (
            "base64_of_pdf.b64",
            base64_of_non_xml(),
            {"expect": "SamlError", "message": "does not decode to XML"},
        ),
        (
            "logout_response.b64",
            b64(non_response_root()),
            {"expect": "SamlError", "message": "<LogoutResponse>, not a SAML <Response>"},
        ),
        (
            "roles_junk_only.b64",
            b64(role_values(JUNK_ROLES)),
            {
                "expect": "decodes",
                "roles": [],
                "problems": ["Ignored a Role value"] * len(JUNK_ROLES),
            },
        ),
        (
            "roles_absent.b64",
            b64(signed(roles=[])),
            {"expect": "decodes", "roles": [], "problems": ["no AWS Role attribute"]},
        ),
        (
            "roles_messy.b64",
            b64(role_values(MESSY_ROLES)),
            {
                "expect": "decodes",
                "roles": [ADMIN, READONLY, DEPLOY],
                "problems": ["stray comma", "stray comma"],  # flagged, not silently read
            },
        ),
        (
            "display_name_controls.b64",
            b64(display_name_controls()),
            {
                **decodes,
                "display_name": "Eve\u009b2J\u009b31mRED\u0085\u202egnp.exe\u200d Mallory",
                "not_in_output": ["\u001b", "\u009b", "\u0085", "\u202e", "\u200d"],
            },
        ),
        (
            "attribute_name_controls.b64",
            b64(signed(extra_attributes={"http://evil.example/\u009b2J\u202eeman\u0085": ["x"]})),
            {**decodes, "not_in_output": ["\u001b", "\u009b", "\u0085", "\u202e"]},
        ),
        ("display_name_escape.xml", display_name_escape(), WELL_FORMED),
        ("display_name_escape_xml11.xml", display_name_escape_xml11(), WELL_FORMED),
        (
            "many_values.xml",
            many_values(),
            {**decodes, "attribute_values": {"http://example.com/many": MANY_VALUES_COUNT[0]}},
        ),
        (
            "utf16_bom.xml",
            utf16(with_declaration=True),
            {**decodes, "display_name": "J\u00fcrgen \u00dcnal"},
        ),
        (
            "utf16_bom_no_declaration.xml",
            utf16(with_declaration=False),
            {**decodes, "display_name": "J\u00fcrgen \u00dcnal"},
        ),
        (
            "utf16_bom_base64.txt",  # what PowerShell 5's `>` and Out-File write
            (b64(signed()).decode() + "\r\n").encode("utf-16"),
            decodes,
        ),
        (
            "base64_of_utf16.b64",
            b64(utf16(with_declaration=True)),
            {**decodes, "display_name": "J\u00fcrgen \u00dcnal"},
        ),
        (
            "latin1_declared.xml",
            latin1_declared(),
            {**decodes, "display_name": "J\u00fcrgen \u00dcnal"},
        ),
        ("invalid_utf8.xml", invalid_utf8(), WELL_FORMED),
        ("form_body.txt", form_body(), decodes),
        (
            "signed_reference.b64",
            b64(signed(session_duration=28800)),
            {
                **decodes,
                "display_name": "Alice Example",
                "subject": "alice@contoso.com",
                "not_on_or_after": NOT_ON_OR_AFTER,
                "session_duration": 28800,
            },
        ),
    ]


def main() -> None:
    CORPUS.mkdir(exist_ok=True)
    for old in CORPUS.iterdir():
        if old.name != "manifest.toml":
            old.unlink()
    manifest: list[dict[str, Any]] = []
    for name, data, expected in cases():
        (CORPUS / name).write_bytes(data)
        manifest.append({"file": name, **expected})
    header = (
        "# Hostile SAMLResponses and what the decoder must make of each.\n"
        "# Generated by tests/hostile/make_corpus.py (rerun it to regenerate every file and this).\n"
        "# expect: an error class from tui.core.errors (then `message` is a substring of it) or\n"
        '# "decodes" (then roles are the role ARNs in order and problems are substrings, one per\n'
        "# problem, in order).\n\n"
    )
    (CORPUS / "manifest.toml").write_text(header + tomli_w.dumps({"case": manifest}))
    total = sum(p.stat().st_size for p in CORPUS.iterdir())
    print(f"{len(manifest)} cases, {total:,} bytes in {CORPUS}")


if __name__ == "__main__":
    main()
