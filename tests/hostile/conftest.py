"""Hostile-input and fault tests: every test runs in a throwaway home, with no ambient AWS or
entra-aws settings, and the logging `entra-aws` sets up is dropped after each test.

The e2e `world` (the real `entra-aws` command against the local STS) is offered here too.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import no_secrets, world  # noqa: F401  (fixtures, used by name)
from tests.isolation import isolated

CORPUS = Path(__file__).resolve().parent / "corpus"


def manifest() -> list[dict[str, Any]]:
    """The corpus cases, as tests/hostile/make_corpus.py wrote them."""
    return tomllib.loads((CORPUS / "manifest.toml").read_text("utf-8"))["case"]


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """HOME and every XDG folder under tmp_path; no ambient entra-aws or AWS settings."""
    with isolated(tmp_path / "isolated-home", tmp_path, monkeypatch) as home:
        yield home
