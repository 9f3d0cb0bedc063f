"""Many accounts, one sign-in: a browser profile per Entra tenant, several accounts in one
browser, one refresh shared by every caller. The real `entra-aws` in subprocesses, real headless
Chromium through undetected-chromedriver, the local IdP (which counts the pages a person answered)
and the local STS. The configured browser is a wrapper that logs every launch."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from tests.e2e.conftest import DEV, ENTRA_AWS, PROD, World
from tests.e2e.conftest_browser import needs_chromium
from tui.core.config import Account, write_config
from tui.core.timeutil import rfc3339, utcnow
from tui.demo.idp import DemoApp, LocalIdp
from tui.demo.saml_builder import DEMO_TENANT_ID, issuer_for

pytestmark = [pytest.mark.e2e, pytest.mark.browser, needs_chromium]

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


@pytest.fixture
def launches(world: World) -> Launches:
    return Launches(world.home)


def _apps(world: World) -> list[DemoApp]:
    pairs = [
        world.roles["Admin@" + PROD],
        world.roles["ReadOnly@" + PROD],
        world.roles["Admin@" + DEV],
    ]
    return [
        DemoApp(identifier=f"https://signin.aws.amazon.com/saml#{name}", roles=[pair])
        for name, pair in zip("abc", pairs, strict=True)
    ]


@pytest.fixture
def idp(world: World) -> Iterator[LocalIdp]:
    with LocalIdp(world.key, apps=_apps(world)) as server:
        yield server


def _account(world: World, name: str, idp: LocalIdp, tenant: str = DEMO_TENANT_ID) -> Account:
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


def _configure(world: World, launches: Launches, accounts: list[Account]) -> None:
    settings = {
        "credentials_file": str(world.credentials),
        "browser": str(launches.script),
        "timeout": 60,
    }
    write_config(world.config, settings, accounts)


@pytest.fixture
def abc(world: World, idp: LocalIdp, launches: Launches) -> LocalIdp:
    _configure(world, launches, [_account(world, n, idp) for n in "abc"])
    return idp


def login(world: World, *args: str) -> subprocess.CompletedProcess[str]:
    return world.run("login", *args, "--headless", timeout=120)


def test_three_accounts_of_one_tenant_signed_in_one_after_another_ask_once(
    world: World, abc: LocalIdp, launches: Launches
) -> None:
    first = login(world, "a")
    assert first.returncode == 0, first.stderr
    asked = abc.pages_answered
    assert asked > 0 and "password" in abc.answered

    for name in "bc":
        done = login(world, name)
        assert done.returncode == 0, done.stderr

    assert abc.pages_answered == asked  # b and c came from the tenant's cookie
    assert abc.silent_sign_ins == 2
    profiles = [p.name for p in (world.home / "entra").rglob("profiles/*") if p.is_dir()]
    assert len(profiles) == 1 and profiles[0].startswith("tenant-")


def test_login_a_b_c_is_one_browser_one_prompt_three_sessions(
    world: World, abc: LocalIdp, launches: Launches, no_secrets
) -> None:
    done = login(world, "a", "b", "c", "--output", "json")

    assert done.returncode == 0, done.stderr
    assert launches.count == 1
    results = json.loads(done.stdout)
    assert [(r["account"], r["ok"], len(r["sessions"])) for r in results] == [
        ("a", True, 1),
        ("b", True, 1),
        ("c", True, 1),
    ]
    assert abc.sign_ins == 3 and abc.silent_sign_ins == 2
    for profile in ("p-a", "p-b", "p-c"):
        who = world.aws("sts", "get-caller-identity", "--profile", profile)
        assert who.returncode == 0, who.stderr
    secrets = [s["session_token"] for r in results for s in r["sessions"]]
    no_secrets([done.stderr], secrets)


def test_one_account_failing_is_its_own_line_and_the_exit_is_non_zero(
    world: World, idp: LocalIdp, launches: Launches
) -> None:
    missing = _account(world, "x", idp)  # no such enterprise app in the tenant: AADSTS700016
    _configure(world, launches, [_account(world, "a", idp), missing, _account(world, "c", idp)])

    done = login(world, "--all")

    assert done.returncode == 1
    assert launches.count == 1
    lines = done.stderr.splitlines()
    assert any(line.startswith("entra-aws: x: ") and "AADSTS700016" in line for line in lines)
    assert (
        sum(line.startswith(("a: Assumed", "c: Assumed")) for line in done.stdout.splitlines()) == 2
    )
    assert "Traceback" not in done.stderr


def test_an_unknown_account_among_several_is_named_and_nothing_changes(
    world: World, abc: LocalIdp, launches: Launches
) -> None:
    done = login(world, "a", "nope", "c")

    assert done.returncode != 0
    [line] = done.stderr.strip().splitlines()
    assert "'nope'" in line and "Traceback" not in line
    assert launches.count == 0 and abc.sign_ins == 0
    assert not world.credentials.exists()


def _near_expiry(world: World, seconds: float) -> str:
    """Move the stored session's expiry `seconds` from now; return its access key id."""
    [path] = (world.home / "entra").rglob("sessions.json")
    document = json.loads(path.read_text())
    [session] = document["sessions"]
    session["expiration"] = rfc3339(utcnow() + timedelta(seconds=seconds))
    path.write_text(json.dumps(document))
    return str(session["access_key_id"])


