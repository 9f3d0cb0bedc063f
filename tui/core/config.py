"""The config file: TOML read with tomllib, validated into typed settings and accounts.

Every problem becomes one `ConfigError` sentence naming the file, the key and the fix.
"""

from __future__ import annotations

import difflib
import os
import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tui.core.durations import MAX_SECONDS, MIN_SECONDS
from tui.core.errors import ConfigError
from tui.core.files import atomic_write
from tui.core.partitions import (
    ENTRA_CLOUDS,
    Partition,
    is_acs_url,
    is_region,
    partition_for_region,
)
from tui.core.roles import ROLE_ARN_RE, ROLE_NAME_RE, is_principal_arn

SHELLS = ("bash", "zsh", "fish", "powershell", "cmd", "dotenv")
MAX_RENEW_BEFORE = 3600  # renewing earlier than an hour ahead would renew a 1 h session at once
PROFILE_FIELDS = ("account", "role", "aws", "account_id")  # placeholders of profile_template

_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_PROFILE_RE = re.compile(r"^[A-Za-z0-9_.@+=,-]{1,128}$")
_TENANT_RE = re.compile(
    r"^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
    r"|[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+|common|organizations)$"
)
_ACCOUNT_ID_RE = re.compile(r"^\d{12}$")
_BROWSER_PROFILE_RE = re.compile(r"^(?!.*\.\.)[A-Za-z0-9][A-Za-z0-9_.@+=,-]{0,99}$")


@dataclass(frozen=True)
class Settings:
    theme: str = "entra-dark"
    region: str = "us-east-1"
    duration: int = 3600
    credentials_file: Path = field(default_factory=lambda: Path("~/.aws/credentials").expanduser())
    browser: str = ""
    driver: str = ""
    shell: str = ""
    timeout: int = 300
    fetch_driver: bool = True  # fetch a matching chromedriver (Chrome for Testing) when none fits
    keymap: dict[str, str] = field(default_factory=dict)
    renew_before: int = 600  # seconds before expiry a session is renewed silently; 0: never
    profile_template: str = ""  # names `profiles` gives; "" is the default rule (aws_config.py)

    @property
    def export_shell(self) -> str:
        """The configured shell, else one guessed from $SHELL (Windows: PowerShell)."""
        if self.shell:
            return self.shell
        if os.name == "nt":
            return "powershell"
        login_shell = Path(os.environ.get("SHELL", "bash")).name
        return login_shell if login_shell in SHELLS else "bash"


@dataclass(frozen=True)
class Account:
    name: str
    tenant_id: str
    app_id_uri: str
    region: str
    username: str = ""
    default_role: str = ""
    principal_arn: str = ""
    profile: str = ""
    login_url: str = ""
    acs_url: str = ""
    sts_endpoint: str = ""
    federation_url: str = ""
    duration: int | None = None
    force_authn: bool = False
    entra_cloud: str = "global"  # the tenant's Entra cloud: its login host, not the AWS partition
    browser_profile: str = ""
    aliases: dict[str, str] = field(default_factory=dict)
    renew_before: int | None = None  # overrides settings.renew_before for this account

    @property
    def partition(self) -> Partition:
        return partition_for_region(self.region)

    @property
    def profile_name(self) -> str:
        return self.profile or self.name

    @property
    def effective_login_url(self) -> str:
        return (self.login_url or ENTRA_CLOUDS[self.entra_cloud]).rstrip("/")

    @property
    def effective_acs_url(self) -> str:
        return self.acs_url or self.partition.acs_url()

    @property
    def effective_sts_endpoint(self) -> str:
        return self.sts_endpoint or self.partition.sts_endpoint(self.region)

    @property
    def effective_federation_url(self) -> str:
        return self.federation_url or self.partition.federation_url()

    @property
    def tenant_key(self) -> str:
        """Entra's sign-in cookie belongs to a tenant at a login host: what one browser profile serves."""
        host = (urlsplit(self.effective_login_url).netloc or "login").lower()
        return f"{self.tenant_id.lower()}@{host}"

    @property
    def browser_profile_name(self) -> str:
        """The browser profile this account signs in with: `browser_profile`, else its tenant's.

        Shared by every account of the tenant, so Entra's "Stay signed in" cookie serves them all.
        """
        if self.browser_profile:
            return self.browser_profile
        name = "tenant-" + re.sub(r"[^A-Za-z0-9_.@+=,-]", "_", self.tenant_key)
        if len(name) > 100:  # a long domain tenant: keep the folder name within the limit
            import hashlib  # rare, and OpenSSL's start is not free: not at every start

            name = name[:80] + "-" + hashlib.sha256(self.tenant_key.encode()).hexdigest()[:16]
        return name

    def alias(self, account_id: str) -> str:
        return self.aliases.get(account_id, "")


