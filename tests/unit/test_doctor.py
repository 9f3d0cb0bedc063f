"""The doctor's checks in-process: a machine with only Chrome, profiles left behind by a crash,
files other users can read, and a config with nothing to sign in to."""

from __future__ import annotations

import os
import socket
import subprocess
from pathlib import Path

import pytest

from tui.core.browser.profile import profiles_dir
from tui.core.config import load_config
from tui.core.doctor import all_passed, render, run_doctor
from tui.core.doctor.checks import Check
from tui.core.doctor.network import Probe, clock_check
from tui.core.paths import ensure_private_dir, state_dir

from .test_driver_fetch import only_chrome  # noqa: F401 (a fixture)

ACCOUNT = """
[[accounts]]
name = "prod"
tenant_id = "contoso.com"
app_id_uri = "https://signin.aws.amazon.com/saml"
sts_endpoint = "http://127.0.0.1:9"
"""


def config(tmp_path: Path, text: str = ACCOUNT) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text)
    return path


def named(checks: list[Check], name: str) -> list[Check]:
    return [check for check in checks if check.name == name]


def test_only_chrome_installed_says_the_next_sign_in_fetches_the_driver(tmp_path, only_chrome):  # noqa: F811
    (driver,) = named(run_doctor(config(tmp_path)), "chromedriver")
    assert not driver.ok
    assert "no ChromeDriver 156 here (none was found)" in driver.message
    assert "the next sign-in fetches it from Chrome for Testing" in driver.message


def test_with_fetching_off_it_says_what_to_install(tmp_path, only_chrome):  # noqa: F811
    path = config(tmp_path, "[settings]\nfetch_driver = false\n" + ACCOUNT)
    assert load_config(path).settings.fetch_driver is False
    (driver,) = named(run_doctor(path), "chromedriver")
    assert not driver.ok and "install ChromeDriver 156" in driver.message


def test_a_lock_left_by_a_dead_browser_and_its_tabs_are_reported(tmp_path):
    folder = ensure_private_dir(profiles_dir() / "prod")
    gone = subprocess.Popen(["true"])
    gone.wait()
    os.symlink(f"{socket.gethostname()}-{gone.pid}", folder / "SingletonLock")
    (folder / "Default").mkdir()
    (folder / "Default" / "Current Session").write_text("a posted form")
    problems = named(run_doctor(config(tmp_path)), "profile prod")
    messages = " ".join(p.message for p in problems)
    assert len(problems) == 2 and not any(p.ok for p in problems)
    assert f"held by process {gone.pid}, which is gone" in messages
    assert "SingletonLock" in messages
    assert "interrupted sign-in (Current Session" in messages


def test_clean_profiles_pass(tmp_path):
    ensure_private_dir(profiles_dir() / "prod")
    (check,) = named(run_doctor(config(tmp_path)), "profiles")
    assert check.ok and "(prod), no leftovers" in check.message


def test_files_other_users_can_read_are_failures_with_the_chmod(tmp_path):
    credentials = tmp_path / "credentials"
    credentials.write_text("[prod]\n")
    credentials.chmod(0o644)
    state = ensure_private_dir(state_dir())
    state.chmod(0o755)
    path = config(tmp_path, f'[settings]\ncredentials_file = "{credentials}"\n' + ACCOUNT)
    checks = run_doctor(path)
    (creds,) = named(checks, "credentials file")
    assert not creds.ok and f"chmod 600 {credentials}" in creds.message
    (folder,) = named(checks, "state folder")
    assert not folder.ok and f"chmod 700 {state}" in folder.message
    assert not all_passed(checks)


def test_no_accounts_is_a_failure_and_nothing_is_probed(tmp_path):
    checks = run_doctor(config(tmp_path, "[settings]\n"))
    assert "has no [[accounts]]" in named(checks, "config")[0].message
    assert named(checks, "sts")[0].ok is False
    assert "no accounts are configured" in named(checks, "clock")[0].message


def test_a_broken_config_is_its_sentence(tmp_path):
    checks = run_doctor(config(tmp_path, "[settings\n"))
    (check,) = named(checks, "config")
    assert not check.ok and "is not valid TOML" in check.message
    for name in ("clock", "sts"):  # not "no accounts": that would send the person elsewhere
        (skipped,) = named(checks, name)
        assert not skipped.ok and "the config did not load (see the config line)" in skipped.message


@pytest.mark.parametrize(
    ("skew", "ok", "fragment"),
    [
        (30.0, True, "within 30 s"),
        (-119.0, True, "within 119 s"),
        (600.0, False, "10 minutes ahead of"),
        (-180.0, False, "3 minutes behind"),
    ],
)
def test_the_clock_limit_is_two_minutes(skew, ok, fragment):
    check = clock_check({"https://sts.example": Probe(status=200, skew=skew)}, True)
    assert check.ok is ok and fragment in check.message


def test_every_line_is_one_line_with_a_mark():
    lines = render([Check("x", True, "a\nb"), Check("y", False, "c")])
    assert lines == ["✓ x: a b", "✗ y: c"]
