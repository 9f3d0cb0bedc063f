"""Finding Chrome/Chromium and chromedriver, and reading their versions (cached by file identity).

The browser and driver already on the machine come first. Only when no driver of the browser's
major version is there (and `fetch_driver` allows it) is one fetched (`fetch.py`); a `driver` the
person set is never swapped for another.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from tui.core.browser.install import install_command
from tui.core.browser.settings import BrowserSettings
from tui.core.errors import BrowserError
from tui.core.files import atomic_write
from tui.core.paths import cache_dir

log = logging.getLogger("entra_aws.browser")

BROWSER_NAMES = ("google-chrome", "google-chrome-stable", "chrome", "chromium", "chromium-browser")
_MAC_BROWSERS = (
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
    "~/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
)
_LINUX_BROWSERS = ("/usr/bin/chromium", "/usr/bin/google-chrome", "/snap/bin/chromium")
_DRIVERS = (
    "/usr/bin/chromedriver",
    "/usr/lib/chromium/chromedriver",
    "/usr/lib/chromium-browser/chromedriver",
    "/snap/bin/chromium.chromedriver",
    "/usr/local/bin/chromedriver",
    "/opt/homebrew/bin/chromedriver",
)
_VERSION_RE = re.compile(r"(\d+)\.(\d+)\.(\d+)\.(\d+)")
_VERSIONS_FILE = "versions.json"


def _executable(path: Path) -> bool:
    return path.is_file() and os.access(path, os.X_OK)


def _windows_browsers() -> list[Path]:
    roots = [os.environ.get(name) for name in ("PROGRAMFILES", "PROGRAMFILES(X86)", "LOCALAPPDATA")]
    return [Path(root) / "Google/Chrome/Application/chrome.exe" for root in roots if root]


def _from_setting(value: str, what: str) -> Path:
    found = shutil.which(value) if os.sep not in value and "/" not in value else None
    path = Path(found or value).expanduser()
    if not _executable(path):
        raise BrowserError(
            f"The {what} set in [settings] ({value}) does not exist or is not executable; "
            "fix the path, or leave it empty to auto-detect."
        )
    return path


def find_browser(setting: str = "") -> Path:
    """The configured browser, else Chrome or Chromium from PATH or the standard places."""
    if setting:
        return _from_setting(setting, "browser")
    candidates = [Path(found) for name in BROWSER_NAMES if (found := shutil.which(name))]
    if sys.platform == "darwin":
        candidates += [Path(p).expanduser() for p in _MAC_BROWSERS]
    elif sys.platform.startswith("win"):
        candidates += _windows_browsers()
    else:
        candidates += [Path(p) for p in _LINUX_BROWSERS]
    for path in candidates:
        if _executable(path):
            return path
    raise BrowserError(
        f"No Chrome or Chromium was found; {install_command()}, "
        "or set `browser` under [settings] in config.toml to its path."
    )


def find_driver(setting: str = "", browser: Path | None = None) -> Path:
    """The configured chromedriver, else one on PATH, beside the browser or in the usual places."""
    if setting:
        return _from_setting(setting, "driver")
    name = "chromedriver.exe" if sys.platform.startswith("win") else "chromedriver"
    candidates = [Path(found)] if (found := shutil.which(name)) else []
    if browser is not None:
        candidates.append(browser.parent / name)
    candidates += [Path(p) for p in _DRIVERS]
    for path in candidates:
        if _executable(path) and "undetected" not in path.name:
            return path
    raise BrowserError(
        f"No chromedriver was found; {install_command()}, "
        "or set `driver` under [settings] in config.toml to its path."
    )


def _identity(path: Path) -> str:
    stat = path.stat()
    return f"{path}|{stat.st_mtime_ns}|{stat.st_size}"


def _load_versions() -> dict[str, str]:
    try:
        data = json.loads((cache_dir() / "chromedriver" / _VERSIONS_FILE).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _ask_version(path: Path) -> str:
    """`--version` output's a.b.c.d; on Windows chrome.exe only says it through its folder names."""
    if sys.platform.startswith("win") and path.name.lower() == "chrome.exe":
        names = [p.name for p in path.parent.iterdir() if _VERSION_RE.fullmatch(p.name)]
        return max(names, key=lambda n: tuple(map(int, n.split("."))), default="")
    try:
        done = subprocess.run(
            [str(path), "--version"], capture_output=True, text=True, timeout=15, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        log.debug("version of %s: %s", path, type(exc).__name__)
        return ""
    match = _VERSION_RE.search(done.stdout)
    return match.group(0) if match else ""


def version_of(path: Path) -> str:
    """The a.b.c.d version of a browser or driver binary; remembered until the file changes."""
    key = _identity(path)
    cached = _load_versions()
    if isinstance(cached.get(key), str):
        return cached[key]
    version = _ask_version(path)
    if version:
        cached = {k: v for k, v in cached.items() if not k.startswith(f"{path}|")}
        cached[key] = version
        try:
            atomic_write(
                cache_dir() / "chromedriver" / _VERSIONS_FILE, json.dumps(cached), private_dir=True
            )
        except Exception as exc:  # a read-only cache only costs the next run ~50 ms
            log.debug("could not remember versions: %s", exc)
    return version


def major(version: str) -> int:
    return int(version.split(".")[0]) if version else 0


def check_browser(settings: BrowserSettings) -> tuple[Path, Path]:
    """(browser, driver) ready to use, or a BrowserError naming what to install or fix."""
    browser, driver, _ = browser_and_driver(settings)
    return browser, driver


def browser_and_driver(
    settings: BrowserSettings, progress: Callable[[str], None] | None = None
) -> tuple[Path, Path, int]:
    """`check_browser`, plus the browser's major version (uc's `version_main`); a driver fetch
    reports to `progress` (the sign-in's status line), else to stderr."""
    browser = find_browser(settings.browser)
    browser_version = version_of(browser)
    if not browser_version:
        raise BrowserError(
            f"{browser} did not report its version, so it does not look like Chrome or Chromium; "
            f"{install_command()}, or set `browser` under [settings] to Chrome's path."
        )
    want = major(browser_version)
    if settings.driver:  # the person chose this one: use it or say why not, never swap it
        driver = find_driver(settings.driver, browser)
        _check_match(browser, browser_version, driver)
        return browser, driver, want
    return browser, _usable_driver(settings, browser, browser_version, progress), want


def _check_match(browser: Path, browser_version: str, driver: Path) -> None:
    driver_version = version_of(driver)
    if not driver_version:
        raise BrowserError(
            f"{driver} did not report its version, so it does not look like chromedriver; "
            f"{install_command()}, or set `driver` under [settings] to chromedriver's path."
        )
    if major(browser_version) != major(driver_version):
        raise BrowserError(
            f"{browser.name} is version {browser_version} but chromedriver is version "
            f"{driver_version}; install the chromedriver for version {major(browser_version)} "
            f"({install_command()}) or point `driver` under [settings] at a matching one."
        )


def _usable_driver(
    settings: BrowserSettings,
    browser: Path,
    browser_version: str,
    progress: Callable[[str], None] | None,
) -> Path:
    """A driver on this machine of the browser's major version, else one fetched for it."""
    from tui.core.browser import fetch

    want = major(browser_version)
    try:
        found: Path | None = find_driver("", browser)
    except BrowserError:
        found = None
    if found is not None and major(version_of(found)) == want:
        return found
    cached = fetch.cached_driver(want)
    if cached is not None:
        return cached
    if settings.fetch_driver:
        try:
            return fetch.fetch_driver(want, progress or fetch.say_on_stderr)
        except BrowserError as error:
            if found is None:
                raise
            why = str(error)
            raise BrowserError(  # the mismatch is the problem; the failed fetch only the cure
                f"{found} is ChromeDriver {version_of(found) or '(no version)'} but {browser} is "
                f"{browser_version}, and fetching ChromeDriver {want} failed: "
                f"{why[:1].lower()}{why[1:]}"
            ) from None
    if found is None:
        raise BrowserError(
            f"No chromedriver was found and fetch_driver = false; {fetch.manual_install(want)}."
        )
    _check_match(browser, browser_version, found)  # raises: the versions differ
    return found
