"""config.py: a config file loads into the values it says, and every mistake is one sentence that
names the file, the key and the fix."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from tui.core.config import (
    Account,
    Config,
    Settings,
    load_config,
    parse_config,
    with_account,
    write_config,
)
from tui.core.errors import ConfigError

REPO = Path(__file__).resolve().parents[2]

FULL = """
[settings]
theme = "high-contrast"
region = "eu-central-1"
duration = 7200
credentials_file = "~/creds/aws-credentials"
browser = "/usr/bin/chromium"
driver = "/usr/bin/chromedriver"
shell = "fish"
timeout = 120

[settings.keymap]
sign-in = "enter,ctrl+s"

[[accounts]]
name = "prod"
tenant_id = "00000000-0000-0000-0000-000000000000"
app_id_uri = "https://signin.aws.amazon.com/saml#3"
username = "alice@contoso.com"
region = "us-gov-west-1"
default_role = "arn:aws-us-gov:iam::123456789012:role/ReadOnly"
principal_arn = "arn:aws-us-gov:iam::123456789012:saml-provider/Entra"
profile = "prod-ro"
login_url = "https://login.microsoftonline.us/"
acs_url = "https://signin.amazonaws-us-gov.com/saml"
sts_endpoint = "https://vpce-1234.sts.us-gov-west-1.vpce.amazonaws.com"
federation_url = "https://signin.amazonaws-us-gov.com/federation"
duration = 1800
force_authn = true

[accounts.aliases]
"123456789012" = "prod-main"
"210987654321" = "prod-logs"

