"""Fixtures shared by every test layer: one demo signing key and one local STS per session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tui.demo.signing import SigningKey, load_signing_key
from tui.demo.sts.server import LocalSts

# The secret-hygiene and concurrency tests' fixtures (in_process, record_idp).
pytest_plugins = ["tests.e2e.conftest_hygiene"]


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