@dataclass(frozen=True)
class Config:
    path: Path
    settings: Settings
    accounts: tuple[Account, ...]
    exists: bool = True

    def account(self, name: str) -> Account:
        for account in self.accounts:
            if account.name == name:
                return account
        if not self.accounts:
            raise ConfigError(
                f"{self.path} has no [[accounts]]; add one (see config.example.toml) "
                "or try `entra-aws demo`."
            )
        names = [account.name for account in self.accounts]
        close = difflib.get_close_matches(name, names, n=1)
        hint = f"did you mean {close[0]!r}?" if close else f"configured: {', '.join(names)}."
        raise ConfigError(f"No account named {name!r} in {self.path}; {hint}")

    def accounts_of(self, names: list[str]) -> list[Account]:
        """The named accounts in the order given, or ConfigError naming every unknown one."""
        unknown = [n for n in dict.fromkeys(names) if n not in {a.name for a in self.accounts}]
        if len(unknown) == 1:
            self.account(unknown[0])  # raises with its "did you mean" hint
        if unknown:
            raise ConfigError(
                f"No accounts named {', '.join(repr(n) for n in unknown)} in {self.path}; "
                f"configured: {', '.join(a.name for a in self.accounts) or 'none'}."
            )
        return [self.account(name) for name in dict.fromkeys(names)]

    def select(self, names: list[str], *, every: bool = False, tenant: str = "") -> list[Account]:
        """`login a b c` / `--all` / `--tenant ID`: the accounts meant, or one ConfigError."""
        if names and (every or tenant):
            raise ConfigError("Name accounts or use --all/--tenant, not both.")
        if not (names or every or tenant):
            raise ConfigError("Name the account(s) to sign in to, or use --all or --tenant ID.")
        if names:
            return self.accounts_of(names)
        if not self.accounts:
            self.account("")  # raises: the file has no [[accounts]]
        if not tenant:
            return list(self.accounts)
        chosen = [a for a in self.accounts if a.tenant_id.lower() == tenant.strip().lower()]
        if not chosen:
            tenants = ", ".join(dict.fromkeys(a.tenant_id for a in self.accounts))
            raise ConfigError(
                f"No account of tenant {tenant!r} in {self.path}; its accounts' tenants: {tenants}."
            )
        return chosen

    def duration_for(self, account: Account) -> int:
        return account.duration or self.settings.duration

    def renew_before_for(self, account: Account) -> int:
        """Seconds before expiry the account's sessions are renewed; 0 turns renewal off."""
        if account.renew_before is not None:
            return account.renew_before
        return self.settings.renew_before


_SETTINGS_KEYS = {
    "theme": str,
    "region": str,
    "duration": int,
    "credentials_file": str,
    "browser": str,
    "driver": str,
    "shell": str,
    "timeout": int,
    "fetch_driver": bool,
    "keymap": dict,
    "renew_before": int,
    "profile_template": str,
}
_ACCOUNT_KEYS = {
    "name": str,
    "tenant_id": str,
    "app_id_uri": str,
    "region": str,
    "username": str,
    "default_role": str,
    "principal_arn": str,
    "profile": str,
    "login_url": str,
    "acs_url": str,
    "sts_endpoint": str,
    "federation_url": str,
    "duration": int,
    "force_authn": bool,
    "entra_cloud": str,
    "browser_profile": str,
    "aliases": dict,
    "renew_before": int,
}
_TYPE_NAMES = {
    str: "a string",
    int: "an integer",
    bool: "true or false",
    dict: "a table",
    list: "an array of tables, written [[accounts]]",
}