[[accounts]]
name = "dev"
tenant_id = "contoso.onmicrosoft.com"
app_id_uri = "https://signin.aws.amazon.com/saml"
"""


def write(tmp_path: Path, text: str, name: str = "config.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def error_for(tmp_path: Path, text: str) -> str:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert "\n" not in message, "a config error is one line"
    assert str(path) in message, "a config error names the file"
    return message


ACCOUNT = """
[[accounts]]
name = "prod"
tenant_id = "00000000-0000-0000-0000-000000000000"
app_id_uri = "https://signin.aws.amazon.com/saml#1"
"""


def test_full_config_loads_every_key(tmp_path, isolated_home):
    config = load_config(write(tmp_path, FULL))

    s = config.settings
    assert s.theme == "high-contrast"
    assert s.region == "eu-central-1"
    assert s.duration == 7200
    assert s.credentials_file == isolated_home / "creds" / "aws-credentials"
    assert s.browser == "/usr/bin/chromium"
    assert s.driver == "/usr/bin/chromedriver"
    assert s.shell == "fish"
    assert s.export_shell == "fish"
    assert s.timeout == 120
    assert s.keymap == {"sign-in": "enter,ctrl+s"}

    prod, dev = config.accounts
    assert prod.name == "prod"
    assert prod.tenant_id == "00000000-0000-0000-0000-000000000000"
    assert prod.app_id_uri == "https://signin.aws.amazon.com/saml#3"
    assert prod.username == "alice@contoso.com"
    assert prod.region == "us-gov-west-1"
    assert prod.partition.name == "aws-us-gov"
    assert prod.default_role == "arn:aws-us-gov:iam::123456789012:role/ReadOnly"
    assert prod.principal_arn == "arn:aws-us-gov:iam::123456789012:saml-provider/Entra"
    assert prod.profile_name == "prod-ro"
    assert prod.effective_login_url == "https://login.microsoftonline.us"
    assert prod.effective_acs_url == "https://signin.amazonaws-us-gov.com/saml"
    assert prod.effective_sts_endpoint == "https://vpce-1234.sts.us-gov-west-1.vpce.amazonaws.com"
    assert prod.effective_federation_url == "https://signin.amazonaws-us-gov.com/federation"
    assert prod.duration == 1800
    assert config.duration_for(prod) == 1800
    assert prod.force_authn is True
    assert prod.aliases == {"123456789012": "prod-main", "210987654321": "prod-logs"}
    assert prod.alias("210987654321") == "prod-logs"
    assert prod.alias("999999999999") == ""

    # Defaults: the account inherits the settings' region and duration, profile = name.
    assert dev.region == "eu-central-1"
    assert dev.profile_name == "dev"
    assert config.duration_for(dev) == 7200
    assert dev.force_authn is False
    assert dev.effective_login_url == "https://login.microsoftonline.com"
    assert dev.effective_acs_url == "https://signin.aws.amazon.com/saml"
    assert dev.effective_sts_endpoint == "https://sts.eu-central-1.amazonaws.com"


def test_top_level_keymap_table_is_read(tmp_path):
    config = load_config(write(tmp_path, '[keymap]\ncopy-exports = "y"\n' + ACCOUNT))
    assert config.settings.keymap == {"copy-exports": "y"}


def test_defaults_without_settings(tmp_path, isolated_home):
    config = load_config(write(tmp_path, ACCOUNT))
    assert config.settings == Settings()
    assert config.settings.region == "us-east-1"
    assert config.settings.duration == 3600
    assert config.settings.credentials_file == isolated_home / ".aws" / "credentials"
    assert config.accounts[0].region == "us-east-1"


def test_the_shipped_example_config_loads(tmp_path):
    config = load_config(REPO / "config.example.toml")
    assert [a.name for a in config.accounts] == ["prod"]
    assert config.accounts[0].aliases == {"123456789012": "prod-main"}


@pytest.mark.parametrize(
    ("text", "key", "hint"),
    [
        ('[settings]\nregoin = "eu-west-1"\n', "regoin", "did you mean 'region'?"),
        ("[settings]\nduraton = 3600\n", "duraton", "did you mean 'duration'?"),
        (ACCOUNT + 'usrname = "a@b.c"\n', "usrname", "did you mean 'username'?"),
        (ACCOUNT + 'defualt_role = "Admin"\n', "defualt_role", "did you mean 'default_role'?"),
        ('[setings]\nregion = "eu-west-1"\n', "setings", "did you mean 'settings'?"),
    ],
)
def test_unknown_key_suggests_the_near_miss(tmp_path, text, key, hint):
    message = error_for(tmp_path, text)
    assert f"unknown key {key!r}" in message
    assert hint in message


def test_unknown_key_without_a_near_miss_lists_the_known_keys(tmp_path):
    message = error_for(tmp_path, "[settings]\nzzzzzz = 1\n")
    assert "'zzzzzz'" in message
    assert "known keys:" in message and "region" in message


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ('[settings]\nduration = "3600"\n', "'duration' must be an integer, not str"),
        ("[settings]\nduration = true\n", "'duration' must be an integer, not bool"),
        ("[settings]\nregion = 1\n", "'region' must be a string, not int"),
        ('[settings]\nkeymap = "x"\n', "'keymap' must be a table, not str"),
        (ACCOUNT + 'force_authn = "yes"\n', "'force_authn' must be true or false, not str"),
        (ACCOUNT + 'aliases = "prod"\n', "'aliases' must be a table, not str"),
        ('settings = "x"\n', "'settings' must be a table, not str"),
    ],
)
def test_wrong_type_names_the_key_and_the_expected_type(tmp_path, text, fragment):
    assert fragment in error_for(tmp_path, text)


def test_single_bracket_accounts_table_says_to_use_an_array_of_tables(tmp_path):
    """`[accounts]` instead of `[[accounts]]` is the classic TOML slip."""
    text = '[accounts]\nname = "prod"\ntenant_id = "contoso.com"\napp_id_uri = "x"\n'
    message = error_for(tmp_path, text)
    assert "'accounts'" in message
    assert "[[accounts]]" in message


@pytest.mark.parametrize("missing", ["name", "tenant_id", "app_id_uri"])
def test_missing_required_account_key(tmp_path, missing):
    lines = [line for line in ACCOUNT.splitlines() if not line.startswith(f"{missing} ")]
    message = error_for(tmp_path, "\n".join(lines) + "\n")
    assert f"missing {missing!r}" in message
    assert "accounts[0]" in message
    assert "set it to" in message


def test_blank_required_value_counts_as_missing(tmp_path):
    message = error_for(tmp_path, ACCOUNT.replace('name = "prod"', 'name = "   "'))
    assert "missing 'name'" in message


@pytest.mark.parametrize("region", ["eu-west", "EU-WEST-1", "euwest1", "us-east-1a", ""])
def test_malformed_account_region(tmp_path, region):
    message = error_for(tmp_path, ACCOUNT + f'region = "{region}"\n')
    assert "'region' must be an AWS region like eu-west-1" in message
    assert "accounts[0] (prod)" in message


def test_malformed_settings_region(tmp_path):
    message = error_for(tmp_path, '[settings]\nregion = "Frankfurt"\n')
    assert "[settings]" in message and "'region'" in message and "'Frankfurt'" in message


@pytest.mark.parametrize(
    ("line", "fragment"),
    [
        ('default_role = "arn:aws:iam::1234:role/Admin"', "'default_role' must be a role ARN"),
        ('default_role = "Admin Role"', "'default_role' must be a role ARN"),
        (
            'principal_arn = "arn:aws:iam::123456789012:role/Entra"',
            "'principal_arn' must be a SAML provider ARN",
        ),
        ('acs_url = "signin.aws.amazon.com/saml"', "'acs_url' must be an http(s) URL"),
        ('acs_url = "https://example.com/saml"', "'acs_url' must be an AWS sign-in SAML URL"),
        ('login_url = "login.microsoftonline.com"', "'login_url' must be an http(s) URL"),
        ('sts_endpoint = "ftp://sts.example"', "'sts_endpoint' must be an http(s) URL"),
        ('federation_url = "https://"', "'federation_url' must be an http(s) URL"),
        ('tenant_id = "not a tenant"', "'tenant_id' must be a GUID or a domain"),
        (
            'app_id_uri = "https://signin.aws.amazon.com/saml #1"',
            "'app_id_uri' must not contain spaces",
        ),
        ('profile = "my profile"', "'profile' may use"),
        ('name = "-prod"', "'name' may use"),
    ],
)
def test_malformed_account_values(tmp_path, line, fragment):
    key = line.split(" = ")[0]
    base = "\n".join(
        existing for existing in ACCOUNT.splitlines() if not existing.startswith(f"{key} ")
    )
    message = error_for(tmp_path, base + "\n" + line + "\n")
    assert fragment in message


def test_regional_and_encrypted_acs_urls_are_accepted(tmp_path):
    for url in (
        "https://eu-west-1.signin.aws.amazon.com/saml",
        "https://us-east-2.signin.aws.amazon.com/saml/acs/SAMLSP4SHN3UIS2D558H46",
        "https://signin.amazonaws.cn/saml",
    ):
        config = load_config(write(tmp_path, ACCOUNT + f'acs_url = "{url}"\n'))
        assert config.accounts[0].effective_acs_url == url


def test_role_name_is_a_valid_default_role(tmp_path):
    config = load_config(write(tmp_path, ACCOUNT + 'default_role = "ReadOnly"\n'))
    assert config.accounts[0].default_role == "ReadOnly"


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("[settings]\nduration = 899\n", "[settings]"),
        ("[settings]\nduration = 43201\n", "[settings]"),
        (ACCOUNT + "duration = 60\n", "accounts[0] (prod)"),
        (ACCOUNT + "duration = 86400\n", "accounts[0] (prod)"),
    ],
)
def test_duration_out_of_range(tmp_path, text, where):
    message = error_for(tmp_path, text)
    assert where in message
    assert "'duration' must be between 900 and 43200 seconds" in message


def test_duration_bounds_are_inclusive(tmp_path):
    low = load_config(
        write(tmp_path, "[settings]\nduration = 900\n" + ACCOUNT + "duration = 43200\n")
    )
    assert low.settings.duration == 900
    assert low.accounts[0].duration == 43200


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("[settings]\ntimeout = 5\n", "'timeout' must be between 10 and 3600"),
        ('[settings]\nshell = "tcsh"\n', "'shell' must be one of bash, zsh, fish"),
        ('[settings]\ncredentials_file = "  "\n', "'credentials_file' must not be empty"),
        ("[settings.keymap]\nsign-in = 5\n", "'sign-in' must be a key name string"),
        (
            ACCOUNT + '[accounts.aliases]\n"1234" = "short"\n',
            "'1234' must be a 12-digit AWS account ID",
        ),
        (ACCOUNT + '[accounts.aliases]\n"123456789012" = 5\n', "must be a printable string"),
    ],
)
def test_other_invalid_values(tmp_path, text, fragment):
    assert fragment in error_for(tmp_path, text)


def test_duplicate_account_names(tmp_path):
    message = error_for(tmp_path, ACCOUNT + ACCOUNT)
    assert "accounts[1]" in message
    assert "'prod' is already used by accounts[0]" in message
    assert "give each account its own name" in message


def test_invalid_toml(tmp_path):
    message = error_for(tmp_path, '[settings\nregion = "eu-west-1"\n')
    assert "is not valid TOML" in message
    assert "fix the syntax" in message


def test_missing_file_is_an_error_unless_missing_ok(tmp_path):
    path = tmp_path / "nope" / "config.toml"
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert str(path) in message
    assert "config.example.toml" in message and "--config" in message

    config = load_config(path, missing_ok=True)
    assert config.exists is False
    assert config.accounts == ()
    assert config.settings == Settings()


def test_folder_given_as_the_path(tmp_path):
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path)
    assert str(tmp_path) in str(caught.value)
    assert "is a folder" in str(caught.value)
    # missing_ok is about a missing file, not a wrong one
    with pytest.raises(ConfigError):
        load_config(tmp_path, missing_ok=True)


def test_non_utf8_file(tmp_path):
    path = tmp_path / "config.toml"
    path.write_bytes(ACCOUNT.encode("utf-8") + b'username = "J\xfcrgen"\n')
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert str(path) in str(caught.value)
    assert "UTF-8" in str(caught.value)


def test_unreadable_file(tmp_path):
    import os

    if os.geteuid() == 0:
        pytest.skip("root reads any file")
    path = write(tmp_path, ACCOUNT)
    path.chmod(0)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert "Could not read" in str(caught.value)


def test_account_lookup_suggests_a_near_miss(tmp_path):
    config = load_config(write(tmp_path, FULL))
    assert config.account("prod").name == "prod"
    with pytest.raises(ConfigError) as caught:
        config.account("prdo")
    assert "No account named 'prdo'" in str(caught.value)
    assert "did you mean 'prod'?" in str(caught.value)
    with pytest.raises(ConfigError) as caught:
        config.account("zzzzzz")
    assert "configured: prod, dev." in str(caught.value)


def test_account_lookup_without_accounts_points_at_the_example_and_the_demo(tmp_path):
    config = load_config(tmp_path / "missing.toml", missing_ok=True)
    with pytest.raises(ConfigError) as caught:
        config.account("prod")
    assert "has no [[accounts]]" in str(caught.value)
    assert "entra-aws demo" in str(caught.value)


def test_values_are_trimmed(tmp_path):
    text = ACCOUNT.replace('"prod"', '"  prod  "') + 'username = " alice@contoso.com "\n'
    account = load_config(write(tmp_path, text)).accounts[0]
    assert account.name == "prod"
    assert account.username == "alice@contoso.com"


def test_write_config_round_trips(tmp_path):
    original = load_config(write(tmp_path, FULL))
    settings = {
        "theme": "high-contrast",
        "region": "eu-central-1",
        "duration": 7200,
        "credentials_file": str(original.settings.credentials_file),
        "shell": "fish",
        "timeout": 120,
        "keymap": {"sign-in": "enter,ctrl+s"},
    }
    target = tmp_path / "written" / "config.toml"
    write_config(target, settings, list(original.accounts))

    loaded = load_config(target)
    assert loaded.accounts == original.accounts
    assert loaded.settings.keymap == original.settings.keymap
    assert loaded.settings.credentials_file == original.settings.credentials_file
    assert loaded.settings.duration == 7200
    assert target.stat().st_mode & 0o777 == 0o600


def test_write_config_leaves_defaults_out_and_still_round_trips(tmp_path):
    account = Account(
        name="dev",
        tenant_id="contoso.com",
        app_id_uri="https://signin.aws.amazon.com/saml#2",
        region="cn-north-1",
    )
    target = tmp_path / "config.toml"
    write_config(target, {}, [account])
    text = target.read_text(encoding="utf-8")
    assert "force_authn" not in text and "duration" not in text
    loaded = load_config(target)
    assert loaded.accounts == (account,)
    assert loaded.accounts[0].effective_acs_url == "https://signin.amazonaws.cn/saml"


def test_parse_config_reports_the_given_path(tmp_path):
    with pytest.raises(ConfigError) as caught:
        parse_config("[settings]\nregion = 5\n", Path("/etc/somewhere.toml"))
    assert str(caught.value).startswith("/etc/somewhere.toml: [settings]: ")


def test_export_shell_guessed_from_login_shell(monkeypatch):
    monkeypatch.setenv("SHELL", "/usr/bin/zsh")
    assert Settings().export_shell == "zsh"
    monkeypatch.setenv("SHELL", "/bin/tcsh")
    assert Settings().export_shell == "bash"
    assert Settings(shell="powershell").export_shell == "powershell"  # noqa: S604


def test_with_account_replaces_the_account_of_the_same_name(tmp_path):
    config = load_config(write(tmp_path, FULL))
    changed = replace(config.accounts[1], region="ap-southeast-2")
    updated = with_account(config, changed)
    assert isinstance(updated, Config)
    assert [a.name for a in updated.accounts] == ["prod", "dev"]
    assert updated.accounts[1].region == "ap-southeast-2"
    assert updated.accounts[0] == config.accounts[0]
    assert config.accounts[1].region == "eu-central-1"  # the original is untouched


def _accounts_config(tmp_path: Path) -> Config:
    text = "".join(
        f'[[accounts]]\nname = "{name}"\ntenant_id = "{tenant}"\n'
        f'app_id_uri = "https://signin.aws.amazon.com/saml#{n}"\n{extra}\n'
        for n, (name, tenant, extra) in enumerate(
            [
                ("a", "11111111-1111-1111-1111-111111111111", ""),
                ("b", "11111111-1111-1111-1111-111111111111", ""),
                ("c", "22222222-2222-2222-2222-222222222222", ""),
                ("d", "11111111-1111-1111-1111-111111111111", 'browser_profile = "second-me"'),
                (
                    "e",
                    "11111111-1111-1111-1111-111111111111",
                    'login_url = "http://127.0.0.1:8080"',
                ),
            ]
        )
    )
    return load_config(write(tmp_path, text))


def test_accounts_of_one_tenant_share_one_browser_profile_unless_split(tmp_path):
    config = _accounts_config(tmp_path)
    a, b, c, d, e = config.accounts

    assert a.browser_profile_name == b.browser_profile_name
    assert a.browser_profile_name.startswith("tenant-11111111-")
    assert "login.microsoftonline.com" in a.browser_profile_name
    assert c.browser_profile_name != a.browser_profile_name  # another tenant
    assert d.browser_profile_name == "second-me"  # a second identity in the same tenant
    assert e.browser_profile_name not in (a.browser_profile_name, d.browser_profile_name)


@pytest.mark.parametrize("value", ["../up", "a/b", ".hidden", "x" * 101, "a..b", "sp ace"])
def test_a_browser_profile_that_cannot_name_a_folder_is_refused(tmp_path, value):
    text = (
        '[[accounts]]\nname = "a"\ntenant_id = "contoso.com"\n'
        f'app_id_uri = "x"\nbrowser_profile = "{value}"\n'
    )
    assert "'browser_profile' may use letters, digits" in error_for(tmp_path, text)


def test_selecting_accounts_by_name_all_or_tenant(tmp_path):
    config = _accounts_config(tmp_path)

    assert [a.name for a in config.select(["c", "a", "a"])] == ["c", "a"]
    assert [a.name for a in config.select([], every=True)] == ["a", "b", "c", "d", "e"]
    tenant = "22222222-2222-2222-2222-222222222222"
    assert [a.name for a in config.select([], tenant=tenant.upper())] == ["c"]


@pytest.mark.parametrize(
    ("names", "options", "fragment"),
    [
        (["a", "nope", "zzz"], {}, "No accounts named 'nope', 'zzz' in"),
        (["a", "bb"], {}, "No account named 'bb' in"),
        ([], {}, "Name the account(s) to sign in to, or use --all or --tenant ID."),
        (["a"], {"every": True}, "not both"),
        ([], {"tenant": "contoso.com"}, "No account of tenant 'contoso.com'"),
    ],
)
def test_selecting_unknown_accounts_names_them(tmp_path, names, options, fragment):
    config = _accounts_config(tmp_path)
    with pytest.raises(ConfigError) as caught:
        config.select(names, **options)
    assert fragment in str(caught.value)
