"""Unit tests of the domain (`tui.core`) and the CLI: every test runs in a throwaway home.

Builders for realistic inputs (Entra-shaped SAMLResponses, sessions) are in `builders.py`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.isolation import isolated


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """HOME and every XDG folder under tmp_path; no ambient entra-aws or AWS settings."""
    with isolated(tmp_path / "home", tmp_path, monkeypatch) as home:
        yield home
