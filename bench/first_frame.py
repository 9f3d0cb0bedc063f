"""Time to the first frame: entra-aws with 50 accounts vs a bare Textual app showing the same table.

Two measurements, each sample a fresh process, bare and app interleaved so drift hits both:

- pty (the Result, goal <= 1.2x): the installed `entra-aws` command, as a user starts it, in a
  pseudo-terminal of 120x40 (TERM=xterm-256color, ENTRA_AWS_CONFIG naming the config), timed
  from spawn until the pty has received a visible account row (`account-09`, escape sequences
  stripped: Textual writes a frame top to bottom in one write, so the rest follows within
  microseconds), then killed. The floor is bench/bare_table.py started the same way with the
  same python.
- in-process (printed, not judged): `python bench/first_frame.py --child bare|app`, headless,
  timed until the child prints on Textual's `Ready` event with its row count.

Before measuring, tui/ is compiled to bytecode (`compileall`), as a pip-installed wheel is; an
editable install under PYTHONDONTWRITEBYTECODE=1 (this machine's environment) never writes it,
so every start would compile tui/ from source (~60 ms here) while Textual's bytecode exists.

Why the two ratios differ (measured on the 2-core build machine, see the report in git log):
the in-process child skips what the command runs before the app (tui.cli: argparse, the
parser for fourteen subcommands, logging set up to a file) and starts headless, so it never
pays the terminal driver (termios, the input thread, writing ~45 KB of escape sequences for
a frame with two bordered tables vs the bare app's one table); a headless Ready also comes
before the frame reaches a terminal.

    python bench/first_frame.py [--runs 15] [--quick]
"""

from __future__ import annotations

import argparse
import compileall
import fcntl
import os
import pty
import re
import select
import signal
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

from common import Result, fmt, median, parser, report

ACCOUNTS = 50
GOAL = 1.2
SIZE = (120, 40)
HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# A row both apps show at 120x40 (the app shows 15 accounts above the sessions pane).
VISIBLE_ROW = "account-09"
# CSI, OSC/DCS (ended by BEL or ST), charset and keypad selections.
ESCAPES = re.compile(rb"\x1b\[[0-?]*[ -/]*[@-~]|\x1b[P\]][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()][0-~]|\x1b[=>78]")  # fmt: skip


def write_config(folder: Path) -> Path:
    path = folder / "config.toml"
    blocks = []
    for i in range(ACCOUNTS):
        blocks.append(
            f'[[accounts]]\nname = "account-{i:02d}"\ntenant_id = "contoso.com"\n'
            f'app_id_uri = "https://signin.aws.amazon.com/saml#{i}"\n'
            f'region = "eu-west-1"\n[accounts.aliases]\n"{100000000000 + i}" = "team-{i:02d}"\n'
        )
    path.write_text("\n".join(blocks), encoding="utf-8")
    return path


def run_bare(config: Path) -> None:
    """The baseline: plain Textual, the same five columns and fifty rows, header and footer."""
    sys.path.insert(0, str(HERE))
    from bare_table import main

    main([str(config), "--headless", "--ready"])


def run_app(config: Path) -> None:
    """entra-aws itself, built exactly as `entra-aws tui` builds it (minus the terminal)."""
    from tui.app import EntraAwsApp
    from tui.subcommands.run_tui import prepare

    class Timed(EntraAwsApp):
        def on_ready(self) -> None:
            print("FRAME", self.screen.query_one("#accounts").row_count, flush=True)
            self.exit()

    prepare(config, theme=None, app_class=Timed).run(headless=True, size=SIZE)


def sample(kind: str, config: Path, env: dict[str, str]) -> float:
    """In-process: spawn -> the child's `FRAME` line, printed on Textual's Ready event."""
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, __file__, "--child", kind, str(config)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert child.stdout is not None and child.stderr is not None
    line = child.stdout.readline()
    elapsed = time.perf_counter() - started
    child.wait(timeout=30)
    if line.split() != ["FRAME", str(ACCOUNTS)]:
        raise SystemExit(
            f"{kind}: no first frame with {ACCOUNTS} rows: {line!r} {child.stderr.read()}"
        )
    return elapsed


