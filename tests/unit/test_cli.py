"""cli.py and the subcommands: what a person (or a script) sees on stdout, stderr and exit status."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tui.cli import main
from tui.core.sessions import SessionStore

from .builders import ADMIN, CONFIG, READONLY, b64, saml_xml, session

REPO = Path(__file__).resolve().parents[2]
COMMANDS = ("tui", "demo", "login", "decode", "sessions", "env", "credential-process", "console")


@pytest.fixture
def saml_file(tmp_path) -> Path:
    path = tmp_path / "saml.b64"
    path.write_text(b64(saml_xml(session_duration="3600")) + "\n")
    return path


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def assert_user_error(code: int, out: str, err: str) -> str:
    assert code != 0
    assert out == ""
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("entra-aws: ")
    assert "internal error" not in lines[0]
    return lines[0]


def test_help_lists_the_design_commands(capsys):
    with pytest.raises(SystemExit) as caught:
        main(["--help"])
    assert caught.value.code == 0
    out = capsys.readouterr().out
    for command in COMMANDS:
        assert command in out
    assert "--config" in out


def test_version(capsys):
    with pytest.raises(SystemExit):
        main(["--version"])
    assert capsys.readouterr().out.startswith("entra-aws ")


# --- decode ----------------------------------------------------------------------------------


def test_decode_a_file_shows_roles_with_aliases(capsys, saml_file, config_file):
    code, out, err = run(capsys, "--config", str(config_file), "decode", str(saml_file))
    assert code == 0
    assert err == ""
    assert "alice@contoso.com (Alice Example)" in out
    assert "123456789012  prod-main" in out
    assert "Admin" in out and "ReadOnly" in out
    assert ADMIN in out and READONLY in out
    assert "1h (3600 s)" in out
    assert b64(saml_xml(session_duration="3600")) not in out


def test_decode_without_a_config_file(capsys, saml_file):
    code, out, err = run(capsys, "decode", str(saml_file))
    assert code == 0
    assert err == ""
    assert "Roles (2 in 1 account)" in out


def test_decode_stdin(capsys, monkeypatch):
    data = b64(saml_xml()).encode()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    code, out, err = run(capsys, "decode", "-")
    assert code == 0
    assert err == ""
    assert "Admin" in out
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(saml_xml().encode())))
    code, out, _ = run(capsys, "decode")  # no FILE means stdin too
    assert code == 0 and "ReadOnly" in out


def test_decode_json(capsys, saml_file):
    code, out, err = run(capsys, "decode", str(saml_file), "--json")
    assert code == 0
    assert err == ""
    data = json.loads(out)
    for key in (
        "roles",
        "session_duration",
        "not_on_or_after",
        "subject",
        "role_session_name",
        "issuer",
        "destination",
        "attributes",
    ):
        assert key in data
    assert data["session_duration"] == 3600
    assert {r["role_name"] for r in data["roles"]} == {"Admin", "ReadOnly"}
    assert set(data["roles"][0]) == {"role_arn", "principal_arn", "account_id", "role_name"}


def test_decode_shows_problems_and_strips_terminal_escapes(capsys, tmp_path):
    path = tmp_path / "saml.xml"
    path.write_text(
        saml_xml(
            roles=["garbage\x9b31m", f"{ADMIN},arn:aws:iam::123456789012:saml-provider/E"],
            attributes={"http://schemas.microsoft.com/identity/claims/displayname": ["Eve\x9b2J"]},
        )
    )
    code, out, _ = run(capsys, "decode", str(path))
    assert code == 0
    assert "Problems" in out and "Ignored a Role value" in out
    assert "\x9b" not in out  # a C1 control (CSI) is legal XML but must not reach the terminal


def test_decode_with_a_broken_config_still_decodes(capsys, saml_file, tmp_path):
    broken = tmp_path / "broken.toml"
    broken.write_text("[settings\n")
    code, out, err = run(capsys, "--config", str(broken), "decode", str(saml_file))
    assert code == 0
    assert "Admin" in out
    assert err.startswith("entra-aws: note: aliases unavailable")


# --- user errors: one line, no traceback -------------------------------------------------------


def test_decode_a_missing_file(capsys, tmp_path):
    line = assert_user_error(*run(capsys, "decode", str(tmp_path / "nope.txt")))
    assert "No such file" in line and "nope.txt" in line


def test_decode_a_folder(capsys, tmp_path):
    line = assert_user_error(*run(capsys, "decode", str(tmp_path)))
    assert "is a folder" in line


def test_decode_garbage(capsys, tmp_path):
    path = tmp_path / "garbage"
    path.write_text("hello, world!")
    line = assert_user_error(*run(capsys, "decode", str(path)))
    assert "neither base64 nor XML" in line


def test_decode_an_idp_error(capsys, tmp_path):
    path = tmp_path / "error.xml"
    path.write_text(
        saml_xml(
            status="urn:oasis:names:tc:SAML:2.0:status:Requester",
            status_message="AADSTS50105: The signed in user is not assigned to a role.",
            assertion_override="",
        )
    )
    line = assert_user_error(*run(capsys, "decode", str(path)))
    assert "AADSTS50105" in line


def test_a_broken_config(capsys, tmp_path, saml_file):
    broken = tmp_path / "broken.toml"
    broken.write_text('[settings]\nregoin = "eu-west-1"\n')
    code, out, err = run(
        capsys, "--config", str(broken), "login", "prod", "--saml-file", str(saml_file)
    )
    line = assert_user_error(code, out, err)
    assert str(broken) in line and "did you mean 'region'?" in line
    assert code == 2


def test_no_config_file(capsys, saml_file, tmp_path):
    code, out, err = run(capsys, "login", "prod", "--saml-file", str(saml_file))
    line = assert_user_error(code, out, err)
    assert "No config file" in line
    assert str(tmp_path / "xdg" / "config" / "entra-aws" / "config.toml") in line


def test_config_from_the_environment(capsys, monkeypatch, config_file, saml_file):
    monkeypatch.setenv("ENTRA_AWS_CONFIG", str(config_file))
    line = assert_user_error(*run(capsys, "login", "prdo", "--saml-file", str(saml_file)))
    assert "did you mean 'prod'?" in line


@pytest.mark.parametrize(
    "argv",
    [
        ("login", "prdo", "--saml-file", "x"),
        ("credential-process", "prdo"),
    ],
)
def test_unknown_account(capsys, config_file, argv):
    line = assert_user_error(*run(capsys, "--config", str(config_file), *argv))
    assert "No account named 'prdo'" in line and "did you mean 'prod'?" in line


def test_login_with_a_bad_profile_name(capsys, config_file, saml_file):
    line = assert_user_error(
        *run(
            capsys,
            "--config",
            str(config_file),
            "login",
            "prod",
            "--saml-file",
            str(saml_file),
            "--profile",
            "my profile",
        )
    )
    assert "--profile" in line


def test_login_with_a_role_the_assertion_lacks(capsys, config_file, saml_file):
    line = assert_user_error(
        *run(
            capsys,
            "--config",
            str(config_file),
            "login",
            "prod",
            "--saml-file",
            str(saml_file),
            "--role",
            "Deploy",
        )
    )
    assert "no role 'Deploy'" in line and "Admin (prod-main)" in line


# --- sessions, env, credential-process --------------------------------------------------------


def test_sessions_with_an_empty_store(capsys):
    code, out, err = run(capsys, "sessions")
    assert code == 0
    assert out.startswith("No sessions.")
    assert err == ""
    code, out, _ = run(capsys, "sessions", "--json")
    assert code == 0
    assert json.loads(out) == []


def test_sessions_lists_without_secrets(capsys):
    s = session(expiration=datetime.now(UTC) + timedelta(minutes=30))
    SessionStore().save([s])
    code, out, err = run(capsys, "sessions")
    assert code == 0
    assert "prod" in out and "Admin" in out and "123456789012" in out
    assert s.secret_access_key not in out + err and s.session_token not in out + err
    code, out, _ = run(capsys, "sessions", "--json")
    [row] = json.loads(out)
    assert 1700 < row["seconds_left"] <= 1800
    assert row["expired"] is False
    assert s.secret_access_key not in out


def test_sessions_prints_local_expiry_with_zone_and_one_left_format(capsys, monkeypatch):
    import time

    monkeypatch.setenv("TZ", "Europe/Berlin")
    time.tzset()
    try:
        end = datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=30)
        SessionStore().save([session(expiration=end)])
        _, out, _ = run(capsys, "sessions")
    finally:
        monkeypatch.undo()
        time.tzset()
    header, row = out.splitlines()
    assert "EXPIRES " in header and "(UTC)" not in header
    local = end.astimezone(ZoneInfo("Europe/Berlin"))
    assert f"{local:%Y-%m-%d %H:%M} {local.tzname()}" in row
    assert " 0:29:5" in row or " 0:30:00" in row  # H:MM:SS, as the app's Left column


def test_sessions_with_a_corrupt_store_warns_once(capsys):
    path = SessionStore().path
    path.parent.mkdir(parents=True)
    path.write_text("{broken")
    code, out, err = run(capsys, "sessions")
    assert code == 0
    assert out.startswith("No sessions.")
    assert err.count("\n") == 1 and "set aside" in err


def test_env_on_an_account_not_configured_says_no_such_account(capsys):
    line = assert_user_error(*run(capsys, "env", "prod"))
    assert "No account named 'prod'" in line


def test_env_without_a_session(capsys, config_file):
    line = assert_user_error(*run(capsys, "--config", str(config_file), "env", "prod"))
    assert "No session for prod" in line
    assert "entra-aws login prod" in line


def test_env_with_an_expired_session(capsys):
    SessionStore().save([session(expiration=datetime.now(UTC) - timedelta(minutes=1))])
    line = assert_user_error(*run(capsys, "env", "prod"))
    assert "expired" in line


def test_env_prints_exports_the_shell_can_evaluate(capsys, tmp_path):
    s = session()
    SessionStore().save([s, session(role_arn=READONLY, access_key_id="ASIAREAD")])
    code, out, err = run(capsys, "env", "prod:Admin", "--shell", "bash")
    assert code == 0 and err == ""
    result = subprocess.run(
        ["bash", "-c", out + 'printf "%s|%s" "$AWS_ACCESS_KEY_ID" "$AWS_SESSION_TOKEN"'],
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": os.environ["PATH"]},
    )
    assert result.stdout == f"{s.access_key_id}|{s.session_token}"


def test_env_with_several_roles_asks_which(capsys):
    SessionStore().save([session(), session(role_arn=READONLY)])
    line = assert_user_error(*run(capsys, "env", "prod"))
    assert "name one: prod:Admin@123456789012, prod:ReadOnly@123456789012" in line


def test_credential_process_without_a_session(capsys, config_file, no_browser_profile):
    code, out, err = run(capsys, "--config", str(config_file), "credential-process", "prod")
    line = assert_user_error(code, out, err)
    assert "entra-aws login prod" in line


def test_credential_process_prints_only_the_json(capsys, config_file):
    s = session(expiration=datetime.now(UTC).replace(microsecond=0) + timedelta(hours=1))
    SessionStore().save([s])
    code, out, err = run(capsys, "--config", str(config_file), "credential-process", "prod")
    assert code == 0
    assert err == ""
    assert json.loads(out) == {
        "Version": 1,
        "AccessKeyId": s.access_key_id,
        "SecretAccessKey": s.secret_access_key,
        "SessionToken": s.session_token,
        "Expiration": s.expiration.strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def test_credential_process_falls_back_to_a_nearly_expired_session_without_leaking(
    capsys, config_file, no_browser_profile
):
    s = session(expiration=datetime.now(UTC) + timedelta(minutes=10))
    SessionStore().save([s])
    code, out, err = run(capsys, "--config", str(config_file), "credential-process", "prod")
    assert code == 0
    assert json.loads(out)["AccessKeyId"] == s.access_key_id
    assert "could not refresh" in err
    for secret in (s.secret_access_key, s.session_token):
        assert secret not in err


def test_console_without_a_session(capsys, config_file):
    args = ("--config", str(config_file), "console", "prod", "--print")
    line = assert_user_error(*run(capsys, *args))
    assert "No session for prod" in line


def test_console_on_an_account_not_configured_says_no_such_account(capsys):
    line = assert_user_error(*run(capsys, "console", "nope", "--print"))
    assert "No account named 'nope'" in line


# --- what gets imported -----------------------------------------------------------------------


def _python(code: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
    }
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
        check=False,
    )


def test_decode_does_not_import_boto3_or_selenium(tmp_path, saml_file):
    result = _python(
        f"""
        import sys
        from tui.cli import main
        code = main(["decode", {str(saml_file)!r}])
        assert code == 0, code
        loaded = sorted(m for m in ("boto3", "botocore", "selenium", "undetected_chromedriver") if m in sys.modules)
        assert not loaded, loaded
        """,
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "Admin" in result.stdout


def test_python_dash_m_tui_runs_the_cli(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "tui", "sessions", "--json"],
        capture_output=True,
        text=True,
        env={**os.environ, "HOME": str(tmp_path), "XDG_STATE_HOME": str(tmp_path / "s")},
        cwd=REPO,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == []


@pytest.mark.parametrize(
    "argv",
    [("--theme", "?"), ("tui", "--theme", "?"), ("--theme", "?", "tui"), ("demo", "--theme", "?")],
)
def test_theme_question_mark_lists_themes_wherever_it_is_given(capsys, argv):
    code, out, err = run(capsys, *argv)
    assert code == 0 and err == ""
    assert out.split()[:3] == ["entra-dark", "entra-light", "high-contrast"]


def test_theme_with_a_command_that_has_no_screen_is_refused(capsys):
    with pytest.raises(SystemExit) as caught:
        main(["--theme", "nord", "sessions"])
    assert caught.value.code == 2
    assert "--theme is for the app (tui, demo), not sessions." in capsys.readouterr().err


def test_credential_process_for_a_role_never_assumed_does_not_say_expired(
    capsys, config_file, no_browser_profile
):
    SessionStore().save([session()])
    args = ("--config", str(config_file), "credential-process", "prod", "--role", "Nope")
    line = assert_user_error(*run(capsys, *args))
    assert "no session for prod:Nope yet" in line and "expired" not in line
    assert "entra-aws login prod --role Nope" in line


def test_credential_process_refuses_a_role_name_in_two_aws_accounts(capsys, config_file):
    other = "arn:aws:iam::210987654321:role/ReadOnly"
    SessionStore().save([session(role_arn=READONLY), session(role_arn=other, access_key_id="B")])
    args = ("--config", str(config_file), "credential-process", "prod", "--role", "ReadOnly")
    line = assert_user_error(*run(capsys, *args))
    assert "prod:ReadOnly@prod-main, prod:ReadOnly@210987654321" in line
    args = (*args[:-1], "ReadOnly@210987654321")
    code, out, _ = run(capsys, *args)
    assert code == 0 and json.loads(out)["AccessKeyId"] == "B"


def test_a_keymap_giving_one_key_two_actions_is_refused(capsys, config_file):
    config_file.write_text(CONFIG + '\n[keymap]\ncopy-exports = "e"\n')
    code, out, err = run(capsys, "--config", str(config_file), "tui")
    line = assert_user_error(code, out, err)
    assert "'e'" in line and "copy-exports" in line and "export" in line, line
    config_file.write_text(CONFIG + '\n[keymap]\ncopy-exports = "y"\nexport-copy = "y"\n')
    from tui.subcommands.run_tui import prepare

    assert prepare(config_file, theme=None).keymap["copy-exports"] == "y"  # other screens: fine


def test_log_level_must_be_one_of_the_four(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["--log-level", "bogus", "sessions"])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert "invalid choice: 'bogus'" in err and "Traceback" not in err
    assert main(["--log-level", "DEBUG", "sessions"]) == 0


@pytest.mark.parametrize("command", ["sessions", "env", "console", "doctor", "login"])
def test_each_command_help_opens_with_its_one_line(capsys, command):
    with pytest.raises(SystemExit):
        main([command, "--help"])
    out = capsys.readouterr().out
    assert out.startswith(f"usage: entra-aws {command}")
    first = out.split("\n\n")[1]  # the paragraph after the usage
    assert first[0].isupper() and first.endswith(".") and "\n" not in first.strip(), first


def test_no_arguments_starts_the_app_with_exactly_what_the_parser_would_give() -> None:
    from tui.command_line import _parse, app_defaults, build_parser

    assert vars(app_defaults()) == vars(_parse(build_parser(), []))
