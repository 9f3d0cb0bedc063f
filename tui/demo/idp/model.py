"""The local IdP's data: the apps it knows, the scenario tests steer, and one sign-in's state."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field

from tui.demo.idp.request import AuthnRequestInfo

HTML = "text/html; charset=utf-8"


@dataclass
class DemoApp:
    """One 'AWS Single-Account Access' enterprise app in the demo tenant."""

    identifier: str  # the Identifier (Entity ID); must equal the AuthnRequest's Issuer
    reply_urls: list[str] = field(default_factory=lambda: ["https://signin.aws.amazon.com/saml"])
    roles: list[tuple[str, str]] = field(default_factory=list)  # (role ARN, provider ARN)
    session_duration: int | None = None
    groups: int = 0
    provider_first: bool = False

    @property
    def app_id(self) -> str:
        """A stable application (client) id, as Entra quotes it in error messages."""
        return str(uuid.uuid5(uuid.NAMESPACE_URL, self.identifier))

    @property
    def audience(self) -> str:
        """Entra strips `#…` from the Identifier; a non-URI Identifier becomes `spn:<it>`."""
        base = self.identifier.split("#", 1)[0]
        return base if ":" in base else f"spn:{base}"


@dataclass
class Scenario:
    """How the next sign-ins behave; read at each step, so tests may change it between steps."""

    auto: bool = True  # pages fill in the demo user and submit themselves after ~150 ms
    mfa_delay: float = 0.5  # seconds until the phone approves (math.inf: wait for approve_mfa())
    kmsi: bool = True  # show "Stay signed in?"
    kmsi_answer: bool = True  # what auto mode answers there
    error_code: str | None = None  # after the password (or on a silent sign-in) refuse with this
    error_as_response: bool = False  # ...as a non-Success SAMLResponse posted to the ACS instead
    refuse_automation: bool = False  # sign-in pages refuse a browser with navigator.webdriver
    redirects: int = 0  # extra 302 hops before the first page
    js_redirect: bool = False  # one more hop done by script


@dataclass
class Reply:
    """An HTTP answer, built by the flow and written out by the request handler."""

    status: int = 200
    body: bytes = b""
    content_type: str = HTML
    headers: list[tuple[str, str]] = field(default_factory=list)

    @classmethod
    def html(cls, text: str, status: int = 200) -> Reply:
        return cls(status, text.encode("utf-8"))

    @classmethod
    def redirect(cls, location: str) -> Reply:
        return cls(302, b"", headers=[("Location", location)])


@dataclass
class Flow:
    """One sign-in in progress, kept server-side under `token` (Entra's flowToken/ctx)."""

    token: str
    tenant: str  # as the request spelled it, for the URLs of later pages
    app: DemoApp
    request: AuthnRequestInfo
    acs: str
    relay_state: str | None
    hops: list[str]  # "302" or "js", before the first page
    stage: str  # email, password, mfa, kmsi, done
    login: str = ""
    created: float = field(default_factory=time.monotonic)
    silent: bool = False
    error_code: str | None = None  # with stage "done": post a non-Success response
    mfa_number: int = 0
    mfa_started: float = 0.0
    mfa_approved: bool = False
    persistent: bool = False  # answered "Stay signed in?" with Yes
