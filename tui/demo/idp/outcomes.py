"""How a sign-in ends: Entra's auto-posting form with a SAMLResponse (signed, or a refusal
status), or Entra's error page with the AADSTS message and troubleshooting details."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from tui.demo.idp.errors import IdpRefusal
from tui.demo.idp.model import Flow, Reply
from tui.demo.idp.pages import error_page, hidden_form_page
from tui.demo.saml_builder import REQUESTER, build_error_response, build_saml_response
from tui.demo.signing import SigningKey

RESPONDER = "urn:oasis:names:tc:SAML:2.0:status:Responder"
NO_PASSIVE = "urn:oasis:names:tc:SAML:2.0:status:NoPassive"


@dataclass(frozen=True)
class Tenant:
    """The directory a response speaks for: its signing key and its one demo user."""

    key: SigningKey
    tenant_id: str
    username: str
    display_name: str

    def message(self, flow: Flow, code: str) -> str:
        """`AADSTS<code>: …` filled in with this flow's app, reply URL and user."""
        return IdpRefusal(
            code,
            user=self.username,
            tenant=flow.tenant,
            identifier=flow.app.identifier,
            app_id=flow.app.app_id,
            uri=flow.acs,
        ).message

    def success(self, flow: Flow) -> str:
        """The signed SAMLResponse for the flow's app (audience without the Identifier's #N)."""
        return build_saml_response(
            self.key,
            roles=flow.app.roles,
            subject=self.username,
            tenant_id=self.tenant_id,
            display_name=self.display_name,
            role_session_name=self.username,
            session_duration=flow.app.session_duration,
            destination=flow.acs,
            audience=flow.app.audience,
            in_response_to=flow.request.id,
            groups=flow.app.groups,
            provider_first=flow.app.provider_first,
        )

    def refusal(self, flow: Flow, code: str) -> str:
        """A non-Success SAMLResponse; IsPassive without a session is Responder/NoPassive."""
        passive = code == "50058"
        return build_error_response(
            status=RESPONDER if passive else REQUESTER,
            sub_status=NO_PASSIVE if passive else None,
            message=self.message(flow, code),
            destination=flow.acs,
            in_response_to=flow.request.id,
            tenant_id=self.tenant_id,
        )


def hidden_form_reply(flow: Flow, saml: str, cookies: list[str]) -> Reply:
    reply = Reply.html(hidden_form_page(flow.acs, saml, flow.relay_state))
    reply.headers += [("Set-Cookie", cookie) for cookie in cookies]
    return reply


def error_page_reply(message: str) -> Reply:
    now = datetime.now(UTC)
    stamp = f"{now:%Y-%m-%dT%H:%M:%S}.{now.microsecond // 1000:03d}Z"
    page = error_page(
        message, request_id=str(uuid.uuid4()), correlation_id=str(uuid.uuid4()), timestamp=stamp
    )
    return Reply.html(page)


def end_auth_reply(token: str, done: bool, result: str) -> Reply:
    """The number-matching poll's answer, shaped like Entra's SAS/EndAuth JSON."""
    answer = {
        "Success": done,
        "ResultValue": result,
        "Message": None,
        "AuthMethodId": "PhoneAppNotification",
        "ErrCode": 0,
        "Retry": False,
        "FlowToken": token,
        "Ctx": token,
    }
    return Reply(200, json.dumps(answer).encode(), "application/json; charset=utf-8")
