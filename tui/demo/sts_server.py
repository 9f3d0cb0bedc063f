"""A local STS for tests and the demo: moto's server behind a thin AWS-fidelity layer.

moto's app (the same DomainDispatcherApplication + MotoRequestHandler that moto's own
ThreadedMotoServer serves) runs in a werkzeug thread in this process, wrapped by a WSGI middleware
that answers AssumeRoleWithSAML itself, with AWS's rules (`sts_rules`), and records each session in
moto's STS backend of the role's own account, so `sts:GetCallerIdentity` signed with the new keys
names the assumed role. Everything else (GetCallerIdentity, IAM, /moto-api) is moto's.
The middleware also serves a stand-in for AWS's console federation endpoint at /federation, and
lets tests inject faults. Nothing is logged: assertions and keys never reach stderr.
"""

from __future__ import annotations

import html
import io
import json
import re
import secrets
import threading
import urllib.request
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs
from xml.sax.saxutils import escape

from werkzeug.serving import ThreadedWSGIServer

from tui.core.partitions import partition_named
from tui.core.timeutil import utcnow
from tui.demo.sts_rules import Grant, SamlRequest, StsRefusal, check_request

STS_NS = "https://sts.amazonaws.com/doc/2011-06-15/"
MAX_FORM_BYTES = 2_000_000
SIGNIN_TOKEN_LIFETIME = timedelta(minutes=15)  # "The URL is valid for 15 minutes."
_ACCESS_KEY_RE = re.compile(r"Credential=([A-Z0-9]+)/")

StartResponse = Callable[..., Any]
Environ = dict[str, Any]


@dataclass(frozen=True)
class StsCall:
    """One AssumeRoleWithSAML request as received (never the assertion itself)."""

    role_arn: str | None
    principal_arn: str | None
    duration: int | None
    at: datetime


@dataclass(frozen=True)
class Fault:
    """How to answer an AssumeRoleWithSAML call instead of (or before) answering it properly.

    `delay` seconds first; then `status=None` answers normally (a slow STS), `code` answers an
    AWS XML error with that status, and `code=None` answers `body` as HTML (a proxy's error page).
    """

    status: int | None = 500
    code: str | None = "InternalFailure"
    message: str = "We encountered an internal error. Please try again."
    delay: float = 0.0
    body: str = (  # nginx's own page, byte for byte apart from the line ends
        "<html>\n<head><title>502 Bad Gateway</title></head>\n<body>\n"
        "<center><h1>502 Bad Gateway</h1></center>\n<hr><center>nginx</center>\n</body>\n</html>\n"
    )


@dataclass
class _Issued:
    secret: str = field(repr=False)
    token: str = field(repr=False)
    expiration: datetime
    arn: str


@dataclass(frozen=True)
class _SigninToken:
    arn: str
    expires: datetime


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def error_xml(code: str, message: str, status: int) -> bytes:
    """AWS's query-protocol error body."""
    kind = "Receiver" if status >= 500 else "Sender"
    return (
        f'<ErrorResponse xmlns="{STS_NS}"><Error><Type>{kind}</Type><Code>{escape(code)}</Code>'
        f"<Message>{escape(message)}</Message></Error>"
        f"<RequestId>{uuid.uuid4()}</RequestId></ErrorResponse>"
    ).encode()


def _success_xml(grant: Grant, key_id: str, issued: _Issued, role_id: str) -> bytes:
    result = (
        f"<Issuer>{escape(grant.issuer)}</Issuer>"
        f"<AssumedRoleUser><Arn>{escape(issued.arn)}</Arn>"
        f"<AssumedRoleId>{escape(role_id)}</AssumedRoleId></AssumedRoleUser>"
        f"<Credentials><AccessKeyId>{key_id}</AccessKeyId>"
        f"<SecretAccessKey>{issued.secret}</SecretAccessKey>"
        f"<SessionToken>{issued.token}</SessionToken>"
        f"<Expiration>{_iso(issued.expiration)}</Expiration></Credentials>"
        f"<Audience>{escape(grant.audience)}</Audience>"
        f"<SubjectType>{escape(grant.subject_type)}</SubjectType>"
        f"<NameQualifier>{grant.name_qualifier}</NameQualifier>"
        f"<Subject>{escape(grant.subject)}</Subject>"
    )
    return (
        f'<AssumeRoleWithSAMLResponse xmlns="{STS_NS}">'
        f"<AssumeRoleWithSAMLResult>{result}</AssumeRoleWithSAMLResult>"
        f"<ResponseMetadata><RequestId>{uuid.uuid4()}</RequestId></ResponseMetadata>"
        "</AssumeRoleWithSAMLResponse>"
    ).encode()


