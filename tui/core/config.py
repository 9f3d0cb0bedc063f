"""The config file: TOML read with tomllib and checked (`config_checks`) into the typed
settings and accounts of `config_model`, which are re-exported here for the rest of the program.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tui.core.config_checks import _ACCOUNT_KEYS as _ACCOUNT_KEYS
from tui.core.config_checks import _SETTINGS_KEYS as _SETTINGS_KEYS
from tui.core.config_checks import PROFILE_RE as PROFILE_RE
from tui.core.config_checks import parse_config as parse_config
from tui.core.config_checks import template_problem as template_problem
from tui.core.config_model import MAX_RENEW_BEFORE as MAX_RENEW_BEFORE
from tui.core.config_model import PROFILE_FIELDS as PROFILE_FIELDS
from tui.core.config_model import SHELLS as SHELLS
from tui.core.config_model import Account as Account
from tui.core.config_model import Config as Config
from tui.core.config_model import Settings as Settings
from tui.core.config_model import with_account as with_account
from tui.core.errors import ConfigError
from tui.core.files import atomic_write


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
    import tomli_w  # not at every start: only the demo and tests write configs

    document = {"settings": settings, "accounts": [account_to_toml(a) for a in accounts]}
    atomic_write(path, tomli_w.dumps(document))
