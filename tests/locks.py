"""A file lock held by another process, as a second entra-aws holding it would."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_HOLD = (
    "import sys,time,filelock; l=filelock.FileLock(sys.argv[1]); l.acquire(); "
    "print('held', flush=True); time.sleep(60)"
)


@contextmanager
def held_elsewhere(lock: Path) -> Iterator[None]:
    """`lock` acquired by a child process for as long as the block runs."""
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD, str(lock)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        yield
    finally:
        holder.kill()
        holder.wait()
