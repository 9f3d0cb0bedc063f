"""The benchmark scripts run and report: a smoke run of each (`--quick`), no timing judged here."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.conftest_browser import needs_chromium

pytestmark = [pytest.mark.e2e, needs_chromium]

RUN_ALL = Path(__file__).resolve().parents[2] / "bench" / "run_all.py"


def test_every_benchmark_runs_and_prints_its_figures_and_ratio() -> None:
    done = subprocess.run(
        [sys.executable, str(RUN_ALL), "--quick"],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    names = [
        line.removeprefix("== ") for line in done.stdout.splitlines() if line.startswith("== ")
    ]
    assert names == [
        "first_frame",
        "credential_process",
        "assume_many",
        "capture_to_screen",
        "silent_signin",
        "many_accounts",
        "idle_cpu",
        "peak_rss",
    ]
    assert "failed" not in done.stdout
    table = done.stdout.split("benchmark ", 1)[1].splitlines()[1:]
    assert len(table) == 8 and all(("OK" in row or "MISSED" in row) for row in table), table


def test_a_benchmark_prints_a_machine_readable_result() -> None:
    script = RUN_ALL.with_name("assume_many.py")
    done = subprocess.run(
        [sys.executable, str(script), "--quick"], capture_output=True, text=True, timeout=120
    )
    [line] = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    result = json.loads(line.removeprefix("RESULT "))
    assert result["unit"] == "ms" and result["goal"] == 2.0
    assert result["value"] > 0 and result["floor"] > 0
