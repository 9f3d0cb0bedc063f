"""Small, portable process helpers: is it alive, reap it, end it, what was it started with.

Careful with the obvious tools: uc discards Chromium's Popen, so an exited Chromium is a zombie
that `os.kill(pid, 0)` still finds; and on Windows `os.kill(pid, 0)` would *terminate* the process.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

PROC = Path("/proc")
_WINDOWS = sys.platform.startswith("win")


def _alive_windows(pid: int) -> bool:
    import ctypes

    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    handle = kernel32.OpenProcess(0x00100000, False, pid)  # SYNCHRONIZE
    if not handle:
        return False
    try:
        return bool(kernel32.WaitForSingleObject(handle, 0) == 0x102)  # WAIT_TIMEOUT: running
    finally:
        kernel32.CloseHandle(handle)


def alive(pid: int) -> bool:
    """True while `pid` runs (a zombie counts as gone)."""
    if _WINDOWS:
        return _alive_windows(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return not PROC.is_dir()  # no /proc (macOS): trust kill(0) after reaping
    return stat.rpartition(")")[2].split()[:1] != ["Z"]


def reap(pid: int) -> int | None:
    """Collect our own child's exit status if it has exited (-N: killed by signal N)."""
    if _WINDOWS:
        return None
    with contextlib.suppress(ChildProcessError, OSError):
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
    return None


def end_process(pid: int, grace: float = 2.0) -> None:
    """SIGTERM (Chromium saves cookies on it), then SIGKILL if it is still there after `grace`."""
    kill = getattr(signal, "SIGKILL", signal.SIGTERM)
    for sig, wait in ((signal.SIGTERM, grace), (kill, 1.0)):
        try:
            os.kill(pid, sig)
        except (ProcessLookupError, PermissionError, OSError):
            return
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            reap(pid)
            if not alive(pid):
                return
            time.sleep(0.02)


def cmdline(pid: int) -> list[str]:
    """A process's arguments from /proc (Linux); [] when unknown."""
    try:
        raw = (PROC / str(pid) / "cmdline").read_bytes()
    except OSError:
        return []
    return [part.decode("utf-8", "replace") for part in raw.split(b"\0") if part]


def ps_command(pid: int) -> str:
    """A process's command line from `ps` (macOS and other POSIX without /proc); "" if unknown."""
    try:
        done = subprocess.run(
            ["ps", "-ww", "-o", "command=", "-p", str(pid)],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return done.stdout.strip()


def parent_pid(pid: int) -> int | None:
    try:
        return int((PROC / str(pid) / "stat").read_text().rpartition(")")[2].split()[1])
    except (OSError, ValueError, IndexError):
        return None
