"""Unit tests of the domain (`tui.core`) and the CLI: every test runs in a throwaway home.

Builders for realistic inputs (Entra-shaped SAMLResponses, sessions) are in `builders.py`.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Iterator
from pathlib import Path

import pytest

import tui.core
from tests.isolation import isolated

from .builders import CONFIG


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """HOME and every XDG folder under tmp_path; no ambient entra-aws or AWS settings."""
    with isolated(tmp_path / "home", tmp_path, monkeypatch) as home:
        yield home


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    """A config with the one account `prod` (builders.CONFIG)."""
    path = tmp_path / "config.toml"
    path.write_text(CONFIG)
    return path


@pytest.fixture
def no_browser_profile(monkeypatch: pytest.MonkeyPatch) -> None:
    """The account's browser profile has never signed in, so a silent refresh is impossible."""
    stub = types.ModuleType("tui.core.browser")
    stub.has_signed_in_before = lambda name, legacy=(): False  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "tui.core.browser", stub)
    monkeypatch.setattr(tui.core, "browser", stub, raising=False)
