"""Hostile-input and fault tests: every test runs in a throwaway home, with no ambient AWS or
entra-aws settings, and the logging `entra-aws` sets up is dropped after each test.

The e2e `world` (the real `entra-aws` command against the local STS) is offered here too.
"""

from __future__ import annotations

import logging
import os
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import no_secrets, world  # noqa: F401  (fixtures, used by name)

CORPUS = Path(__file__).resolve().parent / "corpus"
_LOGGERS = ("entra_aws", "botocore", "urllib3", "selenium", "undetected_chromedriver", "websocket")


def manifest() -> list[dict[str, Any]]:
    """The corpus cases, as tests/hostile/make_corpus.py wrote them."""
    return tomllib.loads((CORPUS / "manifest.toml").read_text("utf-8"))["case"]


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """HOME and every XDG folder under tmp_path; no ambient entra-aws or AWS settings."""
    home = tmp_path / "isolated-home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    for name, sub in (
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_STATE_HOME", "state"),
        ("XDG_DATA_HOME", "data"),
        ("XDG_CACHE_HOME", "cache"),
    ):
        monkeypatch.setenv(name, str(tmp_path / "xdg" / sub))
    for name in list(os.environ):
        if name.startswith(("AWS_", "ENTRA_AWS_")):
            monkeypatch.delenv(name)
    _reset_logging()
    yield home
    _reset_logging()


def _reset_logging() -> None:
    """`setup_logging` installs a file handler once per process; drop it so each test starts clean."""
    for name in _LOGGERS:
        logger = logging.getLogger(name)
        for handler in list(logger.handlers):
            logger.removeHandler(handler)
            handler.close()
        logger.propagate = True
        logger.setLevel(logging.NOTSET)
