"""`entra-aws doctor`: every check one line, ✓ or ✗ with the fix; all of them within 15 s.

Checks run concurrently in daemon threads with a deadline, so a hanging STS endpoint (or a
browser that never answers `--version`) is reported as hanging instead of stopping the run.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from tui.core.config import Config, Settings, load_config
from tui.core.doctor.checks import Check
from tui.core.doctor.local import browser_checks, config_check, mode_checks, profile_checks
from tui.core.doctor.network import ENDPOINT_BOUND, Probe, clock_check, endpoint_checks, probe_all
from tui.core.errors import ConfigError

__all__ = ["Check", "all_passed", "render", "run_doctor"]

DEADLINE = 12.0  # seconds for the whole run: above every check's own bound, below 15 s

Job = Callable[[], list[Check]]


def _gather(jobs: dict[str, Job], deadline: float) -> dict[str, list[Check]]:
    """Run every job in its own daemon thread; one still running at `deadline` is reported."""
    results: dict[str, list[Check]] = {}

    def runner(name: str, job: Job) -> None:
        try:
            results[name] = job()
        except Exception as exc:  # a bug in one check must not hide the others
            results[name] = [Check(name, False, f"the check failed ({type(exc).__name__})")]

    threads = [
        threading.Thread(target=runner, args=item, name=f"doctor-{item[0]}", daemon=True)
        for item in jobs.items()
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    late = "did not finish in time (a process or the network is hanging)"
    return {name: results.get(name) or [Check(name, False, late)] for name in jobs}


def run_doctor(config_path: Path, *, bound: float = ENDPOINT_BOUND) -> list[Check]:
    """Every check for the config at `config_path`, in a stable order."""
    deadline = time.monotonic() + DEADLINE
    config: Config | None = None
    problem: ConfigError | None = None
    try:
        config = load_config(config_path)
    except ConfigError as error:
        problem = error
    settings = config.settings if config else Settings()
    accounts = config.accounts if config else ()
    probes: dict[str, Probe] = {}

    def sts() -> list[Check]:
        probes.update(probe_all(accounts, bound))
        return endpoint_checks(accounts, probes)

    found = _gather(
        {
            "browser": lambda: browser_checks(settings),
            "profiles": profile_checks,
            "sts": sts,
            "files": lambda: mode_checks(settings),
        },
        deadline,
    )
    if config is None:  # "no accounts" would send the person to the wrong fix
        skipped = "not checked: the config did not load (see the config line)"
        network = [Check("clock", False, skipped), Check("sts", False, skipped)]
    else:
        network = [clock_check(dict(probes), bool(accounts)), *found["sts"]]
    return [
        *found["browser"],
        *found["profiles"],
        config_check(config_path, config, problem),
        *network,
        *found["files"],
    ]


def render(checks: Sequence[Check]) -> list[str]:
    return [check.line() for check in checks]


def all_passed(checks: Sequence[Check]) -> bool:
    return all(check.ok for check in checks)
