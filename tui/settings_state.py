"""UI choices remembered between runs (today: the theme), kept apart from the user's config.

The config file is the user's; the app never rewrites it. A choice made in the app is saved in
`<state>/ui.toml` together with the config's `theme` at that moment, so that editing the config
later wins over an old choice.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from tui.core.files import atomic_write
from tui.core.paths import state_dir

DEFAULT_THEME = "entra-dark"


@dataclass(frozen=True)
class UiState:
    theme: str = ""
    config_theme: str = ""


def ui_state_path() -> Path:
    return state_dir() / "ui.toml"


def load_ui_state(path: Path | None = None) -> UiState:
    """The saved choices; a missing or damaged file just means "nothing saved"."""
    try:
        data = tomllib.loads((path or ui_state_path()).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return UiState()
    theme, config_theme = data.get("theme", ""), data.get("config_theme", "")
    if not isinstance(theme, str) or not isinstance(config_theme, str):
        return UiState()
    return UiState(theme=theme, config_theme=config_theme)


def save_ui_state(state: UiState, path: Path | None = None) -> None:
    """Write atomically into the private state folder (raises FileWriteError)."""
    import tomli_w  # only when a choice is saved, never at start

    document = {"theme": state.theme, "config_theme": state.config_theme}
    atomic_write(path or ui_state_path(), tomli_w.dumps(document), private_dir=True)


def pick_theme(cli_theme: str | None, saved: UiState, config_theme: str) -> str:
    """--theme, then the saved choice while the config's theme is unchanged, then the config."""
    if cli_theme:
        return cli_theme
    if saved.theme and saved.config_theme == config_theme:
        return saved.theme
    return config_theme or DEFAULT_THEME
