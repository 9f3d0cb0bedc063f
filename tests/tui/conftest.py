"""Pilot tests: a throwaway home, no display, no real clipboard, UTC, and a local STS.

The signing key and the local STS follow tests/demo/conftest.py: one of each per session,
with the STS reset for every test that asks for it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from tui_fixtures import isolated, no_system_clipboard  # noqa: F401  (autouse)
from tui_testkit import DEV_ID, PROD_ID, config, demo_accounts

from tui.core.config import Config
from tui.demo.saml_builder import DEMO_TENANT_ID, issuer_for
from tui.demo.signing import SigningKey, load_signing_key
from tui.demo.sts.server import LocalSts


@pytest.fixture(scope="session")
def signing_key(tmp_path_factory: pytest.TempPathFactory) -> SigningKey:
    return load_signing_key(tmp_path_factory.mktemp("idp-key"))


@pytest.fixture(scope="session")
def local_sts_server() -> Iterator[LocalSts]:
    with LocalSts() as sts:
        yield sts


@dataclass
class World:
    """Two AWS accounts behind demo-prod (Admin, ReadOnly; Deploy) and a config pointing at STS."""

    sts: LocalSts
    key: SigningKey
    config: Config
    admin: tuple[str, str]
    readonly: tuple[str, str]
    deploy: tuple[str, str]

    @property
    def roles(self) -> list[tuple[str, str]]:
        return [self.admin, self.readonly, self.deploy]


@pytest.fixture
def world(local_sts_server: LocalSts, signing_key: SigningKey, tmp_path: Path) -> World:
    sts = local_sts_server
    sts.reset()
    metadata = signing_key.metadata_xml(issuer_for(DEMO_TENANT_ID))
    prod = sts.add_saml_provider(PROD_ID, "EntraID", metadata)
    dev = sts.add_saml_provider(DEV_ID, "EntraID", metadata)
    admin = (sts.add_role(PROD_ID, "Admin", max_session_duration=43200), prod)
    readonly = (sts.add_role(PROD_ID, "ReadOnly"), prod)
    deploy = (sts.add_role(DEV_ID, "Deploy"), dev)
    accounts = demo_accounts(sts_endpoint=sts.url, federation_url=sts.federation_url)
    return World(
        sts, signing_key, config(tmp_path, accounts, shell_name="bash"), admin, readonly, deploy
    )
