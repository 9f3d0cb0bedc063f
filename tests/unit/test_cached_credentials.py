"""The cached credential_process path: answered before argparse, config loading or logging are
imported, and never when the full command would answer differently."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path

import platformdirs
import pytest

import tui.command_line
from tui.cli import cached_request, main
from tui.core import locations
from tui.core.config_index import index_file
from tui.core.sessions import SessionStore

from .builders import CONFIG, READONLY, session

OTHER_READONLY = "arn:aws:iam::210987654321:role/ReadOnly"


@pytest.fixture
def full_command(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """Every call that reached the full command (argparse and the config loader)."""
    calls: list[list[str]] = []
    real = tui.command_line.run

    def counting(argv: list[str]) -> int:
        calls.append(list(argv))
        return real(argv)

    monkeypatch.setattr(tui.command_line, "run", counting)
    return calls


def fresh(**overrides: object):
    expiration = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=1)
    return session(**{"expiration": expiration, **overrides})


def answer(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_the_second_call_is_answered_without_the_full_command(capsys, config_file, full_command):
    s = fresh()
    SessionStore().save([s])
    argv = ("--config", str(config_file), "credential-process", "prod")
    first = answer(capsys, *argv)
    assert first[0] == 0 and first[2] == ""
    assert len(full_command) == 1  # no index yet: the full command answered and wrote one
    assert stat.S_IMODE(os.stat(index_file()).st_mode) == 0o600
    second = answer(capsys, *argv)
    assert second == first
    assert len(full_command) == 1
    assert json.loads(second[1]) == {
        "Version": 1,
        "AccessKeyId": s.access_key_id,
        "SecretAccessKey": s.secret_access_key,
        "SessionToken": s.session_token,
        "Expiration": s.expiration.strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def test_an_edited_config_is_never_answered_from_the_old_index(capsys, config_file, full_command):
    SessionStore().save([fresh()])
    argv = ("--config", str(config_file), "credential-process", "prod")
    answer(capsys, *argv)
    config_file.write_text(CONFIG.replace('name = "prod"', 'name = "production"'))
    code, out, err = answer(capsys, *argv)
    assert code == 2 and out == ""
    assert "No account named 'prod'" in err
    assert len(full_command) == 2


def test_a_default_role_added_to_the_config_is_followed_at_once(capsys, config_file, full_command):
    SessionStore().save([fresh(), fresh(role_arn=READONLY, access_key_id="ASIAREADONLY")])
    argv = ("--config", str(config_file), "credential-process", "prod")
    code, _, err = answer(capsys, *argv)
    assert code != 0 and "name one" in err  # two sessions and no default role: ambiguous
    with_default = CONFIG.replace(
        'region = "eu-west-1"', 'region = "eu-west-1"\ndefault_role = "ReadOnly"'
    )
    config_file.write_text(with_default)
    code, out, _ = answer(capsys, *argv)
    assert code == 0 and json.loads(out)["AccessKeyId"] == "ASIAREADONLY"
    calls = len(full_command)
    code, out, _ = answer(capsys, *argv)  # and now from the index
    assert json.loads(out)["AccessKeyId"] == "ASIAREADONLY" and len(full_command) == calls


def test_a_session_near_expiry_goes_to_the_full_command(
    capsys, config_file, full_command, no_browser_profile
):
    SessionStore().save([fresh(expiration=datetime.now(UTC) + timedelta(minutes=10))])
    argv = ("--config", str(config_file), "credential-process", "prod")
    answer(capsys, *argv)
    code, _, err = answer(capsys, *argv)
    assert len(full_command) == 2  # botocore would refresh within 15 minutes: we refresh first
    assert code == 0 and "could not refresh prod silently" in err


def test_roles_named_every_way_match_the_full_command(capsys, config_file, full_command):
    SessionStore().save([fresh(role_arn=READONLY, access_key_id="A"),
                         fresh(role_arn=OTHER_READONLY, access_key_id="B")])  # fmt: skip
    base = ("--config", str(config_file), "credential-process")
    answer(capsys, *base, "prod:ReadOnly@prod-main")  # writes the index
    spellings = {
        ("prod:ReadOnly@prod-main",): "A",
        ("prod", "--role", "ReadOnly@210987654321"): "B",
        ("prod", f"--role={OTHER_READONLY}"): "B",
        ("prod:ReadOnly@123456789012",): "A",
    }
    calls = len(full_command)
    for spelling, key in spellings.items():
        code, out, _ = answer(capsys, *base, *spelling)
        assert code == 0 and json.loads(out)["AccessKeyId"] == key, spelling
    assert len(full_command) == calls
    code, out, err = answer(capsys, *base, "prod", "--role", "ReadOnly")
    assert code != 0 and out == ""
    assert "prod:ReadOnly@prod-main, prod:ReadOnly@210987654321" in err  # the full sentence
    assert len(full_command) == calls + 1


def test_a_corrupt_index_or_store_costs_only_speed(capsys, config_file, full_command):
    s = fresh()
    SessionStore().save([s])
    argv = ("--config", str(config_file), "credential-process", "prod")
    answer(capsys, *argv)
    Path(index_file()).write_text("{not json")
    code, out, _ = answer(capsys, *argv)
    assert code == 0 and json.loads(out)["AccessKeyId"] == s.access_key_id
    assert len(full_command) == 2
    assert json.loads(Path(index_file()).read_text())["accounts"][0]["name"] == "prod"  # rewritten


def test_an_unwritable_state_folder_still_answers(capsys, config_file, full_command):
    s = fresh()
    SessionStore().save([s])
    Path(index_file()).mkdir()  # the index cannot be written where it belongs
    argv = ("--config", str(config_file), "credential-process", "prod")
    for _ in range(2):
        code, out, err = answer(capsys, *argv)
        assert code == 0 and err == "" and json.loads(out)["AccessKeyId"] == s.access_key_id
    assert len(full_command) == 2


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["credential-process", "prod"], (None, "prod", None)),
        (["credential-process", "prod:Admin"], (None, "prod:Admin", None)),
        (
            ["--config", "c.toml", "credential-process", "--role", "R", "prod"],
            ("c.toml", "prod", "R"),
        ),
        (["--config=c.toml", "credential-process", "prod", "--role=R"], ("c.toml", "prod", "R")),
        (["credential-process"], None),
        (["credential-process", "prod", "--help"], None),
        (["credential-process", "prod", "extra"], None),
        (["credential-process", "prod", "--role"], None),
        (["credential-process", "prod", "--role", "A", "--role", "B"], None),
        (["--log-level", "debug", "credential-process", "prod"], None),
        (["--config"], None),
        (["sessions"], None),
        ([], None),
    ],
)
def test_only_a_plain_credential_process_call_is_read_before_argparse(argv, expected):
    assert cached_request(argv) == expected


def test_the_cached_path_imports_nothing_it_does_not_need(tmp_path, config_file):
    SessionStore().save([fresh()])
    main(["--config", str(config_file), "credential-process", "prod"])  # writes the index
    code = f"""
        import sys
        from tui.cli import main
        code = main(["--config", {str(config_file)!r}, "credential-process", "prod"])
        heavy = ("argparse", "tomllib", "tomli_w", "logging", "dataclasses", "typing", "pathlib",
                 "platformdirs", "tempfile", "boto3", "botocore", "textual", "rich", "selenium",
                 "xml.etree.ElementTree", "lxml", "tui.core.config", "tui.core.sessions")
        print(sorted(name for name in heavy if name in sys.modules), file=sys.stderr)
        sys.exit(code)
        """
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True, text=True, env=dict(os.environ), timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["Version"] == 1
    assert result.stderr.strip() == "[]"


@pytest.mark.parametrize(
    "env",
    [
        {},
        {"XDG_STATE_HOME": "/tmp/state-here", "XDG_CONFIG_HOME": "/tmp/config-here"},
        {"XDG_STATE_HOME": "", "XDG_CONFIG_HOME": ""},
        {"XDG_STATE_HOME": "relative/state", "XDG_DATA_HOME": "rel", "XDG_CACHE_HOME": "x"},
        {"XDG_DATA_HOME": "/tmp/data-here", "XDG_CACHE_HOME": "/tmp/cache-here"},
    ],
)
def test_locations_agree_with_platformdirs(monkeypatch, env):
    monkeypatch.delenv(locations.HOME_ENV, raising=False)
    for name in ("XDG_STATE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    dirs = platformdirs.PlatformDirs("entra-aws", appauthor=False)
    assert locations.user_dir("state") == dirs.user_state_dir
    assert locations.user_dir("config") == dirs.user_config_dir
    assert locations.user_dir("data") == dirs.user_data_dir
    assert locations.user_dir("cache") == dirs.user_cache_dir


def test_any_command_that_reads_the_config_readies_the_fast_path(capsys, config_file, full_command):
    s = fresh()
    SessionStore().save([s])
    assert main(["--config", str(config_file), "env", "prod"]) == 0
    capsys.readouterr()
    code, out, _ = answer(capsys, "--config", str(config_file), "credential-process", "prod")
    assert code == 0 and json.loads(out)["AccessKeyId"] == s.access_key_id
    assert [call[2] for call in full_command] == ["env"]  # credential-process never needed it
