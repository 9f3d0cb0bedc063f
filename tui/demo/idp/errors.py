"""The AADSTS messages the local IdP shows, worded as Entra words them.

The client reads only `AADSTS<code>:` and the sentence after it from an error page, so the code
must come first on its line and the message must read like Entra's (reference-error-codes.md).
"""

from __future__ import annotations

from collections.abc import Mapping

APP_NAME = "AWS Single-Account Access"

# `{app}` app display name, `{app_id}` its application id, `{user}` the UPN, `{identifier}`
# the request Issuer, `{tenant}` the tenant in the URL, `{uri}` the reply URL asked for.
MESSAGES: dict[str, str] = {
    "16000": "AADSTS16000: User account '{user}' from identity provider "
    "'https://sts.windows.net/{tenant}/' does not exist in tenant 'Contoso' and cannot access "
    "the application '{app_id}'({app}) in that tenant.",
    "50011": "AADSTS50011: The redirect URI '{uri}' specified in the request does not match the "
    "redirect URIs configured for the application '{app_id}'. Make sure the redirect URI sent in "
    "the request matches one added to your application in the Azure portal. Navigate to "
    "https://aka.ms/redirectUriMismatchError to learn more about how to fix this.",
    "50034": "AADSTS50034: The user account {user} does not exist in the {tenant} directory. To "
    "sign into this application, the account must be added to the directory.",
    "50053": "AADSTS50053: Your account is locked because you've tried to sign in too many times "
    "with an incorrect user ID or password.",
    "50057": "AADSTS50057: The user account is disabled.",
    "50058": "AADSTS50058: A silent sign-in request was sent but no user is signed in. The "
    "cookies used to represent the user's session were not sent in the request to Azure AD.",
    "50076": "AADSTS50076: Due to a configuration change made by your administrator, or because "
    "you moved to a new location, you must use multi-factor authentication to access "
    "'{identifier}'.",
    "50079": "AADSTS50079: Due to a configuration change made by your administrator, or because "
    "you moved to a new location, you must enroll in multi-factor authentication to access "
    "'{identifier}'.",
    "50105": "AADSTS50105: Your administrator has configured the application {app} ('{app_id}') "
    "to block users unless they are specifically granted ('assigned') access to the "
    "application. The signed in user '{user}' is blocked because they are not a direct member "
    "of a group with access, nor had access directly assigned by an administrator. Please "
    "contact your administrator to assign access to this application.",
    "50126": "AADSTS50126: Error validating credentials due to invalid username or password.",
    "50196": "AADSTS50196: The server terminated an operation because it encountered a client "
    "request loop. Please contact your app vendor.",
    "53000": "AADSTS53000: Device is not in required device state: compliant. Conditional Access "
    "policy requires a compliant device, and the device is not compliant. The user must enroll "
    "their device with an approved MDM provider like Intune.",
    "53001": "AADSTS53001: Device is not in required device state: domain_joined. Conditional "
    "Access policy requires a domain joined device, and the device is not domain joined.",
    "53003": "AADSTS53003: Access has been blocked by Conditional Access policies. The access "
    "policy does not allow token issuance.",
    "65001": "AADSTS65001: The user or administrator has not consented to use the application "
    "with ID '{app_id}' named '{app}'. Send an interactive authorization request for this user "
    "and resource.",
    "75005": "AADSTS75005: The request is not a valid Saml2 protocol message.",
    "75011": "AADSTS75011: Authentication method 'Password, ProtectedTransport, MultiFactor' by "
    "which the user authenticated with the service doesn't match requested authentication "
    "method 'X509, MultiFactor'. Contact the {app} application owner.",
    "75016": "AADSTS75016: SAML2 Authentication Request has invalid NameIdPolicy.",
    "76021": "AADSTS76021: The request sent by client is not signed while the application "
    "requires signed requests.",
    "90002": "AADSTS90002: Tenant '{tenant}' not found. Check to make sure you have the correct "
    "tenant ID and are signing into the correct cloud. Check with your subscription "
    "administrator, this may happen if there are no active subscriptions for the tenant.",
    "90100": "AADSTS90100: flowToken parameter is empty or not valid.",
    "500121": "AADSTS500121: Authentication failed during strong authentication request.",
    "700016": "AADSTS700016: Application with identifier '{identifier}' was not found in the "
    "directory '{tenant}'. This can happen if the application has not been installed by the "
    "administrator of the tenant or consented to by any user in the tenant. You may have sent "
    "your authentication request to the wrong tenant.",
    "750054": "AADSTS750054: SAMLRequest or SAMLResponse must be present as query string "
    "parameters in HTTP request for SAML Redirect binding.",
}


class _Blank(dict[str, str]):
    """Placeholders a caller did not supply read as empty rather than raising."""

    def __missing__(self, key: str) -> str:
        return ""


def aadsts_message(code: str, **details: str) -> str:
    """`AADSTS<code>: <Entra's message>`; unknown codes get a generic sentence, same shape."""
    digits = code.upper().removeprefix("AADSTS")
    template = MESSAGES.get(digits)
    if template is None:
        return f"AADSTS{digits}: The sign-in was refused by a policy in this directory."
    values: Mapping[str, str] = _Blank({"app": APP_NAME, **details})
    return template.format_map(values)


class IdpRefusal(Exception):
    """A request Entra answers with its error page; `message` starts with `AADSTS<code>:`."""

    def __init__(self, code: str, **details: str) -> None:
        self.code = code
        self.message = aadsts_message(code, **details)
        super().__init__(self.message)
