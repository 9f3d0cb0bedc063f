"""exports.py: what people paste into their shell, and what the AWS CLI runs.

POSIX shells (and fish, when installed) really evaluate the text; the others are checked against
their quoting rules.
"""

from __future__ import annotations

import configparser
import io
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tui.core import exports
from tui.core.exports import (
    credential_process_config,
    credential_process_json,
    profile_export,
    shell_export,
    variables,
)

from .builders import session

EXPIRY = datetime(2026, 1, 1, 12, 34, 56, 789000, tzinfo=UTC)


def hostile(marker_dir) -> dict[str, str]:
    """Values that break naive quoting; each `touch` would leave a file if anything ran."""
    touch = f"touch {marker_dir}/ran"
    return {
        "access_key_id": f"AKIA'single\"double $({touch}1) `{touch}2` ${{HOME}} \\back\\slash",
        "secret_access_key": f"line1\nline2\n'; {touch}3; echo '\n",
        "session_token": "tab\there  two  spaces *glob?[x] ~root !bang #hash &amp; | ; < > ^ %",
        "region": f"eu-west-1'; {touch}4; '",
    }


def hostile_session(marker_dir, **extra):
    values = hostile(marker_dir)
    values.update(extra)
    return session(expiration=EXPIRY, **values)


def expected_env(s) -> dict[str, str]:
    return dict(variables(s))


def run_env(argv: list[str], tmp_path) -> dict[str, str]:
    """Run a shell that evaluates the export text then prints its environment (NUL-separated)."""
    result = subprocess.run(
        argv,
        capture_output=True,
        cwd=tmp_path,
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path)},
        timeout=30,
        check=False,
    )
    assert result.returncode == 0, result.stderr.decode()
    env = {}
    for item in result.stdout.split(b"\0"):
        if b"=" in item:
            name, _, value = item.decode().partition("=")
            env[name] = value
    return env


@pytest.mark.parametrize("shell", ["bash", "zsh"])
def test_posix_export_evaluated_by_the_real_shell(shell, tmp_path):
    binary = shutil.which(shell)
    if binary is None:
        pytest.skip(f"{shell} is not installed")
    s = hostile_session(tmp_path, account="prod\ntouch " + str(tmp_path / "ran5"))
    text = shell_export(s, shell)
    argv = (
        [binary, "-c", text + "\nenv -0"]
        if shell == "bash"
        else [binary, "-f", "-c", text + "\nenv -0"]
    )
    env = run_env(argv, tmp_path)
    for name, value in expected_env(s).items():
        assert env[name] == value, name
    assert not list(tmp_path.glob("ran*")), "a value was executed"


def test_posix_export_evaluated_by_sh(tmp_path):
    s = hostile_session(tmp_path)
    env = run_env(["/bin/sh", "-c", shell_export(s, "sh") + "\nenv -0"], tmp_path)
    for name, value in expected_env(s).items():
        assert env[name] == value
    assert not list(tmp_path.glob("ran*"))


def test_fish_export_evaluated_by_fish(tmp_path):
    binary = shutil.which("fish")
    if binary is None:
        pytest.skip("fish is not installed")
    s = hostile_session(tmp_path, account="prod\ntouch " + str(tmp_path / "ran5"))
    env = run_env([binary, "--no-config", "-c", shell_export(s, "fish") + "\nenv -0"], tmp_path)
    for name, value in expected_env(s).items():
        assert env[name] == value, name
    assert not list(tmp_path.glob("ran*"))


def test_export_text_lists_every_variable_once_after_a_comment():
    s = session(expiration=EXPIRY)
    text = shell_export(s, "bash")
    lines = text.splitlines()
    assert lines[0].startswith(
        "# entra-aws: prod Admin (123456789012), expires 2026-01-01T12:34:56Z"
    )
    assert [line.split("=")[0] for line in lines[1:]] == [
        "export AWS_ACCESS_KEY_ID",
        "export AWS_SECRET_ACCESS_KEY",
        "export AWS_SESSION_TOKEN",
        "export AWS_REGION",
        "export AWS_DEFAULT_REGION",
        "export AWS_CREDENTIAL_EXPIRATION",
    ]
    assert text.endswith("\n")
    assert dict(variables(s))["AWS_CREDENTIAL_EXPIRATION"] == "2026-01-01T12:34:56Z"


