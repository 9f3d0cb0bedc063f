"""`entra-aws logout`, `pick ACCOUNT:ROLE` (no screen) and `shell-init` end to end: the real
command and the real `aws` CLI against the local STS, with sessions from `login --saml-file`."""

from __future__ import annotations

import json

import pytest

from tests.e2e.conftest import DEV, PROD, World

pytestmark = pytest.mark.e2e
READ_DEV = f"arn:aws:sts::{DEV}:assumed-role/ReadOnly/alice@contoso.com"


@pytest.fixture
def signed_in(world: World) -> World:
    saml = world.saml_file(f"Admin@{PROD}", f"ReadOnly@{PROD}", f"ReadOnly@{DEV}")
    result = world.run("login", "prod", "--all-roles", "--saml-file", str(saml))
    assert result.returncode == 0, result.stderr
    return world


def one_sentence(stderr: str) -> str:
    assert "Traceback" not in stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    return lines[0]


def stored(world: World) -> list[str]:
    return [
        f"{s['role_name']}@{s['account_id']}"
        for s in json.loads(world.run("sessions", "--json").stdout)
    ]


def test_logout_role_at_account_removes_that_session_and_its_profile(signed_in: World) -> None:
    [profile] = [
        s["profile"]
        for s in json.loads(signed_in.run("sessions", "--json").stdout)
        if s["account_id"] == DEV
    ]
    assert signed_in.aws("sts", "get-caller-identity", "--profile", profile).returncode == 0
    done = signed_in.run("logout", "prod:ReadOnly@acme-dev")
    assert done.returncode == 0, done.stderr
    assert "Removed 1 session (prod ReadOnly@acme-dev)" in one_sentence(done.stderr)
    assert stored(signed_in) == [f"Admin@{PROD}", f"ReadOnly@{PROD}"]
    gone = signed_in.aws("sts", "get-caller-identity", "--profile", profile)
    assert gone.returncode != 0 and "could not be found" in gone.stderr


def test_logout_with_no_argument_removes_every_session_and_says_how_many(signed_in: World) -> None:
    done = signed_in.run("logout")
    assert done.returncode == 0, done.stderr
    assert one_sentence(done.stderr).startswith("Removed 3 sessions (")
    assert stored(signed_in) == []
    assert "aws_access_key_id" not in signed_in.credentials.read_text()


def test_logout_leaves_a_profile_someone_else_rewrote(signed_in: World) -> None:
    text = signed_in.credentials.read_text()
    [first] = [line for line in text.splitlines() if line.startswith("aws_access_key_id")][:1]
    signed_in.credentials.write_text(text.replace(first, "aws_access_key_id = AKIAOTHERKEY0000000"))
    done = signed_in.run("logout")
    assert done.returncode == 0, done.stderr
    assert "AKIAOTHERKEY0000000" in signed_in.credentials.read_text()


@pytest.mark.parametrize(
    ("target", "says"),
    [
        ("nope", "No account named 'nope'"),
        ("prod:Nope", "No session for prod:Nope"),
    ],
)
def test_logout_of_nothing_is_one_sentence_and_non_zero(
    signed_in: World, target: str, says: str
) -> None:
    done = signed_in.run("logout", target)
    assert done.returncode != 0
    assert says in one_sentence(done.stderr)
    assert len(stored(signed_in)) == 3
