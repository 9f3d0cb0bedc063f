"""Fixtures for the real-Chromium browser tests. Each test module imports the `*_fixture`
functions it needs; pytest then offers them under their short names (`pages`, `browser_home`...).

- `browser_home`: XDG folders under tmp_path (the patched chromedriver copy is shared per session).
- `pages`: a tiny local web server; each test registers the HTML it needs.
- `xvfb`: a private X display for the headful tests.
- `cdp_peer`: a second DevTools connection, to close a tab or window as a person would.
"""

from __future__ import annotations

import contextlib
import html
import http.server
import json
import os
import shutil
import subprocess
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tui.core.browser import BrowserSettings

HAVE_CHROMIUM = bool(
    (shutil.which("chromium") or shutil.which("google-chrome")) and shutil.which("chromedriver")
)
needs_chromium = pytest.mark.skipif(not HAVE_CHROMIUM, reason="Chromium and chromedriver needed")
needs_xvfb = pytest.mark.skipif(
    not (shutil.which("Xvfb") and shutil.which("xdotool")), reason="Xvfb and xdotool needed"
)
ACS = "https://signin.aws.amazon.com/saml"
# A closed window must cancel the sign-in when it is noticed (~0.1 s quiet), not when the 30 s
# timeout runs out; the bound leaves room for a loaded 2-core machine.
CANCEL_BOUND = 5.0


def fast(**overrides: object) -> BrowserSettings:
    """Headless settings with test-sized waits."""
    values: dict[str, object] = {"headless": True, "timeout": 20.0, "person_grace": 1.0}
    values |= overrides
    return BrowserSettings(**values)  # type: ignore[arg-type]


def autopost(action: str, fields: dict[str, str], *, delay_ms: int = 0, target: str = "") -> str:
    """The page Entra ends with: a form that posts itself (optionally to another tab)."""
    inputs = "".join(
        f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
        for k, v in fields.items()
    )
    target_attr = f' target="{target}"' if target else ""
    return (
        f'<html><body><form method="POST" action="{html.escape(action)}"{target_attr}>{inputs}'
        f"</form><script>setTimeout(function(){{document.forms[0].submit()}},{delay_ms})</script>"
        "</body></html>"
    )


