"""A silent re-sign-in, as the whole `entra-aws login ACCOUNT --headless` process.

`tui.demo.runner.start_demo()` starts the local Entra-like IdP and the local STS and writes a
throwaway config under a temporary ENTRA_AWS_HOME. One first sign-in seeds the account's
persistent browser profile (Entra's "Stay signed in" cookie); then each sample times a fresh

    entra-aws login demo-prod --headless --role arn:aws:iam::111111111111:role/Admin --no-write

from spawn to exit: interpreter start, Chromium launch, the IdP's silent redirect, the capture,
the clean close that keeps the cookie, AssumeRoleWithSAML and the report. No DISPLAY, as over SSH.
The floor, printed for context, is the bare `entra-aws --version` process (interpreter start and
the CLI's imports). Goal: median(login) <= 1.5 s, absolute.

    python bench/silent_signin.py [--runs 9] [--quick]
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from common import Result, fmt, median, parser, report

GOAL = 1.5
ENTRA_AWS = str(Path(sys.executable).with_name("entra-aws"))
ROLE = "arn:aws:iam::111111111111:role/Admin"
LOGIN = ["login", "demo-prod", "--headless", "--role", ROLE, "--no-write", "--output", "none"]


def timed(args: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(
        [ENTRA_AWS, *args], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"entra-aws {' '.join(args)} failed: {done.stderr.strip()[-400:]}")
    return elapsed


def main() -> int:
    args = parser(__doc__, runs=9).parse_args()
    runs = 1 if args.quick else args.runs
    from tui.demo.runner import start_demo

    demo = start_demo()  # sets ENTRA_AWS_HOME in os.environ
    try:
        env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
        env["ENTRA_AWS_CONFIG"] = str(demo.config_path)
        first = timed(LOGIN, env)  # seeds the profile and the patched driver copy; not counted
        logins, starts = [], []
        for _ in range(runs):
            starts.append(timed(["--version"], env))
            logins.append(timed(LOGIN, env))
        silent = demo.idp.silent_sign_ins
    finally:
        demo.close()
    if silent < runs:
        raise SystemExit(f"only {silent} of {runs} sign-ins were silent: the profile was not kept")
    login, floor = median(logins), median(starts)
    print(f"silent re-sign-in, `entra-aws login --headless` process ({runs} runs, median)")
    print(f"  first sign-in    : {fmt(first, 's'):>10}  (seeds the browser profile; not counted)")
    print(f"  entra-aws --version : {fmt(floor, 's'):>7}  (process start: the floor, context)")
    print(
        f"  silent login     : {fmt(login, 's'):>10}  (min {min(logins):.2f}, max {max(logins):.2f})"
    )
    result = Result("silent re-sign-in (login --headless)", login, floor, "s", GOAL, absolute=True)
    return report(result, args.quick)


if __name__ == "__main__":
    raise SystemExit(main())
