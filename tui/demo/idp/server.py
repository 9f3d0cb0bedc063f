"""A local stand-in for Microsoft Entra's SAML sign-in, served over loopback HTTP.

`LocalIdp` answers `GET /<tenant>/saml2?SAMLRequest=…` like login.microsoftonline.com: the same
page sequence and element ids (email, password, number matching, "Stay signed in?"), the same
AADSTS error pages, ESTSAUTH-like cookies for silent sign-in (a cookie belongs to the tenant:
every app of the tenant signs in silently with it), and finally Entra's auto-posting
form that sends a signed SAMLResponse to the real AWS ACS URL, which the client intercepts in the
browser. The server keeps no request log: URLs and form bodies carry the assertion and password.

URL map (the tenant segment is the tenant id or the user's domain):
    GET  /<tenant>/saml2        the AuthnRequest (HTTP-Redirect binding); /common/saml2 302s here
    GET  /<tenant>/reprocess    extra hops (Scenario.redirects / js_redirect)
    GET  /<tenant>/login?ctx=   the flow's current page
    POST /<tenant>/login        email (loginfmt) or password (passwd), with flowToken
    POST /<tenant>/SAS/EndAuth  number-matching poll (JSON {"FlowToken": …})
    POST /<tenant>/SAS/ProcessAuth   after approval: "Stay signed in?" or the final form
    POST /kmsi                  LoginOptions=1 (Yes, persistent cookie) or 3 (No)

As at Entra, a login_hint naming the user skips the email page (it is shown pre-filled for anyone
else), so Scenario.refuse_automation guards every sign-in page, not only the email page. Number
matching moves on by itself once the "phone" approves (after Scenario.mfa_delay, or at
`approve_mfa()`), in auto and manual mode alike: that is the browser page polling, not a person.
"""

from __future__ import annotations

import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tui.demo.idp.flow import FlowEngine
from tui.demo.idp.model import DemoApp, Reply, Scenario
from tui.demo.loopback import LoopbackService
from tui.demo.saml_builder import DEMO_TENANT_ID
from tui.demo.signing import SigningKey

__all__ = ["DEMO_TENANT", "LocalIdp"]

DEMO_TENANT = DEMO_TENANT_ID
MAX_BODY = 256 * 1024


def _cookies(header: str) -> dict[str, str]:
    """Cookie header → dict, tolerant of what other loopback apps may have left on 127.0.0.1."""
    jar: dict[str, str] = {}
    for part in header.split(";"):
        name, sep, value = part.strip().partition("=")
        if sep and name and name not in jar:
            jar[name] = value.strip().strip('"')
    return jar


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    engine: FlowEngine
    failures: list[str]

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Record the failure's type only: a traceback could quote a form value."""
        exc = sys.exc_info()[1]
        self.failures.append(type(exc).__name__ if exc else "unknown")


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    server_version = "Microsoft-IIS/10.0"
    timeout = 30  # idle keep-alive connections end on their own

    def log_message(self, format: str, *args: Any) -> None:
        """No request log: the URL carries the SAMLRequest, bodies the password."""

    def version_string(self) -> str:
        return self.server_version

    def do_GET(self) -> None:
        self._dispatch("GET", b"")

    def do_POST(self) -> None:
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_BODY:
            self._send(Reply(413, b"", "text/plain"), close=True)
            return
        self._dispatch("POST", self.rfile.read(length))

    def _dispatch(self, method: str, body: bytes) -> None:
        path, _, query = self.path.partition("?")
        try:
            reply = self.server.engine.handle(
                method, path, query, body, _cookies(self.headers.get("Cookie", ""))
            )
        except Exception as exc:  # a bug in the stand-in must not hang the browser
            self.server.failures.append(type(exc).__name__)
            reply = Reply(500, b"Internal error", "text/plain")
        self._send(reply)

    def _send(self, reply: Reply, close: bool = False) -> None:
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        self.send_header("Cache-Control", "no-store, no-cache")
        self.send_header("Pragma", "no-cache")
        self.send_header("X-Frame-Options", "DENY")
        self.send_header("X-Content-Type-Options", "nosniff")
        for name, value in reply.headers:
            self.send_header(name, value)
        if close:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        self.wfile.write(reply.body)


class LocalIdp(LoopbackService):
    """Entra's SAML sign-in for one demo user and some AWS apps, on a free loopback port."""

    def __init__(
        self,
        key: SigningKey,
        *,
        tenant_id: str = DEMO_TENANT,
        apps: list[DemoApp],
        username: str = "alice@contoso.com",
        password: str = "demo",  # noqa: S107 (the demo user's published password)
        display_name: str = "Alice Example",
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.tenant_id = tenant_id
        self.apps = apps
        self.username = username
        self.host = host
        self.port = port
        self.failures: list[str] = []  # exception type names from request handling (no details)
        self._engine = FlowEngine(
            key,
            tenant_id=tenant_id,
            apps=apps,
            username=username,
            password=password,
            display_name=display_name,
        )
        super().__init__()

    # -- lifecycle -------------------------------------------------------------------------

    name = "local-idp"

    def start(self) -> LocalIdp:
        server = _Server((self.host, self.port), _Handler)
        server.engine = self._engine
        server.failures = self.failures
        self._serve(server)
        return self

    # -- behaviour and observations ---------------------------------------------------------

    @property
    def scenario(self) -> Scenario:
        return self._engine.scenario

    @scenario.setter
    def scenario(self, value: Scenario) -> None:
        self._engine.scenario = value

    @property
    def sign_ins(self) -> int:
        """SAMLResponses issued with Success (interactive and silent)."""
        return self._engine.sign_ins

    @property
    def silent_sign_ins(self) -> int:
        """Of those, how many came straight from a signed-in cookie."""
        return self._engine.silent_sign_ins

    @property
    def error_responses(self) -> int:
        """Non-Success SAMLResponses posted (IsPassive without a session, error_as_response)."""
        return self._engine.error_responses

    @property
    def pages(self) -> list[str]:
        """Pages served in order: email, password, mfa, kmsi, hiddenform, error, hop-302, hop-js."""
        return self._engine.pages

    @property
    def answered(self) -> list[str]:
        """Pages a person answered, in order (email, password, mfa, kmsi): "asked once" is one
        sign-in's worth of these however many apps were signed in to."""
        return self._engine.answered

    @property
    def pages_answered(self) -> int:
        return len(self._engine.answered)

    @property
    def last_mfa_number(self) -> int | None:
        """The number the last number-matching page showed."""
        return self._engine.last_mfa_number

    def forget_sessions(self) -> None:
        """Invalidate every signed-in cookie (server side): the next sign-in is interactive."""
        self._engine.forget_sessions()

    def approve_mfa(self) -> None:
        """Approve the number-matching prompts now showing (with Scenario.mfa_delay = math.inf)."""
        self._engine.approve_mfa()