def commands() -> dict[str, list[str]]:
    """What the pty runs: the console script next to this python, and the bare app with it."""
    script = Path(sys.executable).with_name("entra-aws")
    if not script.exists():
        raise SystemExit(f"no installed entra-aws command next to {sys.executable}")
    return {"bare": [sys.executable, str(HERE / "bare_table.py")], "app": [str(script)]}


def pty_sample(kind: str, command: list[str], env: dict[str, str]) -> float:
    """Spawn `command` on a fresh 120x40 pty; seconds until VISIBLE_ROW has been written."""
    master, slave = pty.openpty()
    columns, rows = SIZE
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    started = time.perf_counter()
    pid = os.fork()
    if pid == 0:  # the child: the pty is its controlling terminal and its stdin/out/err
        try:
            os.close(master)
            os.login_tty(slave)
            os.execve(command[0], command, env)  # noqa: S606 (as a terminal starts it: no shell)
        finally:
            os._exit(127)
    os.close(slave)
    output = b""
    needle = VISIBLE_ROW.encode()
    elapsed = None
    try:
        deadline = started + 30
        while time.perf_counter() < deadline:
            ready, _, _ = select.select([master], [], [], 0.5)
            if not ready:
                continue
            try:
                chunk = os.read(master, 1 << 16)
            except OSError:  # EIO: the child exited and closed the pty
                chunk = b""
            if not chunk:
                break
            output += chunk
            if needle in chunk or needle in ESCAPES.sub(b"", output):
                elapsed = time.perf_counter() - started
                break
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(master)
    if elapsed is None:
        shown = ESCAPES.sub(b"", output).decode(errors="replace")[-1500:]
        raise SystemExit(f"{kind}: no {VISIBLE_ROW!r} in the terminal within 30 s:\n{shown}")
    return elapsed


def main() -> int:
    cli = parser(__doc__, runs=15)
    cli.add_argument("--child", choices=("bare", "app"), help=argparse.SUPPRESS)
    cli.add_argument("config", nargs="?", help=argparse.SUPPRESS)
    args = cli.parse_args()
    if args.child:
        (run_bare if args.child == "bare" else run_app)(Path(args.config))
        return 0
    runs = 1 if args.quick else args.runs
    # As an installed wheel has it (pip compiles at install); quiet, and a no-op when current.
    compileall.compile_dir(ROOT / "tui", quiet=2)
    spawn = commands()
    with tempfile.TemporaryDirectory() as home:
        config = write_config(Path(home))
        env = {**os.environ, "ENTRA_AWS_HOME": home, "ENTRA_AWS_CONFIG": str(config)}
        env |= {"TERM": "xterm-256color"}
        for name in ("DISPLAY", "COLUMNS", "LINES"):
            env.pop(name, None)
        kinds = ("bare", "app")
        times: dict[str, list[float]] = {f"{how} {kind}": [] for how in ("pty", "in") for kind in kinds}  # fmt: skip
        for counted in (False, *([True] * runs)):  # the first round warms the file cache
            for kind in kinds:
                pty_time = pty_sample(kind, spawn[kind], env)
                in_time = sample(kind, config, env)
                if counted:
                    times[f"pty {kind}"].append(pty_time)
                    times[f"in {kind}"].append(in_time)
    ms = 1000
    got = {name: median(samples) * ms for name, samples in times.items()}
    in_ratio = got["in app"] / got["in bare"]
    print(f"first frame, {ACCOUNTS} accounts ({runs} runs each, median)")
    print("  in-process, headless, process start -> Ready:")
    print(f"    bare Textual app : {fmt(got['in bare'], 'ms'):>10}")
    print(f"    entra-aws        : {fmt(got['in app'], 'ms'):>10}")
    print(f"    ratio            : {in_ratio:>8.2f}x the floor  (printed, not judged)")
    print(f"  installed command in a {SIZE[0]}x{SIZE[1]} pty, spawn -> {VISIBLE_ROW} on screen:")
    print(f"    bare Textual app : {fmt(got['pty bare'], 'ms'):>10}")
    print(f"    entra-aws        : {fmt(got['pty app'], 'ms'):>10}")
    result = Result(
        f"first frame, {ACCOUNTS} accounts (pty)", got["pty app"], got["pty bare"], "ms", GOAL
    )
    return report(result, args.quick)


if __name__ == "__main__":
    raise SystemExit(main())
