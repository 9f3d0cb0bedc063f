"""Helpers for the secret-hygiene and concurrency tests (imported explicitly by those modules).

- `Secrets`: every secret a test produced (SAMLResponses and the distinctive parts of their XML,
  secret keys, session tokens, console URLs and SigninTokens, IdP cookies), each with a label, so
  a failure names what leaked and where without printing the secret itself.
- `Sinks`: every text that must never hold one (stderr, logs, toasts, error dialogs, exception
  messages, server output), checked with `assert_no_leaks`, plus `files_under` for whole folders.
- `debug_logging`: in-process `setup_logging("debug")` into the current ENTRA_AWS_HOME, undone after.
- `RecordingSigner` and `WatchedApp`: the TUI with an injected signer, remembering every toast
  and every error dialog it showed.
- `record_idp`: remembers every SAMLResponse and Set-Cookie the demo IdP hands out.
"""

from __future__ import annotations

import base64
import contextlib
import logging
import os
import re
import stat
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, quote_plus, urlsplit

import pytest

from tests.e2e.conftest import World
from tests.isolation import LOGGERS
from tui.app import EntraAwsApp
from tui.core.assertion import Assertion
from tui.core.sessions import Session
from tui.core.signin import SignInRequest, decode_for_account

CHUNK = 40  # any leaked run of 2 * CHUNK - 1 characters of a long secret holds an aligned chunk
LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (DEBUG|INFO|WARNING|ERROR|CRITICAL) ")
_XML_SECRETS = re.compile(r"<(?:\w+:)?(SignatureValue|DigestValue)>([^<]+)</", re.S)
_XML_IDS = re.compile(r'\bID="([^"]+)"')


@dataclass
class Secrets:
    """needle -> label; every needle is long enough that a hit cannot be chance."""

    needles: dict[str, str] = field(default_factory=dict, repr=False)  # not in failure output

    def add(self, label: str, value: str | None, *, chunks: bool = False) -> None:
        if not value or len(value) < 16:
            return
        for variant in {value, quote(value, safe=""), quote_plus(value)}:
            self.needles.setdefault(variant, label)
        if chunks and len(value) > 2 * CHUNK:
            for start in range(0, len(value) - CHUNK + 1, CHUNK):
                self.needles.setdefault(value[start : start + CHUNK], f"{label} (part)")

    def add_saml(self, label: str, saml_b64: str) -> None:
        """The base64 as posted (whole and in chunks) and its XML's signature, digests and IDs."""
        compact = "".join(saml_b64.split())
        self.add(label, compact, chunks=True)
        try:
            xml = base64.b64decode(compact, validate=False).decode("utf-8", "replace")
        except ValueError:
            return
        for name, value in _XML_SECRETS.findall(xml):
            self.add(f"{label} {name}", "".join(value.split()), chunks=True)
        for value in _XML_IDS.findall(xml):
            self.add(f"{label} ID", value)

    def add_session(self, label: str, session: Session | dict[str, Any]) -> None:
        data = session.to_json() if isinstance(session, Session) else session
        secret = data.get("secret_access_key") or data.get("SecretAccessKey")
        token = data.get("session_token") or data.get("SessionToken")
        self.add(f"{label} secret key", secret)
        self.add(f"{label} session token", token, chunks=True)

    def add_console_url(self, label: str, url: str) -> None:
        self.add(f"{label} console URL", url.strip())
        for token in parse_qs(urlsplit(url.strip()).query).get("SigninToken", []):
            self.add(f"{label} SigninToken", token, chunks=True)

    def add_exports(self, label: str, text: str) -> None:
        """Secrets in shell exports or a credentials file (`KEY=value`, `KEY = value`, fish...)."""
        pattern = r"(?i)(?:secret_access_key|session_token)\W+([A-Za-z0-9+/=]{16,})"
        for value in re.findall(pattern, text):
            self.add(f"{label} exported value", value, chunks=len(value) > 64)

    def leaks(self, text: str | bytes) -> set[str]:
        """Labels of the secrets found in `text`."""
        if isinstance(text, bytes):
            return {label for needle, label in self.needles.items() if needle.encode() in text}
        return {label for needle, label in self.needles.items() if needle in text}

    def __len__(self) -> int:
        return len(self.needles)


