"""The config loader under hostile input (properties): random TOML-ish text and random structures
written with tomli-w. Every input ends, within a second, in a Config whose values are usable
(every derived URL, the round trip through write_config) or in one ConfigError sentence naming
the file. tests/unit/test_config.py proves each rule by example; this proves nothing escapes them.
"""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path

import tomli_w
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tui.core.config import (
    _ACCOUNT_KEYS,
    _SETTINGS_KEYS,
    Config,
    load_config,
    parse_config,
    write_config,
)
from tui.core.errors import ConfigError
from tui.core.partitions import REGION_RE

PATH = Path("/configs/entra-aws.toml")
FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def outcome(text: str) -> Config | ConfigError:
    started = time.monotonic()
    try:
        result: Config | ConfigError = parse_config(text, PATH)
    except ConfigError as error:
        result = error
    if isinstance(result, ConfigError):
        message = str(result)
        assert message.startswith(str(PATH)), message
        assert "\n" not in message and "\r" not in message, repr(message)
    else:
        usable(result)
    elapsed = time.monotonic() - started
    assert elapsed < 1.0, f"took {elapsed:.2f} s"
    return result


def usable(config: Config) -> None:
    """What the app does with an accepted config must not fail on any of its values."""
    settings_ = config.settings
    assert REGION_RE.fullmatch(settings_.region), repr(settings_.region)
    _ = settings_.export_shell, str(settings_.credentials_file)
    for account in config.accounts:
        assert REGION_RE.fullmatch(account.region), repr(account.region)
        _ = (
            account.partition,
            account.profile_name,
            account.effective_login_url,
            account.effective_acs_url,
            account.effective_sts_endpoint,
            account.effective_federation_url,
            config.duration_for(account),
            config.account(account.name),
        )


# --- random structures, written by tomli-w --------------------------------------------------

_SCALARS = st.one_of(
    st.text(max_size=30),
    st.integers(),
    st.booleans(),
    st.floats(allow_nan=False),
    st.dates(),
    st.datetimes(),
    st.times(),
)
_INTERESTING = st.sampled_from(
    [
        "",
        " ",
        "us-east-1",
        "us-east-1\n",
        "eu-west-1 ",
        "us-gov-west-1",
        "cn-north-1",
        "00000000-0000-0000-0000-000000000000",
        "contoso.com",
        "https://signin.aws.amazon.com/saml",
        "https://signin.aws.amazon.com/saml#1",
        "https://eu-west-1.signin.aws.amazon.com/saml/acs/SAMLSP4EXAMPLE",
        "http://[::1",
        "https://[zz]/",
        "http://127.0.0.1:99999/",
        "http://host:port/",
        "https:///path",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "~",
        "~/x",
        "~nosuchuser/creds",
        "~root/.aws/credentials",
        "/dev/null",
        "arn:aws:iam::123456789012:role/Admin",
        "arn:aws:iam::123456789012:saml-provider/Entra",
        "Admin",
        "bash",
        "fish",
        "pwsh",
        "prod",
        "a\x00b",
        "\u202eevil",
        "x" * 300,
        900,
        43200,
        899,
        43201,
        10,
        3600,
        -1,
        0,
        2**63,
        True,
    ]
)
_VALUE = st.one_of(_INTERESTING, _SCALARS)
_NESTED = st.recursive(
    _VALUE,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)


def _table(keys: dict[str, type]) -> st.SearchStrategy[dict[str, object]]:
    known = st.sampled_from(sorted(keys))
    return st.dictionaries(
        st.one_of(known, known, known, st.text(max_size=12)),
        st.one_of(_VALUE, _VALUE, _NESTED),
        max_size=len(keys),
    )


_ALIASES = st.dictionaries(
    st.one_of(st.from_regex(r"\A\d{12}\Z"), st.text(max_size=14)),
    st.one_of(st.text(max_size=20), _SCALARS),
    max_size=3,
)
_ACCOUNT = st.builds(
    lambda table, aliases, required: {
        **required,
        **table,
        **({"aliases": aliases} if aliases else {}),
    },
    _table(_ACCOUNT_KEYS),
    st.one_of(st.just({}), _ALIASES),
    st.fixed_dictionaries(
        {},
        optional={
            "name": st.one_of(st.just("prod"), st.text(max_size=10)),
            "tenant_id": st.sampled_from(
                ["contoso.com", "common", "x", "00000000-0000-0000-0000-000000000000"]
            ),
            "app_id_uri": st.sampled_from(["https://signin.aws.amazon.com/saml#1", "a b", "x"]),
        },
    ),
)
_DOCUMENT = st.fixed_dictionaries(
    {},
    optional={
        "settings": st.one_of(
            _table(_SETTINGS_KEYS),
            st.builds(
                lambda t, k: {**t, "keymap": k},
                _table(_SETTINGS_KEYS),
                st.dictionaries(st.text(max_size=8), _VALUE, max_size=3),
            ),
        ),
        "accounts": st.lists(st.one_of(_ACCOUNT, _ACCOUNT, _ACCOUNT, _NESTED), max_size=3),
        "keymap": st.dictionaries(st.text(max_size=8), _VALUE, max_size=3),
        "other": _NESTED,
    },
)


