"""AADSTS codes Entra shows on its error pages, each turned into one sentence with the fix.

Only the code and the first sentence of Entra's own message ever reach the sentence: the rest of
the page (trace IDs, the user's name in other places, form values) is never read out of the browser.
"""

from __future__ import annotations

import re

from tui.core.errors import EntraPageError

# What to do about the codes people meet with AWS SAML apps (Microsoft's reference-error-codes).
FIXES: dict[str, str] = {
    "50011": "the app's Reply URL differs from the account's acs_url; make them the same "
    "(e.g. https://signin.aws.amazon.com/saml) in Entra or in config.toml",
    "50020": "your account is not a member or guest of this tenant; check tenant_id or ask the "
    "admin to invite you",
    "50034": "that user does not exist in this tenant; check the username and tenant_id",
    "50053": "the account is locked after too many attempts; wait a while or ask your admin",
    "50055": "your password has expired; change it at https://aka.ms/sspr and sign in again",
    "50057": "the account is disabled; ask your Entra admin to enable it",
    "50058": "there is no signed-in Entra session; sign in with the window visible "
    "(without --headless)",
    "50076": "multi-factor authentication is required; sign in with the window visible "
    "(without --headless) and complete it",
    "50079": "you must register for multi-factor authentication first; sign in with the window "
    "visible (without --headless) or visit https://aka.ms/mysecurityinfo",
    "50105": "you are not assigned to this AWS app; ask your Entra admin to assign you or your "
    "group (Enterprise applications, the AWS app, Users and groups)",
    "50126": "the username or password is wrong; sign in again with the window visible",
    "50158": "an external security challenge was not satisfied; sign in with the window visible",
    "50196": "Entra saw a sign-in loop (too many sign-ins in a short time); wait a minute and "
    "try again",
    "53000": "Conditional Access needs a compliant, managed device; sign in from one, or ask IT",
    "53001": "Conditional Access needs a domain-joined device; sign in from one, or ask IT",
    "53003": "Conditional Access blocked the sign-in; ask your Entra admin which policy applies",
    "65001": "the app needs admin consent; ask your Entra admin to grant it",
    "75011": "the way you signed in does not match what the app requires; set force_authn = true "
    "for this account in config.toml so Entra asks for a fresh sign-in",
    "76021": "the app requires signed requests, which entra-aws does not send; ask your admin to "
    "turn off 'Require verification certificates' on the app",
    "90002": "the tenant was not found; check tenant_id (a GUID or a verified domain) and "
    "login_url for your cloud",
    "700016": "no app with this Identifier exists in the tenant; set app_id_uri to the Entra "
    "app's Identifier (Entity ID) exactly, including any #N suffix, and check tenant_id",
    "750054": "the sign-in URL lost its SAMLRequest; check that login_url is only the Entra host "
    "(no path) and try again",
}

AADSTS_RE = re.compile(r"AADSTS(\d{4,})")
_MESSAGE_LIMIT = 200


def error_url(code: str) -> str:
    return f"https://login.microsoftonline.com/error?code={code}"


def first_sentence(message: str) -> str:
    """Entra's message, trimmed to its first sentence and a sane length, control characters out."""
    text = " ".join("".join(ch if ch.isprintable() else " " for ch in message).split())
    text = re.sub(r"^[:\-– ]*(AADSTS\d+[:\-– ]*)?", "", text).strip()
    match = re.search(r"(?<=[.!?])\s", text)
    if match:
        text = text[: match.start()]
    if len(text) > _MESSAGE_LIMIT:
        text = text[: _MESSAGE_LIMIT - 1].rstrip() + "…"
    return text.rstrip(".")


def entra_page_error(code: str, message: str = "") -> EntraPageError:
    """The error for an Entra page showing AADSTS`code`; `message` is Entra's text after it."""
    digits = code.upper().removeprefix("AADSTS")
    said = first_sentence(message)
    quoted = f": {said}" if said else ""
    fix = FIXES.get(digits)
    if fix is None:
        text = f"Entra refused the sign-in (AADSTS{digits}{quoted}); see {error_url(digits)}."
    else:
        text = f"Entra refused the sign-in (AADSTS{digits}{quoted}): {fix}."
    return EntraPageError(text, f"AADSTS{digits}")
