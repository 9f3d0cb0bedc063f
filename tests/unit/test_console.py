"""console.py: the one-time AWS console sign-in URL, against a local federation endpoint."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from tui.core.console import console_url, destination_for, signin_token
from tui.core.errors import EntraAwsError

from .builders import session


class Federation:
    """A stand-in for https://signin.aws.amazon.com/federation: `status` and `body` per test."""

    def __init__(self) -> None:
        self.status = 200
        self.body = json.dumps({"SigninToken": "TOKEN-123"}).encode()
        self.queries: list[dict[str, list[str]]] = []
        federation = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                federation.queries.append(parse_qs(urlsplit(self.path).query))
                self.send_response(federation.status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(federation.body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/federation"


@pytest.fixture
def federation() -> Iterator[Federation]:
    fed = Federation()
    thread = threading.Thread(target=fed.server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    yield fed
    fed.server.shutdown()
    fed.server.server_close()


def test_console_url(federation):
    s = session(region="eu-west-1")
    url = console_url(s, federation.url)

    [query] = federation.queries
    assert query["Action"] == ["getSigninToken"]
    payload = json.loads(query["Session"][0])
    assert payload == {
        "sessionId": s.access_key_id,
        "sessionKey": s.secret_access_key,
        "sessionToken": s.session_token,
    }

    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == federation.url
    login = parse_qs(parts.query)
    assert login["Action"] == ["login"]
    assert login["SigninToken"] == ["TOKEN-123"]
    assert login["Destination"] == ["https://console.aws.amazon.com/console/home?region=eu-west-1"]
    assert login["Issuer"] == ["entra-aws"]
    assert s.secret_access_key not in url and s.session_token not in url


def test_destination_follows_the_partition():
    assert destination_for("us-gov-west-1").startswith("https://console.amazonaws-us-gov.com/")
    assert destination_for("cn-north-1") == (
        "https://console.amazonaws.cn/console/home?region=cn-north-1"
    )


@pytest.mark.parametrize(
    ("status", "body", "fragment"),
    [
        (400, b'{"message": "expired"}', "refused the session (HTTP 400)"),
        (200, b"<html>captive portal</html>", "answered with something unexpected"),
        (200, b'{"NoToken": true}', "returned no sign-in token"),
        (200, b'["SigninToken"]', "returned no sign-in token"),
    ],
)
def test_federation_failures_are_one_sentence_without_secrets(federation, status, body, fragment):
    federation.status, federation.body = status, body
    s = session()
    with pytest.raises(EntraAwsError) as caught:
        signin_token(s, federation.url)
    message = str(caught.value)
    assert fragment in message
    assert "127.0.0.1" in message
    assert s.secret_access_key not in message and s.session_token not in message


def test_unreachable_federation_endpoint():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(EntraAwsError) as caught:
        signin_token(session(), f"http://127.0.0.1:{port}/federation", timeout=2)
    assert "Could not reach the AWS sign-in service" in str(caught.value)
