"""Atomic, private file writes and cross-process locks.

Every file that may hold a secret is written to a temp file in the same folder (mode 0600 from
creation), fsynced, then renamed over the target, so a reader sees the old file or the new one,
never half of either, and a failed write (full disk, read-only folder) leaves the old file intact.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from tui.core.errors import FileWriteError
from tui.core.paths import ensure_private_dir

LOCK_TIMEOUT = 30.0


def _reason(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return "the disk is full"
    if exc.errno == errno.EDQUOT:
        return "the disk quota is exceeded"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission was denied"
    if exc.errno == errno.EROFS:
        return "the file system is read-only"
    return exc.strerror or type(exc).__name__


def atomic_write(
    path: Path, data: str | bytes, *, mode: int = 0o600, private_dir: bool = False
) -> None:
    """Replace `path` with `data` atomically; the file gets `mode` from its first byte."""
    target = path.resolve() if path.is_symlink() else path
    folder = target.parent
    try:
        if private_dir:
            ensure_private_dir(folder)
        else:
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        payload = data.encode("utf-8") if isinstance(data, str) else data
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise FileWriteError(
            f"Could not write {path}: {_reason(exc)}; fix that and try again."
        ) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), mode)
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise FileWriteError(
            f"Could not write {path}: {_reason(exc)}; the previous file is unchanged."
        ) from None
    with contextlib.suppress(OSError):
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


@contextlib.contextmanager
def locked(path: Path, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
    """Hold a cross-process lock on `path` (a sibling `.lock` file) for the block."""
    from filelock import FileLock, Timeout  # imported here: ~7 ms the TUI's first frame skips

    lock_path = path.with_name(f".{path.name}.lock")
    try:
        lock_path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        lock = FileLock(lock_path, timeout=timeout, mode=0o600)
        lock.acquire()
    except Timeout:
        raise FileWriteError(
            f"Another entra-aws process has held {lock_path} for {timeout:.0f} s; "
            "wait for it or delete that lock file if no other entra-aws is running."
        ) from None
    except OSError as exc:
        raise FileWriteError(
            f"Could not lock {path}: {_reason(exc)}; nothing was written, so fix that and try again."
        ) from None
    try:
        yield
    finally:
        lock.release()