class PageServer:
    """Serves registered pages on loopback and remembers every request (method, path, body)."""

    def __init__(self) -> None:
        self.routes: dict[str, str | Callable[[str, bytes], tuple[int, dict[str, str], str]]] = {}
        self.requests: list[tuple[str, str, bytes]] = []
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def _serve(self, method: str) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                path = urlsplit(self.path).path
                server.requests.append((method, self.path, body))
                route = server.routes.get(path)
                if route is None:
                    status, headers, text = 404, {}, "not found"
                elif callable(route):
                    status, headers, text = route(self.headers.get("Cookie", ""), body)
                else:
                    status, headers, text = 200, {}, route
                data = text.encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                self._serve("GET")

            def do_POST(self) -> None:
                self._serve("POST")

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def add(
        self, path: str, page: str | Callable[[str, bytes], tuple[int, dict[str, str], str]]
    ) -> str:
        self.routes[path] = page
        return self.url + path

    def wait_for(self, path: str, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while not any(urlsplit(p).path == path for _, p, _ in self.requests):
            if time.monotonic() > deadline:
                raise AssertionError(f"the browser never asked for {path}")
            time.sleep(0.02)

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="session", name="shared_cache")
def shared_cache_fixture(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("browser-cache")


@pytest.fixture(name="browser_home")
def browser_home_fixture(
    tmp_path: Path, shared_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    """Private XDG folders; the patched chromedriver copy is made once per session."""
    monkeypatch.delenv("ENTRA_AWS_HOME", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(shared_cache))
    for name in ("XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CONFIG_HOME"):
        monkeypatch.setenv(name, str(tmp_path / name.lower()))
    yield tmp_path
    from tui.core.browser import close_all

    close_all()


@pytest.fixture(name="pages")
def pages_fixture() -> Iterator[PageServer]:
    server = PageServer()
    yield server
    server.close()


@pytest.fixture(scope="session", name="xvfb_display")
def xvfb_display_fixture() -> Iterator[str]:
    """A private Xvfb display for the whole session."""
    for number in range(90, 140):
        if (
            not Path(f"/tmp/.X11-unix/X{number}").exists()
            and not Path(f"/tmp/.X{number}-lock").exists()
        ):
            break
    display = f":{number}"
    process = subprocess.Popen(
        ["Xvfb", display, "-screen", "0", "1280x1024x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while not Path(f"/tmp/.X11-unix/X{number}").exists():
        if time.monotonic() > deadline or process.poll() is not None:
            process.kill()
            pytest.skip("Xvfb did not start")
        time.sleep(0.05)
    yield display
    process.terminate()
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=5)


@pytest.fixture(name="xvfb")
def xvfb_fixture(xvfb_display: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("DISPLAY", xvfb_display)
    return xvfb_display


class CdpPeer:
    """A second DevTools client on the browser started on `profile` (via DevToolsActivePort)."""

    def __init__(self, profile: Path) -> None:
        self.profile = profile

    def _args(self, timeout: float = 10.0) -> tuple[int, list[bytes]]:
        """The browser process on this profile and its arguments (found through /proc)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for entry in Path("/proc").iterdir():
                if entry.name.isdigit():
                    with contextlib.suppress(OSError):
                        args = (entry / "cmdline").read_bytes().split(b"\0")
                        if f"--user-data-dir={self.profile}".encode() in args and not any(
                            a.startswith(b"--type=") for a in args
                        ):
                            return int(entry.name), args
            time.sleep(0.02)
        raise AssertionError("no browser process on this profile")

    def _port(self) -> int:
        for arg in self._args()[1]:
            if arg.startswith(b"--remote-debugging-port="):
                return int(arg.split(b"=", 1)[1])
        raise AssertionError("the browser has no DevTools port")

    def targets(self) -> list[dict[str, str]]:
        with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(
            f"http://127.0.0.1:{self._port()}/json/list", timeout=5
        ) as reply:
            return [t for t in json.load(reply) if t.get("type") == "page"]

    def wait_for_page(self, fragment: str, timeout: float = 10.0) -> dict[str, str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError, ValueError, AssertionError):
                for target in self.targets():
                    if fragment in target.get("url", ""):
                        return target
            time.sleep(0.05)
        raise AssertionError(f"no page with {fragment!r} appeared")

    def click(self, fragment: str, selector: str) -> None:
        """Click `selector` on the page whose URL has `fragment`, as a person (a user gesture,
        so pop-ups are allowed)."""
        import websocket

        target = self.wait_for_page(fragment)
        ws = websocket.create_connection(
            target["webSocketDebuggerUrl"], suppress_origin=True, timeout=5
        )
        try:
            found = json.dumps(selector)
            script = f"(() => {{ const e = document.querySelector({found}); e && e.click(); return !!e; }})()"
            params = {"expression": script, "userGesture": True, "returnByValue": True}
            deadline = time.monotonic() + 10
            with contextlib.suppress(websocket.WebSocketException, OSError):
                for number in range(1, 1000):  # until the page has the element (it may still load)
                    ws.send(
                        json.dumps({"id": number, "method": "Runtime.evaluate", "params": params})
                    )
                    reply = json.loads(ws.recv())
                    while reply.get("id") != number:
                        reply = json.loads(ws.recv())
                    if (
                        reply.get("result", {}).get("result", {}).get("value")
                        or time.monotonic() > deadline
                    ):
                        return
                    time.sleep(0.05)
        finally:
            ws.close()

    def close_pages(self) -> float:
        """Close every page as a person closing the window would; returns when it was done."""
        import websocket

        with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(
            f"http://127.0.0.1:{self._port()}/json/version", timeout=5
        ) as reply:
            url = json.load(reply)["webSocketDebuggerUrl"]
        ws = websocket.create_connection(url, suppress_origin=True, timeout=5)
        try:
            for number, target in enumerate(self.targets(), start=1):
                ws.send(
                    json.dumps(
                        {
                            "id": number,
                            "method": "Target.closeTarget",
                            "params": {"targetId": target["id"]},
                        }
                    )
                )
            return time.monotonic()
        finally:
            ws.close()

    def browser_pid(self) -> int:
        return self._args()[0]


def later(delay: float, action: Callable[[], object]) -> threading.Thread:
    """Run `action` on a helper thread after `delay` seconds (while the test signs in)."""

    def run() -> None:
        time.sleep(delay)
        action()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with contextlib.suppress(OSError):
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0] != "Z"
    return False
