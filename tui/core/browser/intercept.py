"""Pausing the POST to the AWS ACS and answering it ourselves, so the assertion never leaves.

Fetch is enabled on the browser target with URL patterns for the ACS hosts only, so Chromium pauses
nothing else: this code never sees the login form's POST (the password) or any other request.
Each paused URL is checked again against `is_acs_url` (the globs are looser than the rule);
anything else continues untouched. The body is form-decoded with `parse_qs`, because base64's
`+` and `/` arrive as `%2B` and `%2F`, and a bare `+` means a space.
"""

from __future__ import annotations

import base64
import logging
import threading
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tui.core.browser.settings import Capture
from tui.core.partitions import ACS_PATHS, PARTITIONS, is_acs_url

log = logging.getLogger("entra_aws.browser")

SIGNED_IN_PAGE = (
    "<!doctype html><html lang=en><head><meta charset=utf-8><title>Signed in</title>"
    "<style>body{font:16px system-ui,sans-serif;margin:20vh auto;max-width:28em;text-align:center}"
    "</style></head><body><h1>Signed in</h1><p>Signed in — you can close this window.</p>"
    "<p>entra-aws has the sign-in; nothing was sent to AWS from this browser.</p></body></html>"
)


def acs_patterns() -> list[dict[str, str]]:
    """Fetch globs for every partition's global and regional sign-in host, and MCAS rewrites."""
    hosts = []
    for partition in PARTITIONS.values():
        domain = f"signin.{partition.signin_domain}"
        hosts += [domain, f"*.{domain}"]
        hosts += [f"{domain}.mcas.ms", f"*.{domain}.mcas.ms"]
        hosts += [f"{domain}.*.mcas.ms", f"*.{domain}.*.mcas.ms"]
    return [
        {"urlPattern": f"https://{host}{path}*", "requestStage": "Request"}
        for host in hosts
        for path in ACS_PATHS
    ]


def short_url(url: str) -> str:
    """host/path, for logs: never the query (it carries the SAMLRequest and login hints)."""
    parts = urlsplit(url)
    return f"{parts.hostname or ''}{parts.path}"


def form_body(request: dict[str, Any]) -> str | None:
    """The POST body as text: `postDataEntries` (exact bytes) or `postData`; None if absent."""
    entries = request.get("postDataEntries")
    if isinstance(entries, list) and entries:
        raw = b"".join(base64.b64decode(entry.get("bytes", "")) for entry in entries)
        return raw.decode("utf-8", "replace")
    data = request.get("postData")
    return data if isinstance(data, str) else None


class AcsInterceptor:
    """Handles `Fetch.requestPaused` on the reader thread; `done` is set once Entra has posted."""

    def __init__(self, send: Any) -> None:
        self._send = send  # DevTools.send: fire-and-forget, fine on the reader thread
        self.done = threading.Event()
        self.capture: Capture | None = None
        self.unreadable = False  # an ACS POST whose body Chromium did not give us

    def on_paused(self, params: dict[str, Any]) -> None:
        request_id = params.get("requestId")
        request = params.get("request") or {}
        url = str(request.get("url", ""))
        if not is_acs_url(url) or request.get("method") != "POST":
            self._send("Fetch.continueRequest", {"requestId": request_id})
            return
        self._fulfil(request_id)  # first: whatever happens next, nothing goes on to AWS
        try:
            body = form_body(request)
            fields = parse_qs(body, keep_blank_values=True) if body else {}
        except ValueError:  # not base64 / not a form: treat as a body we could not read
            body, fields = None, {}
        saml = fields.get("SAMLResponse", [""])[0]
        if self.capture is not None:
            return
        if not saml:
            log.debug("a POST to %s without a SAMLResponse was answered locally", short_url(url))
            self.unreadable = body is None and bool(request.get("hasPostData"))
            if self.unreadable:
                self.done.set()
            return
        relay = fields.get("RelayState", [None])[0]
        self.capture = Capture(saml_response=saml, acs_url=url, relay_state=relay or None)
        log.debug("captured the POST to %s (%d form fields)", short_url(url), len(fields))
        self.done.set()

    def _fulfil(self, request_id: object) -> None:
        self._send(
            "Fetch.fulfillRequest",
            {
                "requestId": request_id,
                "responseCode": 200,
                "responseHeaders": [
                    {"name": "Content-Type", "value": "text/html; charset=utf-8"},
                    {"name": "Cache-Control", "value": "no-store"},
                ],
                "body": base64.b64encode(SIGNED_IN_PAGE.encode("utf-8")).decode("ascii"),
            },
        )
