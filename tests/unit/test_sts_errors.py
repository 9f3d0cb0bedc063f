"""sts_errors.py: every way STS fails is one sentence that says what to do next."""

from __future__ import annotations

import re

import pytest

from tui.core import sts_errors
from tui.core.errors import AssertionExpiredError, StsError
from tui.core.roles import Role

ROLE = Role(
    "arn:aws:iam::123456789012:role/team/Admin", "arn:aws:iam::123456789012:saml-provider/Entra"
)

# code, AWS's message, words that tell the person what to do
CASES = [
    (
        "ExpiredTokenException",
        "Token must be redeemed within 5 minutes of issuance",
        "sign in again",
    ),
    ("ExpiredToken", "Response has expired", "sign in again"),
    ("InvalidIdentityToken", "Response signature invalid", "signing certificate"),
    (
        "InvalidIdentityToken",
        "RoleSessionName in AuthnResponse must match [a-zA-Z_0-9+=,.@-]{2,64}",
        "check the claims",
    ),
    ("AccessDenied", "Not authorized to perform sts:AssumeRoleWithSAML", "trust policy"),
    ("AccessDeniedException", "Not authorized", "trust policy"),
    ("RegionDisabledException", "STS is not activated in this region", "activate the region"),
    ("RegionDisabled", "STS is not activated in this region", "set another region"),
    (
        "IDPRejectedClaim",
        "The identity provider (IdP) reported that authentication failed",
        "check",
    ),
    ("AuthSamlInvalidSamlResponseException", "Issuer not present in specified provider", "upload"),
    (
        "ValidationError",
        "The requested DurationSeconds exceeds the MaxSessionDuration set for this role",
        "choose a shorter duration",
    ),
    ("Throttling", "Rate exceeded", "wait"),
    ("ThrottlingException", "Rate exceeded", "wait"),
    ("RequestLimitExceeded", "Request limit exceeded", "wait"),
    ("MalformedPolicyDocument", "The policy is malformed", "Entra"),
    ("PackedPolicyTooLarge", "Session tags are too large", "Entra"),
    ("ValidationError", "1 validation error detected: Value at 'roleArn' failed", "check"),
    ("SomethingNew", "A brand new failure", "check"),
]


def one_sentence(text: str) -> bool:
    """One line, ending with a full stop, with no second sentence starting inside it."""
    return (
        "\n" not in text
        and text.endswith(".")
        and not text.endswith("..")
        and not re.search(r"\.\s+[A-Z]", text)
    )


@pytest.mark.parametrize(("code", "message", "fix"), CASES)
def test_every_client_error_is_one_sentence_with_the_fix(code, message, fix):
    error = sts_errors.from_client_error(code, message, ROLE, "eu-west-1")
    assert isinstance(error, StsError)
    text = str(error)
    assert one_sentence(text), text
    assert fix in text, text
    assert error.code


@pytest.mark.parametrize("code", ["ExpiredTokenException", "ExpiredToken"])
def test_expired_token_says_sign_in_again(code):
    error = sts_errors.from_client_error(code, "Token must be redeemed...", ROLE, "us-east-1")
    assert isinstance(error, AssertionExpiredError)
    assert "sign in again" in str(error)
    assert "5 minutes" in str(error)


def test_max_session_duration_gets_our_own_code_so_the_gateway_can_step_down():
    error = sts_errors.from_client_error(
        "ValidationError",
        "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
        ROLE,
        "us-east-1",
    )
    assert error.code == sts_errors.MAX_DURATION_CODE
    other = sts_errors.from_client_error("ValidationError", "something else", ROLE, "us-east-1")
    assert other.code == "ValidationError"


def test_messages_name_the_role_account_and_provider_where_it_helps():
    denied = str(sts_errors.from_client_error("AccessDenied", "x", ROLE, "us-east-1"))
    assert "Admin in 123456789012" in denied
    assert ROLE.principal_arn in denied
    assert "SAML:aud" in denied
    disabled = str(sts_errors.from_client_error("RegionDisabledException", "x", ROLE, "ap-east-1"))
    assert "ap-east-1" in disabled and "123456789012" in disabled


def test_aws_text_is_flattened_and_capped():
    noisy = "line one\n\n   line two\t" + "x" * 1000 + "."
    text = str(sts_errors.from_client_error("IDPRejectedClaim", noisy, ROLE, "us-east-1"))
    assert "\n" not in text and "\t" not in text
    assert "line one line two" in text
    assert len(text) < 400


@pytest.mark.parametrize(
    ("error", "fix"),
    [
        (
            sts_errors.unreachable(
                "https://sts.eu-west-1.amazonaws.com", "EndpointConnectionError"
            ),
            "check your network",
        ),
        (sts_errors.timed_out("https://sts.eu-west-1.amazonaws.com", 10), "check your network"),
        (sts_errors.server_error("https://sts.eu-west-1.amazonaws.com", 503), "try again"),
        (sts_errors.not_aws("https://sts.eu-west-1.amazonaws.com"), "check sts_endpoint"),
    ],
)
def test_transport_failures_are_one_sentence_with_the_fix(error, fix):
    text = str(error)
    assert one_sentence(text), text
    assert fix in text
    assert "https://sts.eu-west-1.amazonaws.com" in text


def test_timed_out_says_how_long_it_waited():
    assert "within 10 s" in str(sts_errors.timed_out("https://sts", 10))
