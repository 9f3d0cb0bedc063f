"""The local IdP's HTML: Entra's pages reduced to the markup clients and people rely on.

Element ids and names are Entra's (research §4.1) so the client's page probes and any automation
see what they would see at login.microsoftonline.com. Every value is HTML-escaped (login_hint is
user input) and script data goes through `_js`, so nothing can close a <script>. No external
resources: the machine may be offline.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from html import escape
from typing import Any

TITLE = "Sign in to your account"
TROUBLE = "Sorry, but we're having trouble signing you in."
BAD_CREDENTIALS = "Your account or password is incorrect. If you don't remember your password, "
UNKNOWN_USER = (
    "This username may be incorrect. Make sure you typed it correctly. "
    "Otherwise, contact your admin."
)
EMPTY_USER = "Enter a valid email address, phone number, or Skype name."
AUTOMATION_REFUSED = (
    "This browser is being controlled by automated test software and can't be used to sign in."
)
AUTO_DELAY_MS = 150
POLL_MS = 250

_CSS = """
*{box-sizing:border-box}body{margin:0;background:#f2f2f2;font-family:"Segoe UI","Helvetica Neue",
Arial,sans-serif;color:#1b1b1b;font-size:15px}.sign-in-box{width:440px;max-width:calc(100% - 40px);
margin:80px auto 0;background:#fff;padding:44px;box-shadow:0 2px 6px rgba(0,0,0,.2)}
.logo{display:flex;align-items:center;gap:6px;font-weight:600;color:#737373}
.logo i{display:inline-grid;grid-template-columns:10px 10px;gap:1px}.logo b{width:10px;height:10px}
.title{font-size:1.5rem;font-weight:600;margin:16px 0 12px}.identity{margin-top:16px}
.form-control{width:100%;border:0;border-bottom:1px solid #666;padding:6px 0;font-size:15px;
outline:none;margin:8px 0 16px}.form-control.has-error{border-bottom-color:#e81123}
.alert-error{color:#e81123}#service_exception_message{margin:12px 0 20px}.button_primary{background:#0067b8;color:#fff;border:0;min-width:108px;
padding:6px 12px;font-size:15px;cursor:pointer}.button_secondary{background:#ccc;border:0;
min-width:108px;padding:6px 12px;font-size:15px;margin-right:4px}.row{display:flex;
justify-content:flex-end;margin-top:24px}.displaySign{font-size:2.5rem;font-weight:600;
text-align:center;margin:16px 0}.small{font-size:13px;color:#666}
#footer{position:fixed;bottom:0;right:0;font-size:12px;padding:8px}#footer a{color:#000;
margin-left:12px;text-decoration:none}
"""
_LOGO = (
    '<div class="logo" role="img" aria-label="Microsoft"><i>'
    '<b style="background:#f25022"></b><b style="background:#7fba00"></b>'
    '<b style="background:#00a4ef"></b><b style="background:#ffb900"></b>'
    "</i>Microsoft</div>"
)
_FOOTER = (
    '<div id="footer" role="contentinfo"><a id="ftrTerms" href="#">Terms of use</a>'
    '<a id="ftrPrivacy" href="#">Privacy &amp; cookies</a><a id="moreOptions" href="#">...</a>'
    "</div>"
)
_VIEWPORT = (
    '<meta name="viewport" content="width=device-width, initial-scale=1.0, '
    'maximum-scale=2.0, user-scalable=yes">'
)
# Runs first on every sign-in page: a browser that admits being automated is refused.
_GUARD = (
    "if(C.fBlockAutomation&&navigator.webdriver===true){"
    "document.title='Sign in to your account';"
    "document.getElementById('lightbox').innerHTML=C.sAutomationHtml;return;}"
)


@dataclass(frozen=True)
class PageContext:
    """What every sign-in page needs to know about its flow and the scenario."""

    tenant: str
    flow_token: str
    auto: bool
    refuse_automation: bool
    username: str
    password: str


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def _js(value: Any) -> str:
    """JSON that is safe inside <script> (no `</script>`, no `<!--`, no HTML entities)."""
    text = json.dumps(value, ensure_ascii=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _shell(
    pgid: str,
    ctx: PageContext | None,
    content: str,
    script: str = "",
    extra: dict[str, Any] | None = None,
) -> str:
    config: dict[str, Any] = {"pgid": pgid, "sErrorCode": "", "iPollingInterval": POLL_MS}
    if ctx is not None:
        config |= {
            "sFT": ctx.flow_token,
            "sFTName": "flowToken",
            "urlPost": f"/{ctx.tenant}/login",
            "urlEndAuth": f"/{ctx.tenant}/SAS/EndAuth",
            "fAuto": ctx.auto,
            "fBlockAutomation": ctx.refuse_automation,
            "sAutomationHtml": _automation_refusal(),
            "iAutoDelay": AUTO_DELAY_MS,
        }
    config |= extra or {}
    guard = _GUARD if ctx is not None else ""
    return (
        '<!DOCTYPE html><html dir="ltr" lang="en"><head><meta charset="utf-8">'
        f'{_VIEWPORT}<meta name="robots" content="none"><title>{TITLE}</title>'
        f"<style>{_CSS}</style><script>//<![CDATA[\n$Config={_js(config)};\n//]]></script>"
        f'</head><body class="cb"><div id="lightbox" class="sign-in-box">{_LOGO}{content}</div>'
        f"{_FOOTER}<script>(function(){{var C=window.$Config;{guard}{script}}})();</script>"
        "</body></html>"
    )


def _automation_refusal() -> str:
    return (
        '<div role="heading" aria-level="1" class="title" id="loginHeader">Sign in</div>'
        f'<div id="automationRefused" class="alert alert-error" role="alert">{_e(AUTOMATION_REFUSED)}'
        "</div><p>Close this window and sign in again from a browser you use yourself.</p>"
    )


def _hidden(ctx: PageContext) -> str:
    return f'<input type="hidden" name="flowToken" value="{_e(ctx.flow_token)}">'


def _auto(ctx: PageContext, body: str) -> str:
    return f"if(C.fAuto){{setTimeout(function(){{{body}}},C.iAutoDelay);}}" if ctx.auto else ""


def email_page(ctx: PageContext, *, value: str = "", error: str = "") -> str:
    """'Sign in': the UPN field (#i0116, loginfmt) and Next (#idSIButton9)."""
    alert = (
        f'<div id="usernameError" class="alert alert-error" role="alert">{_e(error)}</div>'
        if error
        else ""
    )
    has_error = " has-error" if error else ""
    content = (
        f'<form name="f1" id="i0281" novalidate spellcheck="false" method="post" autocomplete="off"'
        f' action="/{_e(ctx.tenant)}/login">'
        '<div role="heading" aria-level="1" class="title" id="loginHeader">Sign in</div>'
        f'{alert}<input type="email" name="loginfmt" id="i0116" maxlength="113"'
        f' class="form-control ltr_override input ext-input text-box ext-text-box{has_error}"'
        ' aria-required="true" placeholder="Email, phone, or Skype" autocomplete="username"'
        f' aria-label="Enter your email, phone, or Skype." value="{_e(value)}">'
        '<div class="small"><a id="cantAccessAccount" href="#">Can\'t access your account?</a></div>'
        f'{_hidden(ctx)}<div class="row"><input type="submit" id="idSIButton9"'
        ' class="win-button button_primary button ext-button primary ext-primary" value="Next">'
        "</div></form>"
    )
    fill = "var e=document.getElementById('i0116');if(!e.value){e.value=C.sAutoUser;}"
    script = _auto(ctx, fill + "document.forms.f1.submit();")
    extra = {"sAutoUser": ctx.username if ctx.auto else ""}
    return _shell("ConvergedSignIn", ctx, content, script, extra)


def password_page(ctx: PageContext, *, login: str, error: bool = False) -> str:
    """'Enter password': #i0118 (passwd) and Sign in (#idSIButton9); the UPN shown above."""
    alert = (
        '<div id="passwordError" class="alert alert-error" role="alert">'
        f'{_e(BAD_CREDENTIALS)}<a id="idA_IL_ForgotPassword0" href="#">reset it now.</a></div>'
        if error
        else ""
    )
    has_error = " has-error" if error else ""
    content = (
        f'<div class="identity"><div id="displayName" title="{_e(login)}">{_e(login)}</div></div>'
        f'<form name="f1" id="i0281" novalidate method="post" autocomplete="off"'
        f' action="/{_e(ctx.tenant)}/login">'
        '<div role="heading" aria-level="1" class="title" id="loginHeader">Enter password</div>'
        f'{alert}<input name="passwd" type="password" id="i0118" autocomplete="off"'
        f' class="form-control input ext-input text-box ext-text-box{has_error}"'
        f' aria-required="true" placeholder="Password" aria-label="Enter the password for {_e(login)}">'
        f'<input type="hidden" name="login" value="{_e(login)}">'
        f'<input type="hidden" name="loginfmt" value="{_e(login)}">'
        '<input type="hidden" name="type" value="11">'
        '<div class="small"><a id="idA_PWD_ForgotPassword" href="#">Forgot my password</a></div>'
        f'{_hidden(ctx)}<div class="row"><input type="submit" id="idSIButton9"'
        ' class="win-button button_primary button ext-button primary ext-primary" value="Sign in">'
        "</div></form>"
    )
    fill = "var p=document.getElementById('i0118');if(!p.value){p.value=C.sAutoPassword;}"
    script = _auto(ctx, fill + "document.forms.f1.submit();")
    extra = {"sAutoPassword": ctx.password if ctx.auto else ""}
    return _shell("ConvergedSignIn", ctx, content, script, extra)


def mfa_page(ctx: PageContext, *, login: str, number: int) -> str:
    """Authenticator number matching; the page polls EndAuth and moves on once approved."""
    content = (
        f'<div class="identity"><div id="displayName" title="{_e(login)}">{_e(login)}</div></div>'
        '<div role="heading" aria-level="1" class="title" id="idDiv_SAOTCAS_Title">'
        "Approve sign in request</div>"
        '<div id="idDiv_SAOTCAS_Description" class="text-title">Open your Authenticator app, and '
        "enter the number shown to sign in.</div>"
        f'<div id="idRichContext_DisplaySign" class="displaySign display-sign-height">{number:02d}'
        "</div>"
        '<div id="idDiv_SAOTCAS_Description2" class="small">No numbers in your app? Make sure to '
        "upgrade to the latest version.</div>"
        '<div id="idDiv_SAASDS_Description" class="alert alert-error" role="alert" hidden>'
        "We didn't hear from you. Please try again.</div>"
        f'<form name="f1" method="post" action="/{_e(ctx.tenant)}/SAS/ProcessAuth">'
        f'{_hidden(ctx)}<input type="hidden" name="type" value="22">'
        '<input type="hidden" name="request" value=""></form>'
        '<div class="small"><a id="signInAnotherWay" href="#">I can\'t use my Microsoft '
        "Authenticator app right now</a></div>"
    )
    script = (
        "function poll(){fetch(C.urlEndAuth,{method:'POST',headers:{'Content-Type':"
        "'application/json'},body:JSON.stringify({FlowToken:C.sFT})}).then(function(r){"
        "return r.json();}).then(function(j){if(j.Success){document.forms.f1.submit();}"
        "else if(j.ResultValue==='AuthenticationPending'){setTimeout(poll,C.iPollingInterval);}"
        "else{document.getElementById('idDiv_SAASDS_Description').hidden=false;}})"
        ".catch(function(){setTimeout(poll,1000);});}"
        "setTimeout(poll,C.iPollingInterval);"
    )
    return _shell("ConvergedTFA", ctx, content, script)


def kmsi_page(ctx: PageContext, *, login: str, answer: bool) -> str:
    """'Stay signed in?': Yes (#idSIButton9) posts LoginOptions=1, No (#idBtn_Back) posts 3."""
    content = (
        f'<div class="identity"><div id="displayName" title="{_e(login)}">{_e(login)}</div></div>'
        '<form name="f1" method="post" action="/kmsi">'
        '<div role="heading" aria-level="1" class="title" id="kmsiTitle">Stay signed in?</div>'
        '<div id="KmsiDescription" class="text-block-body">Stay signed in so you don\'t have to '
        "sign in again next time.</div>"
        '<div class="small"><label><input type="checkbox" id="KmsiCheckboxField"'
        ' name="DontShowAgain" value="true"> Don\'t show this again</label></div>'
        f'<input type="hidden" name="LoginOptions" value="1">{_hidden(ctx)}'
        '<input type="hidden" name="type" value="28">'
        '<div class="row"><input type="button" id="idBtn_Back"'
        ' class="win-button button-secondary button ext-button secondary ext-secondary'
        ' button_secondary" value="No">'
        '<input type="submit" id="idSIButton9"'
        ' class="win-button button_primary button ext-button primary ext-primary" value="Yes">'
        "</div></form>"
    )
    script = (
        "document.getElementById('idBtn_Back').addEventListener('click',function(){"
        "document.forms.f1.LoginOptions.value='3';document.forms.f1.submit();});"
    ) + _auto(
        ctx, f"document.getElementById('{'idSIButton9' if answer else 'idBtn_Back'}').click();"
    )
    return _shell("KmsiInterrupt", ctx, content, script)


def error_page(message: str, *, request_id: str, correlation_id: str, timestamp: str) -> str:
    """Entra's error page: the AADSTS message first, then the troubleshooting details."""
    code = message.split(":", 1)[0].removeprefix("AADSTS")
    content = (
        '<div role="heading" aria-level="1" class="title" id="loginHeader">Sign in</div>'
        f'<div id="errorDescription" class="text-title">{_e(TROUBLE)}</div>'
        f'<div id="service_exception_message" class="alert-error">{_e(message)}</div>'
        '<div id="idDiv_TroubleshootingDetails" class="small"><p><b>Troubleshooting details</b>'
        "</p><p>If you contact your administrator, send this info to them.</p>"
        f'<div id="traceRequestId">Request Id: {_e(request_id)}</div>'
        f'<div id="traceCorrelationId">Correlation Id: {_e(correlation_id)}</div>'
        f'<div id="traceTimestamp">Timestamp: {_e(timestamp)}</div>'
        f'<div id="traceMessage">Message: {_e(message)}</div></div>'
    )
    return _shell("ConvergedError", None, content, extra={"sErrorCode": code})


def hidden_form_page(action: str, saml_response: str, relay_state: str | None) -> str:
    """The page Entra ends every sign-in with: a form that posts the SAMLResponse to the ACS."""
    relay = (
        f'<input type="hidden" name="RelayState" value="{_e(relay_state)}"/>'
        if relay_state is not None
        else ""
    )
    return (
        f'<html><head><meta charset="utf-8">{_VIEWPORT}<title>Working...</title></head><body>'
        f'<form method="POST" name="hiddenform" action="{_e(action)}">'
        f'<input type="hidden" name="SAMLResponse" value="{_e(saml_response)}"/>{relay}'
        "<noscript><p>Script is disabled. Click Submit to continue.</p>"
        '<input type="submit" value="Continue"/></noscript></form>'
        "<script>window.setTimeout(function(){document.forms[0].submit()},0);</script>"
        "</body></html>"
    )


def script_redirect_page(url: str) -> str:
    """A hop done by script (meta refresh as the fallback), as Entra's reprocess pages do."""
    return (
        f'<!DOCTYPE html><html><head><meta charset="utf-8">{_VIEWPORT}'
        f'<meta http-equiv="refresh" content="1;url={_e(url)}"><title>Working...</title></head>'
        f'<body><noscript><a href="{_e(url)}">Continue</a></noscript>'
        f"<script>window.location.replace({_js(url)});</script></body></html>"
    )


def not_found_page() -> str:
    return _shell("NotFound", None, '<div class="title">We couldn\'t find that page.</div>')
