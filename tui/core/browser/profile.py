"""One persistent Chromium profile per account, guarded by our own lock.

The profile keeps Entra's "Stay signed in" cookie between runs, so the second sign-in of the day is
silent. Two entra-aws processes must never start Chromium on the same profile (chromedriver would
hang), so each sign-in holds a file lock beside the profile for its whole life.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

from tui.core.browser.leftovers import clear_leftovers
from tui.core.errors import BrowserError
from tui.core.paths import data_dir, ensure_private_dir

log = logging.getLogger("entra_aws.browser")

LOCK_WAIT = 3.0  # seconds to wait for another sign-in on the same profile to finish
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


def has_signed_in_before(profile: str) -> bool:
    """The profile has a cookie store, so a headless sign-in may be silent. Creates nothing."""
    try:
        folder = _folder(profile)
    except BrowserError:
        return False
    return any((folder / store).is_file() for store in _COOKIE_STORES)


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
def profile_in_use(profile: str, wait: float = LOCK_WAIT) -> Iterator[Path]:
    """Hold the profile's lock, clean up after any earlier crash, and yield the folder."""
    from filelock import FileLock, Timeout

    folder = profile_path(profile)
    lock = FileLock(profiles_dir() / f".{profile}.lock", timeout=wait, mode=0o600)
    try:
        lock.acquire()
    except Timeout:
        raise BrowserError(
            f"Account {profile} is already signing in in another window; finish or close that "
            "sign-in, then try again."
        ) from None
    except OSError as exc:
        raise BrowserError(
            f"Could not lock the browser profile {folder} ({exc.strerror or exc}); "
            "make its folder writable and try again."
        ) from None
    try:
        clear_leftovers(folder)
        forget_tabs(folder)  # what a crashed sign-in left
        yield folder
    finally:
        forget_tabs(folder)  # the browser is closed by now
        lock.release()
