"""aws_config.py: our `[profile …]` sections in `~/.aws/config`, every other byte left as it was."""

from __future__ import annotations

import configparser
import os
import stat
from pathlib import Path

import pytest

from tui.core.aws_config import (
    ConfigFileError,
    Wanted,
    config_file_path,
    entra_aws_command,
    process_command,
    update,
    wanted_profiles,
    write_profiles_for,
)
from tui.core.config import Account, Config, Settings
from tui.core.errors import EntraAwsError
from tui.core.roles import Role

from .builders import ACCOUNT, ADMIN, DEV_ADMIN, DEV_PROVIDER, PROVIDER, READONLY

ADMIN_ROLE, READ_ROLE, DEV_ROLE = (
    Role(ADMIN, PROVIDER),
    Role(READONLY, PROVIDER),
    Role(DEV_ADMIN, DEV_PROVIDER),
)
COMMAND = ["/opt/entra aws/bin/entra-aws"]  # a space: the command line must be quoted

# A hand-kept config: CRLF-free but with odd spacing, comments, a nested s3 block, a default
# section, and no final line break.
USER_FILE = (
    "# my AWS config, hand-edited\n"
    "[default]\n"
    "region = us-west-2   \n"
    "output=json\n"
    "\n"
    "; the team's SSO\n"
    "[profile team]\n"
    "sso_session = corp\n"
    "s3 =\n"
    "    max_concurrent_requests = 20\n"
    "\n"
    "[sso-session corp]\n"
    "sso_start_url = https://corp.awsapps.com/start\n"
    "# trailing comment, no newline after it"
)


def config(tmp_path: Path, template: str = "") -> Config:
    settings = Settings(credentials_file=tmp_path / "credentials", profile_template=template)
    return Config(path=tmp_path / "config.toml", settings=settings, accounts=(ACCOUNT,))


def profiles(cfg: Config, roles: list[Role], account: Account = ACCOUNT) -> list[Wanted]:
    return wanted_profiles(cfg, account, roles, COMMAND)


def read(path: Path) -> configparser.RawConfigParser:
    parser = configparser.RawConfigParser()  # strict, as botocore reads it
    parser.read(path, encoding="utf-8")
    return parser


def test_profiles_are_added_and_everything_else_is_kept_byte_for_byte(tmp_path):
    path = tmp_path / "config"
    path.write_bytes(USER_FILE.encode())
    plan = update(path, profiles(config(tmp_path), [ADMIN_ROLE, READ_ROLE]), ["prod"])

    text = path.read_text(encoding="utf-8")
    assert text.startswith(USER_FILE + "\n"), "the user's bytes, then ours"
    assert plan.written == ["prod-Admin", "prod-ReadOnly"]
    parser = read(path)
    assert parser.get("profile prod-Admin", "credential_process") == (
        f"'/opt/entra aws/bin/entra-aws' credential-process prod --role {ADMIN}"
    )
    assert parser.get("profile prod-ReadOnly", "region") == "eu-west-1"
    assert parser.get("profile team", "sso_session") == "corp"
    assert "# managed by entra-aws: account prod" in text


def test_a_new_file_is_private(tmp_path):
    path = tmp_path / "aws" / "config"
    update(path, profiles(config(tmp_path), [ADMIN_ROLE]), ["prod"])
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert read(path).sections() == ["profile prod-Admin"]


def test_a_second_run_changes_nothing_and_says_so(tmp_path):
    path = tmp_path / "config"
    path.write_bytes(USER_FILE.encode())
    wanted = profiles(config(tmp_path), [ADMIN_ROLE, READ_ROLE])
    update(path, wanted, ["prod"])
    before, mtime = path.read_bytes(), path.stat().st_mtime_ns

    again = update(path, wanted, ["prod"])

    assert not again.changed and again.written == [] and again.removed == []
    assert again.unchanged == ["prod-Admin", "prod-ReadOnly"]
    assert path.read_bytes() == before and path.stat().st_mtime_ns == mtime


def test_sections_of_roles_that_are_gone_are_removed_and_the_rest_kept(tmp_path):
    path = tmp_path / "config"
    path.write_bytes(USER_FILE.encode())
    cfg = config(tmp_path)
    other = Account("dev", "contoso.com", "https://signin.aws.amazon.com/saml#2", "us-east-1")
    update(path, profiles(cfg, [ADMIN_ROLE, READ_ROLE]), ["prod"])
    update(path, profiles(cfg, [DEV_ROLE], other), ["dev"])
    with_everything = path.read_text(encoding="utf-8")

    plan = update(path, profiles(cfg, [READ_ROLE]), ["prod"])  # Admin is no longer offered

    assert plan.removed == ["prod-Admin"] and plan.unchanged == ["prod-ReadOnly"]
    parser = read(path)
    assert not parser.has_section("profile prod-Admin")
    assert parser.has_section("profile prod-ReadOnly")
    assert parser.has_section("profile dev-Admin"), "another account's sections are not this run's"
    admin_block = with_everything[with_everything.index("[profile prod-Admin]") :]
    admin_block = admin_block[: admin_block.index("[profile prod-ReadOnly]")]
    assert path.read_text(encoding="utf-8") == with_everything.replace(admin_block, "")


def test_a_changed_section_is_rewritten_in_place(tmp_path):
    path = tmp_path / "config"
    update(path, profiles(config(tmp_path), [ADMIN_ROLE]), ["prod"])
    path.write_text(path.read_text().replace("eu-west-1", "ap-south-1") + "[profile mine]\nx = 1\n")
    mine = path.read_text().index("[profile mine]")

    plan = update(path, profiles(config(tmp_path), [ADMIN_ROLE]), ["prod"])

    assert plan.written == ["prod-Admin"]
    text = path.read_text()
    assert "ap-south-1" not in text and text.endswith("[profile mine]\nx = 1\n")
    assert text.index("[profile mine]") == mine - 1, "in its place: ap-south-1 was 1 longer"


