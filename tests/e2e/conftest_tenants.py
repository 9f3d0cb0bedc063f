"""The tenant world for the browser e2e tests: three accounts a, b, c of one Entra tenant served by
the local IdP (which counts the pages a person answered), and a browser wrapper that logs every
launch. Test modules import the `*_fixture` functions; pytest offers them as `launches`, `idp`, `abc`.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from tests.e2e.conftest import DEV, PROD, World
from tui.core.config import Account, write_config
from tui.core.timeutil import rfc3339, utcnow
from tui.demo.idp import DemoApp, LocalIdp
from tui.demo.saml_builder import DEMO_TENANT_ID

OTHER_TENANT = "99999999-8888-7777-6666-555555555555"
OTHER = "333333333333"


class Launches:
    """A browser wrapper script: each real start of Chromium (on a profile) adds a line."""

    def __init__(self, folder: Path) -> None:
        self.log = folder / "launches.log"
        self.script = folder / "chromium-counting"
        real = shutil.which("chromium") or shutil.which("google-chrome")
        self.script.write_text(
            "#!/bin/sh\n"
            f'case "$*" in *--user-data-dir=*) echo "$$" >> "{self.log}";; esac\n'
            f'exec "{real}" "$@"\n'
        )
        self.script.chmod(0o755)

    @property
    def count(self) -> int:
        return len(self.log.read_text().splitlines()) if self.log.exists() else 0


@pytest.fixture(name="launches")
def launches_fixture(world: World) -> Launches:
    return Launches(world.home)


def apps(world: World) -> list[DemoApp]:
    pairs = [
        world.roles["Admin@" + PROD],
        world.roles["ReadOnly@" + PROD],
        world.roles["Admin@" + DEV],
    ]
    return [
        DemoApp(identifier=f"https://signin.aws.amazon.com/saml#{name}", roles=[pair])
        for name, pair in zip("abc", pairs, strict=True)
    ]


@pytest.fixture(name="idp")
def idp_fixture(world: World) -> Iterator[LocalIdp]:
    with LocalIdp(world.key, apps=apps(world)) as server:
        yield server


def account(world: World, name: str, idp: LocalIdp, tenant: str = DEMO_TENANT_ID) -> Account:
    return Account(
        name=name,
        tenant_id=tenant,
        app_id_uri=f"https://signin.aws.amazon.com/saml#{name}",
        region="us-east-1",
        login_url=idp.url,
        username=idp.username,
        sts_endpoint=world.sts.url,
        profile=f"p-{name}",
    )


def configure(world: World, launches: Launches, accounts: list[Account]) -> None:
    settings = {
        "credentials_file": str(world.credentials),
        "browser": str(launches.script),
        "timeout": 60,
    }
    write_config(world.config, settings, accounts)


@pytest.fixture(name="abc")
def abc_fixture(world: World, idp: LocalIdp, launches: Launches) -> LocalIdp:
    configure(world, launches, [account(world, n, idp) for n in "abc"])
    return idp


def login(world: World, *args: str) -> subprocess.CompletedProcess[str]:
    return world.run("login", *args, "--headless", timeout=120)


def near_expiry(world: World, seconds: float) -> str:
    """Age the stored session (an hour long) so that it ends `seconds` from now; return its key id."""
    [path] = (world.home / "entra").rglob("sessions.json")
    document = json.loads(path.read_text())
    [session] = document["sessions"]
    ends = utcnow() + timedelta(seconds=seconds)
    session["expiration"] = rfc3339(ends)
    session["issued_at"] = rfc3339(ends - timedelta(hours=1))
    path.write_text(json.dumps(document))
    return str(session["access_key_id"])
