"""timeutil.py: times as SAML and STS write them, and as people read them."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta, timezone

import pytest

from tui.core.timeutil import (
    format_duration,
    format_expiry,
    format_left,
    format_remaining,
    parse_instant,
    rfc3339,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2013-03-18T07:38:15Z", datetime(2013, 3, 18, 7, 38, 15, tzinfo=UTC)),
        ("2013-03-18T07:38:15.144Z", datetime(2013, 3, 18, 7, 38, 15, 144000, tzinfo=UTC)),
        ("2013-03-18T07:38:15.1839884Z", datetime(2013, 3, 18, 7, 38, 15, 183988, tzinfo=UTC)),
        ("2013-03-18T07:38:15.123456789z", datetime(2013, 3, 18, 7, 38, 15, 123456, tzinfo=UTC)),
        ("2013-03-18 07:38:15", datetime(2013, 3, 18, 7, 38, 15, tzinfo=UTC)),
        ("2013-03-18T09:38:15+02:00", datetime(2013, 3, 18, 7, 38, 15, tzinfo=UTC)),
        ("2013-03-18T02:08:15-0530", datetime(2013, 3, 18, 7, 38, 15, tzinfo=UTC)),
        ("  2013-03-18T07:38:15Z\n", datetime(2013, 3, 18, 7, 38, 15, tzinfo=UTC)),
    ],
)
def test_parse_instant(text, expected):
    parsed = parse_instant(text)
    assert parsed == expected
    assert parsed.utcoffset() == timedelta(0)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "yesterday",
        "2013-03-18",
        "2013-13-18T07:38:15Z",
        "2013-03-18T25:00:00Z",
        "2013-03-18T07:38:15+25:00",
        "0001-01-01T00:00:00+01:00",
        "9999-12-31T23:59:59-01:00",
    ],
)
def test_parse_instant_refuses_with_value_error(text):
    with pytest.raises(ValueError):
        parse_instant(text)


def test_rfc3339_is_utc_with_z_and_no_fraction():
    moment = datetime(2026, 1, 1, 14, 0, 0, 999999, tzinfo=timezone(timedelta(hours=2)))
    assert rfc3339(moment) == "2026-01-01T12:00:00Z"


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "expired"),
        (-5, "expired"),
        (9.7, "0:09"),
        (245, "4:05"),
        (3723, "1:02:03"),
        (43200, "12:00:00"),
    ],
)
def test_format_remaining(seconds, text):
    assert format_remaining(seconds) == text


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0, "expired"), (9.7, "0:00:09"), (3597, "0:59:57"), (14379, "3:59:39"), (43200, "12:00:00")],
)
def test_format_left_is_one_width_under_ten_hours(seconds, text):
    assert format_left(seconds) == text


@pytest.fixture
def local_zone(monkeypatch):
    def use(name: str) -> None:
        monkeypatch.setenv("TZ", name)
        time.tzset()

    yield use
    monkeypatch.undo()
    time.tzset()


def test_format_expiry_is_local_time_with_date_and_zone(local_zone):
    moment = datetime(2026, 11, 28, 23, 30, tzinfo=UTC)
    local_zone("UTC")
    assert format_expiry(moment) == "2026-11-28 23:30 UTC"
    local_zone("Europe/Berlin")
    assert format_expiry(moment) == "2026-11-29 00:30 CET"


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(900, "15m"), (3600, "1h"), (5400, "1h30m"), (43200, "12h"), (3660, "1h01m")],
)
def test_format_duration(seconds, text):
    assert format_duration(seconds) == text