def test_crlf_files_stay_crlf(tmp_path):
    path = tmp_path / "config"
    path.write_bytes(b"[default]\r\nregion = us-east-1\r\n")
    update(path, profiles(config(tmp_path), [ADMIN_ROLE]), ["prod"])
    data = path.read_bytes()
    assert data.startswith(b"[default]\r\nregion = us-east-1\r\n\r\n[profile prod-Admin]\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("[default]\nregion = us-east-1\nthis is not a key\n", 3),
        ("region = us-east-1\n[default]\n", 1),
        ("# fine\n[profile x]\nk = v\n[broken\n", 4),
    ],
)
def test_a_corrupt_file_is_refused_naming_the_line_and_left_unchanged(tmp_path, text, line):
    path = tmp_path / "config"
    path.write_text(text)
    os.chmod(path, 0o644)
    with pytest.raises(ConfigFileError) as caught:
        update(path, profiles(config(tmp_path), [ADMIN_ROLE]), ["prod"])
    message = str(caught.value)
    assert f"{path} line {line} " in message and "nothing was changed" in message
    assert message.count(". ") == 0 and message.endswith(".")
    assert path.read_text() == text and stat.S_IMODE(path.stat().st_mode) == 0o644


def test_a_duplicate_of_a_section_we_would_write_is_refused(tmp_path):
    path = tmp_path / "config"
    update(path, profiles(config(tmp_path), [ADMIN_ROLE]), ["prod"])
    doubled = path.read_text() * 2
    path.write_text(doubled)
    with pytest.raises(ConfigFileError, match=r"line 5 repeats \[profile prod-Admin\]"):
        update(path, profiles(config(tmp_path), [ADMIN_ROLE]), ["prod"])
    assert path.read_text() == doubled


def test_a_profile_the_user_wrote_by_our_name_is_left_alone(tmp_path):
    path = tmp_path / "config"
    mine = "[profile prod-Admin]\ncredential_process = my-own-tool\n"
    path.write_text(mine)
    plan = update(path, profiles(config(tmp_path), [ADMIN_ROLE, READ_ROLE]), ["prod"])
    assert plan.theirs == [("prod-Admin", 1)] and plan.written == ["prod-ReadOnly"]
    assert path.read_text().startswith(mine + "\n[profile prod-ReadOnly]\n")


def test_dry_run_writes_nothing(tmp_path):
    path = tmp_path / "config"
    path.write_bytes(USER_FILE.encode())
    plan = update(path, profiles(config(tmp_path), [ADMIN_ROLE]), ["prod"], dry_run=True)
    assert plan.written == ["prod-Admin"] and "[profile prod-Admin]" in plan.text
    assert path.read_bytes() == USER_FILE.encode()
    assert not (tmp_path / ".config.lock").exists()
    missing = tmp_path / "none" / "config"
    update(missing, profiles(config(tmp_path), [ADMIN_ROLE]), ["prod"], dry_run=True)
    assert not missing.parent.exists()


def test_the_file_mode_is_kept(tmp_path):
    path = tmp_path / "config"
    path.write_text("[default]\n")
    os.chmod(path, 0o640)
    update(path, profiles(config(tmp_path), [ADMIN_ROLE]), ["prod"])
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


def test_the_template_setting_names_the_profiles(tmp_path):
    cfg = config(tmp_path, template="aws-{account_id}-{role}")
    names = [w.name for w in profiles(cfg, [ADMIN_ROLE, READ_ROLE, DEV_ROLE])]
    assert names == [
        "aws-123456789012-Admin",
        "aws-123456789012-ReadOnly",
        "aws-210987654321-Admin",
    ]


def test_aws_config_file_is_respected(tmp_path, monkeypatch):
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "elsewhere"))
    assert config_file_path() == tmp_path / "elsewhere"
    monkeypatch.delenv("AWS_CONFIG_FILE")
    assert config_file_path() == Path.home() / ".aws" / "config"


def test_the_command_is_the_installed_script_with_a_non_default_config(tmp_path):
    command = entra_aws_command()
    assert os.path.isabs(command) and Path(command).name.startswith("entra-aws")
    assert process_command(config(tmp_path)) == [command, "--config", str(tmp_path / "config.toml")]


def test_another_accounts_section_by_the_same_name_is_left_alone(tmp_path):
    path = tmp_path / "config"
    cfg = config(tmp_path, template="shared-{role}")
    other = Account("dev", "contoso.com", "https://signin.aws.amazon.com/saml#2", "us-east-1")
    update(path, profiles(cfg, [DEV_ROLE], other), ["dev"])
    before = path.read_bytes()
    plan = update(path, profiles(cfg, [ADMIN_ROLE]), ["prod"])
    assert plan.theirs == [("shared-Admin", 1)] and not plan.changed
    assert path.read_bytes() == before


def test_a_template_giving_two_accounts_one_name_is_refused(tmp_path):
    cfg = config(tmp_path, template="shared-{role}")
    other = Account("dev", "contoso.com", "https://signin.aws.amazon.com/saml#2", "us-east-1")
    path = tmp_path / "config"
    with pytest.raises(EntraAwsError, match="the same profile name shared-Admin"):
        write_profiles_for(cfg, [(ACCOUNT, [ADMIN_ROLE]), (other, [DEV_ROLE])], path=path)
    assert not path.exists()
