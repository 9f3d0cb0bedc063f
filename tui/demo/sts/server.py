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

import json
import re
import threading
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from werkzeug.serving import ThreadedWSGIServer

from tui.core.partitions import partition_named
from tui.core.timeutil import utcnow
from tui.demo.loopback import LoopbackService
from tui.demo.sts.federation import Federation
from tui.demo.sts.rules import Grant, SamlRequest, StsRefusal, check_request
from tui.demo.sts.wire import (
    Environ,
    Issued,
    StartResponse,
    aws_error,
    read_params,
    respond,
    success_xml,
)

_ACCESS_KEY_RE = re.compile(r"Credential=([A-Z0-9]+)/")


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
    role_arn: str | None = None  # only calls for this role (AWS refuses a role, not a moment)
    body: str = (  # nginx's own page, byte for byte apart from the line ends
        "<html>\n<head><title>502 Bad Gateway</title></head>\n<body>\n"
        "<center><h1>502 Bad Gateway</h1></center>\n<hr><center>nginx</center>\n</body>\n</html>\n"
    )


@dataclass(frozen=True)
class _SigninToken:
    arn: str
    expires: datetime


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


class LocalSts(LoopbackService):
    """moto's server on a free local port, answering AssumeRoleWithSAML the way AWS does."""

    name = "local-sts"

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.host = host
        self.port = port
        self.calls: list[StsCall] = []
        self.clock: Callable[[], datetime] = utcnow  # tests may move time forward
        super().__init__()
        self._lock = threading.Lock()
        self._faults: list[Fault] = []
        self._issued: dict[str, Issued] = {}
        self._wake = threading.Event()
        self._iam = _MotoIam()
        self._federation = Federation(self._issued, self._lock, lambda: self.clock())

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
        self._serve(QuietServer(self.host, self.port, self._app(moto_app), QuietHandler))
        return self

    def stop(self) -> None:
        self._wake_sleepers()
        super().stop()

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
        self._federation.clear()
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
        role_arn: str | None = None,
    ) -> None:
        """Make the next `times` AssumeRoleWithSAML calls (for `role_arn`, if given) fail or stall."""
        fault = Fault(status, code, message, delay, role_arn, body or Fault.body)
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
                    return self._federation.handle(environ, start_response)
                params = read_params(environ)
                if params is None:
                    refusal = StsRefusal(413, "RequestEntityTooLarge", "Request is too large")
                    return aws_error(start_response, refusal)
                if params.get("Action") == "AssumeRoleWithSAML":
                    return self._assume_role_with_saml(params, start_response)
                denied = self._check_credentials(environ)
                if denied is not None:
                    return aws_error(start_response, denied)
            except Exception as exc:  # never an HTML 500 with a traceback (it could quote a secret)
                failure = f"Local STS failure ({type(exc).__name__})"
                return aws_error(start_response, StsRefusal(500, "InternalFailure", failure))
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

    def _take_fault(self, role_arn: str | None) -> Fault | None:
        with self._lock:
            for index, fault in enumerate(self._faults):
                if fault.role_arn in (None, role_arn):
                    return self._faults.pop(index)
            return None

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
        fault = self._take_fault(request.role_arn)
        if fault is not None:
            if fault.delay:
                self._wake.wait(fault.delay)
            if fault.status is not None and fault.code is None:
                return respond(start_response, fault.status, fault.body.encode(), "text/html")
            if fault.status is not None and fault.code is not None:
                refusal = StsRefusal(fault.status, fault.code, fault.message)
                return aws_error(start_response, refusal)
        try:
            grant = check_request(request, self._iam, self.clock())
        except StsRefusal as refusal:
            return aws_error(start_response, refusal)
        return respond(start_response, 200, self._issue(grant), "text/xml")

    def _issue(self, grant: Grant) -> bytes:
        """Record the session in moto's STS backend of the role's account; answer AWS's XML."""
        from moto.sts.models import sts_backends

        _, partition, _, _, account, _ = grant.role_arn.split(":", 5)
        backend = sts_backends[account][partition]
        session = backend.assume_role(
            region_name=partition_named(partition).default_region,
            role_session_name=grant.session_name,
            role_arn=grant.role_arn,
            policy=None,  # type: ignore[arg-type]  # moto's hints say str; None is "no policy"
            duration=grant.duration,
            external_id=None,  # type: ignore[arg-type]
        )
        expiration = self.clock() + timedelta(seconds=grant.duration)
        session.expiration = expiration.replace(tzinfo=None)
        issued = Issued(
            session.secret_access_key, session.session_token, expiration, str(session.arn)
        )
        with self._lock:
            self._issued[session.access_key_id] = issued
        return success_xml(grant, session.access_key_id, issued, str(session.user_id))