@dataclass
class Sinks:
    """Texts that must hold no secret, each with where it came from."""

    texts: list[tuple[str, str]] = field(default_factory=list, repr=False)

    def add(self, where: str, text: str | None) -> None:
        self.texts.append((where, text or ""))

    def add_result(self, what: str, result: Any, *, stdout: bool) -> None:
        """A finished command: its stderr always, its stdout when it must be clean too."""
        self.add(f"stderr of {what}", result.stderr)
        if stdout:
            self.add(f"stdout of {what}", result.stdout)


def assert_no_leaks(secrets: Secrets, sinks: Sinks) -> None:
    assert len(secrets) > 0, "no secrets were collected: the test would prove nothing"
    found = [f"{label} in {where}" for where, text in sinks.texts for label in secrets.leaks(text)]
    assert not found, "secrets leaked:\n" + "\n".join(sorted(set(found)))


def files_under(root: Path, exempt: Iterable[Path] = ()) -> Iterator[Path]:
    skip = {p.resolve() for p in exempt}
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink() and path.resolve() not in skip:
            yield path


def assert_no_leaks_in_files(secrets: Secrets, root: Path, exempt: Iterable[Path] = ()) -> int:
    """Every file under `root` but `exempt`; returns how many were read."""
    found, count = [], 0
    for path in files_under(root, exempt):
        count += 1
        found += [
            f"{label} in {path.relative_to(root)}" for label in secrets.leaks(path.read_bytes())
        ]
    assert not found, "secrets leaked into files:\n" + "\n".join(sorted(set(found)))
    return count


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def assert_private(*files: Path) -> None:
    """Each file 0600 in a 0700 folder."""
    for path in files:
        assert mode(path) == 0o600, f"{path.name} is {oct(mode(path))}, not 0600"
        assert mode(path.parent) == 0o700, f"{path.parent} is {oct(mode(path.parent))}, not 0700"


def assert_debug_log(path: Path) -> str:
    """The log exists, is 0600, got DEBUG lines, and every line is whole; returns its text."""
    assert path.exists(), "no log file was written at --log-level debug"
    assert mode(path) == 0o600, f"the log is {oct(mode(path))}, not 0600"
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    assert any(" DEBUG " in line for line in lines), "the log got no DEBUG lines"
    starts = [line for line in lines if line and not line.startswith((" ", "Traceback"))]
    torn = [line[:60] for line in starts if not LOG_LINE.match(line)]
    assert not torn, f"log lines that are not whole records: {torn[:5]}"
    return text


# -- running `entra-aws` at the most verbose level ------------------------------------------


def run_debug(world: World, *args: str, **kwargs: Any) -> Any:
    """`entra-aws --log-level debug ARGS` with ENTRA_AWS_LOG_LEVEL=debug too."""
    env = kwargs.pop("env", {})
    return world.run("--log-level", "debug", *args, ENTRA_AWS_LOG_LEVEL="debug", **env, **kwargs)


@contextlib.contextmanager
def debug_logging() -> Iterator[Path]:
    """`setup_logging("debug")` in this process (into today's ENTRA_AWS_HOME); undone after."""
    from tui.core import logs

    saved = {}
    for name in LOGGERS:
        logger = logging.getLogger(name)
        saved[name] = (list(logger.handlers), logger.level, logger.propagate)
        logger.handlers.clear()
    saved_path = logs._active_path
    logs._active_path = None
    logs.setup_logging("debug")
    path = Path(logs.log_path())
    try:
        yield path
    finally:
        for name, (handlers, level, propagate) in saved.items():
            logger = logging.getLogger(name)
            for handler in logger.handlers:
                handler.close()
            logger.handlers[:] = handlers
            logger.setLevel(level)
            logger.propagate = propagate
        logs._active_path = saved_path


