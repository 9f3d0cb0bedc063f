"""Themes from TOML files: the built-ins shipped with the app, then the user's themes folder.

Each file's keys map to `textual.theme.Theme` fields and `[variables]` to `Theme.variables`.
A broken file never stops the app: it is collected as a `ThemeProblem` and reported once.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from textual.color import Color, ColorParseError
from textual.css.constants import VALID_STYLE_FLAGS
from textual.theme import BUILTIN_THEMES, Theme

from tui.settings_state import DEFAULT_THEME

__all__ = ["DEFAULT_THEME", "ThemeProblem", "load_themes", "theme_names"]
_COLOURS = (
    "primary",
    "secondary",
    "warning",
    "error",
    "success",
    "accent",
    "foreground",
    "background",
    "surface",
    "panel",
    "boost",
)
_NUMBERS = ("luminosity_spread", "text_alpha")
_KNOWN = {"name", "dark", "ansi", "variables", *_COLOURS, *_NUMBERS}


@dataclass(frozen=True)
class ThemeProblem:
    """Why one theme file was skipped."""

    path: Path
    reason: str


class ThemeFileError(ValueError):
    """A theme file that cannot become a Theme; the message names the key to fix."""


def builtin_themes_dir() -> Path | None:
    """`tui/_builtin_themes` in a wheel, else the repository's `themes/` (editable installs).

    The package folder from `__file__`, as `importlib.resources.files("tui")` gives for a package
    on disk, without importing importlib.resources and zipfile at every start (~3 ms).
    """
    packaged = Path(__file__).parent / "_builtin_themes"
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parent.parent / "themes"
    return checkout if checkout.is_dir() else None


def _colour(value: Any, key: str) -> str:
    if not isinstance(value, str):
        raise ThemeFileError(f'{key!r} must be a colour string like "#0078D4"')
    try:
        Color.parse(value)
    except ColorParseError:
        raise ThemeFileError(f"{key!r} is not a colour: {value!r}") from None
    return value


def _variable(value: Any, key: str) -> str:
    """A design variable: a colour, `colour NN%`, `auto NN%`, or text-style words."""
    if not isinstance(value, str) or not value.strip():
        raise ThemeFileError(f"variable {key!r} must be a non-empty string")
    words = value.split()
    if all(word in VALID_STYLE_FLAGS for word in words):
        return value
    if len(words) == 2 and words[1].endswith("%") and words[1][:-1].replace(".", "").isdigit():
        if words[0] == "auto":
            return value
        words = words[:1]
    if len(words) == 1:
        try:
            Color.parse(words[0])
            return value
        except ColorParseError:
            pass
    raise ThemeFileError(f"variable {key!r} is not a colour or text style: {value!r}")


def parse_theme(data: dict[str, Any], fallback_name: str, *, trusted: bool = False) -> Theme:
    """Validate one file's table into a Theme; raise ThemeFileError naming the bad key.

    `trusted` (our own files, checked by the tests) skips building the palette: start-up time.
    """
    unknown = sorted(set(data) - _KNOWN)
    if unknown:
        raise ThemeFileError(f"unknown key {unknown[0]!r}")
    name = data.get("name", fallback_name)
    if not isinstance(name, str) or not name.strip():
        raise ThemeFileError("'name' must be a non-empty string")
    if "primary" not in data:
        raise ThemeFileError("'primary' is required")
    fields: dict[str, Any] = {key: _colour(data[key], key) for key in _COLOURS if key in data}
    for key in ("dark", "ansi"):
        if key in data:
            if not isinstance(data[key], bool):
                raise ThemeFileError(f"{key!r} must be true or false")
            fields[key] = data[key]
    for key in _NUMBERS:
        if key in data:
            if isinstance(data[key], bool) or not isinstance(data[key], int | float):
                raise ThemeFileError(f"{key!r} must be a number")
            fields[key] = float(data[key])
    variables = data.get("variables", {})
    if not isinstance(variables, dict):
        raise ThemeFileError("[variables] must be a table")
    fields["variables"] = {key: _variable(value, key) for key, value in variables.items()}
    theme = Theme(name=name.strip(), **fields)
    if trusted:
        return theme
    try:
        theme.to_color_system().generate()
    except Exception as exc:  # Textual's own check of the palette, whatever it raises
        raise ThemeFileError(f"Textual cannot build this palette ({type(exc).__name__})") from None
    return theme


def load_theme_file(path: Path, *, trusted: bool = False) -> Theme:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ThemeFileError(f"not valid TOML ({exc})") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ThemeFileError(f"unreadable ({getattr(exc, 'strerror', None) or exc})") from None
    return parse_theme(data, path.stem, trusted=trusted)


def load_themes(
    *folders: Path | None, trusted: Path | None = None
) -> tuple[dict[str, Theme], list[ThemeProblem]]:
    """Every `*.toml` theme in `folders`, later folders overriding earlier ones by name."""
    themes: dict[str, Theme] = {}
    problems: list[ThemeProblem] = []
    for folder in folders:
        if folder is None or not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.toml")):
            try:
                theme = load_theme_file(path, trusted=folder == trusted)
            except ThemeFileError as exc:
                problems.append(ThemeProblem(path, str(exc)))
                continue
            themes[theme.name] = theme
    return themes, problems


def theme_names(loaded: dict[str, Theme]) -> list[str]:
    """Ours and the user's first, then Textual's built-ins: what `--theme ?` prints."""
    ours = sorted(loaded)
    return ours + sorted(name for name in BUILTIN_THEMES if name not in loaded)
