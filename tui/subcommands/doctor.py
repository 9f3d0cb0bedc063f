"""`entra-aws doctor`: one line per check, ✓ or ✗ with the fix; exit 0 only when all pass."""

from __future__ import annotations

import argparse

from tui.core.doctor import render, run_doctor
from tui.core.paths import config_path
from tui.subcommands.common import printable


def run(args: argparse.Namespace) -> int:
    checks = run_doctor(config_path(args.config))
    for line in render(checks):
        print(printable(line), flush=True)
    failed = sum(not check.ok for check in checks)
    if failed:
        print(f"{failed} of {len(checks)} checks failed.")
        return 1
    print(f"All {len(checks)} checks passed.")
    return 0
