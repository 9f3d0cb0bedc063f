"""The wire format of the local STS: AWS's query-protocol XML and small WSGI helpers."""

from __future__ import annotations

import io
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs
from xml.sax.saxutils import escape

from tui.demo.sts.rules import Grant, StsRefusal

STS_NS = "https://sts.amazonaws.com/doc/2011-06-15/"
MAX_FORM_BYTES = 2_000_000

StartResponse = Callable[..., Any]
Environ = dict[str, Any]


@dataclass
class Issued:
    """A session this STS handed out (kept to check signed calls and console sign-ins)."""

    secret: str = field(repr=False)
    token: str = field(repr=False)
    expiration: datetime
    arn: str


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def error_xml(code: str, message: str, status: int) -> bytes:
    """AWS's query-protocol error body."""
    kind = "Receiver" if status >= 500 else "Sender"
    return (
        f'<ErrorResponse xmlns="{STS_NS}"><Error><Type>{kind}</Type><Code>{escape(code)}</Code>'
        f"<Message>{escape(message)}</Message></Error>"
        f"<RequestId>{uuid.uuid4()}</RequestId></ErrorResponse>"
    ).encode()


def success_xml(grant: Grant, key_id: str, issued: Issued, role_id: str) -> bytes:
    result = (
        f"<Issuer>{escape(grant.issuer)}</Issuer>"
        f"<AssumedRoleUser><Arn>{escape(issued.arn)}</Arn>"
        f"<AssumedRoleId>{escape(role_id)}</AssumedRoleId></AssumedRoleUser>"
        f"<Credentials><AccessKeyId>{key_id}</AccessKeyId>"
        f"<SecretAccessKey>{issued.secret}</SecretAccessKey>"
        f"<SessionToken>{issued.token}</SessionToken>"
        f"<Expiration>{iso(issued.expiration)}</Expiration></Credentials>"
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


def respond(
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


def aws_error(start_response: StartResponse, refusal: StsRefusal) -> Iterable[bytes]:
    body = error_xml(refusal.code, refusal.message, refusal.status)
    return respond(start_response, refusal.status, body, "text/xml")


def read_params(environ: Environ) -> dict[str, str] | None:
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
