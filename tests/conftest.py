"""Fixtures shared by every test layer: one demo signing key and one local STS per session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.isolation import NO_MIRROR
from tui.demo.signing import SigningKey, load_signing_key
from tui.demo.sts.server import LocalSts

# The secret-hygiene and concurrency tests' fixtures (in_process, record_idp).
pytest_plugins = ["tests.e2e.conftest_hygiene"]


@pytest.fixture(autouse=True)
def no_driver_fetch_leaves_the_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test: a chromedriver fetch goes to a closed loopback port, never the internet."""
    monkeypatch.setenv("ENTRA_AWS_CHROME_FOR_TESTING", NO_MIRROR)


@pytest.fixture(scope="session")
def signing_key(tmp_path_factory: pytest.TempPathFactory) -> SigningKey:
    """The demo IdP's key, made once per session (RSA generation costs ~40 ms)."""
    return load_signing_key(tmp_path_factory.mktemp("idp-key"))


@pytest.fixture(scope="session")
def local_sts_server() -> Iterator[LocalSts]:
    """One started LocalSts for the whole session (start ~0.1 s, stop ~0.05 s)."""
    with LocalSts() as sts:
        yield sts


@pytest.fixture
def local_sts(local_sts_server: LocalSts) -> LocalSts:
    """The session's LocalSts with moto's state, calls, faults and clock cleared."""
    local_sts_server.reset()
    return local_sts_server