@FAST
@given(_DOCUMENT)
@example({"settings": {"credentials_file": "~nosuchuser/creds"}})
@example(
    {
        "accounts": [
            {"name": "a", "tenant_id": "contoso.com", "app_id_uri": "x", "login_url": "http://[::1"}
        ]
    }
)
@example(
    {
        "accounts": [
            {
                "name": "a",
                "tenant_id": "contoso.com",
                "app_id_uri": "x",
                "sts_endpoint": "https://[zz]/",
            }
        ]
    }
)
@example({"settings": {"region": "us-east-1\n"}})
def test_random_structures_written_by_tomli_w(document) -> None:
    try:
        text = tomli_w.dumps(document)
    except (TypeError, ValueError):  # tomli-w cannot write every structure (e.g. nested arrays)
        return
    outcome(text)


@FAST
@given(_DOCUMENT)
def test_every_accepted_config_round_trips_through_write_config(document) -> None:
    try:
        text = tomli_w.dumps(document)
    except (TypeError, ValueError):
        return
    result = outcome(text)
    if not isinstance(result, Config):
        return
    settings_table = {key: getattr(result.settings, key) for key in _SETTINGS_KEYS}
    settings_table["credentials_file"] = str(settings_table["credentials_file"])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "config.toml"
        write_config(path, settings_table, list(result.accounts))
        again = load_config(path)
    assert again.accounts == result.accounts
    assert again.settings == result.settings


# --- random TOML-ish text -----------------------------------------------------------------------

_KEYS = st.sampled_from(sorted({*_SETTINGS_KEYS, *_ACCOUNT_KEYS, "accounts", "settings", "keymap"}))
_LITERALS = st.one_of(
    _INTERESTING.map(lambda v: json.dumps(v) if not isinstance(v, bool) else str(v).lower()),
    st.text(max_size=20).map(json.dumps),
    st.integers().map(str),
    st.sampled_from(
        [
            "true",
            "nan",
            "inf",
            "-0",
            "0x1F",
            "1_000",
            "1979-05-27T07:32:00Z",
            "07:32:00",
            "[1, 2",
            "[]",
            "{}",
            "{ a = 1 }",
            '"""\nmulti\nline"""',
            "'''raw\\'''",
            "'literal'",
            '"unterminated',
            '"\\u0000"',
            '"\\uD800"',
            '"\\x41"',
        ]
    ),
)
_LINES = st.one_of(
    st.sampled_from(
        [
            "[settings]",
            "[[accounts]]",
            "[accounts]",
            "[accounts.aliases]",
            "[settings.keymap]",
            "[keymap]",
            "[[settings]]",
            "[ settings ]",
            "[settings",
            "",
            "# comment",
            "\ufeff",
            "\x00",
            "\r",
            "name = 'prod'",
            'tenant_id = "contoso.com"',
            'app_id_uri = "https://signin.aws.amazon.com/saml#1"',
        ]
    ),
    st.builds(lambda k, v: f"{k} = {v}", _KEYS, _LITERALS),
    st.builds(lambda k, v: f'"{k}" = {v}', st.text(max_size=8), _LITERALS),
    st.builds(lambda k, v: f"{k}.{k} = {v}", _KEYS, _LITERALS),
    st.text(max_size=30),
)


@FAST
@given(st.lists(_LINES, max_size=25), st.sampled_from(["\n", "\r\n", "\r"]))
@example(
    [
        "[[accounts]]",
        "name = 'a'",
        "tenant_id = 'contoso.com'",
        "app_id_uri = 'x'",
        "[accounts.aliases]",
        '"123456789012" = 5',
    ],
    "\n",
)
@example(["[settings]", 'region = "us-east-1\\n"'], "\n")
@example(["[settings]", "keymap = 5"], "\n")
@example(["accounts = [1, 'x', {}]"], "\n")
def test_random_toml_ish_text(lines, newline) -> None:
    outcome(newline.join(lines))


@settings(max_examples=50, deadline=None)
@given(st.binary(max_size=200))
def test_a_config_file_of_random_bytes(data) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "config.toml"
        path.write_bytes(data)
        started = time.monotonic()
        try:
            config = load_config(path)
        except ConfigError as error:
            assert "\n" not in str(error) and str(path) in str(error)
        else:
            usable(config)
        assert time.monotonic() - started < 1.0
