"""`entra-aws logout`, `pick ACCOUNT:ROLE` (no screen) and `shell-init` end to end: the real
command and the real `aws` CLI against the local STS, with sessions from `login --saml-file`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.e2e.conftest import AWS, DEV, PROD, World, one_sentence

pytestmark = pytest.mark.e2e
READ_DEV = f"arn:aws:sts::{DEV}:assumed-role/ReadOnly/alice@contoso.com"


@pytest.fixture
def signed_in(world: World) -> World:
    saml = world.saml_file(f"Admin@{PROD}", f"ReadOnly@{PROD}", f"ReadOnly@{DEV}")
    result = world.run("login", "prod", "--all-roles", "--saml-file", str(saml))
    assert result.returncode == 0, result.stderr
    return world


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


def test_pick_account_role_prints_exports_with_no_screen_for_the_real_aws_cli(
    signed_in: World,
) -> None:
    done = signed_in.run("pick", "prod:ReadOnly@acme-dev", "--shell", "bash")
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    script = done.stdout + f"{AWS} sts get-caller-identity --query Arn --output text"
    shell = subprocess.run(
        ["bash", "--norc", "-c", script], env=signed_in.env(), capture_output=True, text=True
    )
    assert shell.stdout.strip() == READ_DEV, shell.stderr


@pytest.mark.parametrize("command", ["pick", "env"])
def test_a_role_name_in_two_aws_accounts_is_refused_with_the_choices(
    signed_in: World, command: str
) -> None:
    done = signed_in.run(command, "prod:ReadOnly")
    assert done.returncode != 0 and done.stdout == ""
    line = one_sentence(done.stderr)
    assert "prod:ReadOnly@acme-prod, prod:ReadOnly@acme-dev" in line


def test_pick_without_a_terminal_says_to_name_the_session(signed_in: World) -> None:
    done = signed_in.run("pick")
    assert done.returncode != 0 and done.stdout == ""
    assert "entra-aws pick ACCOUNT[:ROLE]" in one_sentence(done.stderr)


def test_shell_init_defines_the_function_bash_can_load(world: World) -> None:
    done = world.run("shell-init", "bash", "--name", "aws-role")
    assert done.returncode == 0, done.stderr
    check = subprocess.run(
        ["bash", "--norc", "-c", done.stdout + "type -t aws-role"], capture_output=True, text=True
    )
    assert check.stdout.strip() == "function"
    bad = world.run("shell-init", "bash", "--name", "no way")
    assert bad.returncode != 0 and "not a function name" in one_sentence(bad.stderr)


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_the_shell_init_function_switches_that_shell_for_the_real_aws_cli(
    signed_in: World, shell: str
) -> None:
    if shutil.which(shell) is None:
        pytest.skip(f"{shell} is not installed")
    init = signed_in.run("shell-init", shell)
    assert init.returncode == 0, init.stderr
    env = signed_in.env()
    env["PATH"] = f"{Path(AWS).parent}{os.pathsep}{env.get('PATH', '')}"
    ask = "aws sts get-caller-identity --query Arn --output text"
    script = f"{init.stdout}\neaws prod:ReadOnly@acme-dev\n{ask}\neaws prod:Nope\necho rc=$status$?\n{ask}\n"
    if shell == "fish":
        script = script.replace("$status$?", "$status")
    else:
        script = script.replace("$status$?", "$?")
    done = subprocess.run(
        [shell, "-c", script], env=env, capture_output=True, text=True, timeout=60
    )
    lines = done.stdout.split()
    assert lines == [READ_DEV, "rc=1", READ_DEV], done.stderr
    assert "No session for prod:Nope" in done.stderr