class _MotoIam:
    """`sts_rules.Directory` over moto's IAM backends (one per account and partition)."""

    @staticmethod
    def _backend(arn: str) -> Any:
        from moto.iam.models import iam_backends

        parts = arn.split(":")
        return iam_backends[parts[4]][parts[1]]

    def provider_metadata(self, principal_arn: str) -> str | None:
        from moto.iam.exceptions import NotFoundException

        try:
            return (
                self._backend(principal_arn).get_saml_provider(principal_arn).saml_metadata_document
            )
        except NotFoundException:
            return None

    def role_max_session(self, role_arn: str) -> int | None:
        from moto.iam.exceptions import NotFoundException

        try:
            role = self._backend(role_arn).get_role_by_arn(role_arn)
        except NotFoundException:
            return None
        return int(role.max_session_duration or 3600)


def _respond(
    start_response: StartResponse, status: int, body: bytes, content_type: str
) -> Iterable[bytes]:
    try:
        reason = HTTPStatus(status).phrase
    except ValueError:
        reason = "Error"
    start_response(
        f"{status} {reason}",
        [
            ("Content-Type", content_type),
            ("Content-Length", str(len(body))),
            ("x-amzn-RequestId", str(uuid.uuid4())),
        ],
    )
    return [body]


def _aws_error(start_response: StartResponse, refusal: StsRefusal) -> Iterable[bytes]:
    body = error_xml(refusal.code, refusal.message, refusal.status)
    return _respond(start_response, refusal.status, body, "text/xml")


def _params(environ: Environ) -> dict[str, str] | None:
    """Query and form parameters (first value each); None when the form is too large to read.

    The body is put back so moto can read it when the request is not ours.
    """
    params = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
    if not environ.get("CONTENT_TYPE", "").startswith("application/x-www-form-urlencoded"):
        return params
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_FORM_BYTES:
        return None
    body = environ["wsgi.input"].read(length) if length > 0 else b""
    environ["wsgi.input"] = io.BytesIO(body)
    form = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
    params.update({k: v[0] for k, v in form.items()})
    return params


