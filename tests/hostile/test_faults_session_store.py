"""A corrupt session store (or remembered-durations file), met by the real `entra-aws` command:
`sessions` and the next `login` work, with a one-line warning, the bad file set aside (renamed,
kept for a person to look at), never a crash. tests/unit/test_sessions.py covers SessionStore."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.e2e.conftest import PROD, World

pytestmark = pytest.mark.e2e

_ENTRY = {
    "account": "prod",
    "role_arn": "arn:aws:iam::111111111111:role/Admin",
    "principal_arn": "arn:aws:iam::111111111111:saml-provider/Entra",
    "profile": "prod",
    "region": "us-east-1",
    "access_key_id": "ASIAOLD",
    "secret_access_key": "old-secret",
    "session_token": "old-token",
    "expiration": "2099-01-01T00:00:00Z",
}


def _store(*entries: dict[str, object]) -> bytes:
    return json.dumps({"version": 1, "sessions": list(entries)}).encode()


CORRUPT = {
    "garbage": b"\x00\x01garbage {{{ not json",
    "truncated": _store(_ENTRY)[:70],
    "wrong-version": json.dumps({"version": 2, "sessions": [_ENTRY]}).encode(),
    "not-utf8": b'{"version": 1, "sessions": [{"account": "J\xfcrgen"}]}',
    "utf16": _store(_ENTRY).decode().encode("utf-16"),
    "empty": b"",
    "a-list": b"[]",
    "deeply-nested": b"[" * 100_000,
    "role-not-an-arn": _store({**_ENTRY, "role_arn": "Admin"}),
    "number-for-a-name": _store({**_ENTRY, "account": 5}, {**_ENTRY, "account": "b"}),
    "null-profile": _store({**_ENTRY, "profile": None}),
    "text-duration": _store({**_ENTRY, "duration": "3600"}),
    "date-only-expiry": _store({**_ENTRY, "expiration": "2099-01-01"}),
    "unknown-field": _store({**_ENTRY, "colour": "red"}),
}


def store_path(world: World) -> Path:
    return world.home / "entra" / "state" / "sessions.json"


def set_aside(world: World) -> list[Path]:
    return sorted(store_path(world).parent.glob("sessions.json.corrupt-*"))


def check_warning(stderr: str, world: World) -> None:
    warnings = [line for line in stderr.splitlines() if "session store" in line]
    assert len(warnings) == 1, stderr
    assert warnings[0].startswith("entra-aws: ") and "set aside" in warnings[0]
    assert "Traceback" not in stderr and "internal error" not in stderr
    aside = set_aside(world)
    assert len(aside) == 1 and aside[0].name in warnings[0]


@pytest.mark.parametrize("content", CORRUPT.values(), ids=CORRUPT.keys())
def test_sessions_then_login_with_a_corrupt_store(world: World, content: bytes) -> None:
    store_path(world).parent.mkdir(parents=True, exist_ok=True)
    store_path(world).write_bytes(content)

    listed = world.run("sessions")

    assert listed.returncode == 0, listed.stderr
    assert "No sessions" in listed.stdout
    check_warning(listed.stderr, world)
    assert set_aside(world)[0].read_bytes() == content  # kept as it was, for a person
    assert not store_path(world).exists()

    login = world.run("login", "prod", "--saml-file", str(world.saml_file("Admin@" + PROD)))
    assert login.returncode == 0, login.stderr
    rows = json.loads(world.run("sessions", "--json").stdout)
    assert [row["role_name"] for row in rows] == ["Admin"]


@pytest.mark.parametrize("name", ["garbage", "number-for-a-name", "deeply-nested"])
def test_login_straight_onto_a_corrupt_store(world: World, name: str) -> None:
    store_path(world).parent.mkdir(parents=True, exist_ok=True)
    store_path(world).write_bytes(CORRUPT[name])

    login = world.run("login", "prod", "--saml-file", str(world.saml_file("Admin@" + PROD)))

    assert login.returncode == 0, login.stderr
    check_warning(login.stderr, world)
    listed = world.run("sessions")
    assert listed.returncode == 0 and listed.stderr == ""
    assert "Admin" in listed.stdout


@pytest.mark.parametrize(
    "content",
    [b"[" * 100_000, b"\xff\xfe garbage", b'{"arn:aws:iam::111111111111:role/Admin": "x"}', b"[]"],
    ids=["deeply-nested", "binary", "wrong-types", "a-list"],
)
def test_a_corrupt_durations_file_is_only_a_lost_hint(world: World, content: bytes) -> None:
    durations = store_path(world).with_name("durations.json")
    durations.parent.mkdir(parents=True, exist_ok=True)
    durations.write_bytes(content)

    login = world.run("login", "prod", "--saml-file", str(world.saml_file("Admin@" + PROD)))

    assert login.returncode == 0, login.stderr
    assert "Traceback" not in login.stderr
