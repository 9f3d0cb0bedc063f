"""The config as the program uses it: settings and accounts, typed and already checked.

`config_checks` builds these from TOML; `config` reads and writes the file.
"""

from __future__ import annotations

import difflib
import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit

from tui.core.errors import ConfigError
from tui.core.partitions import ENTRA_CLOUDS, Partition, partition_for_region

SHELLS = ("bash", "zsh", "fish", "powershell", "cmd", "dotenv")
MAX_RENEW_BEFORE = 3600  # renewing earlier than an hour ahead would renew a 1 h session at once
PROFILE_FIELDS = ("account", "role", "aws", "account_id")  # placeholders of profile_template


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


def with_account(config: Config, account: Account) -> Config:
    """A copy of `config` with `account` replacing the one of the same name."""
    accounts = tuple(account if a.name == account.name else a for a in config.accounts)
    return replace(config, accounts=accounts)