def test_twelve_credential_processes_near_expiry_share_one_silent_refresh(
    world: World, abc: LocalIdp, launches: Launches
) -> None:
    assert login(world, "a").returncode == 0
    old_key = _near_expiry(world, 30)
    started = launches.count

    callers = [
        subprocess.Popen(
            [ENTRA_AWS, "credential-process", "a"],
            env=world.env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(12)
    ]
    outputs = [caller.communicate(timeout=120) for caller in callers]

    assert [c.returncode for c in callers] == [0] * 12, [err for _, err in outputs]
    answers = [json.loads(out) for out, _ in outputs]
    assert len({a["AccessKeyId"] for a in answers}) == 1
    assert answers[0]["AccessKeyId"] != old_key
    for answer in answers:
        left = time.mktime(
            time.strptime(answer["Expiration"][:19], "%Y-%m-%dT%H:%M:%S")
        ) - time.mktime(time.gmtime())
        assert left > 15 * 60
    assert launches.count - started == 1
    waiters = [err for _, err in outputs if "Waiting for another entra-aws" in err]
    assert waiters and all(err.count("Waiting") == 1 for err in waiters)
    assert abc.silent_sign_ins == 1


def test_two_tenants_sign_in_at_the_same_time(
    world: World, idp: LocalIdp, launches: Launches
) -> None:
    metadata = world.key.metadata_xml(issuer_for(OTHER_TENANT))
    principal = world.sts.add_saml_provider(OTHER, "Entra", metadata)
    role = world.sts.add_role(OTHER, "Admin", max_session_duration=3600)
    app = DemoApp(identifier="https://signin.aws.amazon.com/saml#z", roles=[(role, principal)])
    with LocalIdp(world.key, tenant_id=OTHER_TENANT, apps=[app]) as other:
        _configure(
            world, launches, [_account(world, "a", idp), _account(world, "z", other, OTHER_TENANT)]
        )
        runs = [
            subprocess.Popen(
                [ENTRA_AWS, "login", name, "--headless", "--no-write"],
                env=world.env(),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for name in ("a", "z")
        ]
        outputs = [run.communicate(timeout=120) for run in runs]
        assert [r.returncode for r in runs] == [0, 0], [err for _, err in outputs]
        assert other.sign_ins == 1
    assert idp.sign_ins == 1
    assert not any("Waiting" in err for _, err in outputs)  # nothing queued across tenants
    profiles = {p.name for p in (world.home / "entra").rglob("profiles/*") if p.is_dir()}
    assert len(profiles) == 2
