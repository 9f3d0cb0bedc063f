"""Many accounts, one sign-in: a browser profile per Entra tenant, several accounts in one
browser, one refresh shared by every caller. The real `entra-aws` in subprocesses, real headless
Chromium through undetected-chromedriver, the local IdP (which counts the pages a person answered)
and the local STS. The configured browser is a wrapper that logs every launch."""

from __future__ import annotations

import json
import subprocess
import time

import pytest

from tests.e2e.conftest import ENTRA_AWS, World
from tests.e2e.conftest_browser import needs_chromium
from tests.e2e.conftest_tenants import (  # noqa: F401  (fixtures, used by their short names)
    OTHER,
    OTHER_TENANT,
    Launches,
    abc_fixture,
    account,
    configure,
    idp_fixture,
    launches_fixture,
    login,
    near_expiry,
)
from tui.demo.idp import DemoApp, LocalIdp
from tui.demo.saml_builder import issuer_for

pytestmark = [pytest.mark.e2e, pytest.mark.browser, needs_chromium]


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
    missing = account(world, "x", idp)  # no such enterprise app in the tenant: AADSTS700016
    configure(world, launches, [account(world, "a", idp), missing, account(world, "c", idp)])

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


def test_twelve_credential_processes_near_expiry_share_one_silent_refresh(
    world: World, abc: LocalIdp, launches: Launches
) -> None:
    assert login(world, "a").returncode == 0
    old_key = near_expiry(world, 30)
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
        configure(
            world, launches, [account(world, "a", idp), account(world, "z", other, OTHER_TENANT)]
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
