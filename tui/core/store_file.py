"""Where the session store lives and its format version, with nothing heavier than `os` imported.

`sessions` owns the store; the cached credential_process path reads the same file without it.
"""

from __future__ import annotations

import os

from tui.core.locations import user_dir

STORE_VERSION = 1
STORE_NAME = "sessions.json"


def store_file() -> str:
    return os.path.join(user_dir("state"), STORE_NAME)
