"""Our DevTools client: calls, events, errors and shutdown, over a scripted websocket."""

from __future__ import annotations

import http.server
import json
import logging
import queue
import threading
import time

import pytest

from tui.core.browser.devtools import (
    DevTools,
    DevToolsError,
    DevToolsTimeout,
    browser_websocket_url,
)


class FakeSocket:
    """Stands in for websocket-client: `recv` blocks on a queue; `reply` answers sent calls."""

    def __init__(self) -> None:
        self.inbox: queue.Queue[str] = queue.Queue()
        self.sent: list[dict] = []
        self.answer: dict[str, dict] = {}

    def send(self, text: str) -> None:
        message = json.loads(text)
        self.sent.append(message)
        if message["method"] in self.answer:
            self.inbox.put(json.dumps({"id": message["id"], **self.answer[message["method"]]}))

    def recv(self) -> str:
        return self.inbox.get(timeout=10)

    def event(self, method: str, params: dict, session: str | None = None) -> None:
        message = {"method": method, "params": params}
        if session:
            message["sessionId"] = session
        self.inbox.put(json.dumps(message))

    def abort(self) -> None:
        self.inbox.put("")

    def shutdown(self) -> None:
        pass


@pytest.fixture
def wire():
    socket = FakeSocket()
    events: list[tuple[str, dict, str | None]] = []
    closed = threading.Event()
    devtools = DevTools(socket, lambda m, p, s: events.append((m, p, s)), closed.set)
    yield socket, devtools, events, closed
    devtools.close()


def test_a_call_returns_its_result_and_events_go_to_the_handler(wire) -> None:
    socket, devtools, events, _ = wire
    socket.answer["Target.getTargets"] = {"result": {"targetInfos": [{"targetId": "t1"}]}}
    socket.event("Target.targetCreated", {"targetInfo": {"targetId": "t2"}}, "s1")

    result = devtools.call("Target.getTargets")

    assert result == {"targetInfos": [{"targetId": "t1"}]}
    assert socket.sent[0]["method"] == "Target.getTargets" and "sessionId" not in socket.sent[0]
    deadline = time.monotonic() + 2
    while not events and time.monotonic() < deadline:
        time.sleep(0.01)
    assert events == [("Target.targetCreated", {"targetInfo": {"targetId": "t2"}}, "s1")]


def test_session_ids_and_fire_and_forget(wire) -> None:
    socket, devtools, _, _ = wire
    devtools.send("Fetch.continueRequest", {"requestId": "r"}, session_id="s9")
    devtools.send("Fetch.continueRequest", {"requestId": "q"})

    assert socket.sent[0] == {
        "id": socket.sent[0]["id"],
        "method": "Fetch.continueRequest",
        "params": {"requestId": "r"},
        "sessionId": "s9",
    }
    assert socket.sent[1]["id"] != socket.sent[0]["id"]


def test_a_request_does_not_wait(wire) -> None:
    socket, devtools, _, _ = wire

    pending = devtools.request("Page.navigate", {"url": "https://idp/saml2"}, session_id="s1")

    assert not pending.done.is_set()
    socket.inbox.put(json.dumps({"id": socket.sent[0]["id"], "result": {"frameId": "f"}}))
    assert pending.done.wait(2) and pending.result() == {"frameId": "f"}


def test_errors_and_timeouts(wire) -> None:
    socket, devtools, _, _ = wire
    socket.answer["Fetch.enable"] = {"error": {"code": -32000, "message": "Not allowed"}}

    with pytest.raises(DevToolsError, match=r"Fetch\.enable failed: Not allowed"):
        devtools.call("Fetch.enable")
    with pytest.raises(DevToolsTimeout, match=r"no answer within 0\.1 s"):
        devtools.call("Page.navigate", {"url": "x"}, timeout=0.1)


def test_a_closed_connection_fails_calls_at_once_and_reports(wire) -> None:
    socket, devtools, _, closed = wire
    result: list[BaseException] = []

    def waiting_call() -> None:
        try:
            devtools.call("Browser.getVersion", timeout=10)
        except DevToolsError as exc:
            result.append(exc)

    thread = threading.Thread(target=waiting_call)
    thread.start()
    time.sleep(0.1)
    started = time.monotonic()
    socket.inbox.put("")  # the browser went away
    thread.join(timeout=5)

    assert closed.wait(2) and devtools.closed
    assert result and "closed" in str(result[0])
    assert time.monotonic() - started < 1
    with pytest.raises(DevToolsError, match="closed"):
        devtools.call("Browser.getVersion")


def test_a_failing_handler_is_logged_by_type_only(caplog) -> None:
    socket = FakeSocket()

    def handler(method: str, params: dict, session: str | None) -> None:
        raise ValueError(f"secret {params['value']}")

    caplog.set_level(logging.DEBUG, logger="entra_aws.browser")
    devtools = DevTools(socket, handler, lambda: None)
    socket.event("Fetch.requestPaused", {"value": "SAMLResponse=hush"})
    socket.answer["Browser.getVersion"] = {"result": {}}
    devtools.call("Browser.getVersion")  # the reader survived the handler's failure
    devtools.close()

    assert "ValueError" in caplog.text and "hush" not in caplog.text


def test_the_websocket_url_is_read_without_any_proxy(monkeypatch) -> None:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = json.dumps({"webSocketDebuggerUrl": "ws://127.0.0.1:1/devtools/browser/x"})
            self.send_response(200 if self.path == "/json/version" else 404)
            self.end_headers()
            self.wfile.write(body.encode())

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("http_proxy", "http://127.0.0.1:9")
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    monkeypatch.delenv("no_proxy", raising=False)
    monkeypatch.delenv("NO_PROXY", raising=False)
    try:
        address = f"127.0.0.1:{server.server_port}"
        assert browser_websocket_url(address) == "ws://127.0.0.1:1/devtools/browser/x"
    finally:
        server.shutdown()
        server.server_close()
    with pytest.raises(DevToolsError, match="did not answer"):
        browser_websocket_url(address, timeout=0.5)
