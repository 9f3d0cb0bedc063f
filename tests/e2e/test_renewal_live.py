"""Renewal where credentials are used, end to end: `exec` renewing a nearly expired session before
it runs the command, `exec --server` renewing while the command runs (boto3 and the real `aws` CLI
inside see the fresh keys), and the app in tmux renewing a session 90 s from expiry with no key
pressed. Real headless Chromium through undetected-chromedriver on the tenant's profile, the local
IdP (its "Stay signed in" cookie makes the renewal silent) and the local STS."""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.conftest import ENTRA_AWS, PROD, World
from tests.e2e.conftest_browser import needs_chromium
from tests.e2e.conftest_tenants import (  # noqa: F401  (fixtures, used by their short names)
    Launches,
    abc_fixture,
    idp_fixture,
    launches_fixture,
    login,
    near_expiry,
)
from tests.e2e.test_demo_tmux import Tmux
from tui.demo.idp import LocalIdp

pytestmark = [pytest.mark.e2e, pytest.mark.browser, needs_chromium]
ADMIN = f"arn:aws:sts::{PROD}:assumed-role/Admin/"  # account a's only role
# A countdown in the sessions table: H:MM:SS or MM:SS.
COUNTDOWN = re.compile(r"\b(?:(\d+):)?(\d{1,2}):(\d{2})\b")


def stored(world: World) -> dict[str, object]:
    [path] = (world.home / "entra").rglob("sessions.json")
    [session] = json.loads(path.read_text())["sessions"]
    return dict(session)


@pytest.fixture
def signed_in(world: World, abc: LocalIdp, launches: Launches) -> World:
    done = login(world, "a")
    assert done.returncode == 0, done.stderr
    assert abc.sign_ins == 1 and abc.silent_sign_ins == 0
    return world


def test_exec_renews_a_nearly_expired_session_before_running_the_command(
    signed_in: World, abc: LocalIdp, launches: Launches
) -> None:
    world = signed_in
    old_key = near_expiry(world, 30)
    started = launches.count
    script = "import os; print(os.environ['AWS_ACCESS_KEY_ID'])"

    keys = world.run("exec", "a", "--", sys.executable, "-c", script, timeout=120)
    who = world.run("exec", "a", "--", "aws", "sts", "get-caller-identity", "--output", "json")

    assert keys.returncode == 0, keys.stderr
    assert keys.stdout.strip() not in ("", old_key)
    assert keys.stdout.strip() == stored(world)["access_key_id"]  # the renewal was saved
    assert launches.count - started == 1 and abc.silent_sign_ins == 1
    assert who.returncode == 0, who.stderr
    assert json.loads(who.stdout)["Arn"].startswith(ADMIN)
    assert launches.count - started == 1  # the second exec used the renewed session as it was


CHILD = textwrap.dedent(
    """
    import json, os, subprocess, sys, time
    import boto3

    assert "AWS_ACCESS_KEY_ID" not in os.environ
    seen = []
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        key = boto3.Session().get_credentials().get_frozen_credentials().access_key
        if key not in seen:
            seen.append(key)
        if len(seen) > 1:
            break
        time.sleep(0.5)
    who = subprocess.run(
        ["aws", "sts", "get-caller-identity", "--output", "json"],
        capture_output=True, text=True,
    )
    print(json.dumps({"seen": seen, "arn": json.loads(who.stdout or "{}").get("Arn", who.stderr)}))
    """
)


def test_exec_server_renews_the_session_while_the_command_runs(
    signed_in: World, abc: LocalIdp, launches: Launches, tmp_path: Path
) -> None:
    world = signed_in
    # 14 minutes left: not yet due for `exec` (renew_before is 10 min), but inside the 15 min
    # before expiry in which SDKs ask the endpoint again, so the server renews it as CMD runs.
    old_key = near_expiry(world, 14 * 60)
    started = launches.count
    child = tmp_path / "child.py"
    child.write_text(CHILD)

    done = world.run("exec", "a", "--server", "--", sys.executable, str(child), timeout=150)

    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    fresh_key = stored(world)["access_key_id"]
    assert report["seen"] == [old_key, fresh_key]  # boto3 went on with the renewed keys
    assert report["arn"].startswith(ADMIN), report["arn"]
    assert launches.count - started == 1 and abc.silent_sign_ins == 1
    assert old_key not in done.stderr and str(fresh_key) not in done.stderr


def _left_seconds(screen: str) -> list[int]:
    """Every time-like figure on the session's row (the countdown, and the clock time it ends)."""
    row = next((line for line in screen.splitlines() if "Admin" in line), "")
    return [int(h or 0) * 3600 + int(m) * 60 + int(s) for h, m, s in COUNTDOWN.findall(row)]


@pytest.fixture
def app_in_tmux(signed_in: World) -> Iterator[Tmux]:
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed")
    env = signed_in.env(TERM="xterm-256color", COLORTERM="truecolor")
    env = {k: v for k, v in env.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "TMUX")}
    server = Tmux(f"entra-aws-renewal-{os.getpid()}", env)
    yield server
    server("kill-server")


def test_the_app_renews_a_session_90_s_from_expiry_with_no_key_pressed(
    signed_in: World, abc: LocalIdp, launches: Launches, app_in_tmux: Tmux
) -> None:
    world, tmux = signed_in, app_in_tmux
    old_key = near_expiry(world, 90)
    started = launches.count

    tmux("new-session", "-d", "-x", "140", "-y", "40", "-s", "demo", ENTRA_AWS, ";",
         "set-option", "-t", "demo", "remain-on-exit", "on")  # fmt: skip
    first = tmux.wait_for(lambda s: "Admin" in s and bool(_left_seconds(s)), "the session row", 60)
    assert min(_left_seconds(first)) <= 90

    renewed = tmux.wait_for(
        lambda s: any(left > 50 * 60 for left in _left_seconds(s)), "the renewed countdown", 90
    )

    assert "sign-in needed" not in renewed
    assert stored(world)["access_key_id"] != old_key
    assert launches.count - started == 1 and abc.silent_sign_ins == 1
    time.sleep(6)  # a renewed session is not renewed again
    assert launches.count - started == 1
