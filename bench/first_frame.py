"""Time to the first frame: entra-aws with 50 accounts vs a bare Textual app showing the same table.

Each sample is a fresh process (`python bench/first_frame.py --child bare|app CONFIG`), timed
from spawn until the child reports Textual's `Ready` event (sent once the first frame has been
rendered), so both pay the same interpreter start, imports and rendering. Both run headless at
120x40 and exit at once. The child also prints how many account rows were on that first frame,
so a fast but empty frame cannot pass. Goal: median(app) <= 1.3 x median(bare).

    python bench/first_frame.py [--runs 15]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import Result, fmt, median, parser, report

ACCOUNTS = 50
GOAL = 1.3
SIZE = (120, 40)


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
    import tomllib

    from textual.app import App, ComposeResult
    from textual.widgets import DataTable, Footer, Header

    accounts = tomllib.loads(config.read_text(encoding="utf-8"))["accounts"]

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield Header()
            yield DataTable(id="accounts", cursor_type="row")
            yield Footer()

        def on_mount(self) -> None:
            table = self.query_one(DataTable)
            table.add_columns(
                "Account", "AWS accounts", "Partition / region", "Last sign-in", "Sessions"
            )
            for account in accounts:
                aliases = ", ".join(account["aliases"].values())
                table.add_row(account["name"], aliases, f"aws / {account['region']}", "never", "—")

        def on_ready(self) -> None:
            print("FRAME", self.query_one(DataTable).row_count, flush=True)
            self.exit()

    Bare().run(headless=True, size=SIZE)


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
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, __file__, "--child", kind, str(config)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert child.stdout is not None
    line = child.stdout.readline()
    elapsed = time.perf_counter() - started
    child.wait(timeout=30)
    if line.split() != ["FRAME", str(ACCOUNTS)]:
        raise SystemExit(
            f"{kind}: no first frame with {ACCOUNTS} rows: {line!r} {child.stderr.read()}"
        )
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
    with tempfile.TemporaryDirectory() as home:
        config = write_config(Path(home))
        env = {**os.environ, "ENTRA_AWS_HOME": home, "PYTHONDONTWRITEBYTECODE": "1"}
        env.pop("DISPLAY", None)
        for kind in ("bare", "app"):  # warm the OS file cache; not counted
            sample(kind, config, env)
        times: dict[str, list[float]] = {"bare": [], "app": []}
        for _ in range(runs):  # interleaved, so drift hits both alike
            for kind in ("bare", "app"):
                times[kind].append(sample(kind, config, env))
    bare, app = median(times["bare"]), median(times["app"])
    ms = 1000
    print(f"first frame, {ACCOUNTS} accounts ({runs} runs each, median, process start -> Ready)")
    print(f"  bare Textual app : {fmt(bare * ms, 'ms'):>10}")
    print(f"  entra-aws        : {fmt(app * ms, 'ms'):>10}")
    result = Result(f"first frame, {ACCOUNTS} accounts", app * ms, bare * ms, "ms", GOAL)
    return report(result, args.quick)


if __name__ == "__main__":
    raise SystemExit(main())
