"""The local IdP's sign-in state machine, free of HTTP plumbing so tests can reason about it.

Each sign-in is a flow kept server-side under an opaque token (Entra's `flowToken`/`ctx`); pages
carry only the token. Signed-in sessions are ESTSAUTH-like cookies whose values are keys into
`_sessions`, so `forget_sessions()` logs everyone out without touching any browser.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from urllib.parse import parse_qs, urlencode

from tui.demo.idp.errors import IdpRefusal
from tui.demo.idp.model import DemoApp, Flow, Reply, Scenario
from tui.demo.idp.outcomes import Tenant, end_auth_reply, error_page_reply, hidden_form_reply
from tui.demo.idp.pages import (
    EMPTY_USER,
    UNKNOWN_USER,
    PageContext,
    email_page,
    kmsi_page,
    mfa_page,
    not_found_page,
    password_page,
    script_redirect_page,
)
from tui.demo.idp.request import read_authn_request
from tui.demo.idp.sessions import Sessions
from tui.demo.signing import SigningKey

FLOW_LIFETIME = 3600.0  # seconds an unfinished sign-in stays usable


def _first(values: dict[str, list[str]], name: str) -> str | None:
    found = values.get(name)
    return found[0] if found else None


class FlowEngine:
    """Answers (method, path, query, body, cookies) with a Reply; thread-safe."""

    def __init__(
        self,
        key: SigningKey,
        *,
        tenant_id: str,
        apps: list[DemoApp],
        username: str,
        password: str,
        display_name: str,
    ) -> None:
        self._tenant = Tenant(key, tenant_id, username, display_name)
        self.tenant_id = tenant_id
        self.apps = apps
        self.username = username
        self.password = password
        self.scenario = Scenario()
        self.sign_ins = 0
        self.silent_sign_ins = 0
        self.error_responses = 0
        self.pages: list[str] = []  # every page served, by name: a test's view of the journey
        self.answered: list[str] = []  # pages a person answered (email, password, mfa, kmsi)
        self.last_mfa_number: int | None = None
        self._lock = threading.RLock()
        self._flows: dict[str, Flow] = {}
        self._sessions = Sessions()

    # -- public controls -------------------------------------------------------------------

    def forget_sessions(self) -> None:
        with self._lock:
            self._sessions.clear()

    def approve_mfa(self) -> None:
        """Approve every number-matching prompt now showing (as the phone would)."""
        with self._lock:
            for flow in self._flows.values():
                if flow.stage == "mfa":
                    flow.mfa_approved = True

    # -- dispatch --------------------------------------------------------------------------

    def handle(
        self, method: str, path: str, query: str, body: bytes, cookies: dict[str, str]
    ) -> Reply:
        parts = [p for p in path.split("/") if p]
        args = parse_qs(query, keep_blank_values=True)
        with self._lock:
            try:
                return self._route(method, parts, query, args, body, cookies)
            except IdpRefusal as refusal:
                return self._error(refusal.message)

    def _route(
        self,
        method: str,
        parts: list[str],
        query: str,
        args: dict[str, list[str]],
        body: bytes,
        cookies: dict[str, str],
    ) -> Reply:
        form = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
        token = _first(args, "ctx") or _first(form, "flowToken") or ""
        tail = parts[1:] if len(parts) > 1 else parts  # "/kmsi" has no tenant segment
        match method, tail:
            case "GET", ["saml2"] if parts[0].lower() in ("common", "organizations"):
                return Reply.redirect(f"/{self.tenant_id}/saml2?{query}")  # home-realm discovery
            case "GET", ["saml2"]:
                return self._begin(parts[0], args, cookies)
            case "GET", ["reprocess"]:
                hop = _first(args, "hop") or ""
                return self._hop(self._flow(token), int(hop) if hop.isdigit() else 0)
            case "GET", ["login"]:
                return self._show(self._flow(token))
            case "POST", ["login"]:
                return self._credentials(self._flow(token), form)
            case "POST", ["SAS", "EndAuth"]:
                return self._end_auth(body)
            case "POST", ["SAS", "ProcessAuth"]:
                return self._process_auth(self._flow(token))
            case "POST", ["kmsi"]:
                return self._kmsi(self._flow(token), form)
        return Reply.html(not_found_page(), 404)

    # -- steps -----------------------------------------------------------------------------

    def _tenant_ok(self, tenant: str) -> bool:
        domain = self.username.rpartition("@")[2]
        return tenant.lower() in (self.tenant_id.lower(), domain.lower())

    def _begin(self, tenant: str, args: dict[str, list[str]], cookies: dict[str, str]) -> Reply:
        if not self._tenant_ok(tenant):
            raise IdpRefusal("90002", tenant=tenant)
        request = read_authn_request(_first(args, "SAMLRequest") or "")
        app = next((a for a in self.apps if a.identifier == request.issuer), None)
        if app is None:
            raise IdpRefusal("700016", identifier=request.issuer, tenant=tenant)
        if request.acs_url is not None and request.acs_url not in app.reply_urls:
            raise IdpRefusal("50011", uri=request.acs_url, app_id=app.app_id)
        if request.policy_refusal:
            raise IdpRefusal(request.policy_refusal, identifier=request.issuer, app_id=app.app_id)
        self._prune()
        hint = (_first(args, "login_hint") or "").strip()
        scenario = self.scenario
        flow = Flow(
            token=secrets.token_urlsafe(32),
            tenant=tenant,
            app=app,
            request=request,
            acs=request.acs_url or app.reply_urls[0],
            relay_state=_first(args, "RelayState"),
            hops=["302"] * max(0, scenario.redirects) + (["js"] if scenario.js_redirect else []),
            stage="password" if hint.casefold() == self.username.casefold() else "email",
            login=hint,
        )
        session = self._sessions.find(cookies, self.tenant_id.lower())
        if session is not None and not request.force_authn:
            flow.stage, flow.silent, flow.login = "done", True, session.username
            if scenario.error_code and not scenario.error_as_response:
                return self._error_for(flow, scenario.error_code)  # e.g. unassigned since
            flow.error_code = scenario.error_code
        elif request.is_passive:
            flow.stage, flow.error_code = "done", "50058"
        self._flows[flow.token] = flow
        return self._hop(flow, 0)

    def _hop(self, flow: Flow, index: int) -> Reply:
        if index >= len(flow.hops):
            return self._show(flow)
        last = index + 1 >= len(flow.hops)
        target = (
            f"/{flow.tenant}/login?{urlencode({'ctx': flow.token})}"
            if last
            else f"/{flow.tenant}/reprocess?{urlencode({'ctx': flow.token, 'hop': index + 1})}"
        )
        self.pages.append(f"hop-{flow.hops[index]}")
        if flow.hops[index] == "js":
            return Reply.html(script_redirect_page(target))
        return Reply.redirect(target)

    def _credentials(self, flow: Flow, form: dict[str, list[str]]) -> Reply:
        if flow.stage == "email":
            value = (_first(form, "loginfmt") or "").strip()
            if not value:
                return self._page("email", email_page(self._ctx(flow), error=EMPTY_USER))
            if value.casefold() != self.username.casefold():
                page = email_page(self._ctx(flow), value=value, error=UNKNOWN_USER)
                return self._page("email", page)
            flow.stage, flow.login = "password", value
            self.answered.append("email")
        elif flow.stage == "password":
            typed = (_first(form, "passwd") or "").encode("utf-8")
            if not secrets.compare_digest(typed, self.password.encode("utf-8")):
                page = password_page(self._ctx(flow), login=flow.login, error=True)
                return self._page("password", page)
            self.answered.append("password")
            code = self.scenario.error_code
            if code and not self.scenario.error_as_response:
                self._flows.pop(flow.token, None)
                return self._error_for(flow, code)
            if code:
                flow.stage, flow.error_code = "done", code
            else:
                flow.stage, flow.mfa_started = "mfa", time.monotonic()
                flow.mfa_number = secrets.randbelow(90) + 10
                self.last_mfa_number = flow.mfa_number
        return self._show(flow)

    def _approved(self, flow: Flow) -> bool:
        if not flow.mfa_approved and time.monotonic() - flow.mfa_started >= self.scenario.mfa_delay:
            flow.mfa_approved = True
        return flow.mfa_approved

    def _end_auth(self, body: bytes) -> Reply:
        try:
            token = str(json.loads(body or b"{}").get("FlowToken") or "")
        except (ValueError, AttributeError):
            token = ""
        flow = self._flows.get(token)
        if flow is None:
            done, result = False, "InvalidSession"
        elif flow.stage == "mfa":
            done = self._approved(flow)
            result = "Success" if done else "AuthenticationPending"
        else:
            done, result = True, "Success"
        return end_auth_reply(token, done, result)

    def _process_auth(self, flow: Flow) -> Reply:
        if flow.stage == "mfa" and self._approved(flow):
            flow.stage = "kmsi" if self.scenario.kmsi else "done"
            self.answered.append("mfa")
        return self._show(flow)

    def _kmsi(self, flow: Flow, form: dict[str, list[str]]) -> Reply:
        if flow.stage == "kmsi":
            flow.stage, flow.persistent = "done", _first(form, "LoginOptions") == "1"
            self.answered.append("kmsi")
        return self._show(flow)

    # -- pages -----------------------------------------------------------------------------

    def _ctx(self, flow: Flow) -> PageContext:
        scenario = self.scenario
        return PageContext(
            tenant=flow.tenant,
            flow_token=flow.token,
            auto=scenario.auto,
            refuse_automation=scenario.refuse_automation,
            username=self.username,
            password=self.password,
        )

    def _page(self, name: str, text: str) -> Reply:
        self.pages.append(name)
        return Reply.html(text)

    def _show(self, flow: Flow) -> Reply:
        ctx = self._ctx(flow)
        match flow.stage:
            case "email":
                return self._page("email", email_page(ctx, value=flow.login))
            case "password":
                return self._page("password", password_page(ctx, login=flow.login))
            case "mfa":
                page = mfa_page(ctx, login=flow.login, number=flow.mfa_number)
                return self._page("mfa", page)
            case "kmsi":
                page = kmsi_page(ctx, login=flow.login, answer=self.scenario.kmsi_answer)
                return self._page("kmsi", page)
        return self._finish(flow)

    def _finish(self, flow: Flow) -> Reply:
        """The auto-posting form; a flow yields exactly one SAMLResponse."""
        self._flows.pop(flow.token, None)
        self.pages.append("hiddenform")
        if flow.error_code:
            self.error_responses += 1
            return hidden_form_reply(flow, self._tenant.refusal(flow, flow.error_code), [])
        saml = self._tenant.success(flow)
        self.sign_ins += 1
        if flow.silent:
            self.silent_sign_ins += 1
            return hidden_form_reply(flow, saml, [])
        cookies = self._sessions.start(self.username, flow.persistent, self.tenant_id.lower())
        return hidden_form_reply(flow, saml, cookies)

    def _error_for(self, flow: Flow, code: str) -> Reply:
        return self._error(self._tenant.message(flow, code))

    def _error(self, message: str) -> Reply:
        self.pages.append("error")
        return error_page_reply(message)

    # -- state -----------------------------------------------------------------------------

    def _flow(self, token: str) -> Flow:
        flow = self._flows.get(token)
        if flow is None or time.monotonic() - flow.created > FLOW_LIFETIME:
            raise IdpRefusal("90100")
        return flow

    def _prune(self) -> None:
        now = time.monotonic()
        for token in [t for t, f in self._flows.items() if now - f.created > FLOW_LIFETIME]:
            del self._flows[token]
