"""Our own DevTools websocket to Chromium's browser target.

uc already starts Chromium with a remote-debugging port. Talking to the browser target ourselves
(instead of through chromedriver, which wedges on Fetch) lets us pause the ACS POST in every tab and
pop-up, see windows open and close, and probe pages without ever blocking on a navigation.

One reader thread receives everything: replies complete the matching `call`, events go to
`on_event` (still on the reader thread, so handlers must be quick and must not `call`).
"""

from __future__ import annotations

import itertools
import json
import logging
import threading
import urllib.request
from collections.abc import Callable
from typing import Any

log = logging.getLogger("entra_aws.browser")

EventHandler = Callable[[str, dict[str, Any], str | None], None]
_LOCAL = ["127.0.0.1", "localhost", "::1"]


class DevToolsError(Exception):
    """A DevTools call failed, timed out, or the connection is gone."""


class DevToolsTimeout(DevToolsError):
    """A call got no answer in time (the page may just be busy)."""


class Pending:
    """A sent call; `done` is set when its reply arrives or the connection closes."""

    def __init__(self, method: str) -> None:
        self.method = method
        self.done = threading.Event()
        self.reply: dict[str, Any] = {}

    def result(self) -> dict[str, Any]:
        """The call's result, or DevToolsError with CDP's message (or for a closed connection)."""
        if "error" in self.reply:
            error = self.reply["error"]
            detail = error.get("message", "") if isinstance(error, dict) else ""
            raise DevToolsError(f"{self.method} failed: {detail}")
        if "result" not in self.reply:
            raise DevToolsError(f"{self.method}: the DevTools connection is closed")
        result = self.reply["result"]
        return result if isinstance(result, dict) else {}


def browser_websocket_url(debugger_address: str, timeout: float = 5.0) -> str:
    """`webSocketDebuggerUrl` from `/json/version`, asked directly (never through a proxy)."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(f"http://{debugger_address}/json/version", timeout=timeout) as reply:
            info = json.load(reply)
    except (OSError, ValueError) as exc:
        raise DevToolsError(f"DevTools did not answer on {debugger_address}: {exc}") from None
    url = info.get("webSocketDebuggerUrl") if isinstance(info, dict) else None
    if not isinstance(url, str):
        raise DevToolsError("DevTools gave no webSocketDebuggerUrl")
    return url


class DevTools:
    """A CDP connection: blocking `call`, fire-and-forget `send`, events to `on_event`."""

    def __init__(self, ws: Any, on_event: EventHandler, on_close: Callable[[], None]) -> None:
        self._ws = ws
        self._on_event = on_event
        self._on_close = on_close
        self._ids = itertools.count(1)
        self._pending: dict[int, Pending] = {}
        self._lock = threading.Lock()
        self._closed = threading.Event()
        self._reader = threading.Thread(target=self._read, name="entra-aws-devtools", daemon=True)
        self._reader.start()

    @classmethod
    def connect(
        cls,
        debugger_address: str,
        on_event: EventHandler,
        on_close: Callable[[], None],
        timeout: float = 5.0,
    ) -> DevTools:
        import websocket

        url = browser_websocket_url(debugger_address, timeout)
        try:
            ws = websocket.create_connection(
                url,
                timeout=timeout,
                suppress_origin=True,
                skip_utf8_validation=True,  # a 1 MB assertion would take ~0.5 s in pure Python
                http_no_proxy=_LOCAL,
                enable_multithread=True,
            )
        except (OSError, websocket.WebSocketException) as exc:
            raise DevToolsError(f"could not open the DevTools websocket: {exc}") from None
        ws.settimeout(None)
        return cls(ws, on_event, on_close)

    @property
    def closed(self) -> bool:
        return self._closed.is_set()

    def _send(
        self, ident: int, method: str, params: dict[str, Any] | None, session_id: str | None
    ) -> None:
        message: dict[str, Any] = {"id": ident, "method": method, "params": params or {}}
        if session_id:
            message["sessionId"] = session_id
        if self.closed:
            raise DevToolsError("the DevTools connection is closed")
        try:
            self._ws.send(json.dumps(message))
        except Exception as exc:  # websocket-client raises several unrelated types
            raise DevToolsError(f"{method} could not be sent: {type(exc).__name__}") from None

    def send(
        self, method: str, params: dict[str, Any] | None = None, *, session_id: str | None = None
    ) -> None:
        """Send without waiting for the reply (safe from the reader thread)."""
        self._send(next(self._ids), method, params, session_id)

    def request(
        self, method: str, params: dict[str, Any] | None = None, *, session_id: str | None = None
    ) -> Pending:
        """Send and return at once; the reply lands in the returned `Pending`."""
        pending = Pending(method)
        with self._lock:
            ident = next(self._ids)
            self._pending[ident] = pending
        try:
            self._send(ident, method, params, session_id)
        except DevToolsError:
            with self._lock:
                self._pending.pop(ident, None)
            raise
        return pending

    def call(
        self,
        method: str,
        params: dict[str, Any] | None = None,
        *,
        session_id: str | None = None,
        timeout: float = 5.0,
    ) -> dict[str, Any]:
        """Send and wait (at most `timeout`) for the result; never call from the reader thread."""
        pending = self.request(method, params, session_id=session_id)
        if not pending.done.wait(timeout):
            with self._lock:
                self._pending = {k: v for k, v in self._pending.items() if v is not pending}
            raise DevToolsTimeout(f"{method} got no answer within {timeout:g} s")
        return pending.result()

    def _read(self) -> None:
        try:
            while True:
                raw = self._ws.recv()
                if not raw:
                    break
                message = json.loads(raw)
                if "id" in message:
                    with self._lock:
                        pending = self._pending.pop(message["id"], None)
                    if pending is not None:
                        pending.reply = message
                        pending.done.set()
                elif "method" in message:
                    self._dispatch(message)
        except Exception as exc:  # the socket closing is the normal way out
            log.debug("devtools reader stopped: %s", type(exc).__name__)
        finally:
            self._closed.set()
            with self._lock:
                for pending in self._pending.values():
                    pending.done.set()
                self._pending.clear()
            self._on_close()

    def _dispatch(self, message: dict[str, Any]) -> None:
        params = message.get("params")
        try:
            self._on_event(
                message["method"],
                params if isinstance(params, dict) else {},
                message.get("sessionId"),
            )
        except Exception as exc:  # type only: a message could quote what the handler was reading
            log.error("the %s handler failed: %s", message["method"], type(exc).__name__)

    def close(self) -> None:
        """Drop the connection at once; the reader thread wakes up and ends."""
        if not self._closed.is_set():
            try:
                self._ws.abort()
            except Exception as exc:
                log.debug("devtools abort: %s", type(exc).__name__)
        try:
            self._ws.shutdown()
        except Exception as exc:
            log.debug("devtools shutdown: %s", type(exc).__name__)
        self._reader.join(timeout=2.0)
