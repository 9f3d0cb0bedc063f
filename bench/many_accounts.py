"""Three accounts of one tenant in one go, against one account, as whole `entra-aws login` processes.

`tui.demo.runner.start_demo()` starts the local Entra-like IdP and the local STS; the demo config
gets a third account of the same tenant. One first sign-in seeds the tenant's browser profile
(Entra's "Stay signed in" cookie serves every account of the tenant); then each sample times

    entra-aws login demo-prod --headless --no-write                      (the floor: one account)
    entra-aws login demo-prod demo-dev demo-ops --headless --no-write    (one browser, three)

from spawn to exit. Both sides pay the interpreter, one Chromium launch and its clean close; the
three-account side adds two more silent sign-ins in the same window and their AssumeRoleWithSAML
calls (made while the browser goes on). Goal: median(three) <= 1.5x median(one), same run.

    python bench/many_accounts.py [--runs 5] [--quick]
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

from common import Result, fmt, median, parser, report

GOAL = 1.5
ENTRA_AWS = str(Path(sys.executable).with_name("entra-aws"))
OPTIONS = ["--headless", "--no-write", "--output", "none"]
ONE = ["login", "demo-prod", *OPTIONS]
THREE = ["login", "demo-prod", "demo-dev", "demo-ops", *OPTIONS]


def timed(args: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(
        [ENTRA_AWS, *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"entra-aws {' '.join(args)} failed: {done.stderr.strip()[-400:]}")
    return elapsed


def _three_accounts(config_path: Path) -> None:
    from tui.core.config import load_config, write_config

    config = load_config(config_path)
    prod, dev = config.accounts
    prod = replace(prod, default_role="arn:aws:iam::111111111111:role/Admin")
    ops = replace(prod, name="demo-ops", default_role="arn:aws:iam::111111111111:role/ReadOnly")
    settings = config.settings
    write_config(
        config_path,
        {"credentials_file": str(settings.credentials_file), "timeout": settings.timeout},
        [prod, dev, ops],
    )


def main() -> int:
    args = parser(__doc__, runs=5).parse_args()
    runs = 1 if args.quick else args.runs
    from tui.demo.runner import start_demo

    demo = start_demo()  # sets ENTRA_AWS_HOME in os.environ
    try:
        _three_accounts(demo.config_path)
        env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
        env["ENTRA_AWS_CONFIG"] = str(demo.config_path)
        first = timed(ONE, env)  # seeds the tenant's profile and the driver copy; not counted
        first_asked = demo.idp.pages_answered
        ones, threes = [], []
        for _ in range(runs):
            ones.append(timed(ONE, env))
            threes.append(timed(THREE, env))
        asked = demo.idp.pages_answered
        silent = demo.idp.silent_sign_ins
    finally:
        demo.close()
    if silent < runs * 4:
        raise SystemExit(f"only {silent} of {runs * 4} sign-ins were silent: the cookie was lost")
    one, three = median(ones), median(threes)
    print(f"three accounts of one tenant in one `entra-aws login` ({runs} runs, median)")
    print(
        f"  first sign-in    : {fmt(first, 's'):>10}  (seeds the profile; {first_asked} pages answered)"
    )
    print(f"  login, 1 account : {fmt(one, 's'):>10}  (the floor)")
    print(
        f"  login, 3 accounts: {fmt(three, 's'):>10}  (min {min(threes):.2f}, max {max(threes):.2f})"
    )
    print(f"  pages answered after all runs: {asked} (the same: asked once, then silent)")
    return report(Result("login a b c vs one account", three, one, "s", GOAL), args.quick)


if __name__ == "__main__":
    raise SystemExit(main())
