"""Peak memory (RSS) of the TUI after a sign-in vs a bare Textual app with boto3 imported.

Each side is a fresh process that ends by printing its peak resident set (VmHWM, /proc):

- entra-aws: the real App (`App.run_test`, 120x40) on a throwaway ENTRA_AWS_HOME with 50
  accounts; it signs in once (the signer seam hands over a signed SAMLResponse instead of opening
  Chrome), assumes the role through the local STS and waits for the session row. So boto3, the
  roles screen, the session store and the credentials file have all been loaded.
- floor: a bare Textual app showing a 50-row DataTable that imports boto3 and makes the same
  AssumeRoleWithSAML call with a plain unsigned client.

The local STS runs in a third process, so neither side carries it. Goal: peak(entra-aws) <= 1.3 x
peak(floor).

    python bench/peak_rss.py [--runs 3] [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from common import Result, fmt, median, parser, report, sts_world

GOAL = 1.3
ACCOUNTS = 50
SIZE = (120, 40)


def peak_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise SystemExit("no VmHWM in /proc/self/status")


def run_floor(job: dict[str, Any]) -> None:
    import boto3
    from botocore import UNSIGNED
    from botocore.config import Config
    from textual.app import App, ComposeResult
    from textual.widgets import DataTable, Footer, Header

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield Header()
            yield DataTable(cursor_type="row")
            yield Footer()

        def on_mount(self) -> None:
            table = self.query_one(DataTable)
            table.add_columns("Account", "Partition / region", "Last sign-in", "Sessions")
            for i in range(ACCOUNTS):
                table.add_row(f"account-{i:02d}", "aws / us-east-1", "never", "—")

    async def main() -> None:
        async with Bare().run_test(size=SIZE) as pilot:
            client = boto3.session.Session().client(
                "sts",
                region_name="us-east-1",
                endpoint_url=job["url"],
                config=Config(signature_version=UNSIGNED),
            )
            role, provider = job["pair"]
            client.assume_role_with_saml(
                RoleArn=role, PrincipalArn=provider, SAMLAssertion=job["saml"]
            )
            await pilot.pause()

    asyncio.run(main())


def run_app(job: dict[str, Any]) -> None:
    from tui.app import EntraAwsApp
    from tui.core.config import Account, write_config
    from tui.core.signin import decode_for_account
    from tui.screens.roles import RolesScreen
    from tui.subcommands.run_tui import prepare

    home = Path(job["home"])
    accounts = [
        Account(
            name=f"account-{i:02d}",
            tenant_id=job["tenant"],
            app_id_uri=f"https://signin.aws.amazon.com/saml#{i}",
            region="us-east-1",
            sts_endpoint=job["url"],
        )
        for i in range(ACCOUNTS)
    ]
    config = home / "config.toml"
    write_config(config, {"credentials_file": str(home / "credentials")}, accounts)

    def signer(request: Any) -> Any:
        account = request.account
        return decode_for_account(job["saml"], account)

    class Bench(EntraAwsApp):
        def __init__(self, config: Any, **options: Any) -> None:
            super().__init__(config, **options, signer=signer, display=False)

    async def main() -> None:
        app = prepare(config, theme=None, app_class=Bench)  # as `entra-aws tui` does
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            app.screen.action_sign_in()  # type: ignore[attr-defined]
            for _ in range(200):
                await pilot.pause(0.05)
                if isinstance(app.screen, RolesScreen):
                    break
            else:
                raise SystemExit("the roles screen never came")
            await pilot.press("enter")
            table = app.screen.query_one("#sessions")
            for _ in range(200):
                await pilot.pause(0.05)
                if getattr(table, "row_count", 0):
                    break
            else:
                raise SystemExit("no session row appeared")
            await app.workers.wait_for_complete()

    asyncio.run(main())


def sample(kind: str, job: dict[str, Any], env: dict[str, str]) -> float:
    done = subprocess.run(
        [sys.executable, __file__, "--child", kind, json.dumps(job)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    lines = done.stdout.split()
    if done.returncode != 0 or not lines:
        raise SystemExit(f"{kind} failed: {done.stderr.strip()[-600:]}")
    return float(lines[-1])


def main() -> int:
    cli = parser(__doc__, runs=3)
    cli.add_argument("--child", choices=("floor", "app"), help=argparse.SUPPRESS)
    cli.add_argument("job", nargs="?", help=argparse.SUPPRESS)
    args = cli.parse_args()
    if args.child:
        (run_floor if args.child == "floor" else run_app)(json.loads(args.job))
        print(f"{peak_mib():.1f}", flush=True)
        return 0
    runs = 1 if args.quick else args.runs
    peaks: dict[str, list[float]] = {"floor": [], "app": []}
    with sts_world(1) as world, tempfile.TemporaryDirectory() as home:
        env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
        env["ENTRA_AWS_HOME"] = home
        from tui.demo.saml_builder import DEMO_TENANT_ID

        saml = world.saml_response(1)
        job = {"url": world.url, "pair": world.pairs[0], "saml": saml, "tenant": DEMO_TENANT_ID}
        for _ in range(runs):
            peaks["floor"].append(sample("floor", job, env))
            peaks["app"].append(sample("app", job | {"home": home}, env))
    floor, app = median(peaks["floor"]), median(peaks["app"])
    print(f"peak RSS after one sign-in, {ACCOUNTS} accounts ({runs} runs each, median)")
    print(f"  Textual + boto3  : {fmt(floor, 'MiB'):>10}  (bare app, one STS call)")
    print(f"  entra-aws        : {fmt(app, 'MiB'):>10}  (sign-in, roles screen, assume, row)")
    return report(Result("peak RSS after a sign-in", app, floor, "MiB", GOAL), args.quick)


if __name__ == "__main__":
    raise SystemExit(main())