class _Checker:
    """Builds the one-sentence ConfigError for the first problem found, in file order."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, where: str, message: str) -> ConfigError:
        return ConfigError(f"{self.path}: {where}: {message}")

    def keys(self, table: dict[str, Any], allowed: dict[str, type], where: str) -> None:
        for key, value in table.items():
            if key not in allowed:
                close = difflib.get_close_matches(key, list(allowed), n=1)
                hint = (
                    f"did you mean {close[0]!r}?" if close else f"known keys: {', '.join(allowed)}."
                )
                raise self.fail(where, f"unknown key {key!r}; {hint}")
            expected = allowed[key]
            ok = isinstance(value, expected) and not (expected is int and isinstance(value, bool))
            if not ok:
                raise self.fail(
                    where, f"{key!r} must be {_TYPE_NAMES[expected]}, not {type(value).__name__}."
                )

    def url(self, value: str, key: str, where: str) -> None:
        try:
            parts = urlsplit(value)
            valid = parts.scheme in ("https", "http") and bool(parts.hostname)
        except ValueError:  # e.g. an unclosed "[" of an IPv6 host
            valid = False
        if not valid:
            raise self.fail(
                where, f"{key!r} must be an http(s) URL like https://host/path, not {value!r}."
            )

    def duration(self, value: int, key: str, where: str) -> None:
        if not MIN_SECONDS <= value <= MAX_SECONDS:
            raise self.fail(
                where,
                f"{key!r} must be between {MIN_SECONDS} and {MAX_SECONDS} seconds, not {value}.",
            )

    def renew_before(self, value: int, where: str) -> None:
        if not 0 <= value <= MAX_RENEW_BEFORE:
            raise self.fail(
                where,
                f"'renew_before' must be between 0 (never renew) and {MAX_RENEW_BEFORE} seconds, "
                f"not {value}.",
            )

    def region(self, value: str, key: str, where: str) -> None:
        if not is_region(value):
            raise self.fail(where, f"{key!r} must be an AWS region like eu-west-1, not {value!r}.")


def template_problem(template: str) -> str:
    """Why `template` cannot name profiles (the rest of a sentence), or "" when it can."""
    import string

    try:
        parts = [(name, spec, conv) for _, name, spec, conv in string.Formatter().parse(template)]
    except ValueError:
        return 'has an unmatched "{" or "}"; write placeholders like {account}-{role}.'
    fields = [name for name, _, _ in parts if name is not None]
    if any(n not in PROFILE_FIELDS or s or c for n, s, c in parts if n is not None):
        known = ", ".join("{" + name + "}" for name in PROFILE_FIELDS)
        return f"may use only the placeholders {known}, not {template!r}."
    if "role" not in fields:
        return "must contain {role}, or every role of an account would get the same profile."
    return ""


def _settings(raw: dict[str, Any], check: _Checker) -> Settings:
    where = "[settings]"
    check.keys(raw, _SETTINGS_KEYS, where)
    values = dict(raw)
    if "region" in values:
        check.region(values["region"], "region", where)
    if "duration" in values:
        check.duration(values["duration"], "duration", where)
    if "timeout" in values and not 10 <= values["timeout"] <= 3600:
        raise check.fail(
            where, f"'timeout' must be between 10 and 3600 seconds, not {values['timeout']}."
        )
    if values.get("shell") and values["shell"] not in SHELLS:
        raise check.fail(
            where, f"'shell' must be one of {', '.join(SHELLS)}, not {values['shell']!r}."
        )
    if "renew_before" in values:
        check.renew_before(values["renew_before"], where)
    if values.get("profile_template"):
        problem = template_problem(values["profile_template"])
        if problem:
            raise check.fail(where, f"'profile_template' {problem}")
    for key, value in values.get("keymap", {}).items():
        if not isinstance(value, str):
            raise check.fail("[keymap]", f'{key!r} must be a key name string like "ctrl+r".')
    if "credentials_file" in values:
        if not values["credentials_file"].strip():
            raise check.fail(where, "'credentials_file' must not be empty.")
        try:
            values["credentials_file"] = Path(values["credentials_file"]).expanduser()
        except RuntimeError:  # ~user for a user that does not exist
            raise check.fail(
                where,
                f"'credentials_file' names a home folder that does not exist "
                f"({values['credentials_file']!r}); write the full path.",
            ) from None
    return Settings(**values)


def _account(raw: dict[str, Any], index: int, settings: Settings, check: _Checker) -> Account:
    label = raw.get("name") if isinstance(raw.get("name"), str) else None
    if label and not label.isprintable():
        label = repr(label)  # the sentence stays on one line, whatever the name holds
    where = f"accounts[{index}]" + (f" ({label})" if label and label.strip() else "")
    check.keys(raw, _ACCOUNT_KEYS, where)
    for required in ("name", "tenant_id", "app_id_uri"):
        if not str(raw.get(required, "")).strip():
            hint = {
                "name": 'a short name such as "prod"',
                "tenant_id": "your Entra tenant's ID (a GUID) or its domain",
                "app_id_uri": "the Identifier (Entity ID) exactly as the Entra app shows it",
            }[required]
            raise check.fail(where, f"missing {required!r}; set it to {hint}.")
    values: dict[str, Any] = {
        key: value.strip() if isinstance(value, str) else value for key, value in raw.items()
    }
    if not _NAME_RE.match(values["name"]):
        raise check.fail(
            where,
            "'name' may use letters, digits, '.', '_' and '-' (up to 64), starting with a letter or digit.",
        )
    if not _TENANT_RE.match(values["tenant_id"]):
        raise check.fail(
            where,
            f"'tenant_id' must be a GUID or a domain like contoso.com, not {values['tenant_id']!r}.",
        )
    if any(ch.isspace() for ch in values["app_id_uri"]):
        raise check.fail(
            where,
            "'app_id_uri' must not contain spaces; copy the Identifier exactly from the Entra app.",
        )
    values.setdefault("region", settings.region)
    check.region(values["region"], "region", where)
    partition = partition_for_region(values["region"])
    if not partition.can_sign_in:
        raise check.fail(
            where,
            f"'region' {values['region']} is in the {partition.name} partition, whose SAML sign-in "
            "host entra-aws does not know, so it cannot sign in there (`entra-aws decode` still "
            "reads its roles); use a region of aws, aws-us-gov or aws-cn.",
        )
    cloud = values.get("entra_cloud", "global")
    if cloud not in ENTRA_CLOUDS:
        raise check.fail(
            where,
            f"'entra_cloud' must be one of {', '.join(ENTRA_CLOUDS)} (the tenant's Entra cloud, "
            f"not the AWS partition), not {cloud!r}.",
        )
    role = values.get("default_role", "")
    if role and not (ROLE_ARN_RE.match(role) or ROLE_NAME_RE.match(role)):
        raise check.fail(
            where,
            f"'default_role' must be a role ARN like arn:aws:iam::123456789012:role/Name or a role name, not {role!r}.",
        )
    principal = values.get("principal_arn", "")
    if principal and not is_principal_arn(principal):
        raise check.fail(
            where,
            f"'principal_arn' must be a SAML provider ARN like arn:aws:iam::123456789012:saml-provider/Entra, not {principal!r}.",
        )
    if values.get("profile") and not _PROFILE_RE.match(values["profile"]):
        raise check.fail(where, "'profile' may use letters, digits and _.@+=,- only.")
    if values.get("browser_profile") and not _BROWSER_PROFILE_RE.match(values["browser_profile"]):
        raise check.fail(
            where,
            "'browser_profile' may use letters, digits and _.@+=,- (up to 100), starting with a "
            "letter or digit.",
        )
    for key in ("login_url", "sts_endpoint", "federation_url", "acs_url"):
        if values.get(key):
            check.url(values[key], key, where)
    if values.get("acs_url") and not is_acs_url(values["acs_url"]):
        raise check.fail(
            where,
            "'acs_url' must be an AWS sign-in SAML URL such as https://signin.aws.amazon.com/saml, https://signin.aws.amazon.com/static/saml or https://eu-west-1.signin.aws.amazon.com/saml.",
        )
    if "duration" in values:
        check.duration(values["duration"], "duration", where)
    if "renew_before" in values:
        check.renew_before(values["renew_before"], where)
    aliases = values.get("aliases", {})
    for account_id, alias in aliases.items():
        if not _ACCOUNT_ID_RE.match(account_id):
            raise check.fail(
                f"{where} aliases", f"{account_id!r} must be a 12-digit AWS account ID."
            )
        if not isinstance(alias, str) or not alias.isprintable():
            raise check.fail(
                f"{where} aliases", f"the alias for {account_id} must be a printable string."
            )
    return Account(**values)


def parse_config(text: str, path: Path) -> Config:
    """Validate TOML text into a Config; raise ConfigError with the first problem."""
    check = _Checker(path)
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML ({exc}); fix the syntax there.") from None
    check.keys(raw, {"settings": dict, "accounts": list, "keymap": dict}, "top level")
    settings_raw = dict(raw.get("settings", {}))
    if "keymap" in raw:
        settings_raw.setdefault("keymap", raw["keymap"])
    settings = _settings(settings_raw, check)
    accounts: list[Account] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(raw.get("accounts", [])):
        if not isinstance(item, dict):
            raise check.fail(f"accounts[{index}]", "each account must be a [[accounts]] table.")
        account = _account(item, index, settings, check)
        if account.name in seen:
            raise check.fail(
                f"accounts[{index}]",
                f"the name {account.name!r} is already used by accounts[{seen[account.name]}]; give each account its own name.",
            )
        seen[account.name] = index
        accounts.append(account)
    return Config(path=path, settings=settings, accounts=tuple(accounts))


def load_config(path: Path, *, missing_ok: bool = False) -> Config:
    """Read and validate `path`. With `missing_ok`, a missing file gives defaults and no accounts."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        if missing_ok:
            return Config(path=path, settings=Settings(), accounts=(), exists=False)
        raise ConfigError(
            f"No config file at {path}; copy config.example.toml there, "
            "pass --config PATH, or try `entra-aws demo`."
        ) from None
    except IsADirectoryError:
        raise ConfigError(f"{path} is a folder; --config needs the path of a TOML file.") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path} is not UTF-8 text; save it as UTF-8.") from None
    except OSError as exc:
        raise ConfigError(f"Could not read {path}: {exc.strerror}.") from None
    return parse_config(text, path)


def account_to_toml(account: Account) -> dict[str, Any]:
    """The account as the TOML table that would load back to it (defaults left out)."""
    defaults = Account(name="", tenant_id="", app_id_uri="", region="")
    table: dict[str, Any] = {}
    for key in _ACCOUNT_KEYS:
        value = getattr(account, key)
        if key in ("name", "tenant_id", "app_id_uri", "region") or value != getattr(defaults, key):
            table[key] = value
    return table


def write_config(path: Path, settings: dict[str, Any], accounts: list[Account]) -> None:
    """Write a config file (used by the demo and by tests): tomli-w, atomic, 0600."""
    import tomli_w

    document = {"settings": settings, "accounts": [account_to_toml(a) for a in accounts]}
    atomic_write(path, tomli_w.dumps(document))


def with_account(config: Config, account: Account) -> Config:
    """A copy of `config` with `account` replacing the one of the same name."""
    accounts = tuple(account if a.name == account.name else a for a in config.accounts)
    return replace(config, accounts=accounts)
