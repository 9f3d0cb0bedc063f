"""Themes: built-ins from TOML, the remembered choice and its precedence, broken files, --theme."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from tui_testkit import config, demo_accounts, make_app

from tui.core.errors import ConfigError
from tui.core.paths import user_themes_dir
from tui.settings_state import UiState, load_ui_state, pick_theme, ui_state_path
from tui.subcommands.run_tui import launch
from tui.themes import ThemeFileError, builtin_themes_dir, load_themes, parse_theme


async def test_the_builtin_themes_are_registered_and_entra_dark_is_the_default(tmp_path) -> None:
    app = make_app(config(tmp_path, demo_accounts()))
    async with app.run_test(size=(120, 40)):
        assert {"entra-dark", "entra-light", "high-contrast"} <= set(app.available_themes)
        assert app.theme == "entra-dark"
        assert not app._notifications


async def test_a_theme_picked_in_the_app_is_saved_and_used_next_time(tmp_path) -> None:
    cfg = config(tmp_path, demo_accounts())
    app = make_app(cfg)
    async with app.run_test(size=(120, 40)) as pilot:
        app.theme = "entra-light"
        await pilot.pause()
        await app.workers.wait_for_complete()
    assert load_ui_state() == UiState(theme="entra-light", config_theme="entra-dark")
    assert ui_state_path().stat().st_mode & 0o777 == 0o600
    app = make_app(cfg)
    async with app.run_test(size=(120, 40)):
        assert app.theme == "entra-light"
    app = make_app(cfg, theme="high-contrast")  # --theme wins, and is not saved
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.theme == "high-contrast"
    assert load_ui_state().theme == "entra-light"


async def test_editing_the_config_theme_later_beats_the_saved_choice(tmp_path) -> None:
    app = make_app(config(tmp_path, demo_accounts()))
    async with app.run_test(size=(120, 40)) as pilot:
        app.theme = "entra-light"
        await pilot.pause()
        await app.workers.wait_for_complete()
    app = make_app(config(tmp_path, demo_accounts(), theme="high-contrast"))
    async with app.run_test(size=(120, 40)):
        assert app.theme == "high-contrast"


def test_precedence_rules() -> None:
    saved = UiState(theme="nord", config_theme="entra-dark")
    assert pick_theme("dracula", saved, "entra-dark") == "dracula"
    assert pick_theme(None, saved, "entra-dark") == "nord"
    assert pick_theme(None, saved, "entra-light") == "entra-light"
    assert pick_theme(None, UiState(), "") == "entra-dark"


async def test_broken_user_themes_are_reported_once_and_the_app_falls_back(tmp_path) -> None:
    folder = user_themes_dir()
    folder.mkdir(parents=True)
    (folder / "bad-toml.toml").write_text("name = 'x\n")
    (folder / "bad-colour.toml").write_text('name = "mine"\nprimary = "not-a-colour"\n')
    (folder / "bad-key.toml").write_text('name = "mine2"\nprimary = "#112233"\nshiny = true\n')
    (folder / "good.toml").write_text('name = "mine3"\nprimary = "#112233"\ndark = false\n')
    app = make_app(config(tmp_path, demo_accounts(), theme="mine"))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.theme == "entra-dark"
        assert "mine3" in app.available_themes
        errors = [n.message for n in app._notifications if n.severity == "error"]
        assert len(errors) == 1
        for name in ("bad-toml.toml", "bad-colour.toml", "bad-key.toml", "'mine' is not available"):
            assert name in errors[0]


def test_theme_files_are_validated_key_by_key() -> None:
    with pytest.raises(ThemeFileError, match="unknown key 'shiny'"):
        parse_theme({"primary": "#000000", "shiny": 1}, "x")
    with pytest.raises(ThemeFileError, match="'primary' is required"):
        parse_theme({}, "x")
    with pytest.raises(ThemeFileError, match="not a colour"):
        parse_theme({"primary": "#00"}, "x")
    with pytest.raises(ThemeFileError, match="variable 'border'"):
        parse_theme({"primary": "#000000", "variables": {"border": "wobbly"}}, "x")
    theme = parse_theme({"primary": "#000000", "variables": {"a": "#ff0000 40%", "b": "bold"}}, "x")
    assert theme.name == "x" and theme.variables == {"a": "#ff0000 40%", "b": "bold"}


def test_every_builtin_theme_file_loads() -> None:
    folder = builtin_themes_dir()
    assert folder is not None
    themes, problems = load_themes(folder)
    assert problems == []
    assert {"entra-dark", "entra-light", "high-contrast"} <= set(themes)


def test_styles_use_theme_variables_never_literal_colours() -> None:
    root = Path(__file__).parents[2] / "tui"
    files = [
        path
        for path in root.rglob("*")
        if path.suffix in (".tcss", ".py") and not {"core", "demo"} & set(path.parts)
    ]
    hex_value = re.compile(r":[ \t]*[^;{}\n]*#[0-9a-fA-F]{3,8}\b")
    offenders = [p.name for p in files if hex_value.search(p.read_text())]
    assert offenders == []


def test_theme_question_mark_lists_every_theme(capsys) -> None:
    assert launch(Path("/nonexistent/config.toml"), theme="?") == 0
    names = capsys.readouterr().out.split()
    assert names[:3] == ["entra-dark", "entra-light", "high-contrast"]
    assert "nord" in names and "textual-dark" in names


def test_an_unknown_theme_is_one_sentence_and_exit_2() -> None:
    with pytest.raises(ConfigError) as caught:
        launch(Path("/nonexistent/config.toml"), theme="neon")
    assert str(caught.value) == "Unknown theme 'neon'; `entra-aws --theme ?` lists them."
    assert caught.value.exit_code == 2
