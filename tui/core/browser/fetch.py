"""Fetching the chromedriver that matches the browser, from Chrome for Testing, when none fits.

Most laptops have Google Chrome and no chromedriver. The driver for the browser's major version is
listed in CfT's JSON index; it is downloaded (progress on stderr), checked (the zip is intact and
the binary reports the same major version) and kept in the cache folder, so it is fetched once.
`ENTRA_AWS_CHROME_FOR_TESTING` points at a mirror of the index (whose URLs may point anywhere);
`fetch_driver = false` forbids all of this, for offline and proxied sites.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import platform
import shutil
import sys
import tempfile
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tui.core.browser.install import install_command
from tui.core.errors import BrowserError
from tui.core.paths import cache_dir, ensure_private_dir

log = logging.getLogger("entra_aws.browser")

CFT_URL_ENV = "ENTRA_AWS_CHROME_FOR_TESTING"
DEFAULT_CFT_URL = "https://googlechromelabs.github.io/chrome-for-testing"
INDEX = "latest-versions-per-milestone-with-downloads.json"
TIMEOUT = 30.0  # per network operation; a stalled mirror fails instead of hanging the sign-in
MAX_ZIP_BYTES = 100_000_000  # chromedriver zips are ~10 MB
_CHUNK = 256 * 1024

Progress = Callable[[str], None]


def say_on_stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def cft_platform(system: str | None = None, machine: str | None = None) -> str | None:
    """Chrome for Testing's name for this OS and CPU; None where it publishes no build."""
    system = system or sys.platform
    machine = (machine or platform.machine()).lower()
    if system.startswith("linux"):
        return "linux64" if machine in ("x86_64", "amd64") else None
    if system == "darwin":
        return "mac-arm64" if machine in ("arm64", "aarch64") else "mac-x64"
    if system.startswith("win"):
        return "win64" if machine.endswith("64") else "win32"
    return None


def fetched_dir() -> Path:
    return cache_dir() / "chromedriver" / "cft"


def _binary_name() -> str:
    return "chromedriver.exe" if sys.platform.startswith("win") else "chromedriver"


def cached_driver(major: int) -> Path | None:
    """A driver fetched earlier for this major version, if it is still there."""
    path = fetched_dir() / str(major) / _binary_name()
    return path if path.is_file() and os.access(path, os.X_OK) else None


def manual_install(major: int) -> str:
    """The sentence's fix when fetching is not allowed or not possible."""
    return (
        f"install ChromeDriver {major} ({install_command()}, or chromedriver-"
        f"{cft_platform() or '<platform>'}.zip for version {major} from {DEFAULT_CFT_URL}/) and "
        "set `driver` under [settings] to its path"
    )


def _open(url: str) -> Any:
    if urlsplit(url).scheme not in ("https", "http"):  # never file: or ftp: from an index
        raise ValueError(f"not an http(s) URL: {url[:60]}")
    request = urllib.request.Request(url, headers={"User-Agent": "entra-aws"})  # noqa: S310
    return urllib.request.urlopen(request, timeout=TIMEOUT)  # noqa: S310


def _failed(what: str, url: str, reason: str, major: int) -> BrowserError:
    host = urlsplit(url).netloc or url
    return BrowserError(
        f"Could not {what} from {host} ({reason}); check the network or proxy (HTTPS_PROXY), "
        f"or {manual_install(major)}."
    )


def _reason(exc: Exception) -> str:
    if isinstance(exc, urllib.error.HTTPError):
        return f"HTTP {exc.code}"
    if isinstance(exc, urllib.error.URLError):
        return str(getattr(exc.reason, "strerror", None) or exc.reason)
    if isinstance(exc, TimeoutError):
        return f"no answer within {TIMEOUT:.0f} s"
    if isinstance(exc, ValueError):
        return str(exc)[:80] or "not what Chrome for Testing serves"
    return type(exc).__name__


