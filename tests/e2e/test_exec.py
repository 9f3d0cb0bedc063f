"""`entra-aws exec` and `exec --server` end to end: the real command running the real `aws` CLI and
boto3 against the local STS, with sessions from `login --saml-file`."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time

import pytest

from tests.e2e.conftest import AWS, ENTRA_AWS, PROD, World, one_sentence

pytestmark = pytest.mark.e2e
ADMIN = f"arn:aws:sts::{PROD}:assumed-role/Admin/alice@contoso.com"
# Ambient identities a user's shell may carry; exec must not let any of them reach the command.
AMBIENT = {
    "AWS_PROFILE": "no-such-profile",
    "AWS_ACCESS_KEY_ID": "AKIAAMBIENTAMBIENT00",
    "AWS_SECRET_ACCESS_KEY": "ambient-secret",
    "AWS_SESSION_TOKEN": "ambient-token",
}


@pytest.fixture
def signed_in(world: World) -> World:
    saml = world.saml_file("Admin@" + PROD)
    result = world.run("login", "prod", "--saml-file", str(saml), "--no-write")
    assert result.returncode == 0, result.stderr
    return world


def test_exec_runs_the_aws_cli_as_the_session_without_ambient_identities(signed_in: World) -> None:
    done = signed_in.run("exec", "prod", "--", AWS, "sts", "get-caller-identity", **AMBIENT)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["Arn"] == ADMIN


def test_exec_gives_the_session_environment(signed_in: World) -> None:
    show = "import json, os; print(json.dumps({k: v for k, v in os.environ.items()}))"
    done = signed_in.run("exec", "prod:Admin", "--", sys.executable, "-c", show, **AMBIENT)
    assert done.returncode == 0, done.stderr
    env = json.loads(done.stdout)
    [stored] = json.loads(signed_in.run("sessions", "--json").stdout)
    assert "AWS_PROFILE" not in env
    assert env["AWS_ACCESS_KEY_ID"] == stored["access_key_id"] != AMBIENT["AWS_ACCESS_KEY_ID"]
    assert env["AWS_CREDENTIAL_EXPIRATION"] == stored["expiration"]
    assert env["AWS_REGION"] == env["AWS_DEFAULT_REGION"] == "us-east-1"
    assert env["AWS_ENDPOINT_URL_STS"] == signed_in.sts.url, "other AWS_* settings are kept"


def test_exec_returns_the_commands_exit_status(signed_in: World) -> None:
    done = signed_in.run("exec", "prod", "--role", "Admin", "--", "sh", "-c", "exit 7")
    assert done.returncode == 7 and done.stderr == ""
    served = signed_in.run("exec", "prod", "--server", "--", "sh", "-c", "exit 7")
    assert served.returncode == 7 and served.stderr == ""


def test_exec_passes_stdin_through(signed_in: World) -> None:
    done = signed_in.run("exec", "prod", "--", "tr", "a-z", "A-Z", input="hello\n")
    assert done.stdout == "HELLO\n"


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (("exec", "prod", "--", "no-such-command-xyz"), 127, "No command 'no-such-command-xyz'"),
        (("exec", "prdo", "--", "true"), 2, "did you mean 'prod'?"),
        (("exec", "prod:Nope", "--", "true"), 1, "No session for prod:Nope"),
        (("exec", "prod:Admin", "--role", "ReadOnly", "--", "true"), 1, "Give the role once"),
        (("exec", "prod"), 1, "Name the command to run after --"),
    ],
)
def test_exec_bad_input_is_one_sentence(
    signed_in: World, args: tuple[str, ...], code: int, words: str
) -> None:
    done = signed_in.run(*args)
    assert done.returncode == code
    assert words in one_sentence(done.stderr)


def test_nested_exec_says_so(signed_in: World) -> None:
    done = signed_in.run("exec", "prod", "--", ENTRA_AWS, "exec", "prod", "--", "true")
    assert done.returncode == 1
    assert "already runs inside `entra-aws exec` for prod:Admin" in one_sentence(done.stderr)


SERVER_CHILD = textwrap.dedent(
    """
    import json, os, subprocess, sys, urllib.error, urllib.request
    import boto3

    url = os.environ["AWS_CONTAINER_CREDENTIALS_FULL_URI"]
    def status(headers):
        try:
            return urllib.request.urlopen(urllib.request.Request(url, headers=headers)).status
        except urllib.error.HTTPError as error:
            return error.code
    session = boto3.session.Session()
    creds = session.get_credentials()
    cli = subprocess.run([sys.argv[1], "sts", "get-caller-identity"], capture_output=True, text=True)
    print(json.dumps({
        "keys_in_env": sorted(k for k in os.environ if k in (
            "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE")),
        "host": url.split("/")[2].split(":")[0],
        "method": creds.method,
        "boto3_arn": session.client("sts").get_caller_identity()["Arn"],
        "cli_arn": json.loads(cli.stdout)["Arn"] if cli.returncode == 0 else cli.stderr,
        "no_token": status({}),
        "wrong_token": status({"Authorization": "not-the-token"}),
    }))
    """
)


def test_exec_server_feeds_boto3_and_the_aws_cli_and_refuses_requests_without_the_token(
    signed_in: World, no_secrets
) -> None:
    done = signed_in.run(
        "exec", "prod", "--server", "--", sys.executable, "-c", SERVER_CHILD, AWS, **AMBIENT
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    assert seen["keys_in_env"] == []
    assert seen["host"] == "127.0.0.1"
    assert seen["method"] == "container-role"
    assert seen["boto3_arn"] == seen["cli_arn"] == ADMIN
    assert (seen["no_token"], seen["wrong_token"]) == (401, 403)
    [stored] = json.loads(signed_in.run("sessions", "--json").stdout)
    no_secrets([done.stderr], [stored["access_key_id"]])


def test_exec_server_lives_exactly_as_long_as_the_command(signed_in: World) -> None:
    child = "import os; print(os.environ['AWS_CONTAINER_CREDENTIALS_FULL_URI'])"
    done = signed_in.run("exec", "prod", "--server", "--", sys.executable, "-c", child)
    assert done.returncode == 0, done.stderr
    port = int(done.stdout.strip().rsplit(":", 1)[1].strip("/"))
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", port)) != 0, "the endpoint outlived the command"


def test_exec_server_on_a_port_already_taken(signed_in: World) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = signed_in.run("exec", "prod", "--server", "--port", str(port), "--", "true")
    assert done.returncode == 1
    assert f"Port {port} on 127.0.0.1 is already in use" in one_sentence(done.stderr)


def test_ctrl_c_reaches_the_command_and_exec_waits_for_it(signed_in: World) -> None:
    script = textwrap.dedent(
        """
        import signal, sys, time
        signal.signal(signal.SIGINT, lambda *a: (print("child got SIGINT", flush=True), sys.exit(5)))
        print("ready", flush=True)
        time.sleep(30)
        """
    )
    for mode in ((), ("--server",)):
        child = subprocess.Popen(
            [ENTRA_AWS, "exec", "prod", *mode, "--", sys.executable, "-c", script],
            env=signed_in.env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,  # its own process group, as a terminal's foreground job
        )
        assert child.stdout is not None
        assert child.stdout.readline() == "ready\n"
        started = time.monotonic()
        os.killpg(child.pid, signal.SIGINT)  # what Ctrl-C in the terminal does
        out, err = child.communicate(timeout=20)
        assert time.monotonic() - started < 10
        assert child.returncode == 5, (mode, err)
        assert out == "child got SIGINT\n" and "Traceback" not in err
