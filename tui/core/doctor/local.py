"""The doctor's checks of this machine: browser and driver, browser profiles, config, file modes.

They only look: nothing is fetched, cleaned or chmod-ed here; each failure names the command or
setting that fixes it.
"""

from __future__ import annotations

import os
import socket
import stat
import sys
from pathlib import Path

from tui.core.browser import fetch
from tui.core.browser.leftovers import lock_owner, profile_browsers
from tui.core.browser.locate import find_browser, find_driver, major, version_of
from tui.core.browser.processes import alive
from tui.core.browser.profile import profiles_dir
from tui.core.config import Config, Settings
from tui.core.doctor.checks import Check
from tui.core.errors import BrowserError, ConfigError
from tui.core.paths import state_dir

# Chromium's session-restore files: they hold the pages' POST bodies, so the SAMLResponse.
TAB_STATE = ("Sessions", "Current Session", "Current Tabs", "Last Session", "Last Tabs")


def _driver_check(settings: Settings, browser_major: int) -> Check:
    wanted = f"ChromeDriver {browser_major}" if browser_major else "a chromedriver"
    try:
        found: Path | None = find_driver(settings.driver)
    except BrowserError as error:
        if settings.driver:
            return Check("chromedriver", False, str(error))
        found = None
    version = version_of(found) if found else ""
    if found and (not browser_major or major(version) == browser_major):
        where = "the one set in [settings]" if settings.driver else "found"
        return Check("chromedriver", True, f"ChromeDriver {version or '?'} at {found} ({where})")
    if settings.driver and found:
        return Check(
            "chromedriver",
            False,
            f"{found} is ChromeDriver {version or '(no version)'} but the browser is version "
            f"{browser_major}; point `driver` under [settings] at {wanted}, or leave it empty.",
        )
    cached = fetch.cached_driver(browser_major) if browser_major else None
    if cached is not None:
        return Check(
            "chromedriver", True, f"{wanted} at {cached} (fetched from Chrome for Testing)"
        )
    have = f"{found} is ChromeDriver {version or '(no version)'}" if found else "none was found"
    if settings.fetch_driver and browser_major:
        return Check(
            "chromedriver",
            False,
            f"no {wanted} here ({have}); the next sign-in fetches it from Chrome for Testing "
            f"(fetch_driver = true), or {fetch.manual_install(browser_major)}.",
        )
    fix = fetch.manual_install(browser_major) if browser_major else "install chromedriver"
    return Check("chromedriver", False, f"no {wanted} here ({have}); {fix}.")


def browser_checks(settings: Settings) -> list[Check]:
    try:
        browser = find_browser(settings.browser)
    except BrowserError as error:
        return [Check("browser", False, str(error)), _driver_check(settings, 0)]
    version = version_of(browser)
    if not version:
        problem = f"{browser} does not report a version, so it is not Chrome or Chromium; set `browser` under [settings] to Chrome's path."
        return [Check("browser", False, problem), _driver_check(settings, 0)]
    return [
        Check("browser", True, f"{version} at {browser}"),
        _driver_check(settings, major(version)),
    ]


def _profile_problems(folder: Path) -> list[str]:
    problems = []
    owner = lock_owner(folder)
    if owner is not None:
        host, pid = owner
        lock = folder / "SingletonLock"
        if host and host != socket.gethostname():
            problems.append(
                f"its Chromium lock was written on host {host}; if that machine no longer uses this profile, delete {lock}"
            )
        elif not pid or not alive(pid):
            problems.append(
                f"its Chromium lock is held by process {pid}, which is gone; the next sign-in removes it, or delete {lock}"
            )
    for pid in profile_browsers(folder):
        problems.append(
            f"a Chromium (process {pid}) is still running on it; close that window or run `kill {pid}`"
        )
    leftovers = [name for name in TAB_STATE if os.path.lexists(folder / "Default" / name)]
    if leftovers:
        problems.append(
            f"it keeps the tabs of an interrupted sign-in ({', '.join(leftovers)} under "
            f"{folder / 'Default'}, which may hold a SAMLResponse); the next sign-in removes them, or delete them"
        )
    return problems


def profile_checks() -> list[Check]:
    """Each profile not in use by a sign-in right now: stale locks, leftover browsers and tabs."""
    from filelock import FileLock, Timeout

    root = profiles_dir()
    try:
        folders = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
    except OSError:
        folders = []
    if not folders:
        return [Check("profiles", True, f"no browser profiles yet ({root})")]
    checks: list[Check] = []
    busy: list[str] = []
    for folder in folders:
        lock = FileLock(root / f".{folder.name}.lock", timeout=0, mode=0o600)
        try:
            lock.acquire()
        except Timeout:
            busy.append(folder.name)  # a sign-in is using it: its leftovers are its own business
            continue
        except OSError as exc:
            checks.append(
                Check(
                    f"profile {folder.name}",
                    False,
                    f"its lock cannot be taken ({exc.strerror or exc}); make {root} writable",
                )
            )
            continue
        try:
            problems = _profile_problems(folder)
        finally:
            lock.release()
        checks += [Check(f"profile {folder.name}", False, p + ".") for p in problems]
    if not checks:
        names = ", ".join(f.name for f in folders)
        note = f"; in use by a sign-in now: {', '.join(busy)}" if busy else ""
        checks.append(
            Check("profiles", True, f"{len(folders)} in {root} ({names}), no leftovers{note}")
        )
    return checks


def config_check(path: Path, config: Config | None, problem: ConfigError | None) -> Check:
    if problem is not None or config is None:
        return Check("config", False, str(problem or f"{path} could not be read."))
    count = len(config.accounts)
    if not count:
        return Check(
            "config", False, f"{path} has no [[accounts]]; add one (see config.example.toml)."
        )
    return Check("config", True, f"{path} ({count} account{'s' if count != 1 else ''})")


def _private(path: Path, label: str, want: int) -> Check:
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return Check(label, True, f"{path} does not exist yet")
    except OSError as exc:
        return Check(label, False, f"{path} cannot be read ({exc.strerror}); check its owner")
    if mode & 0o077:
        return Check(
            label,
            False,
            f"{path} is mode {mode:04o}, so other users can read it; run `chmod {want:o} {path}`.",
        )
    return Check(label, True, f"{path} is mode {mode:04o}")


def mode_checks(settings: Settings) -> list[Check]:
    if sys.platform.startswith("win"):
        return [
            Check("files", True, "modes are not checked on Windows (folders there are per-user)")
        ]
    checks = [_private(settings.credentials_file, "credentials file", 0o600)]
    folder = state_dir()
    checks.append(_private(folder, "state folder", 0o700))
    if checks[-1].ok and folder.is_dir():
        for item in sorted(folder.iterdir()):  # sessions.json holds keys: 0600 each
            check = _private(item, "state folder", 0o600) if item.is_file() else None
            if check is not None and not check.ok:
                checks.append(check)
    return checks