@pytest.mark.parametrize("shell", ["bash", "fish", "powershell", "cmd", "dotenv"])
def test_a_newline_in_a_name_cannot_escape_the_comment_line(shell, tmp_path):
    s = session(
        account="prod\nrm -rf ~",
        role_arn="arn:aws:iam::123456789012:role/Admin\r\nrm -rf ~",
        expiration=EXPIRY,
    )
    text = shell_export(s, shell)
    assert len(text.splitlines()) == 7  # the comment plus six variables
    assert not any(line.startswith("rm") for line in text.splitlines())


def test_fish_quoting_rules():
    s = session(access_key_id="it's", secret_access_key="back\\slash", session_token="a\\'b")
    text = shell_export(s, "fish")
    assert "set -gx AWS_ACCESS_KEY_ID 'it\\'s'" in text
    assert "set -gx AWS_SECRET_ACCESS_KEY 'back\\\\slash'" in text
    assert "set -gx AWS_SESSION_TOKEN 'a\\\\\\'b'" in text


_PS_QUOTES = "'\u2018\u2019\u201a\u201b"


def _powershell_assignments(text: str) -> dict[str, str]:
    """Read `$Env:NAME = '...'` lines the way PowerShell's tokenizer reads single-quoted strings:
    any of its five single-quote characters ends the string unless another one follows."""
    found: dict[str, str] = {}
    position = 0
    while position < len(text):
        if text.startswith("#", position):
            position = text.index("\n", position) + 1
            continue
        match = re.compile(r"\$Env:(\w+) = ").match(text, position)
        assert match, text[position : position + 40]
        position = match.end()
        assert text[position] in _PS_QUOTES
        position += 1
        value = []
        while True:
            ch = text[position]
            if ch in _PS_QUOTES:
                if position + 1 < len(text) and text[position + 1] in _PS_QUOTES:
                    value.append(text[position + 1])
                    position += 2
                    continue
                position += 1
                break
            value.append(ch)
            position += 1
        assert text[position] == "\n", "something follows the string on the same line"
        position += 1
        found[match.group(1)] = "".join(value)
    return found


def test_powershell_quoting_rules(tmp_path):
    s = hostile_session(
        tmp_path,
        access_key_id="it's $(Remove-Item x) `n $Env:HOME",
        secret_access_key="curly\u2019; Remove-Item x; \u2018",
    )
    text = shell_export(s, "powershell")
    assert "$Env:AWS_ACCESS_KEY_ID = 'it''s $(Remove-Item x) `n $Env:HOME'" in text
    assert _powershell_assignments(text) == expected_env(s)


def test_cmd_lines_and_refusals():
    s = session(expiration=EXPIRY, session_token="a&b|c<d>e^f")
    text = shell_export(s, "cmd")
    lines = text.splitlines()
    assert lines[0].startswith("REM entra-aws: prod Admin")
    assert lines[1] == f'set "AWS_ACCESS_KEY_ID={s.access_key_id}"'
    assert 'set "AWS_SESSION_TOKEN=a&b|c<d>e^f"' in lines
    for bad in ('quote"d', "per%cent%", "new\nline", "carriage\rreturn"):
        with pytest.raises(ValueError) as caught:
            shell_export(session(session_token=bad), "cmd")
        assert "AWS_SESSION_TOKEN" in str(caught.value)


def test_dotenv_parses_back_with_python_dotenv(tmp_path):
    dotenv = pytest.importorskip("dotenv")
    s = hostile_session(tmp_path)
    text = shell_export(s, "dotenv")
    parsed = dotenv.dotenv_values(stream=io.StringIO(text), interpolate=False)
    assert dict(parsed) == expected_env(s)


def test_dotenv_plain_values_stay_bare():
    s = session(expiration=EXPIRY)
    text = shell_export(s, "dotenv")
    assert f"AWS_ACCESS_KEY_ID={s.access_key_id}\n" in text
    assert "AWS_REGION=eu-west-1\n" in text
    assert "AWS_CREDENTIAL_EXPIRATION=2026-01-01T12:34:56Z\n" in text


