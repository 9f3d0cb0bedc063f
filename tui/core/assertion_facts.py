"""What an assertion says beyond its roles, as `entra-aws decode` and the roles screen show it.

Values come from the IdP, so control characters (terminal escapes) are replaced; claim names
lose the well-known Microsoft and WS-* prefixes.
"""

from __future__ import annotations

from tui.core.assertion import Assertion

SHORT_PREFIXES = (
    "http://schemas.microsoft.com/identity/claims/",
    "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/",
    "http://schemas.microsoft.com/ws/2008/06/identity/claims/",
    "http://schemas.microsoft.com/claims/",
)
VALUE_CHARS = 100


def printable(text: str | None) -> str:
    """Text from an assertion or a file, with control characters (terminal escapes) removed."""
    return "".join(ch if ch.isprintable() else "?" for ch in (text or ""))


def short_claim(name: str) -> str:
    for prefix in SHORT_PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def facts(assertion: Assertion) -> list[tuple[str, str]]:
    """(label, value) for the issuer, destination and role session name; `-` when absent."""
    return [
        ("Issuer", printable(assertion.issuer) or "-"),
        ("Destination", printable(assertion.destination) or "-"),
        ("Session name", printable(assertion.role_session_name) or "-"),
    ]


def attributes(assertion: Assertion) -> list[tuple[str, str]]:
    """(short claim name, value) sorted by name; several values are counted, three shown."""
    rows = []
    for name, values in sorted(assertion.attributes.items()):
        shown = (
            printable(values[0])
            if len(values) == 1
            else f"({len(values)} values) " + printable(", ".join(values[:3]))
        )
        rows.append((printable(short_claim(name)), shown[:VALUE_CHARS]))
    return rows
