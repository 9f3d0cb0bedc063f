"""sessions.py: the private store the CLI and the TUI share."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta

import pytest

from tui.core.sessions import Session, SessionStore, default_store_path

from .builders import session

NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def test_save_and_load_round_trip(tmp_path):
    store = SessionStore(tmp_path / "sessions.json")
    original = session()
    store.save([original])
    [loaded] = SessionStore(tmp_path / "sessions.json").load()
    assert loaded == original
    assert loaded.secret_access_key == original.secret_access_key
    assert loaded.session_token == original.session_token
    assert loaded.expiration.tzinfo is not None


def test_default_store_is_private_in_the_state_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    store = SessionStore()
    assert store.path == default_store_path() == tmp_path / "state" / "entra-aws" / "sessions.json"
    store.save([session()])
    assert store.path.stat().st_mode & 0o777 == 0o600
    assert store.path.parent.stat().st_mode & 0o777 == 0o700


def test_an_open_state_folder_is_made_private(tmp_path):
    folder = tmp_path / "state"
    folder.mkdir()
    folder.chmod(0o755)
    store = SessionStore(folder / "sessions.json")
    store.save([session()])
    assert folder.stat().st_mode & 0o777 == 0o700
    assert store.path.stat().st_mode & 0o777 == 0o600


def test_upsert_by_account_and_role(tmp_path):
    store = SessionStore(tmp_path / "sessions.json")
    admin = session()
    read = session(role_arn="arn:aws:iam::123456789012:role/ReadOnly", access_key_id="ASIAREAD")
    other_account = session(account="dev", access_key_id="ASIADEV")
    store.save([admin, read, other_account])

    refreshed = session(access_key_id="ASIANEW", expiration=admin.expiration + timedelta(hours=2))
    store.save([refreshed])

    loaded = store.load()
    assert len(loaded) == 3
    by_key = {s.key: s for s in loaded}
    assert by_key[admin.key].access_key_id == "ASIANEW"
    assert by_key[read.key].access_key_id == "ASIAREAD"
    assert by_key["dev|arn:aws:iam::123456789012:role/Admin"].access_key_id == "ASIADEV"


def test_load_orders_by_account_then_role(tmp_path):
    store = SessionStore(tmp_path / "sessions.json")
    store.save(
        [
            session(account="prod", role_arn="arn:aws:iam::123456789012:role/ReadOnly"),
            session(account="dev", role_arn="arn:aws:iam::123456789012:role/Admin"),
            session(account="prod", role_arn="arn:aws:iam::123456789012:role/Admin"),
        ]
    )
    assert [(s.account, s.role_name) for s in store.load()] == [
        ("dev", "Admin"),
        ("prod", "Admin"),
        ("prod", "ReadOnly"),
    ]


def test_long_expired_sessions_are_pruned_recently_expired_kept(tmp_path):
    store = SessionStore(tmp_path / "sessions.json")
    live = session(expiration=NOW + timedelta(hours=1))
    recent = session(account="a", expiration=NOW - timedelta(hours=1))
    ancient = session(account="b", expiration=NOW - timedelta(hours=13))
    store.save([live, recent, ancient], now=NOW)
    assert {s.account for s in store.load()} == {"prod", "a"}
    assert recent.expired(NOW) and not live.expired(NOW)
    assert live.remaining(NOW) == 3600


def test_remove(tmp_path):
    store = SessionStore(tmp_path / "sessions.json")
    admin, dev = session(), session(account="dev")
    store.save([admin, dev])
    store.remove([admin.key])
    assert [s.account for s in store.load()] == ["dev"]


def test_missing_store_is_empty_without_warnings(tmp_path):
    store = SessionStore(tmp_path / "nothing" / "sessions.json")
    assert store.load() == []
    assert store.warnings == []
    assert store.stamp() is None


@pytest.mark.parametrize(
    "content",
    [
        b"{not json",
        b"[]",
        b'{"version": 99, "sessions": []}',
        b'{"version": 1, "sessions": [{"account": "x"}]}',
        b'{"version": 1, "sessions": [{"expiration": 5}]}',
        b'{"version": 1}',
        b"\xff\xfe\x00garbage\x80\x81",
        b"",
    ],
    ids=["syntax", "list", "version", "fields", "types", "no-sessions", "binary", "empty"],
)
def test_a_corrupt_store_is_set_aside_and_the_next_save_works(tmp_path, content):
    path = tmp_path / "sessions.json"
    path.write_bytes(content)
    store = SessionStore(path)

    assert store.load() == []  # no exception
    assert len(store.warnings) == 1
    assert "set aside" in store.warnings[0] and "sign in again" in store.warnings[0]
    aside = list(tmp_path.glob("sessions.json.corrupt-*"))
    assert len(aside) == 1
    assert aside[0].read_bytes() == content  # kept for a person to look at
    assert aside[0].name in store.warnings[0]

    fresh = session()
    store.save([fresh])
    assert SessionStore(path).load() == [fresh]


def test_a_corrupt_store_is_set_aside_on_save_too(tmp_path):
    path = tmp_path / "sessions.json"
    path.write_text("{oops")
    store = SessionStore(path)
    store.save([session()])
    assert len(store.load()) == 1
    assert list(tmp_path.glob("sessions.json.corrupt-*"))


def test_a_session_with_an_impossible_expiry_is_a_corrupt_store(tmp_path):
    path = tmp_path / "sessions.json"
    data = session().to_json()
    data["expiration"] = "0001-01-01T00:00:00+01:00"
    path.write_text(json.dumps({"version": 1, "sessions": [data]}))
    store = SessionStore(path)
    assert store.load() == []
    assert store.warnings


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (None, {"Admin", "ReadOnly"}),
        ("ReadOnly", {"ReadOnly"}),
        ("arn:aws:iam::123456789012:role/ReadOnly", {"ReadOnly"}),
        ("arn:aws:iam::123456789012:role/ops/Deploy", {"Deploy"}),
        ("Deploy", {"Deploy"}),
        ("readonly", set()),
        ("arn:aws:iam::999999999999:role/ReadOnly", set()),
    ],
)
def test_find_by_role_name_or_arn(tmp_path, role, expected):
    store = SessionStore(tmp_path / "sessions.json")
    store.save(
        [
            session(),
            session(role_arn="arn:aws:iam::123456789012:role/ReadOnly"),
            session(account="dev", role_arn="arn:aws:iam::123456789012:role/ops/Deploy"),
        ]
    )
    account = "dev" if role and "Deploy" in role else "prod"
    assert {s.role_name for s in store.find(account, role)} == expected
    assert store.find("nope", role) == []


def test_repr_never_shows_the_secret_or_the_token():
    s = session()
    text = repr(s) + str(s)
    assert s.secret_access_key not in text
    assert s.session_token not in text
    assert s.access_key_id in text  # the key id is not a secret and helps debugging


def test_session_properties():
    s = session(role_arn="arn:aws:iam::210987654321:role/team/Deploy")
    assert s.role_name == "Deploy"
    assert s.account_id == "210987654321"
    assert s.key == "prod|arn:aws:iam::210987654321:role/team/Deploy"


def test_json_uses_rfc3339_utc():
    s = session(expiration=datetime(2026, 1, 1, 12, 0, tzinfo=UTC), issued_at=None)
    data = s.to_json()
    assert data["expiration"] == "2026-01-01T12:00:00Z"
    assert data["issued_at"] is None
    assert Session.from_json(data) == s


def test_stamp_changes_when_another_process_writes(tmp_path):
    path = tmp_path / "sessions.json"
    store = SessionStore(path)
    store.save([session()])
    before = store.stamp()
    os.utime(path, (1, 1))
    SessionStore(path).save([session(account="dev")])
    assert store.stamp() != before
