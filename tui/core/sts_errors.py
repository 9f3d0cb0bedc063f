"""Every way STS can fail, as one sentence that says what to do next.

boto3 is imported lazily by `sts.py`; this module only reads exception attributes by name, so it
stays importable without boto3 loaded.
"""

from __future__ import annotations

from tui.core.errors import AssertionExpiredError, StsError
from tui.core.logs import redact
from tui.core.roles import Role

MAX_DURATION_TEXT = "MaxSessionDuration"
MAX_DURATION_CODE = (
    "MaxSessionDuration"  # our code for AWS's ValidationError about the role's maximum
)


def _aws_message(message: str) -> str:
    """AWS's message, short and flat; an endpoint that quotes the assertion back gets it masked."""
    flat = redact(" ".join(message.split()))
    return flat[:200].rstrip(".")


def from_client_error(code: str, message: str, role: Role, region: str) -> StsError:
    """Map an STS error code (and AWS's own message) to our one-sentence error."""
    aws = _aws_message(message)
    role_label = f"{role.name} in {role.account_id}"
    if code in ("ExpiredTokenException", "ExpiredToken"):
        return AssertionExpiredError(
            "The sign-in has expired (STS accepts an assertion for 5 minutes); sign in again.", code
        )
    if code == "InvalidIdentityToken":
        hint = (
            "the IAM SAML provider needs the Entra app's current signing certificate (update its metadata)"
            if "signature" in aws.lower()
            else "check the claims the Entra app sends (RoleSessionName, Role)"
        )
        return StsError(f"STS rejected the assertion for {role_label} ({aws}); {hint}.", code)
    if code in ("AccessDenied", "AccessDeniedException"):
        return StsError(
            f"STS denied {role_label}: make sure the role exists and its trust policy allows "
            f"{role.principal_arn} with SAML:aud set to the ACS URL you sign in through.",
            code,
        )
    if code in ("RegionDisabledException", "RegionDisabled"):
        return StsError(
            f"STS is not activated in {region} for account {role.account_id}; set another region "
            "for this account or activate the region in IAM account settings.",
            code,
        )
    if code == "IDPRejectedClaim":
        return StsError(
            f"AWS rejected a claim in the assertion for {role_label} ({aws}); check the Entra app's claims.",
            code,
        )
    if code == "AuthSamlInvalidSamlResponseException":
        return StsError(
            f"AWS could not match the assertion to {role.principal_arn} ({aws}); upload the Entra "
            "app's federation metadata to that SAML provider.",
            code,
        )
    if code == "ValidationError" and MAX_DURATION_TEXT in message:
        return StsError(
            f"The duration is above the maximum session duration of {role_label}; choose a shorter "
            "duration or raise the role's MaxSessionDuration.",
            MAX_DURATION_CODE,
        )
    if code in ("Throttling", "ThrottlingException", "RequestLimitExceeded"):
        return StsError("STS is throttling requests; wait a moment and sign in again.", code)
    if code in ("MalformedPolicyDocument", "PackedPolicyTooLarge"):
        return StsError(
            f"STS refused the session policy or tags for {role_label} ({aws}); ask your Entra "
            "admin to check the session tags and policy claims the app sends.",
            code,
        )
    return StsError(
        f"STS refused {role_label} ({code}: {aws}); check the role and the Entra app's setup, "
        "then sign in again.",
        code,
    )


def unreachable(endpoint: str, detail: str) -> StsError:
    return StsError(
        f"Could not reach STS at {endpoint} ({detail}); check your network, proxy or sts_endpoint, "
        "then try again.",
        "EndpointConnectionError",
    )


def timed_out(endpoint: str, seconds: float) -> StsError:
    return StsError(
        f"STS at {endpoint} did not answer within {seconds:.0f} s; check your network or proxy, "
        "then sign in again.",
        "Timeout",
    )


def server_error(endpoint: str, status: int | str) -> StsError:
    return StsError(
        f"STS at {endpoint} failed with HTTP {status}; try again in a moment.", "ServiceUnavailable"
    )


def not_aws(endpoint: str) -> StsError:
    return StsError(
        f"{endpoint} answered with something that is not an STS response (a proxy or captive "
        "portal?); check sts_endpoint and your proxy settings.",
        "ResponseParserError",
    )
