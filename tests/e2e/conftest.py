"""End-to-end fixtures: the real `entra-aws` and `aws` commands in a throwaway home, against the
local STS, with assertions signed by the demo IdP's key."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.isolation import NO_MIRROR
from tui.core.config import Account, write_config
from tui.demo.saml_builder import DEMO_TENANT_ID, build_saml_response, issuer_for
from tui.demo.signing import SigningKey
from tui.demo.sts.server import LocalSts

BIN = Path(sys.executable).parent
ENTRA_AWS = str(BIN / "entra-aws")
AWS = str(BIN / "aws")
PROD, DEV = "111111111111", "222222222222"
PROVIDER = "Entra"


@dataclass
class World:
    """A home folder, a config with account `prod`, and roles registered in the local STS."""

    home: Path
    config: Path
    credentials: Path
    sts: LocalSts
    key: SigningKey
    roles: dict[str, tuple[str, str]]  # short name -> (role ARN, provider ARN)

    def env(self, **extra: str) -> dict[str, str]:
        env = {
            k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "ENTRA_AWS_", "XDG_"))
        }
        env.update(
            HOME=str(self.home),
            ENTRA_AWS_HOME=str(self.home / "entra"),
            ENTRA_AWS_CONFIG=str(self.config),
            AWS_SHARED_CREDENTIALS_FILE=str(self.credentials),
            AWS_CONFIG_FILE=str(self.home / "aws-config"),
            AWS_ENDPOINT_URL_STS=self.sts.url,
            AWS_DEFAULT_REGION="us-east-1",
            AWS_MAX_ATTEMPTS="1",
            ENTRA_AWS_CHROME_FOR_TESTING=NO_MIRROR,  # no driver fetch ever leaves the machine
        )
        env.update(extra)
        return env

    def assertion(self, *names: str, **options: object) -> str:
        pairs = [self.roles[name] for name in (names or tuple(self.roles))]
        return build_saml_response(self.key, roles=pairs, **options)  # type: ignore[arg-type]

    def saml_file(self, *names: str, **options: object) -> Path:
        path = self.home / f"saml-{len(list(self.home.glob('saml-*')))}.b64"
        path.write_text(self.assertion(*names, **options))
        return path

    def run(
        self, *args: str, input: str | None = None, timeout: float = 60, **env: str
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [ENTRA_AWS, *args],
            env=self.env(**env),
            input=input,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def run_wrapped(
        self, wrapper: list[str], *args: str, timeout: float = 60
    ) -> subprocess.CompletedProcess[str]:
        """`entra-aws` started through `wrapper` (e.g. `faketime -f +10m`)."""
        return subprocess.run(
            [*wrapper, ENTRA_AWS, *args],
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def aws(self, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [AWS, *args], env=self.env(**env), capture_output=True, text=True, timeout=60
        )


@pytest.fixture
def world(tmp_path: Path, local_sts: LocalSts, signing_key: SigningKey) -> World:
    metadata = signing_key.metadata_xml(issuer_for(DEMO_TENANT_ID))
    roles: dict[str, tuple[str, str]] = {}
    for account_id in (PROD, DEV):
        principal = local_sts.add_saml_provider(account_id, PROVIDER, metadata)
        for name, limit in (("Admin", 3600), ("ReadOnly", 43200)):
            arn = local_sts.add_role(account_id, name, max_session_duration=limit)
            roles[f"{name}@{account_id}"] = (arn, principal)
    home = tmp_path / "home"
    home.mkdir()
    credentials = home / ".aws" / "credentials"
    config = home / "config.toml"
    account = Account(
        name="prod",
        tenant_id=DEMO_TENANT_ID,
        app_id_uri="https://signin.aws.amazon.com/saml#1",
        region="us-east-1",
        sts_endpoint=local_sts.url,
        federation_url=local_sts.federation_url,
        aliases={PROD: "acme-prod", DEV: "acme-dev"},
    )
    write_config(config, {"credentials_file": str(credentials)}, [account])
    return World(home, config, credentials, local_sts, signing_key, roles)


def one_sentence(stderr: str) -> str:
    """The one line a user error prints, checked to be one line and no traceback."""
    assert "Traceback" not in stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    return lines[0]


SecretCheck = Callable[[str], None]


@pytest.fixture
def no_secrets() -> Callable[..., None]:
    """Assert that none of `secrets` appears in any of `texts`."""

    def check(texts: list[str], secrets: list[str]) -> None:
        for secret in secrets:
            if not secret:
                continue
            for text in texts:
                assert secret not in text, "a secret leaked into output that must not hold it"

    return check