def _download_url(major: int, base: str) -> tuple[str, str]:
    """(version, zip URL) of the chromedriver for `major` on this platform, from the index."""
    index_url = f"{base.rstrip('/')}/{INDEX}"
    try:
        with _open(index_url) as answer:
            index = json.loads(answer.read(20_000_000))
    except (OSError, ValueError) as exc:
        raise _failed("read the Chrome for Testing index", index_url, _reason(exc), major) from None
    wanted = cft_platform()
    entry = (index.get("milestones") or {}).get(str(major)) if isinstance(index, dict) else None
    drivers = (entry or {}).get("downloads", {}).get("chromedriver", []) if entry else []
    url = next((d.get("url") for d in drivers if d.get("platform") == wanted), None)
    if not entry or not url or wanted is None:
        where = f"for {wanted}" if wanted else f"for {sys.platform} {platform.machine()}"
        raise BrowserError(
            f"Chrome for Testing lists no ChromeDriver {major} {where}; {manual_install(major)}."
        )
    return str(entry.get("version", major)), str(url)


def _download(url: str, target: Path, label: str, major: int, progress: Progress) -> None:
    try:
        with _open(url) as answer, target.open("wb") as out:
            total = int(answer.headers.get("Content-Length") or 0)
            size = f" ({total / 1_000_000:.1f} MB)" if total else ""
            progress(f"Fetching {label} from {urlsplit(url).netloc}{size}…")
            done, shown = 0, 0
            while chunk := answer.read(_CHUNK):
                done += len(chunk)
                if done > MAX_ZIP_BYTES:
                    raise _failed("fetch " + label, url, "larger than any chromedriver", major)
                out.write(chunk)
                if total and done * 4 // total > shown:
                    shown = done * 4 // total
                    progress(f"  {label}: {min(100, shown * 25)}%")
    except BrowserError:
        raise
    except (OSError, ValueError) as exc:
        raise _failed("fetch " + label, url, _reason(exc), major) from None


def _extract(archive: Path, folder: Path, label: str) -> Path:
    """The chromedriver binary out of the zip, made executable; BrowserError if it is broken."""
    name = _binary_name()
    try:
        with zipfile.ZipFile(archive) as bundle:
            if bundle.testzip() is not None:
                raise zipfile.BadZipFile("CRC mismatch")
            members = [m for m in bundle.namelist() if m.rsplit("/", 1)[-1] == name]
            if not members:
                raise zipfile.BadZipFile(f"no {name} in it")
            binary = folder / name
            with bundle.open(members[0]) as src, binary.open("wb") as dst:
                shutil.copyfileobj(src, dst)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise BrowserError(
            f"The {label} download is not a usable zip ({exc}); try again, or set "
            "fetch_driver = false and install chromedriver yourself."
        ) from None
    binary.chmod(0o755)
    return binary


def fetch_driver(major: int, progress: Progress = say_on_stderr) -> Path:
    """Download, check and cache the chromedriver for `major`; return its path."""
    from filelock import FileLock

    from tui.core.browser.locate import major as major_of
    from tui.core.browser.locate import version_of

    base = os.environ.get(CFT_URL_ENV) or DEFAULT_CFT_URL
    folder = ensure_private_dir(fetched_dir())
    with FileLock(folder / ".fetch.lock", timeout=600, mode=0o600):
        cached = cached_driver(major)  # another entra-aws may have fetched it meanwhile
        if cached is not None:
            return cached
        version, url = _download_url(major, base)
        label = f"ChromeDriver {version}"
        work = Path(tempfile.mkdtemp(prefix="fetch-", dir=folder))
        try:
            archive = work / "chromedriver.zip"
            _download(url, archive, label, major, progress)
            binary = _extract(archive, work, label)
            reported = version_of(binary)
            if major_of(reported) != major:
                raise BrowserError(
                    f"The fetched chromedriver reports version {reported or 'nothing'}, not "
                    f"{major}; {manual_install(major)}."
                )
            final = folder / str(major)
            final.mkdir(mode=0o700, exist_ok=True)
            os.replace(binary, final / binary.name)
        finally:
            with contextlib.suppress(OSError):
                shutil.rmtree(work)
    progress(f"{label} is ready in {final}.")
    log.debug("fetched chromedriver %s", version)
    return final / binary.name
