"""A stand-in for AWS's console federation endpoint (getSigninToken, then login).

It accepts only credentials the local STS issued and still valid, like AWS; the tokens it hands
out are kept in memory for 15 minutes ("The URL is valid for 15 minutes").
"""

from __future__ import annotations

import html
import json
import secrets
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from tui.demo.sts.wire import Environ, Issued, StartResponse, read_params, respond

SIGNIN_TOKEN_LIFETIME = timedelta(minutes=15)


@dataclass(frozen=True)
class SigninToken:
    arn: str
    expires: datetime


class Federation:
    """Answers /federation for the sessions in `issued` (shared with the STS, under `lock`)."""

    def __init__(
        self, issued: dict[str, Issued], lock: threading.Lock, clock: Callable[[], datetime]
    ) -> None:
        self._issued = issued
        self._lock = lock
        self.clock = clock
        self._tokens: dict[str, SigninToken] = {}

    def clear(self) -> None:
        with self._lock:
            self._tokens.clear()

    def handle(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        params = read_params(environ) or {}
        action = params.get("Action")
        if action == "getSigninToken":
            token, problem = self._signin_token(params)
            if token is None:
                return respond(start_response, 400, problem.encode(), "text/plain")
            body = json.dumps({"SigninToken": token}).encode()
            return respond(start_response, 200, body, "application/json")
        if action == "login":
            with self._lock:
                found = self._tokens.get(params.get("SigninToken", ""))
            if found is None or self.clock() >= found.expires:
                return respond(start_response, 400, b"Invalid or expired SigninToken", "text/plain")
            page = (
                "<!doctype html><html><head><title>AWS console (demo)</title></head><body>"
                f"<h1>Signed in to the AWS console (demo) as {html.escape(found.arn)}</h1>"
                f"<p>Destination: {html.escape(params.get('Destination', ''))}</p></body></html>"
            )
            return respond(start_response, 200, page.encode(), "text/html; charset=utf-8")
        return respond(start_response, 400, b"Unsupported Action", "text/plain")

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
            self._tokens[value] = SigninToken(issued.arn, self.clock() + SIGNIN_TOKEN_LIFETIME)
        return value, ""