def test_unknown_shell():
    with pytest.raises(ValueError) as caught:
        shell_export(session(), "tcsh")
    assert "bash, zsh, fish, powershell, cmd, dotenv" in str(caught.value)


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_profile_export_evaluated(shell, tmp_path):
    binary = shutil.which(shell)
    if binary is None:
        pytest.skip(f"{shell} is not installed")
    profile = "team's prod $(x)"
    flags = {"bash": [], "zsh": ["-f"], "fish": ["--no-config"]}[shell]
    env = run_env([binary, *flags, "-c", profile_export(profile, shell) + "\nenv -0"], tmp_path)
    assert env["AWS_PROFILE"] == profile


def test_profile_export_other_shells():
    assert profile_export("prod", "powershell") == "$Env:AWS_PROFILE = 'prod'\n"
    assert profile_export("prod", "cmd") == 'set "AWS_PROFILE=prod"\n'
    assert profile_export("prod", "dotenv") == "AWS_PROFILE=prod\n"


def test_credential_process_json_is_exactly_the_documented_shape():
    s = session(expiration=EXPIRY)
    data = json.loads(credential_process_json(s))
    assert data == {
        "Version": 1,
        "AccessKeyId": s.access_key_id,
        "SecretAccessKey": s.secret_access_key,
        "SessionToken": s.session_token,
        "Expiration": "2026-01-01T12:34:56Z",
    }
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", data["Expiration"])
    assert "\n" not in credential_process_json(s)


def _config_block(text: str) -> configparser.SectionProxy:
    parser = configparser.RawConfigParser()
    parser.read_string(text)
    assert len(parser.sections()) == 1
    return parser[parser.sections()[0]]


def test_credential_process_config_with_the_installed_command(monkeypatch):
    monkeypatch.setattr(exports.shutil, "which", lambda name: "/opt/my tools/bin/entra-aws")
    s = session(account="prod", region="eu-west-1")
    text = credential_process_config(s)
    assert text.startswith("[profile prod]\n")
    block = _config_block(text)
    assert block["region"] == "eu-west-1"
    assert shlex.split(block["credential_process"]) == [
        "/opt/my tools/bin/entra-aws",
        "credential-process",
        "prod",
        "--role",
        "arn:aws:iam::123456789012:role/Admin",
    ]


def test_credential_process_config_falls_back_to_this_python(monkeypatch):
    monkeypatch.setattr(exports.shutil, "which", lambda name: None)
    monkeypatch.setattr(exports.sys, "executable", "/opt/py env/bin/python3")
    block = _config_block(credential_process_config(session(), profile="other"))
    assert shlex.split(block["credential_process"]) == [
        "/opt/py env/bin/python3",
        "-m",
        "tui",
        "credential-process",
        "prod",
        "--role",
        "arn:aws:iam::123456789012:role/Admin",
    ]


def test_credential_process_config_uses_the_script_beside_python_when_not_on_path(
    monkeypatch, tmp_path
):
    """A venv that is not activated: the real `entra-aws` script, not `python -m tui`."""
    bin_dir = tmp_path / "venv dir" / "bin"
    bin_dir.mkdir(parents=True)
    script = bin_dir / "entra-aws"
    script.write_text("#!/bin/sh\n")
    script.chmod(0o755)
    monkeypatch.setattr(exports.shutil, "which", lambda name: None)
    monkeypatch.setattr(exports.sys, "executable", str(bin_dir / "python3"))
    block = _config_block(credential_process_config(session()))
    assert shlex.split(block["credential_process"])[:2] == [str(script), "credential-process"]


def test_credential_process_config_profile_name():
    assert credential_process_config(session(), profile="ci").startswith("[profile ci]\n")
    assert credential_process_config(session(profile="prod-ro")).startswith("[profile prod-ro]\n")


def test_credential_process_command_runs(monkeypatch, tmp_path):
    """The command in the block, run as the AWS CLI would, reaches our credential-process."""
    monkeypatch.setattr(exports.shutil, "which", lambda name: None)
    block = _config_block(credential_process_config(session()))
    argv = shlex.split(block["credential_process"])
    assert argv[0] == str(Path(sys.executable).parent / "entra-aws")  # the venv's own script
    assert argv[1] == "credential-process"
    result = subprocess.run(
        [*argv[:2], "--help"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
        env={**os.environ, "HOME": str(tmp_path)},
    )
    assert result.returncode == 0, result.stderr
    assert "credential-process" in result.stdout
