"""Where entra-aws keeps things (platformdirs), and private folders created 0700."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP = "entra-aws"
CONFIG_ENV = "ENTRA_AWS_CONFIG"
HOME_ENV = "ENTRA_AWS_HOME"  # one folder for everything (the demo and tests use it to stay apart)


def _base(kind: str) -> Path | None:
    home = os.environ.get(HOME_ENV)
    return Path(home).expanduser() / kind if home else None


def config_dir() -> Path:
    return _base("config") or Path(platformdirs.user_config_dir(APP, appauthor=False))


def default_config_path() -> Path:
    return config_dir() / "config.toml"


def config_path(cli_value: str | os.PathLike[str] | None = None) -> Path:
    """`--config`, then `$ENTRA_AWS_CONFIG`, then the user config folder."""
    if cli_value:
        return Path(cli_value).expanduser()
    env = os.environ.get(CONFIG_ENV)
    if env:
        return Path(env).expanduser()
    return default_config_path()


def user_themes_dir() -> Path:
    return config_dir() / "themes"


def state_dir() -> Path:
    """Sessions, remembered durations and logs: secret-bearing, so kept private."""
    return _base("state") or Path(platformdirs.user_state_dir(APP, appauthor=False))


def data_dir() -> Path:
    """Browser profiles live here, one per account."""
    return _base("data") or Path(platformdirs.user_data_dir(APP, appauthor=False))


def cache_dir() -> Path:
    """The patched chromedriver copy lives here."""
    return _base("cache") or Path(platformdirs.user_cache_dir(APP, appauthor=False))


def ensure_private_dir(path: Path) -> Path:
    """Create `path` (and parents) and make it 0700; return it."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    if path.stat().st_mode & 0o077:
        path.chmod(0o700)
    return path
