"""paths.py: where the config and the private state live."""

from __future__ import annotations

from tui.core import paths


def test_config_path_precedence(tmp_path, monkeypatch):
    xdg = tmp_path / "xdg-config"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(xdg))

    # Nothing given: the platform's user config folder.
    assert paths.config_path() == xdg / "entra-aws" / "config.toml"
    assert paths.config_path(None) == xdg / "entra-aws" / "config.toml"

    # $ENTRA_AWS_CONFIG beats the default...
    monkeypatch.setenv("ENTRA_AWS_CONFIG", str(tmp_path / "env.toml"))
    assert paths.config_path() == tmp_path / "env.toml"

    # ...and --config beats both.
    assert paths.config_path(str(tmp_path / "cli.toml")) == tmp_path / "cli.toml"


def test_config_path_expands_the_home_folder(monkeypatch, isolated_home):
    assert paths.config_path("~/my.toml") == isolated_home / "my.toml"
    monkeypatch.setenv("ENTRA_AWS_CONFIG", "~/env.toml")
    assert paths.config_path() == isolated_home / "env.toml"


def test_empty_env_value_falls_back_to_the_default(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    monkeypatch.setenv("ENTRA_AWS_CONFIG", "")
    assert paths.config_path() == tmp_path / "entra-aws" / "config.toml"


def test_state_data_cache_follow_xdg(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "s"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "d"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "c"))
    assert paths.state_dir() == tmp_path / "s" / "entra-aws"
    assert paths.data_dir() == tmp_path / "d" / "entra-aws"
    assert paths.cache_dir() == tmp_path / "c" / "entra-aws"


def test_entra_aws_home_puts_everything_under_one_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("ENTRA_AWS_HOME", str(tmp_path / "one"))
    root = tmp_path / "one"
    assert paths.default_config_path() == root / "config" / "config.toml"
    assert paths.user_themes_dir() == root / "config" / "themes"
    assert {paths.state_dir(), paths.data_dir(), paths.cache_dir()} == {
        root / "state",
        root / "data",
        root / "cache",
    }


def test_ensure_private_dir_creates_0700_and_tightens_an_open_folder(tmp_path):
    made = paths.ensure_private_dir(tmp_path / "a" / "b")
    assert made.is_dir()
    assert made.stat().st_mode & 0o777 == 0o700

    open_folder = tmp_path / "open"
    open_folder.mkdir(mode=0o755)
    open_folder.chmod(0o755)
    paths.ensure_private_dir(open_folder)
    assert open_folder.stat().st_mode & 0o777 == 0o700
