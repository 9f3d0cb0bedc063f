"""`entra-aws login --saml-file` end to end: the real command, the local STS, and the real `aws` CLI
reading every form of credentials we produce (profile, bash exports, credential_process)."""

from __future__ import annotations

import json
import stat
import subprocess
import time
from datetime import timedelta

import pytest

from tests.e2e.conftest import AWS, DEV, ENTRA_AWS, PROD, World
from tui.core.timeutil import utcnow

pytestmark = pytest.mark.e2e


def caller_arn(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)["Arn"]


def test_profile_written_is_read_by_the_aws_cli(world: World, no_secrets) -> None:
    saml = world.saml_file("Admin@" + PROD, "ReadOnly@" + PROD)
    result = world.run(
        "login", "prod", "--saml-file", str(saml), "--role", "Admin", "--profile", "work"
    )
    assert result.returncode == 0, result.stderr
    assert "Assumed Admin in acme-prod" in result.stdout
    assert "profile work written" in result.stdout
    assert stat.S_IMODE(world.credentials.stat().st_mode) == 0o600
    assert stat.S_IMODE(world.credentials.parent.stat().st_mode) == 0o700
    arn = caller_arn(world.aws("sts", "get-caller-identity", "--profile", "work"))
    assert arn == f"arn:aws:sts::{PROD}:assumed-role/Admin/alice@contoso.com"
    text = world.credentials.read_text()
    secret = text.split("aws_secret_access_key = ")[1].split()[0]
    no_secrets([result.stderr, result.stdout], [secret, saml.read_text()])


def test_bash_exports_evaluated_by_bash_reach_the_aws_cli(world: World, no_secrets) -> None:
    saml = world.saml_file("ReadOnly@" + DEV)
    result = world.run(
        "login",
        "prod",
        "--saml-file",
        str(saml),
        "--output",
        "env",
        "--shell",
        "bash",
        "--no-write",
    )
    assert result.returncode == 0, result.stderr
    assert not world.credentials.exists(), "--no-write must not create the credentials file"
    script = f'eval "$ENTRA_EXPORTS"; exec "{AWS}" sts get-caller-identity'
    env = world.env(ENTRA_EXPORTS=result.stdout)
    env.pop("AWS_SHARED_CREDENTIALS_FILE")
    done = subprocess.run(
        ["bash", "-c", script], env=env, capture_output=True, text=True, timeout=60
    )
    assert caller_arn(done) == f"arn:aws:sts::{DEV}:assumed-role/ReadOnly/alice@contoso.com"
    secret = result.stdout.split("AWS_SECRET_ACCESS_KEY=")[1].split()[0].strip("'")
    no_secrets([result.stderr], [secret, saml.read_text()])


def test_credential_process_in_an_aws_config_file(world: World) -> None:
    saml = world.saml_file("Admin@" + PROD)
    assert world.run("login", "prod", "--saml-file", str(saml), "--no-write").returncode == 0
    role_arn = world.roles["Admin@" + PROD][0]
    (world.home / "aws-config").write_text(
        f"[profile viaproc]\ncredential_process = {ENTRA_AWS} credential-process prod --role {role_arn}\n"
    )
    arn = caller_arn(world.aws("sts", "get-caller-identity", "--profile", "viaproc"))
    assert arn == f"arn:aws:sts::{PROD}:assumed-role/Admin/alice@contoso.com"


def test_json_output_and_all_roles_write_one_profile_each(world: World) -> None:
    saml = world.saml_file("Admin@" + PROD, "ReadOnly@" + PROD, "ReadOnly@" + DEV)
    result = world.run("login", "prod", "--saml-file", str(saml), "--all-roles", "--output", "json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert {row["profile"] for row in rows} == {  # one app, two AWS accounts: their aliases
        "prod-acme-prod-Admin",
        "prod-acme-prod-ReadOnly",
        "prod-acme-dev-ReadOnly",
    }
    for row in rows:
        assert set(row) >= {
            "role_arn",
            "account_id",
            "access_key_id",
            "secret_access_key",
            "session_token",
            "expiration",
        }
        assert row["expiration"].endswith("Z")
        assert caller_arn(
            world.aws("sts", "get-caller-identity", "--profile", row["profile"])
        ).endswith(f":assumed-role/{row['role_name']}/alice@contoso.com")
    listed = json.loads(world.run("sessions", "--json").stdout)
    assert len(listed) == 3 and all(0 < row["seconds_left"] <= 3600 for row in listed)


def test_saml_from_stdin_and_role_by_arn(world: World) -> None:
    role_arn = world.roles["ReadOnly@" + PROD][0]
    result = world.run(
        "login", "prod", "--saml-file", "-", "--role", role_arn, input=world.assertion()
    )
    assert result.returncode == 0, result.stderr
    profile = "prod-acme-prod-ReadOnly"  # the assertion carries roles of two AWS accounts
    assert caller_arn(world.aws("sts", "get-caller-identity", "--profile", profile)).endswith(
        "assumed-role/ReadOnly/alice@contoso.com"
    )


