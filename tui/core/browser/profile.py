"""One persistent Chromium profile per Entra tenant (or per `browser_profile`), under our own lock.

The profile keeps Entra's "Stay signed in" cookie between runs, and that cookie belongs to the
tenant, so every account of the tenant signs in silently once one has. Two entra-aws processes must
never start Chromium on the same profile (chromedriver would hang), so each sign-in holds a file
lock beside the profile for its whole life; a second one queues behind it rather than failing.
Profiles of earlier versions were per account: the newest is carried over on first use.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from tui.core.browser.leftovers import clear_leftovers
from tui.core.errors import BrowserError
from tui.core.paths import data_dir, ensure_private_dir

log = logging.getLogger("entra_aws.browser")

LOCK_WAIT = 300.0  # seconds to queue behind another sign-in on the same profile by default
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@+=,-]{0,127}$")
# Where Chromium keeps cookies: `Network/Cookies` since Chrome 96, `Cookies` before.
_COOKIE_STORES = (Path("Default/Network/Cookies"), Path("Default/Cookies"))
# Session restore's record of the tabs (`Sessions/` since Chrome 100, the files before): each
# page's history with its POST body, so the SAMLResponse posted to the ACS. We never restore tabs.
_TAB_STATE = ("Sessions", "Current Session", "Current Tabs", "Last Session", "Last Tabs")


def profiles_dir() -> Path:
    return data_dir() / "profiles"


def _folder(profile: str) -> Path:
    if not _NAME_RE.match(profile) or ".." in profile:
        raise BrowserError(
            f"{profile!r} cannot name a browser profile; use letters, digits, '.', '_' and '-'."
        )
    return profiles_dir() / profile


def profile_path(profile: str) -> Path:
    """The account's Chromium profile folder, created private (0700)."""
    ensure_private_dir(profiles_dir())
    return ensure_private_dir(_folder(profile))


def _cookies_at(folder: Path) -> float | None:
    """When the folder's cookie store last changed (its last sign-in), None without one."""
    times = []
    for store in _COOKIE_STORES:
        with contextlib.suppress(OSError):
            if (folder / store).is_file():
                times.append((folder / store).stat().st_mtime)
    return max(times) if times else None


def has_signed_in_before(profile: str, legacy: Sequence[str] = ()) -> bool:
    """The profile (or an old per-account one it will carry over) has a cookie store, so a
    headless sign-in may be silent. Creates nothing."""
    for name in (profile, *legacy):
        try:
            folder = _folder(name)
        except BrowserError:
            continue
        if _cookies_at(folder) is not None:
            return True
    return False


def carry_over(folder: Path, legacy: Sequence[str]) -> str | None:
    """Move the most recently signed-in of the old per-account profiles `legacy` to `folder`,
    when `folder` has never signed in; the others stay where they were. Returns the one moved."""
    if _cookies_at(folder) is not None:
        return None
    found = []
    for name in legacy:
        with contextlib.suppress(BrowserError):
            old = _folder(name)
            if old != folder and (when := _cookies_at(old)) is not None:
                found.append((when, name, old))
    if not found:
        return None
    _, name, old = max(found)
    try:
        clear_leftovers(old)
        shutil.rmtree(folder, ignore_errors=True)
        os.replace(old, folder)
    except OSError as exc:
        log.debug("could not carry over the profile of %s: %s", name, exc.strerror or exc)
        ensure_private_dir(folder)
        return None
    log.debug("carried the browser profile of %s over to %s", name, folder.name)
    return name


def forget_tabs(folder: Path) -> None:
    """Remove the profile's session-restore files, which hold the posted SAMLResponse."""
    for name in _TAB_STATE:
        path = folder / "Default" / name
        with contextlib.suppress(OSError):
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            elif os.path.lexists(path):
                path.unlink()


@contextlib.contextmanager
def profile_in_use(
    profile: str,
    wait: float = LOCK_WAIT,
    *,
    legacy: Sequence[str] = (),
    on_wait: Callable[[str], None] | None = None,
) -> Iterator[Path]:
    """Hold the profile's lock (queueing up to `wait` seconds behind another sign-in, saying so
    once through `on_wait`), carry over an old per-account profile, clean up after any earlier
    crash, and yield the folder."""
    from filelock import FileLock, Timeout

    folder = profile_path(profile)
    lock = FileLock(profiles_dir() / f".{profile}.lock", timeout=wait, mode=0o600)
    try:
        try:
            lock.acquire(timeout=0)
        except Timeout:
            if on_wait is not None:
                on_wait("Waiting for another sign-in with this browser profile to finish…")
            lock.acquire(timeout=max(0.0, wait))
    except Timeout:
        raise BrowserError(
            f"Another sign-in with the browser profile {profile} did not finish within "
            f"{round(wait, 1):g} s; finish or close that sign-in, then try again."
        ) from None
    except OSError as exc:
        raise BrowserError(
            f"Could not lock the browser profile {folder} ({exc.strerror or exc}); "
            "make its folder writable and try again."
        ) from None
    try:
        carry_over(folder, legacy)
        clear_leftovers(folder)
        forget_tabs(folder)  # what a crashed sign-in left
        yield folder
    finally:
        forget_tabs(folder)  # the browser is closed by now
        lock.release()
