"""A throwaway home for a test: HOME and every XDG folder under tmp_path, no ambient AWS or
entra-aws settings, and the logging `entra-aws` sets up dropped afterwards."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

NO_MIRROR = "http://127.0.0.1:9"  # the discard port: nothing listens there
LOGGERS = ("entra_aws", "botocore", "urllib3", "selenium", "undetected_chromedriver", "websocket")


@contextmanager
def isolated(home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
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
    # A chromedriver fetch must never reach the internet from a test: a closed loopback port.
    monkeypatch.setenv("ENTRA_AWS_CHROME_FOR_TESTING", NO_MIRROR)
    _reset_logging()
    yield home
    _reset_logging()


def _reset_logging() -> None:
    """`setup_logging` installs a file handler once per process; drop it so each test starts clean."""
    for name in LOGGERS:
        logger = logging.getLogger(name)
        for handler in list(logger.handlers):
            logger.removeHandler(handler)
            handler.close()
        logger.propagate = True
        logger.setLevel(logging.NOTSET)
