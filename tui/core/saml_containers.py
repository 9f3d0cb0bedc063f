"""The SAMLResponse inside a saved HTML page of Entra's auto-posting form, or a HAR file.

Both are read with real parsers (html.parser, json), never with regexes over the markup. What
comes back is the form field's value; the caller decodes it like any other input.
"""

from __future__ import annotations

import json
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qs, unquote_plus

from tui.core.errors import SamlError
from tui.core.partitions import is_acs_url

_HTML_STARTS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<form", b"<meta", b"<title")


def looks_like_html(data: bytes) -> bool:
    """A web page rather than a SAML document (which never has an <html> element)."""
    return data[:64].lower().startswith(_HTML_STARTS)


class _FormFields(HTMLParser):
    """Collects the `SAMLResponse` inputs of a page (attribute values come back unescaped)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.values: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "input":
            return
        named = dict(attrs)
        if (named.get("name") or "") == "SAMLResponse" and named.get("value"):
            self.values.append(named["value"] or "")


def from_html(data: bytes) -> str:
    parser = _FormFields()
    parser.feed(data.decode("utf-8", "replace"))
    parser.close()
    if not parser.values:
        raise SamlError(
            "The HTML page has no SAMLResponse field; save the page Entra shows just before AWS "
            "(the one that posts the form), or copy the SAMLResponse value itself."
        )
    return parser.values[-1]


def _post_value(request: dict[str, Any]) -> str:
    """SAMLResponse from a HAR request's postData: its text (a form body), else its params."""
    post = request.get("postData")
    if not isinstance(post, dict):
        return ""
    text = post.get("text")
    if isinstance(text, str) and text:
        value = parse_qs(text, keep_blank_values=True).get("SAMLResponse", [""])[0]
        if value:
            return value
    for param in post.get("params") or []:
        if isinstance(param, dict) and param.get("name") == "SAMLResponse":
            value = str(param.get("value") or "")
            # Exporters differ: some keep the form's encoding (then `+` can only be a space).
            return unquote_plus(value) if "%" in value else value
    return ""


def from_har(data: bytes) -> str:
    """The SAMLResponse of the last POST to an AWS ACS URL in a HAR file."""
    try:
        har = json.loads(data)
    except (ValueError, RecursionError):
        raise SamlError(
            "The input looks like JSON but is not valid; export the HAR again from the browser's "
            "Network tab, or pass the SAMLResponse itself."
        ) from None
    log = har.get("log") if isinstance(har, dict) else None
    entries = log.get("entries") if isinstance(log, dict) else None
    if not isinstance(entries, list):
        raise SamlError(
            "The JSON input is not a HAR file (it has no log.entries); export the HAR from the "
            "browser's Network tab, or pass the SAMLResponse itself."
        )
    found = ""
    for entry in entries:
        request = entry.get("request") if isinstance(entry, dict) else None
        if not isinstance(request, dict) or str(request.get("method", "")).upper() != "POST":
            continue
        if is_acs_url(str(request.get("url", ""))):
            found = _post_value(request) or found
    if not found:
        raise SamlError(
            "The HAR file has no POST to an AWS sign-in URL with a SAMLResponse; record it again "
            "with 'Preserve log' on, through the whole sign-in until AWS opens."
        )
    return found
