"""A private copy of chromedriver that undetected-chromedriver may patch.

uc rewrites the binary it is given (it blanks chromedriver's `cdc_` globals), so it must never be
handed the system binary. The copy's name carries the source's size and mtime: a driver upgrade
makes a new copy, and a copy in use by another entra-aws is never rewritten under it.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from tui.core.errors import BrowserError
from tui.core.paths import cache_dir, ensure_private_dir

log = logging.getLogger("entra_aws.browser")

_STALE_AFTER = 24 * 3600.0  # older copies of another source are removed after a day
_ABANDONED_AFTER = 600.0  # a half-made copy (another entra-aws may be making it right now)


def copies_dir() -> Path:
    return cache_dir() / "chromedriver"


def _copy_name(source: Path) -> str:
    stat = source.stat()
    suffix = ".exe" if sys.platform.startswith("win") else ""
    return f"chromedriver-{stat.st_size}-{stat.st_mtime_ns}{suffix}"


def _patch(path: Path, version_main: int) -> None:
    """Let undetected-chromedriver patch `path` in place (its own code, our copy)."""
    from undetected_chromedriver.patcher import Patcher

    patcher = Patcher(executable_path=str(path), version_main=version_main)
    if not patcher.is_binary_patched():
        patcher.patch_exe()


def _remove_old_copies(folder: Path, keep: Path) -> None:
    now = time.time()
    for old in folder.glob("chromedriver-*"):
        if old == keep:
            continue
        limit = _ABANDONED_AFTER if old.name.endswith(".tmp") else _STALE_AFTER
        with contextlib.suppress(OSError):
            if now - old.stat().st_mtime > limit:
                old.unlink()


def prepared_driver(source: Path, version_main: int) -> Path:
    """The patched copy of `source` in the cache, made (atomically) when missing or outdated."""
    try:
        folder = ensure_private_dir(copies_dir())
        target = folder / _copy_name(source)
        if target.is_file() and target.stat().st_size == source.stat().st_size:
            return target
        fd, tmp_name = tempfile.mkstemp(prefix="chromedriver-", suffix=".tmp", dir=folder)
        os.close(fd)
        tmp = Path(tmp_name)
        try:
            shutil.copyfile(source, tmp)
            tmp.chmod(0o700)
            _patch(tmp, version_main)
            os.replace(tmp, target)
        finally:
            with contextlib.suppress(OSError):
                tmp.unlink()
    except OSError as exc:
        raise BrowserError(
            f"Could not copy chromedriver into {copies_dir()} ({exc.strerror or exc}); "
            "make that folder writable and try again."
        ) from None
    log.debug("patched chromedriver copy ready: %s", target.name)
    _remove_old_copies(folder, target)
    return target
