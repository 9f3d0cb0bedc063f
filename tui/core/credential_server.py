"""A loopback container-credentials endpoint: what `exec --server` gives its command instead of keys.

SDKs and the AWS CLI read `AWS_CONTAINER_CREDENTIALS_FULL_URI` and send the
`AWS_CONTAINER_AUTHORIZATION_TOKEN` value as the Authorization header; each request is answered
with the session's current credentials, so a command that runs for hours keeps getting renewed ones.
The token is random per run; a request without it gets 401, with a wrong one 403. Nothing is logged.
"""

from __future__ import annotations

import errno
import hmac
import http.server
import json
import secrets
import threading
from collections.abc import Callable

from tui.core.errors import EntraAwsError
from tui.core.exports import container_credentials_json
from tui.core.sessions import Session

HOST = "127.0.0.1"  # botocore allows plain http only to loopback (and the ECS/EKS addresses)


class CredentialServer:
    """Serves `source()` as container credentials on 127.0.0.1 until `close()`."""

    def __init__(self, source: Callable[[], Session], port: int = 0) -> None:
        self.token = secrets.token_urlsafe(32)
        self._source = source
        self.requests = 0
        try:
            self._httpd = http.server.ThreadingHTTPServer((HOST, port), self._handler())
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise EntraAwsError(
                    f"Port {port} on {HOST} is already in use; pick another with --port, "
                    "or leave --port out to get a free one."
                ) from None
            if exc.errno in (errno.EACCES, errno.EPERM):
                raise EntraAwsError(
                    f"Port {port} on {HOST} needs privileges; pick one above 1023 with --port."
                ) from None
            raise EntraAwsError(f"Could not listen on {HOST}:{port}: {exc.strerror}.") from None
        self._httpd.daemon_threads = True
        self.url = f"http://{HOST}:{self._httpd.server_port}/"
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, name="credential-server", daemon=True
        )

    def _answer(self, authorization: str | None) -> tuple[int, str]:
        if not authorization:
            return 401, json.dumps({"code": "Unauthorized", "message": "no Authorization header"})
        if not hmac.compare_digest(authorization.encode(), self.token.encode()):
            return 403, json.dumps({"code": "Forbidden", "message": "wrong authorization token"})
        self.requests += 1
        session = self._source()
        if session.expired():
            message = f"the session for {session.account}:{session.role_name} has expired"
            return 503, json.dumps({"code": "Expired", "message": message})
        return 200, container_credentials_json(session)

    def _handler(self) -> type[http.server.BaseHTTPRequestHandler]:
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                status, body = server._answer(self.headers.get("Authorization"))
                data = body.encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: object) -> None:
                pass  # request lines are nobody's business (and never hold the token anyway)

        return Handler

    def start(self) -> CredentialServer:
        self._thread.start()
        return self

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