@pytest.fixture
def in_process(world: World, monkeypatch: pytest.MonkeyPatch) -> World:
    """This process sees the world as `entra-aws` does: its HOME, ENTRA_AWS_HOME, no display."""
    for name in list(os.environ):
        if name.startswith(("AWS_", "ENTRA_AWS_", "XDG_")):
            monkeypatch.delenv(name)
    for name, value in world.env().items():
        if name.startswith(("AWS_", "ENTRA_AWS_")) or name == "HOME":
            monkeypatch.setenv(name, value)
    for name in ("DISPLAY", "WAYLAND_DISPLAY"):
        monkeypatch.delenv(name, raising=False)
    import pyperclip

    def no_clipboard(text: str) -> None:
        raise pyperclip.PyperclipException("no clipboard here")

    monkeypatch.setattr(pyperclip, "copy", no_clipboard)
    return world


# -- the TUI with an injected signer -----------------------------------------------------------


@dataclass
class RecordingSigner:
    """Signs in by building a fresh signed SAMLResponse (no browser); remembers each one.

    `errors` are raised first, in order; `options` go to the assertion builder (e.g. an old
    issue_instant); `before_return` runs with the new SAMLResponse (e.g. to arm an STS fault).
    """

    world: World
    roles: tuple[str, ...]
    secrets: Secrets | None = None
    errors: list[BaseException] = field(default_factory=list)
    options: dict[str, Any] = field(default_factory=dict)
    before_return: Callable[[str], None] | None = None
    issued: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, request: SignInRequest) -> Assertion:
        with self.lock:
            if self.errors:
                raise self.errors.pop(0)
            saml = self.world.assertion(*self.roles, **self.options)
            self.issued.append(saml)
            if self.secrets is not None:
                self.secrets.add_saml("TUI SAMLResponse", saml)
            if self.before_return is not None:
                self.before_return(saml)
        return decode_for_account(saml, request.account)


class WatchedApp(EntraAwsApp):
    """The real App, remembering every toast (title, message) and every error dialog's text."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.toasts: list[tuple[str, str]] = []
        self.error_texts: list[str] = []

    def notify(self, message: Any, *args: Any, **kwargs: Any) -> None:
        self.toasts.append((str(kwargs.get("title", "")), str(message)))
        super().notify(message, *args, **kwargs)

    def push_screen(self, screen: Any, *args: Any, **kwargs: Any) -> Any:
        from tui.dialogs.error import ErrorDialog

        if isinstance(screen, ErrorDialog):
            self.error_texts.append(screen.text)
        return super().push_screen(screen, *args, **kwargs)

    def shown_texts(self) -> list[tuple[str, str]]:
        """Everything a person could read in a toast or an error dialog so far."""
        texts = [(f"toast {title!r}", f"{title}\n{message}") for title, message in self.toasts]
        texts += [("notification", f"{n.title}\n{n.message}") for n in self._notifications]
        texts += [("error dialog", text) for text in self.error_texts]
        return texts


async def settle(app: EntraAwsApp, pilot: Any) -> None:
    """Let workers finish and the messages they posted be handled."""
    for _ in range(3):
        await app.workers.wait_for_complete()
        await pilot.pause()


# -- the demo IdP, recorded ---------------------------------------------------------------------


@dataclass
class IdpRecord:
    saml_responses: list[str] = field(default_factory=list)
    cookies: list[str] = field(default_factory=list)


@pytest.fixture
def record_idp(monkeypatch: pytest.MonkeyPatch) -> IdpRecord:
    """Every SAMLResponse (success or refusal) and session cookie value the demo IdP issues."""
    from tui.demo.idp import flow as idp_flow

    record = IdpRecord()
    original = idp_flow.hidden_form_reply

    def recording(flow: Any, saml: str, cookies: list[str]) -> Any:
        record.saml_responses.append(saml)
        record.cookies += [c.split(";", 1)[0].split("=", 1)[1] for c in cookies]
        return original(flow, saml, cookies)

    monkeypatch.setattr(idp_flow, "hidden_form_reply", recording)
    return record
