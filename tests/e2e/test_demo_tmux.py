"""The real `entra-aws demo` in a real terminal (tmux, 140x40, no display): sign in with Enter,
assume with Enter, watch the session count down, quit with q, exit status 0.

It drives the installed console script, the local IdP, headless Chromium and the local STS
together, so it is skipped until all of them are present.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

ENTRA_AWS = Path(sys.executable).with_name("entra-aws")
COUNTDOWN = re.compile(r"demo-prod\s+Admin\s.*?\s(\d+:\d{2}(?::\d{2})?)\s+(ok|warning)\b")


def _missing() -> str | None:
    if shutil.which("tmux") is None:
        return "tmux is not installed"
    if not ENTRA_AWS.exists():
        return "the entra-aws console script is not installed in this environment"
    for module in ("tui.demo.runner", "tui.demo.idp", "tui.core.browser"):
        if importlib.util.find_spec(module) is None:
            return f"{module} does not exist yet"
    if not (shutil.which("chromium") or shutil.which("google-chrome")):
        return "no Chromium to sign in with"
    return None


class Tmux:
    """One private tmux server (its own socket) running one session."""

    def __init__(self, socket: str, env: dict[str, str]) -> None:
        self.socket = socket
        self.env = env

    def __call__(self, *args: str) -> str:
        result = subprocess.run(
            ["tmux", "-L", self.socket, *args],
            env=self.env,
            capture_output=True,
            text=True,
            check=True,
            timeout=20,
        )
        return result.stdout

    def screen(self) -> str:
        return self("capture-pane", "-p", "-t", "demo")

    def wait_for(self, found: Callable[[str], bool], what: str, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        text = ""
        while time.monotonic() < deadline:
            text = self.screen()
            if found(text):
                return text
            if "Pane is dead" in text or "internal error" in text:
                break
            time.sleep(0.25)
        raise AssertionError(f"no {what} within {timeout:.0f} s; the screen:\n{text}")


@pytest.fixture
def tmux(tmp_path: Path) -> Iterator[Tmux]:
    reason = _missing()
    if reason:
        pytest.skip(reason)
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "TMUX")}
    env.update(HOME=str(tmp_path / "home"), ENTRA_AWS_HOME=str(tmp_path / "entra"))
    env.update(TERM="xterm-256color", COLORTERM="truecolor")
    (tmp_path / "home").mkdir()
    server = Tmux(f"entra-aws-e2e-{os.getpid()}", env)
    yield server
    subprocess.run(
        ["tmux", "-L", server.socket, "kill-server"], env=env, capture_output=True, check=False
    )


def test_demo_signs_in_assumes_counts_down_and_quits(tmux: Tmux, tmp_path: Path) -> None:
    status = tmp_path / "exit-status"
    command = f"{ENTRA_AWS} demo; echo EXIT=$? > {status}"
    # One tmux command list, so the pane is kept (to read) even if the demo dies at once.
    tmux("new-session", "-d", "-x", "140", "-y", "40", "-s", "demo", command, ";",
         "set-option", "-t", "demo", "remain-on-exit", "on")  # fmt: skip

    tmux.wait_for(lambda s: "demo-prod" in s and "demo-dev" in s, "the accounts", 60)
    tmux("send-keys", "-t", "demo", "Enter")
    tmux.wait_for(
        lambda s: "Signed in as" in s and "Roles for demo-prod" in s, "the roles inspector", 180
    )
    tmux("send-keys", "-t", "demo", "Enter")
    first = tmux.wait_for(lambda s: COUNTDOWN.search(s) is not None, "the Admin session row", 60)
    before = COUNTDOWN.search(first).group(1)
    time.sleep(2.5)
    after = COUNTDOWN.search(tmux.screen()).group(1)
    assert after != before, f"the countdown did not move: {before} -> {after}"

    tmux("send-keys", "-t", "demo", "q")
    deadline = time.monotonic() + 30
    while not status.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert status.exists(), "entra-aws demo did not exit after q"
    assert status.read_text().strip() == "EXIT=0"
