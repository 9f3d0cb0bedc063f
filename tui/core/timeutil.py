"""Times as SAML, STS and people write them."""

from __future__ import annotations

import re
from datetime import UTC, datetime

_ISO_RE = re.compile(
    r"^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|z|[+-]\d{2}:?\d{2})?$"
)


def utcnow() -> datetime:
    return datetime.now(UTC)


def parse_instant(text: str) -> datetime:
    """Parse an xs:dateTime with 0 to 9 fractional digits (Entra sends 7); naive means UTC."""
    match = _ISO_RE.match(text.strip())
    if not match:
        raise ValueError(f"not a timestamp: {text[:40]!r}")
    date, clock, fraction, zone = match.groups()
    micro = (fraction or "0")[:6].ljust(6, "0")
    tz = "+00:00" if zone in (None, "Z", "z") else zone
    if len(tz) == 5:
        tz = f"{tz[:3]}:{tz[3:]}"
    try:
        return datetime.fromisoformat(f"{date}T{clock}.{micro}{tz}").astimezone(UTC)
    except OverflowError:  # e.g. year 1 at +01:00 is before year 1 in UTC
        raise ValueError(f"not a timestamp: {text[:40]!r}") from None


def rfc3339(moment: datetime) -> str:
    """`2026-11-28T10:00:00Z`: what credential_process and --output json print."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def format_remaining(seconds: float) -> str:
    """`1:02:03`, `4:05`, `0:09`, or `expired`."""
    if seconds <= 0:
        return "expired"
    total = int(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def format_left(seconds: float) -> str:
    """A session's time left, always `H:MM:SS` (`0:59:57`, `3:59:39`), or `expired`.

    The sessions table and `entra-aws sessions` both print this, so the column lines up.
    """
    if seconds <= 0:
        return "expired"
    hours, rest = divmod(int(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}"


def format_expiry(moment: datetime) -> str:
    """When a session ends, in local time with the zone: `2026-11-28 10:52 UTC`.

    One format for the app and the CLI; the date is always there (sessions can outlive the day).
    """
    local = moment.astimezone()
    zone = local.tzname() or local.strftime("%z")
    return f"{local:%Y-%m-%d %H:%M} {zone}"


def format_duration(seconds: int) -> str:
    """`12h`, `1h30m`, `15m`: for durations people choose."""
    hours, rest = divmod(seconds, 3600)
    minutes = rest // 60
    if hours and minutes:
        return f"{hours}h{minutes:02d}m"
    if hours:
        return f"{hours}h"
    return f"{minutes}m"
