"""signins.py: the roles each account's last sign-in offered, kept for `profiles`."""

from __future__ import annotations

import stat

from tui.core.roles import Role
from tui.core.signins import SignIns

from .builders import ADMIN, DEV_ADMIN, DEV_PROVIDER, PROVIDER, READONLY

ROLES = [Role(ADMIN, PROVIDER), Role(READONLY, PROVIDER)]


def test_the_last_sign_in_wins_and_the_file_is_private(tmp_path):
    memory = SignIns(tmp_path / "state" / "signins.json")
    assert memory.roles("prod") is None and memory.accounts() == []
    memory.remember("prod", ROLES)
    memory.remember("dev", [Role(DEV_ADMIN, DEV_PROVIDER)])
    memory.remember("prod", ROLES[:1])
    assert memory.roles("prod") == ROLES[:1]
    assert memory.accounts() == ["dev", "prod"]
    assert stat.S_IMODE(memory.path.stat().st_mode) == 0o600


def test_the_same_roles_again_do_not_rewrite_the_file(tmp_path):
    memory = SignIns(tmp_path / "signins.json")
    memory.remember("prod", ROLES)
    before = memory.path.stat().st_mtime_ns, memory.path.read_bytes()
    memory.remember("prod", ROLES)
    assert (memory.path.stat().st_mtime_ns, memory.path.read_bytes()) == before


def test_an_unreadable_file_counts_as_no_sign_in(tmp_path):
    path = tmp_path / "signins.json"
    for text in ("{not json", "[1, 2]", '{"version": 1, "accounts": []}'):
        path.write_text(text)
        assert SignIns(path).roles("prod") is None and SignIns(path).accounts() == []
    path.write_text('{"version": 1, "accounts": {"prod": {"roles": [["nope", "x"]]}}}')
    assert SignIns(path).roles("prod") == []
    SignIns(path).remember("prod", ROLES)
    assert SignIns(path).roles("prod") == ROLES
