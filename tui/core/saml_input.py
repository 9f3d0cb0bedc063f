"""Whatever a person copied, down to the SAMLResponse: the base64 value and the XML it carries.

Accepted: the base64 value (line breaks allowed), the raw XML, the value percent-encoded (DevTools,
a proxy), a form body with its fields in any order, a saved HTML page of Entra's auto-posting form,
and a HAR file (the POST to an AWS ACS URL in it). Containers may be large (a HAR holds every page
of the sign-in), so only they get the larger cap; the value itself keeps STS's limits.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import re
import sys
from urllib.parse import parse_qs, unquote

from tui.core.errors import EntraAwsError, SamlError
from tui.core.saml_containers import from_har, from_html, looks_like_html

MAX_ASSERTION_CHARS = 100_000  # STS's SAMLAssertion limit, in base64 characters
MAX_INPUT_BYTES = 1_000_000  # a bare value or XML is never bigger than this
MAX_SOURCE_BYTES = 32_000_000  # a HAR file or saved page: read no more than this

_B64_CHARS = re.compile(rb"^[A-Za-z0-9+/=\s]+$")
_PERCENT = re.compile(rb"%[0-9A-Fa-f]{2}")
_FORM_FIELD = re.compile(rb"(?:^|&)SAMLResponse=")
# `name=value&`: a form body (base64 and XML text never start like this).
_FORM_BODY = re.compile(rb"^[A-Za-z_][A-Za-z0-9_.-]{0,64}=[^&<\s]{0,100000}&")
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
# Bounded, so no input can make it backtrack for long.
_DECLARED_ENCODING = re.compile(
    r"""\A(\s{0,64}<\?xml\s[^>]{0,200}?)\s{1,64}encoding\s{0,64}=\s{0,64}(["'])[^"'>]{0,64}\2"""
)


def read_saml_source(source: str) -> bytes:
    """The bytes of `--saml-file FILE|-` (stdin for `-`), capped before anything parses them."""
    try:
        if source == "-":
            data = sys.stdin.buffer.read(MAX_SOURCE_BYTES + 1)
        else:
            with open(source, "rb") as handle:
                data = handle.read(MAX_SOURCE_BYTES + 1)
    except FileNotFoundError:
        raise EntraAwsError(
            f"No such file: {source}; pass the file holding the SAMLResponse, or - for stdin."
        ) from None
    except IsADirectoryError:
        raise EntraAwsError(
            f"{source} is a folder; pass the file holding the SAMLResponse."
        ) from None
    except OSError as exc:
        raise EntraAwsError(f"Could not read {source}: {exc.strerror}.") from None
    return data


def _too_big(limit: int) -> SamlError:
    return SamlError(
        f"The input is over {limit:,} bytes; a SAMLResponse STS accepts is at most "
        f"{MAX_ASSERTION_CHARS:,} characters, so this is not one."
    )


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


def check_size(chars: int) -> None:
    if chars > MAX_ASSERTION_CHARS:
        raise SamlError(
            f"The SAMLResponse is {chars:,} base64 characters; STS accepts at most "
            f"{MAX_ASSERTION_CHARS:,}, so ask your Entra admin to send fewer claims (e.g. groups)."
        )


def _form_value(body: bytes) -> bytes:
    fields = parse_qs(body.decode("ascii", "replace"), keep_blank_values=True)
    value = fields.get("SAMLResponse", [""])[0].strip()
    if not value:
        raise SamlError(
            "The form body's SAMLResponse field is empty; copy the whole request body again."
        )
    return value.encode("ascii", "replace")


def bare_value(stripped: bytes) -> bytes:
    """The SAMLResponse (base64 or XML) inside whatever form `stripped` has."""
    if stripped.startswith(b"{"):
        return from_har(stripped).encode("ascii", "replace").strip()
    if looks_like_html(stripped):
        return from_html(stripped).encode("ascii", "replace").strip()
    if len(stripped) > MAX_INPUT_BYTES:
        raise _too_big(MAX_INPUT_BYTES)
    if _FORM_FIELD.search(stripped[:200_000]):
        return _form_value(stripped)
    if _FORM_BODY.match(stripped):
        raise SamlError(
            "The form body has no SAMLResponse field; copy the body of the POST to the AWS "
            "sign-in URL (signin.aws.amazon.com/saml), or the SAMLResponse value itself."
        )
    if not stripped.startswith(b"<") and _PERCENT.search(stripped):
        return unquote(stripped.decode("ascii", "replace")).encode("ascii", "replace").strip()
    return stripped


def to_xml_and_b64(data: str | bytes) -> tuple[bytes, str]:
    """The XML to parse and the base64 STS needs, from any accepted input form."""
    raw = data.encode("utf-8", "replace") if isinstance(data, str) else data
    if len(raw) > MAX_SOURCE_BYTES:
        raise _too_big(MAX_SOURCE_BYTES)
    if raw.startswith(_UTF16_BOMS):
        raw = _from_utf16(raw)
    stripped = raw.lstrip(b"\xef\xbb\xbf").strip()
    if not stripped:
        raise SamlError("The input is empty; pass the SAMLResponse (base64) or its XML.")
    stripped = bare_value(stripped)
    if stripped.startswith(b"<"):
        encoded = base64.b64encode(stripped).decode("ascii")
        check_size(len(encoded))
        return stripped, encoded
    if not _B64_CHARS.match(stripped):
        raise SamlError(
            "The input is neither base64 nor XML; pass the SAMLResponse value exactly as captured."
        )
    compact = b"".join(stripped.split())
    check_size(len(compact))
    try:
        xml = base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError):
        raise SamlError(
            "The input is not valid base64 (truncated or altered?); capture the SAMLResponse again."
        ) from None
    if not (xml.startswith(_UTF16_BOMS) or xml.lstrip(b"\xef\xbb\xbf").lstrip().startswith(b"<")):
        raise SamlError("The base64 input does not decode to XML, so it is not a SAMLResponse.")
    return xml, compact.decode("ascii")
