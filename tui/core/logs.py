"""Logging to a private file, with a last-line filter that masks anything shaped like a secret.

Nothing we log should hold a secret in the first place; the filter is there for the day a
library or a future change logs one by mistake.
"""

from __future__ import annotations

import logging
import os
import re

from tui.core.paths import ensure_private_dir, state_dir

LEVEL_ENV = "ENTRA_AWS_LOG_LEVEL"
# Long base64 runs (assertions, session tokens, secret keys) and key=value pairs that name secrets.
_SECRET_RUN = re.compile(r"[A-Za-z0-9+/_-]{32,}={0,2}")
_SECRET_PAIR = re.compile(
    r"(?i)((?:SAMLResponse|SAMLAssertion|SecretAccessKey|secret_access_key|SessionToken|session_token|"
    r"sessionKey|SigninToken|Session)[\"']?\s*[=:]\s*[\"']?)[^\s\"'&,}]+"
)


def redact(text: str) -> str:
    text = _SECRET_PAIR.sub(r"\1[redacted]", text)
    return _SECRET_RUN.sub("[redacted]", text)


class RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = redact(record.getMessage())
        record.msg, record.args = message, ()
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


_active_path: str | None = None


def log_path() -> str:
    """The file logs go to: fixed when logging is set up (the demo later moves ENTRA_AWS_HOME)."""
    return _active_path or str(state_dir() / "entra-aws.log")


def setup_logging(level: str | None = None) -> None:
    """Log to `<state>/entra-aws.log` (0600) at `level`, `$ENTRA_AWS_LOG_LEVEL`, or WARNING."""
    name = (level or os.environ.get(LEVEL_ENV) or "WARNING").upper()
    numeric = logging.getLevelName(name)
    if not isinstance(numeric, int):
        numeric = logging.WARNING
    root = logging.getLogger("entra_aws")
    root.setLevel(numeric)
    root.propagate = False
    if root.handlers:
        return
    global _active_path
    _active_path = str(state_dir() / "entra-aws.log")
    try:
        ensure_private_dir(state_dir())
        fd = os.open(log_path(), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.close(fd)
        os.chmod(log_path(), 0o600)
        handler: logging.Handler = logging.FileHandler(log_path(), encoding="utf-8")
    except OSError:
        handler = logging.NullHandler()
    handler.addFilter(RedactingFilter())
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    for library in ("botocore", "urllib3", "selenium", "undetected_chromedriver", "websocket"):
        lib = logging.getLogger(library)
        lib.setLevel(max(numeric, logging.INFO) if numeric <= logging.DEBUG else numeric)
        lib.addHandler(handler)
        lib.propagate = False
