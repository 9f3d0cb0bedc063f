"""`entra-aws profiles` end to end: the real command writes `~/.aws/config` profiles and the real
`aws` CLI signs in with each of them through `credential_process` against the local STS."""

from __future__ import annotations

import configparser
import json
from pathlib import Path

import pytest

from tests.e2e.conftest import DEV, ENTRA_AWS, PROD, World, one_sentence

pytestmark = pytest.mark.e2e

USER_CONFIG = "# mine, keep it\n[default]\noutput = json\n\n[profile other]\nregion = eu-north-1\n"
ROLES = ("Admin@" + PROD, "ReadOnly@" + PROD, "ReadOnly@" + DEV)
# One app carrying roles of two AWS accounts: the names carry the accounts' aliases.
NAMES = {
    "prod-acme-prod-Admin": f"arn:aws:sts::{PROD}:assumed-role/Admin/",
    "prod-acme-prod-ReadOnly": f"arn:aws:sts::{PROD}:assumed-role/ReadOnly/",
    "prod-acme-dev-ReadOnly": f"arn:aws:sts::{DEV}:assumed-role/ReadOnly/",
}


def aws_config(world: World) -> Path:
    return world.home / "aws-config"  # AWS_CONFIG_FILE in the world's environment


def sign_in(world: World, *roles: str) -> None:
    saml = world.saml_file(*roles)
    done = world.run("login", "prod", "--saml-file", str(saml), "--all-roles", "--no-write")
    assert done.returncode == 0, done.stderr


def test_profiles_are_used_by_the_aws_cli_and_a_second_run_changes_nothing(world: World) -> None:
    aws_config(world).write_text(USER_CONFIG)
    sign_in(world, *ROLES)

    done = world.run("profiles")
    assert done.returncode == 0, done.stderr
    assert done.stderr.count("Wrote [profile ") == 3
    text = aws_config(world).read_text()
    assert text.startswith(USER_CONFIG), "the user's lines are kept as they were"
    parser = configparser.RawConfigParser()
    parser.read_string(text)
    for name, arn in NAMES.items():
        command = parser.get(f"profile {name}", "credential_process")
        assert command.startswith(f"{ENTRA_AWS} --config {world.config} credential-process prod")
        assert parser.get(f"profile {name}", "region") == "us-east-1"
        who = world.aws("sts", "get-caller-identity", "--profile", name, "--output", "json")
        assert who.returncode == 0, who.stderr
        assert json.loads(who.stdout)["Arn"].startswith(arn), name

    written = aws_config(world).read_bytes()
    again = world.run("profiles", "prod")
    assert again.returncode == 0, again.stderr
    assert "nothing changed" in one_sentence(again.stderr)
    assert aws_config(world).read_bytes() == written


def test_dry_run_prints_and_writes_nothing_and_gone_roles_are_removed(world: World) -> None:
    sign_in(world, *ROLES)
    dry = world.run("profiles", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "[profile prod-acme-dev-ReadOnly]" in dry.stdout
    assert "Would write [profile prod-acme-prod-Admin]" in dry.stderr
    assert not aws_config(world).exists()

    assert world.run("profiles").returncode == 0
    sign_in(world, "Admin@" + PROD)  # the app now offers one role only
    done = world.run("profiles")
    assert done.returncode == 0, done.stderr
    assert "Removed [profile prod-acme-prod-ReadOnly]" in done.stderr
    parser = configparser.RawConfigParser()
    parser.read_string(aws_config(world).read_text())
    assert parser.sections() == ["profile prod-Admin"]


def test_bad_input_is_one_sentence_and_changes_nothing(world: World) -> None:
    unknown = world.run("profiles", "nope")
    assert unknown.returncode != 0 and "No account named 'nope'" in one_sentence(unknown.stderr)
    not_yet = world.run("profiles", "prod")
    assert not_yet.returncode != 0
    assert "prod has not signed in yet" in one_sentence(not_yet.stderr)

    sign_in(world, "Admin@" + PROD)
    corrupt = "[default]\noutput = json\nnot a key or a section\n"
    aws_config(world).write_text(corrupt)
    refused = world.run("profiles")
    assert refused.returncode != 0
    assert f"{aws_config(world)} line 3 " in one_sentence(refused.stderr)
    assert aws_config(world).read_text() == corrupt