class LocalSts:
    """moto's server on a free local port, answering AssumeRoleWithSAML the way AWS does."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.host = host
        self.port = port
        self.calls: list[StsCall] = []
        self.clock: Callable[[], datetime] = utcnow  # tests may move time forward
        self._lock = threading.Lock()
        self._faults: list[Fault] = []
        self._issued: dict[str, _Issued] = {}
        self._signin_tokens: dict[str, _SigninToken] = {}
        self._wake = threading.Event()
        self._server: ThreadedWSGIServer | None = None
        self._thread: threading.Thread | None = None
        self._iam = _MotoIam()

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> LocalSts:
        from moto.moto_server.werkzeug_app import (
            DomainDispatcherApplication,
            MotoRequestHandler,
            create_backend_app,
        )

        class QuietHandler(MotoRequestHandler):
            def log(self, type: str, message: str, *args: Any) -> None:
                """No request log: query strings carry credentials (federation)."""

        class QuietServer(ThreadedWSGIServer):
            def log(self, type: str, message: str, *args: Any) -> None:
                """No error log either."""

        moto_app = DomainDispatcherApplication(create_backend_app)
        self._server = QuietServer(self.host, self.port, self._app(moto_app), QuietHandler)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},  # moto's own uses 0.5 s, which is what stop() waits
            name="local-sts",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._wake_sleepers()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> LocalSts:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("LocalSts is not started")
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def federation_url(self) -> str:
        return f"{self.url}/federation"

    # -- state -----------------------------------------------------------------------------

    def reset(self) -> None:
        """Clear moto's state, the call record, faults, issued sessions and sign-in tokens."""
        self._wake_sleepers()
        reset_url = f"{self.url}/moto-api/reset"  # moto's documented way to clear all its state
        request = urllib.request.Request(reset_url, method="POST")  # noqa: S310 (http, local)
        with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
            answer.read()
        with self._lock:
            self.calls.clear()
            self._faults.clear()
            self._issued.clear()
            self._signin_tokens.clear()
        self.clock = utcnow

    def add_saml_provider(
        self, account_id: str, name: str, metadata_xml: str, *, partition: str = "aws"
    ) -> str:
        """Create an IAM SAML provider in `account_id`; return its ARN (the PrincipalArn)."""
        from moto.iam.models import iam_backends

        provider = iam_backends[account_id][partition].create_saml_provider(name, metadata_xml)
        return str(provider.arn)

    def add_role(
        self,
        account_id: str,
        name: str,
        *,
        path: str = "/",
        max_session_duration: int = 3600,
        partition: str = "aws",
    ) -> str:
        """Create an IAM role in `account_id` trusting SAML; return its ARN."""
        from moto.iam.models import iam_backends

        trust = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {
                        "Federated": f"arn:{partition}:iam::{account_id}:saml-provider/*"
                    },
                    "Action": "sts:AssumeRoleWithSAML",
                    "Condition": {
                        "StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}
                    },
                }
            ],
        }
        role = iam_backends[account_id][partition].create_role(
            role_name=name,
            assume_role_policy_document=json.dumps(trust),
            path=path,
            permissions_boundary=None,
            description="entra-aws demo role",
            tags=[],
            max_session_duration=str(max_session_duration),
        )
        return str(role.arn)

    def fail_next(
        self,
        times: int = 1,
        *,
        status: int | None = 500,
        code: str | None = "InternalFailure",
        message: str = "We encountered an internal error. Please try again.",
        delay: float = 0.0,
        body: str | None = None,
    ) -> None:
        """Make the next `times` AssumeRoleWithSAML calls fail (or stall): see `Fault`."""
        fault = Fault(status, code, message, delay, body or Fault.body)
        with self._lock:
            self._faults.extend([fault] * times)

    def hang_next(self, seconds: float, times: int = 1) -> None:
        """Make the next `times` calls wait `seconds` before answering normally."""
        self.fail_next(times, status=None, delay=seconds)

    def _wake_sleepers(self) -> None:
        old, self._wake = self._wake, threading.Event()
        old.set()

    # -- WSGI ------------------------------------------------------------------------------

    def _app(self, moto_app: Callable[[Environ, StartResponse], Iterable[bytes]]) -> Any:
        def app(environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
            try:
                if environ.get("PATH_INFO", "") == "/federation":
                    return self._federation(environ, start_response)
                params = _params(environ)
                if params is None:
                    refusal = StsRefusal(413, "RequestEntityTooLarge", "Request is too large")
                    return _aws_error(start_response, refusal)
                if params.get("Action") == "AssumeRoleWithSAML":
                    return self._assume_role_with_saml(params, start_response)
                refusal = self._check_credentials(environ)
                if refusal is not None:
                    return _aws_error(start_response, refusal)
            except Exception as exc:  # never an HTML 500 with a traceback (it could quote a secret)
                failure = f"Local STS failure ({type(exc).__name__})"
                return _aws_error(start_response, StsRefusal(500, "InternalFailure", failure))
            return moto_app(environ, start_response)

        return app

    def _check_credentials(self, environ: Environ) -> StsRefusal | None:
        """Refuse signed calls with keys this STS issued once they expire, as AWS does."""
        match = _ACCESS_KEY_RE.search(environ.get("HTTP_AUTHORIZATION", ""))
        issued = self._issued.get(match.group(1)) if match else None
        if issued is None:
            return None
        if environ.get("HTTP_X_AMZ_SECURITY_TOKEN") != issued.token:
            return StsRefusal(
                403,
                "InvalidClientTokenId",
                "The security token included in the request is invalid.",
            )
        if self.clock() >= issued.expiration:
            return StsRefusal(
                403, "ExpiredToken", "The security token included in the request is expired"
            )
        return None

    def _take_fault(self) -> Fault | None:
        with self._lock:
            return self._faults.pop(0) if self._faults else None

    def _assume_role_with_saml(
        self, params: dict[str, str], start_response: StartResponse
    ) -> Iterable[bytes]:
        request = SamlRequest.from_params(params)
        with self._lock:
            self.calls.append(
                StsCall(
                    request.role_arn, request.principal_arn, request.duration_seconds, self.clock()
                )
            )
        fault = self._take_fault()
        if fault is not None:
            if fault.delay:
                self._wake.wait(fault.delay)
            if fault.status is not None and fault.code is None:
                return _respond(start_response, fault.status, fault.body.encode(), "text/html")
            if fault.status is not None and fault.code is not None:
                refusal = StsRefusal(fault.status, fault.code, fault.message)
                return _aws_error(start_response, refusal)
        try:
            grant = check_request(request, self._iam, self.clock())
        except StsRefusal as refusal:
            return _aws_error(start_response, refusal)
        return _respond(start_response, 200, self._issue(grant), "text/xml")

    def _issue(self, grant: Grant) -> bytes:
        """Record the session in moto's STS backend of the role's account; answer AWS's XML."""
        from moto.sts.models import sts_backends

        _, partition, _, _, account, _ = grant.role_arn.split(":", 5)
        backend = sts_backends[account][partition]
        session = backend.assume_role(
            region_name=partition_named(partition).default_region,
            role_session_name=grant.session_name,
            role_arn=grant.role_arn,
            policy=None,
            duration=grant.duration,
            external_id=None,
        )
        expiration = self.clock() + timedelta(seconds=grant.duration)
        session.expiration = expiration.replace(tzinfo=None)
        issued = _Issued(
            session.secret_access_key, session.session_token, expiration, str(session.arn)
        )
        with self._lock:
            self._issued[session.access_key_id] = issued
        return _success_xml(grant, session.access_key_id, issued, str(session.user_id))

    # -- console federation stand-in -------------------------------------------------------

    def _federation(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        params = _params(environ) or {}
        action = params.get("Action")
        if action == "getSigninToken":
            token, problem = self._signin_token(params)
            if token is None:
                return _respond(start_response, 400, problem.encode(), "text/plain")
            body = json.dumps({"SigninToken": token}).encode()
            return _respond(start_response, 200, body, "application/json")
        if action == "login":
            with self._lock:
                found = self._signin_tokens.get(params.get("SigninToken", ""))
            if found is None or self.clock() >= found.expires:
                return _respond(
                    start_response, 400, b"Invalid or expired SigninToken", "text/plain"
                )
            page = (
                "<!doctype html><html><head><title>AWS console (demo)</title></head><body>"
                f"<h1>Signed in to the AWS console (demo) as {html.escape(found.arn)}</h1>"
                f"<p>Destination: {html.escape(params.get('Destination', ''))}</p></body></html>"
            )
            return _respond(start_response, 200, page.encode(), "text/html; charset=utf-8")
        return _respond(start_response, 400, b"Unsupported Action", "text/plain")

    def _signin_token(self, params: dict[str, str]) -> tuple[str | None, str]:
        try:
            session = json.loads(params.get("Session", ""))
            key_id, secret, token = (
                session["sessionId"],
                session["sessionKey"],
                session["sessionToken"],
            )
        except (ValueError, TypeError, KeyError):
            return None, "Session must be JSON with sessionId, sessionKey and sessionToken"
        duration = params.get("SessionDuration")
        if duration is not None and not (duration.isdigit() and 900 <= int(duration) <= 43200):
            return None, "SessionDuration must be between 900 and 43200 seconds"
        with self._lock:
            issued = self._issued.get(str(key_id))
        if (
            issued is None
            or not secrets.compare_digest(str(secret), issued.secret)
            or not secrets.compare_digest(str(token), issued.token)
        ):
            return None, "The session credentials are not valid"
        if self.clock() >= issued.expiration:
            return None, "The session credentials have expired"
        value = secrets.token_urlsafe(48)
        with self._lock:
            self._signin_tokens[value] = _SigninToken(
                issued.arn, self.clock() + SIGNIN_TOKEN_LIFETIME
            )
        return value, ""
