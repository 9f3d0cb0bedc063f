"""Where entra-aws keeps things, as plain strings and with nothing but `os` imported.

The cached `credential_process` answer must start in a few milliseconds, and platformdirs (with
pathlib, tempfile and shutil behind it) costs more than the rest of that path. On Linux the rule is
the XDG base-directory one, written here; anywhere else platformdirs decides. `paths` wraps these
in `Path`s for everything else, so the rule lives only here.
"""

from __future__ import annotations

import os
import sys

APP = "entra-aws"
CONFIG_ENV = "ENTRA_AWS_CONFIG"
HOME_ENV = "ENTRA_AWS_HOME"  # one folder for everything (the demo and tests use it to stay apart)

# kind -> (XDG variable, default under the home folder, platformdirs' property)
_XDG = {
    "config": ("XDG_CONFIG_HOME", ".config", "user_config_dir"),
    "state": ("XDG_STATE_HOME", ".local/state", "user_state_dir"),
    "data": ("XDG_DATA_HOME", ".local/share", "user_data_dir"),
    "cache": ("XDG_CACHE_HOME", ".cache", "user_cache_dir"),
}


def _plain_xdg() -> bool:
    """Linux with an absolute $HOME (not Android): the XDG rule applies as written."""
    if sys.platform != "linux" or hasattr(sys, "getandroidapilevel"):
        return False
    if os.environ.get("ANDROID_DATA") == "/data" and os.environ.get("ANDROID_ROOT") == "/system":
        return False
    return os.path.isabs(os.environ.get("HOME", ""))


def user_dir(kind: str) -> str:
    """The folder for `kind` (config, state, data, cache): under $ENTRA_AWS_HOME when set."""
    home = os.environ.get(HOME_ENV)
    if home:
        return os.path.join(os.path.expanduser(home), kind)
    variable, default, prop = _XDG[kind]
    if not _plain_xdg():
        import platformdirs

        return str(getattr(platformdirs.PlatformDirs(APP, appauthor=False), prop))
    base = os.environ.get(variable, "")
    if not os.path.isabs(base):
        base = os.path.join(os.environ["HOME"], default)
    return os.path.join(base, APP)


def config_file(cli_value: str | None = None) -> str:
    """`--config`, then `$ENTRA_AWS_CONFIG`, then config.toml in the user config folder."""
    chosen = cli_value or os.environ.get(CONFIG_ENV)
    if chosen:
        return os.path.expanduser(chosen)
    return os.path.join(user_dir("config"), "config.toml")
