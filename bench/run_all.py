"""Run every benchmark, one after another, and print a summary table of figures vs goals.

    python bench/run_all.py [--quick] [NAME ...]

Each benchmark is its own process (so one's imports and caches do not help the next) and prints
its own figures; the summary is made from their `RESULT {json}` lines. Exits 1 when a goal was
missed (never with --quick, a smoke run with too few samples for a verdict).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHMARKS = (
    "first_frame",
    "credential_process",
    "assume_many",
    "capture_to_screen",
    "silent_signin",
    "many_accounts",
    "idle_cpu",
    "peak_rss",
)


def run(name: str, quick: bool) -> dict[str, object] | None:
    print(f"== {name}", flush=True)
    command = [sys.executable, str(HERE / f"{name}.py"), *(["--quick"] if quick else [])]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    result = None
    for line in done.stdout.splitlines():
        if line.startswith("RESULT "):
            result = json.loads(line.removeprefix("RESULT "))
        else:
            print(line)
    if result is None:
        print(f"  failed (exit {done.returncode}): {done.stderr.strip()[-800:]}")
    print(flush=True)
    return result


def main() -> int:
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cli.add_argument("--quick", action="store_true", help="one tiny run each; no verdict")
    cli.add_argument("names", nargs="*", metavar="NAME", help=", ".join(BENCHMARKS))
    args = cli.parse_args()
    unknown = sorted(set(args.names) - set(BENCHMARKS))
    if unknown:
        cli.error(f"no benchmark {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}")
    results = {name: run(name, args.quick) for name in args.names or BENCHMARKS}
    print(f"{'benchmark':<38} {'figure':>12} {'floor':>12} {'ratio':>7}  goal")
    missed = False
    for name, result in results.items():
        if result is None:
            print(f"{name:<38} {'failed':>12}")
            missed = True
            continue
        unit, ratio = result["unit"], result["ratio"]
        goal = f"<= {result['goal']:g} {unit}" if result["absolute"] else f"<= {result['goal']:g}x"
        verdict = "OK" if result["ok"] else "MISSED"
        missed = missed or not result["ok"]
        print(
            f"{result['name']:<38} {result['value']:>9.2f} {unit:<2} {result['floor']:>9.2f} "
            f"{unit:<2} {'-' if result['absolute'] or not ratio else f'{ratio:.2f}x':>7}  "
            f"{goal} {verdict}"
        )
    return 1 if missed and not args.quick else 0


if __name__ == "__main__":
    raise SystemExit(main())
