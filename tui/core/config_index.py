"""What the cached credential_process path needs from the config, kept beside the sessions.

Reading and validating the TOML config costs more than the rest of that path, and it only needs
each account's name, default role and AWS account aliases. A full load writes them here
(`config-index.json`, 0600 in the private state folder) with the config file's identity (path,
inode, size, mtime); the fast path trusts the index only while the file is still that file, so
an edited, replaced or removed config always takes the full path (which checks it and says what
is wrong). Reading imports only `json` and `os`.
"""

from __future__ import annotations

import json
import os

from tui.core.errors import ConfigError
from tui.core.locations import user_dir

INDEX_NAME = "config-index.json"
INDEX_VERSION = 1

TYPE_CHECKING = False  # typing itself costs the fast path ~10 ms
if TYPE_CHECKING:
    from tui.core.config import Config


def index_file() -> str:
    return os.path.join(user_dir("state"), INDEX_NAME)


def _identity(config_file: str) -> list[int] | None:
    try:
        info = os.stat(config_file)
    except OSError:
        return None
    return [info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns]


class IndexedAccount:
    """One account as choosing a session needs it."""

    __slots__ = ("aliases", "default_role", "name")

    def __init__(self, name: str, default_role: str, aliases: dict[str, str]) -> None:
        self.name = name
        self.default_role = default_role
        self.aliases = aliases


class IndexedConfig:
    """The index of a config that has not changed since a full load checked it."""

    __slots__ = ("accounts",)

    def __init__(self, accounts: tuple[IndexedAccount, ...]) -> None:
        self.accounts = accounts

    def account(self, name: str) -> IndexedAccount:
        for account in self.accounts:
            if account.name == name:
                return account
        raise ConfigError(f"No account named {name!r} is configured.")  # the full path says more


def identity_of(config_file: str) -> list[int] | None:
    """The config file's identity now, to take before a full load and hand to `write_index`."""
    return _identity(os.path.abspath(config_file))


def write_index(config: Config, config_file: str, before: list[int] | None) -> None:
    """Record `config` as loaded from `config_file`, if the file is still what was loaded.

    Best effort: a full disk or a read-only state folder costs only speed, never the answer.
    """
    path = os.path.abspath(config_file)
    if before is None or _identity(path) != before:
        return  # changed while it was being read: the next full load will index it
    document = {
        "version": INDEX_VERSION,
        "config": path,
        "identity": before,
        "accounts": [
            {"name": a.name, "default_role": a.default_role, "aliases": dict(a.aliases)}
            for a in config.accounts
        ],
    }
    text = json.dumps(document, sort_keys=True)
    try:
        with open(index_file(), encoding="utf-8") as handle:
            if handle.read() == text:
                return
    except (OSError, UnicodeDecodeError):
        pass
    from pathlib import Path

    from tui.core.errors import FileWriteError
    from tui.core.files import atomic_write

    try:
        atomic_write(Path(index_file()), text, private_dir=True)
    except (OSError, FileWriteError):
        return


def read_index(config_file: str) -> IndexedConfig | None:
    """The indexed config when `config_file` is unchanged since it was indexed, else None."""
    path = os.path.abspath(config_file)
    try:
        with open(index_file(), encoding="utf-8") as handle:
            document = json.load(handle)
        if document["version"] != INDEX_VERSION or document["config"] != path:
            return None
        if document["identity"] != _identity(path):
            return None
        accounts = tuple(
            IndexedAccount(str(a["name"]), str(a["default_role"]), _aliases(a["aliases"]))
            for a in document["accounts"]
        )
    except (OSError, ValueError, TypeError, KeyError):
        return None
    return IndexedConfig(accounts)


def _aliases(value: object) -> dict[str, str]:
    if not isinstance(value, dict):
        raise TypeError("aliases is not a table")
    return {str(k): str(v) for k, v in value.items()}