def test_duration_steps_down_to_the_role_maximum_and_is_remembered(world: World) -> None:
    saml = world.saml_file("Admin@" + PROD)
    result = world.run(
        "login", "prod", "--saml-file", str(saml), "--duration", "43200", "--output", "json"
    )
    assert result.returncode == 0, result.stderr
    left = json.loads(world.run("sessions", "--json").stdout)[0]["seconds_left"]
    assert 3500 < left <= 3600, "Admin's MaxSessionDuration is 1 h"
    assert [c.duration for c in world.sts.calls] == [43200, 28800, 14400, 7200, 3600]
    world.sts.calls.clear()
    again = world.run(
        "login", "prod", "--saml-file", str(world.saml_file("Admin@" + PROD)), "--duration", "43200"
    )
    assert again.returncode == 0, again.stderr
    assert [c.duration for c in world.sts.calls] == [3600], (
        "the limit learned last time is used first"
    )


def test_session_duration_attribute_caps_the_request(world: World) -> None:
    saml = world.saml_file("ReadOnly@" + PROD, session_duration=900)
    assert (
        world.run("login", "prod", "--saml-file", str(saml), "--duration", "7200").returncode == 0
    )
    assert [c.duration for c in world.sts.calls] == [900]


def test_env_and_credential_process_from_the_store(world: World) -> None:
    saml = world.saml_file("Admin@" + PROD)
    assert world.run("login", "prod", "--saml-file", str(saml), "--no-write").returncode == 0
    env = world.run("env", "prod:Admin", "--shell", "fish")
    assert env.returncode == 0 and env.stdout.count("set -gx AWS_") == 6
    process = world.run("credential-process", "prod", "--role", "Admin")
    payload = json.loads(process.stdout)
    assert payload["Version"] == 1 and payload["Expiration"].endswith("Z")
    assert process.stderr == ""


def test_expired_assertion_says_sign_in_again_and_writes_nothing(world: World, no_secrets) -> None:
    saml = world.saml_file("Admin@" + PROD, issue_instant=utcnow() - timedelta(minutes=10))
    result = world.run("login", "prod", "--saml-file", str(saml))
    assert result.returncode == 1
    assert "sign in again" in result.stderr
    assert "Traceback" not in result.stderr
    assert not world.credentials.exists()
    no_secrets([result.stderr, result.stdout], [saml.read_text()])


@pytest.mark.parametrize("fault", ["refused", "hang", "5xx"])
def test_sts_faults_give_a_clear_error_within_15_seconds(world: World, fault: str) -> None:
    saml = world.saml_file("Admin@" + PROD)
    env = {}
    if fault == "refused":
        import socket

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        text = world.config.read_text().replace(world.sts.url, f"http://127.0.0.1:{port}")
        world.config.write_text(text)
    elif fault == "hang":
        world.sts.hang_next(30, times=5)
    else:
        world.sts.fail_next(times=5, status=503, code="ServiceUnavailable")
    started = time.monotonic()
    result = world.run("login", "prod", "--saml-file", str(saml), timeout=40, **env)
    elapsed = time.monotonic() - started
    assert result.returncode == 1
    assert elapsed < 15, f"took {elapsed:.1f} s"
    assert "STS" in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not world.credentials.exists()


def test_twenty_concurrent_logins_leave_twenty_complete_profiles(world: World) -> None:
    saml = world.saml_file("ReadOnly@" + PROD)
    procs = [
        subprocess.Popen(
            [ENTRA_AWS, "login", "prod", "--saml-file", str(saml), "--profile", f"p{i}"],
            env=world.env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(20)
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    assert stat.S_IMODE(world.credentials.stat().st_mode) == 0o600
    import configparser

    parser = configparser.RawConfigParser()
    parser.read(world.credentials)
    assert sorted(parser.sections()) == sorted(f"p{i}" for i in range(20))
    for section in parser.sections():
        assert {"aws_access_key_id", "aws_secret_access_key", "aws_session_token"} <= set(
            parser[section]
        )


def test_user_errors_are_one_line_without_traceback(world: World) -> None:
    cases = [
        (["login", "nope", "--saml-file", "x"], "No account named 'nope'"),
        (["login", "prod", "--saml-file", str(world.home / "missing")], "No such file"),
        (["login", "prod", "--saml-file", "-"], "empty"),
        (["login", "prod", "--saml-file", str(world.saml_file())], "pick with --role"),
        (["env", "prod"], "No session for prod"),
        (["credential-process", "prod"], "run `entra-aws login prod`"),
    ]
    for args, expected in cases:
        result = world.run(*args, input="")
        assert result.returncode != 0, args
        assert expected in result.stderr, (args, result.stderr)
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
        if args[0] in ("env", "credential-process"):
            assert result.stdout == ""
