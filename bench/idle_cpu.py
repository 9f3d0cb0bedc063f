"""Idle CPU of the TUI with 100 live countdowns vs a bare Textual app with a 100-row table.

Both run as real processes on a pseudo-terminal (120x40) that this script drains, with no
DISPLAY. The product is the real `entra-aws tui` on a throwaway ENTRA_AWS_HOME whose config has
5 accounts and whose session store holds 100 unexpired sessions (1 to 12 hours left), so every
row's countdown changes every second, and renewal is on (`renew_before` 10 minutes: the
sessions pane checks every few seconds which sessions are due, and none is). The floor is a bare Textual app showing a 100-row DataTable
with no timer. After startup has settled, the process's CPU time (utime + stime of all its
threads, from /proc/<pid>/stat) is sampled over the window; the figure is % of one core. The
ratio to the floor is printed for context (an idle Textual app costs next to nothing).
Goal: <= 2 % of one core, absolute.

    python bench/idle_cpu.py [--seconds 30] [--quick]
"""

from __future__ import annotations

import argparse
import fcntl
import os
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from pathlib import Path

from common import Result, fmt, parser, report

GOAL = 2.0
SESSIONS, ACCOUNTS = 100, 5
RENEW_BEFORE = 600  # renewal on, as by default: the due check runs, no session is due
TICK = os.sysconf("SC_CLK_TCK")


def run_bare() -> None:
    from textual.app import App, ComposeResult
    from textual.widgets import DataTable, Footer, Header

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield Header()
            yield DataTable(cursor_type="row", zebra_stripes=True)
            yield Footer()

        def on_mount(self) -> None:
            table = self.query_one(DataTable)
            table.add_columns("Account", "Role", "AWS account", "Profile", "Expires", "Left")
            for i in range(SESSIONS):
                table.add_row(f"acct-{i % 5}", f"Role{i:02d}", "1111", "p", "12:00", "1:00:00")

    Bare().run()


def write_home(home: Path) -> Path:
    """A config with ACCOUNTS accounts and a session store with SESSIONS live sessions."""
    from datetime import timedelta

    from tui.core.config import Account, write_config
    from tui.core.sessions import Session, SessionStore
    from tui.core.timeutil import utcnow

    os.environ["ENTRA_AWS_HOME"] = str(home)
    names = [f"account-{i}" for i in range(ACCOUNTS)]
    accounts = [
        Account(name=n, tenant_id="contoso.com", app_id_uri=f"urn:{n}", region="us-east-1")
        for n in names
    ]
    config = home / "config.toml"
    settings = {"credentials_file": str(home / "credentials"), "renew_before": RENEW_BEFORE}
    write_config(config, settings, accounts)
    now, sessions = utcnow(), []
    for i in range(SESSIONS):
        role = f"arn:aws:iam::{100000000000 + i % ACCOUNTS}:role/Role{i:02d}"
        sessions.append(
            Session(names[i % ACCOUNTS], role, role.replace("role/", "saml-provider/x"),
                    f"p{i}", "us-east-1", f"ASIA{i:016d}", "secret", "token",
                    now + timedelta(hours=1 + i % 12), issued_at=now)
        )  # fmt: skip
    SessionStore().save(sessions)
    return config


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK  # utime, stime (fields 14 and 15)


def sample(command: list[str], env: dict[str, str], settle: float, seconds: float) -> float:
    """% of one core the process used over `seconds`, after `settle` seconds of startup."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    child = subprocess.Popen(command, stdin=slave, stdout=slave, stderr=slave, env=env)
    os.close(slave)
    seen = threading.Event()

    def drain() -> None:
        while True:
            try:
                if not os.read(master, 65536):
                    return
            except OSError:
                return
            seen.set()

    threading.Thread(target=drain, daemon=True).start()
    try:
        if not seen.wait(20):
            raise SystemExit(f"{command[-1]}: nothing on the terminal")
        time.sleep(settle)
        if child.poll() is not None:
            raise SystemExit(f"{command[-1]} exited early ({child.returncode})")
        before = cpu_seconds(child.pid)
        time.sleep(seconds)
        used = cpu_seconds(child.pid) - before
    finally:
        child.terminate()
        child.wait(timeout=10)
        os.close(master)
    return 100 * used / seconds


def main() -> int:
    parse = parser(__doc__, runs=1)
    parse.add_argument("--seconds", type=float, default=30.0, help="sampling window (30)")
    parse.add_argument("--child", choices=("bare",), help=argparse.SUPPRESS)
    args = parse.parse_args()
    if args.child:
        run_bare()
        return 0
    seconds, settle = (2.0, 2.0) if args.quick else (args.seconds, 5.0)
    with tempfile.TemporaryDirectory() as folder:
        config = write_home(Path(folder))
        env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
        env |= {"TERM": "xterm-256color", "ENTRA_AWS_CONFIG": str(config)}
        app = sample(
            [str(Path(sys.executable).with_name("entra-aws")), "tui"], env, settle, seconds
        )
        bare = sample([sys.executable, __file__, "--child", "bare"], env, settle, seconds)
    print(
        f"idle CPU over {seconds:.0f} s, {SESSIONS} live countdowns, renewal on "
        f"(renew_before {RENEW_BEFORE} s), 120x40 pty (% of one core)"
    )
    print(f"  bare Textual app : {fmt(bare, '%'):>10}  (100-row DataTable, no timer)")
    print(f"  entra-aws tui    : {fmt(app, '%'):>10}")
    return report(
        Result("idle CPU, 100 countdowns, renewal on", app, bare, "%", GOAL, absolute=True),
        args.quick,
    )


if __name__ == "__main__":
    raise SystemExit(main())
