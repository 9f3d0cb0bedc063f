"""`eval "$(entra-aws pick)"` in a real bash in tmux: the picker draws on stderr, Down and Enter
pick a session, and the real `aws sts get-caller-identity` in that same shell answers as it; Esc
exits 1 and leaves the shell as it was. The `eaws` function from `shell-init bash` does the same."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from collections.abc import Iterator

import pytest

from tests.e2e.conftest import BIN, DEV, PROD, World
from tests.e2e.test_demo_tmux import Tmux

pytestmark = pytest.mark.e2e
ADMIN = f"arn:aws:sts::{PROD}:assumed-role/Admin/alice@contoso.com"
READ_DEV = f"arn:aws:sts::{DEV}:assumed-role/ReadOnly/alice@contoso.com"
SHOW = 'echo "RC=$? ARN=$(aws sts get-caller-identity --query Arn --output text 2>&1)"'


class Shell(Tmux):
    """bash in a private tmux server (session "pick")."""

    def screen(self) -> str:
        return self("capture-pane", "-p", "-J", "-t", "pick", "-S", "-200")

    def type(self, line: str) -> None:
        self("send-keys", "-t", "pick", "-l", line)
        self("send-keys", "-t", "pick", "Enter")

    def keys(self, *keys: str) -> None:
        self("send-keys", "-t", "pick", *keys)

    def wait_for(  # type: ignore[override]  (a pattern and a count instead of a predicate)
        self, pattern: str, what: str, timeout: float = 60, count: int = 1
    ) -> str:
        return super().wait_for(lambda text: len(re.findall(pattern, text)) >= count, what, timeout)


@pytest.fixture
def shell(world: World) -> Iterator[Shell]:
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed")
    saml = world.saml_file(f"Admin@{PROD}", f"ReadOnly@{DEV}")
    login = world.run("login", "prod", "--all-roles", "--saml-file", str(saml), "--no-write")
    assert login.returncode == 0, login.stderr
    env = world.env(TERM="xterm-256color", PS1="$ ")
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "TMUX"):
        env.pop(name, None)
    server = Shell(f"entra-aws-pick-{os.getpid()}", env)
    server("new-session", "-d", "-x", "140", "-y", "40", "-s", "pick",
                "bash --norc --noprofile")  # fmt: skip
    yield server
    subprocess.run(["tmux", "-L", server.socket, "kill-server"], env=env, capture_output=True)


def test_pick_down_enter_switches_the_shell_and_esc_leaves_it(shell: Shell) -> None:
    shell.type('eval "$(entra-aws pick)"; echo "PICK=$?"')
    shell.wait_for(r"Enter on a session switches this shell", "the picker")
    shell.wait_for(r"ReadOnly", "the sessions")
    shell.keys("Down")
    time.sleep(0.5)
    shell.keys("Enter")
    shell.wait_for(r"PICK=0", "the picker's exit")
    shell.type(SHOW)
    assert f"RC=0 ARN={READ_DEV}" in shell.wait_for(r"RC=\d+ ARN=\S", "the caller identity")

    shell.type('eval "$(entra-aws shell-init bash)"; eaws; echo "EAWS=$?"')
    shell.wait_for(r"Enter on a session switches this shell", "the picker again")
    shell.keys("Escape")
    text = shell.wait_for(r"EAWS=\d", "the picker's exit after Esc")
    assert "EAWS=1" in text
    shell.type(SHOW)
    text = shell.wait_for(r"RC=\d+ ARN=\S", "the caller identity again", count=2)
    assert text.count(f"RC=0 ARN={READ_DEV}") == 2  # still the role picked before

    shell.type('eaws; echo "EAWS=$?"')
    shell.wait_for(r"Enter on a session switches this shell", "the picker a third time")
    shell.wait_for(r"ReadOnly", "the sessions")
    shell.keys("Enter")
    shell.wait_for(r"EAWS=0", "the picker's exit after Enter")
    shell.type(SHOW)
    text = shell.wait_for(r"RC=\d+ ARN=\S", "the caller identity a third time", count=3)
    assert f"RC=0 ARN={ADMIN}" in text


def test_pick_with_a_name_that_fits_two_sessions_opens_the_picker(shell: Shell) -> None:
    shell.type('eval "$(entra-aws pick prod)"; echo "PICK=$?"')  # Admin and ReadOnly: ask
    shell.wait_for(r"Enter on a session switches this shell", "the picker")
    shell.wait_for(r"ReadOnly", "the sessions")
    shell.keys("Enter")
    shell.wait_for(r"PICK=0", "the picker's exit")
    shell.type(SHOW)
    assert f"RC=0 ARN={ADMIN}" in shell.wait_for(r"RC=\d+ ARN=\S", "the caller identity")
