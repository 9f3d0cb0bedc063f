"""A file lock held by another process, as a second entra-aws holding it would."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_HOLD = (
    "import sys,time,filelock; l=filelock.FileLock(sys.argv[1]); l.acquire(); "
    "print('held', flush=True); time.sleep(float(sys.argv[2])); l.release(); time.sleep(60)"
)


@contextmanager
def held_elsewhere(lock: Path, hold: float = 60.0) -> Iterator[None]:
    """`lock` acquired by a child process for `hold` seconds or as long as the block runs."""
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD, str(lock), str(hold)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        yield
    finally:
        holder.kill()
        holder.wait()
