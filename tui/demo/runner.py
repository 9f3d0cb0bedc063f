"""The embedded demo: a local Entra-like IdP and a local STS on loopback, plus a throwaway config.

Everything lives under one temporary ENTRA_AWS_HOME (config, sessions, browser profiles, the
credentials file), so the demo never touches the user's real files and leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tui.core.config import Account, write_config
from tui.core.paths import HOME_ENV, ensure_private_dir
from tui.demo.idp import DemoApp, LocalIdp
from tui.demo.saml_builder import DEMO_TENANT_ID, issuer_for
from tui.demo.signing import load_signing_key
from tui.demo.sts.server import LocalSts

PROD_ID, DEV_ID = "111111111111", "222222222222"
ALIASES = {PROD_ID: "acme-prod", DEV_ID: "acme-dev"}
USERNAME, PASSWORD = "alice@contoso.com", "demo"
PROVIDER = "EntraDemo"
# (account id, role name, MaxSessionDuration): Admin's 4 h limit shows the duration step-down.
ROLES = {
    "prod": [(PROD_ID, "Admin", 14400), (PROD_ID, "ReadOnly", 43200), (DEV_ID, "ReadOnly", 3600)],
    "dev": [(DEV_ID, "Deploy", 3600), (DEV_ID, "ReadOnly", 3600)],
}


@dataclass
class DemoEnvironment:
    home: Path
    config_path: Path
    idp: LocalIdp
    sts: LocalSts
    owns_home: bool = True

    def close(self) -> None:
        """Stop the servers and remove the throwaway home (best effort)."""
        with contextlib.suppress(Exception):
            self.idp.stop()
        with contextlib.suppress(Exception):
            self.sts.stop()
        if self.owns_home:
            shutil.rmtree(self.home, ignore_errors=True)


def _pairs(
    sts: LocalSts, roles: list[tuple[str, str, int]], made: dict[str, str]
) -> list[tuple[str, str]]:
    """(role, provider) pairs for an app; a role two apps share is created in IAM once."""
    pairs = []
    for account_id, name, max_duration in roles:
        key = f"{account_id}/{name}"
        if key not in made:
            made[key] = sts.add_role(account_id, name, max_session_duration=max_duration)
        pairs.append((made[key], f"arn:aws:iam::{account_id}:saml-provider/{PROVIDER}"))
    return pairs


def start_demo(home: Path | None = None, *, auto: bool = True) -> DemoEnvironment:
    """Start the IdP and STS, register the IdP with the STS, and write the demo config."""
    owns_home = home is None
    root = ensure_private_dir(home or Path(tempfile.mkdtemp(prefix="entra-aws-demo-")))
    os.environ[HOME_ENV] = str(root)
    try:
        key = load_signing_key(root / "idp")
        sts = LocalSts().start()
    except BaseException:
        if owns_home:
            shutil.rmtree(root, ignore_errors=True)
        raise
    try:
        metadata = key.metadata_xml(issuer_for(DEMO_TENANT_ID))
        for account_id in (PROD_ID, DEV_ID):
            sts.add_saml_provider(account_id, PROVIDER, metadata)
        made: dict[str, str] = {}
        apps = [
            DemoApp(
                identifier="https://signin.aws.amazon.com/saml#1",
                reply_urls=["https://signin.aws.amazon.com/saml"],
                roles=_pairs(sts, ROLES["prod"], made),
            ),
            # A 15-minute SessionDuration: the warning and expired colours show within minutes.
            DemoApp(
                identifier="https://signin.aws.amazon.com/saml#2",
                reply_urls=["https://signin.aws.amazon.com/saml"],
                roles=_pairs(sts, ROLES["dev"], made),
                session_duration=900,
            ),
        ]
        idp = LocalIdp(
            key, tenant_id=DEMO_TENANT_ID, apps=apps, username=USERNAME, password=PASSWORD
        ).start()
    except BaseException:
        sts.stop()
        if owns_home:
            shutil.rmtree(root, ignore_errors=True)
        raise
    idp.scenario.auto = auto
    common: dict[str, Any] = {
        "tenant_id": DEMO_TENANT_ID,
        "username": USERNAME,
        "login_url": idp.url,
        "sts_endpoint": sts.url,
        "federation_url": sts.federation_url,
    }
    accounts = [
        Account(
            name="demo-prod",
            app_id_uri=apps[0].identifier,
            region="us-east-1",
            duration=28800,
            aliases=ALIASES,
            **common,
        ),
        Account(
            name="demo-dev",
            app_id_uri=apps[1].identifier,
            region="eu-west-1",
            default_role="Deploy",
            aliases={DEV_ID: ALIASES[DEV_ID]},
            **common,
        ),
    ]
    config_path = root / "config" / "config.toml"
    ensure_private_dir(config_path.parent)
    settings = {
        "credentials_file": str(root / "aws" / "credentials"),
        "timeout": 120,
        "duration": 3600,
    }
    write_config(config_path, settings, accounts)
    return DemoEnvironment(root, config_path, idp, sts, owns_home)
