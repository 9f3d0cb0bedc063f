"""Where entra-aws keeps things, as `Path`s (the rule is in `locations`), and private folders."""

from __future__ import annotations

import os
from pathlib import Path

from tui.core.locations import APP as APP
from tui.core.locations import CONFIG_ENV as CONFIG_ENV
from tui.core.locations import HOME_ENV as HOME_ENV
from tui.core.locations import config_file, user_dir


def config_dir() -> Path:
    return Path(user_dir("config"))


def default_config_path() -> Path:
    return config_dir() / "config.toml"


def config_path(cli_value: str | os.PathLike[str] | None = None) -> Path:
    """`--config`, then `$ENTRA_AWS_CONFIG`, then the user config folder."""
    return Path(config_file(os.fspath(cli_value) if cli_value else None))


def user_themes_dir() -> Path:
    return config_dir() / "themes"


def state_dir() -> Path:
    """Sessions, remembered durations and logs: secret-bearing, so kept private."""
    return Path(user_dir("state"))


def data_dir() -> Path:
    """Browser profiles live here, one per Entra tenant."""
    return Path(user_dir("data"))


def cache_dir() -> Path:
    """The patched chromedriver copy lives here."""
    return Path(user_dir("cache"))


def ensure_private_dir(path: Path) -> Path:
    """Create `path` (and parents) and make it 0700; return it."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    if path.stat().st_mode & 0o077:
        path.chmod(0o700)
    return path
