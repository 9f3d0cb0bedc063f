"""Cleaning up after a Chromium that did not shut down cleanly on a profile we are about to use.

A stale or foreign `SingletonLock`, or a Chromium left running by a killed entra-aws, makes
chromedriver hang for 60 s and fail with "cannot connect to chrome". The caller holds our own
per-profile file lock, so any Chromium still using this profile is a leftover: end it, then
remove the `Singleton*` files it left behind.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import sys
from pathlib import Path

from tui.core.browser.processes import PROC, alive, cmdline, end_process, parent_pid, ps_command

log = logging.getLogger("entra_aws.browser")

SINGLETON_FILES = ("SingletonLock", "SingletonSocket", "SingletonCookie")


def owns_profile(pid: int, profile: Path) -> bool:
    """`pid` is a browser main process (not a renderer/zygote child) started on `profile`."""
    if not PROC.is_dir():
        command = ps_command(pid)
        return f"--user-data-dir={profile}" in command and "--type=" not in command
    args = cmdline(pid)
    if any(arg.startswith("--type=") for arg in args):
        return False
    for arg in args:
        if arg.startswith("--user-data-dir="):
            with contextlib.suppress(OSError):
                return os.path.samefile(arg.split("=", 1)[1], profile)
    return False


def profile_browsers(profile: Path) -> list[int]:
    """Browser processes using `profile` (Linux: scans /proc; elsewhere: none found)."""
    if not PROC.is_dir():
        return []
    found = []
    for entry in PROC.iterdir():
        pid = int(entry.name) if entry.name.isdigit() else 0
        if pid and pid != os.getpid() and owns_profile(pid, profile):
            found.append(pid)
    return found


def lock_owner(profile: Path) -> tuple[str, int] | None:
    """(hostname, pid) from the `SingletonLock` symlink Chromium writes, if there is one."""
    try:
        target = os.readlink(profile / "SingletonLock")
    except OSError:
        return None
    host, _, pid = target.rpartition("-")
    return (host, int(pid)) if pid.isdigit() else ("", 0)


def clear_leftovers(profile: Path) -> None:
    """End a leftover Chromium on `profile` and remove stale or foreign `Singleton*` files."""
    if sys.platform.startswith("win"):
        return  # Chrome on Windows uses a lockfile the OS frees when the process dies
    for pid in profile_browsers(profile):
        log.debug("ending a leftover browser (pid %d) on this profile", pid)
        end_process(pid)
    owner = lock_owner(profile)
    if owner is not None:
        host, pid = owner
        if host != socket.gethostname():
            log.debug("removing a profile lock written on another host")
        elif pid and alive(pid) and owns_profile(pid, profile):
            log.debug("ending the browser (pid %d) that holds this profile's lock", pid)
            end_process(pid)
    for name in SINGLETON_FILES:
        path = profile / name
        if os.path.lexists(path):
            with contextlib.suppress(OSError):
                path.unlink()


def end_orphaned_drivers(folder: Path) -> None:
    """End chromedrivers from our copies folder whose entra-aws is gone (reparented to init)."""
    if not PROC.is_dir():
        return
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        args = cmdline(int(entry.name))
        if args and args[0].startswith(str(folder)) and parent_pid(int(entry.name)) == 1:
            log.debug("ending an orphaned chromedriver (pid %s)", entry.name)
            end_process(int(entry.name), grace=0.5)
