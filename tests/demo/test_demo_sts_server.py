"""The local STS through real clients: every AWS-like refusal, the happy path, faults, federation."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError, ReadTimeoutError
from botocore.parsers import ResponseParserError

from tui.demo.saml_builder import (
    DEMO_TENANT_ID,
    build_error_response,
    build_saml_response,
    issuer_for,
)
from tui.demo.signing import SigningKey, load_signing_key
from tui.demo.sts.rules import MAX_DURATION_MESSAGE, name_qualifier
from tui.demo.sts.server import LocalSts

ACCOUNT_A = "111111111111"
ACCOUNT_B = "222222222222"
AWS_CLI = Path(sys.executable).with_name("aws")


@dataclass
class World:
    """Two accounts, each with the Entra SAML provider; Admin (max 2 h) in A, team/Dev in B."""

    sts: LocalSts
    key: SigningKey
    admin: tuple[str, str]
    dev: tuple[str, str]

    def saml(self, **kwargs: Any) -> str:
        kwargs.setdefault("roles", [self.admin, self.dev])
        return build_saml_response(self.key, **kwargs)


@pytest.fixture
def world(local_sts: LocalSts, signing_key: SigningKey) -> World:
    metadata = signing_key.metadata_xml(issuer_for(DEMO_TENANT_ID))
    provider_a = local_sts.add_saml_provider(ACCOUNT_A, "EntraID", metadata)
    provider_b = local_sts.add_saml_provider(ACCOUNT_B, "EntraID", metadata)
    admin = local_sts.add_role(ACCOUNT_A, "Admin", max_session_duration=7200)
    dev = local_sts.add_role(ACCOUNT_B, "Dev", path="/team/")
    return World(local_sts, signing_key, (admin, provider_a), (dev, provider_b))


def _client(url: str, **config: Any) -> Any:
    settings: dict[str, Any] = {
        "signature_version": UNSIGNED,
        "retries": {"total_max_attempts": 1},
    }
    settings.update(config)
    return boto3.client("sts", endpoint_url=url, region_name="us-east-1", config=Config(**settings))


@pytest.fixture(scope="module")
def sts_client(local_sts_server: LocalSts) -> Any:
    """One unsigned client for the module: clients are costly to make, cheap to reuse."""
    return _client(local_sts_server.url)


def _assume(client: Any, pair: tuple[str, str], saml: str, **kwargs: Any) -> dict[str, Any]:
    return client.assume_role_with_saml(
        RoleArn=pair[0], PrincipalArn=pair[1], SAMLAssertion=saml, **kwargs
    )


def _refusal(client: Any, pair: tuple[str, str], saml: str, **kwargs: Any) -> tuple[str, int, str]:
    with pytest.raises(ClientError) as caught:
        _assume(client, pair, saml, **kwargs)
    error = caught.value.response
    return (
        error["Error"]["Code"],
        error["ResponseMetadata"]["HTTPStatusCode"],
        error["Error"]["Message"],
    )


def _lifetime(answer: dict[str, Any]) -> float:
    return (answer["Credentials"]["Expiration"] - datetime.now(UTC)).total_seconds()


def _tamper_role(saml: str) -> str:
    """Change one character of the first role ARN inside the signed AWS Role attribute."""
    xml = base64.b64decode(saml).decode()
    start = xml.index('Name="https://aws.amazon.com/SAML/Attributes/Role"')
    at = xml.index("role/Admin", start) + len("role/Admi")
    altered = xml[:at] + "m" + xml[at + 1 :]
    return base64.b64encode(altered.encode()).decode()


def _signed_client(url: str, credentials: dict[str, Any]) -> Any:
    return boto3.client(
        "sts",
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
        config=Config(retries={"total_max_attempts": 1}),
    )


# -- the happy path --------------------------------------------------------------------------


def test_every_role_listed_in_one_assertion_can_be_assumed(world: World, sts_client: Any):
    saml = world.saml()
    admin = _assume(sts_client, world.admin, saml)
    dev = _assume(sts_client, world.dev, saml)
    assert admin["AssumedRoleUser"]["Arn"] == (
        f"arn:aws:sts::{ACCOUNT_A}:assumed-role/Admin/alice@contoso.com"
    )
    assert dev["AssumedRoleUser"]["Arn"] == (
        f"arn:aws:sts::{ACCOUNT_B}:assumed-role/Dev/alice@contoso.com"
    )
    assert dev["AssumedRoleUser"]["AssumedRoleId"].endswith(":alice@contoso.com")
    for answer in (admin, dev):
        credentials = answer["Credentials"]
        assert credentials["AccessKeyId"].startswith("ASIA")
        assert len(credentials["SecretAccessKey"]) == 40
        assert len(credentials["SessionToken"]) > 100
        assert 3590 < _lifetime(answer) <= 3600
    assert admin["Credentials"]["AccessKeyId"] != dev["Credentials"]["AccessKeyId"]
    issuer = issuer_for(DEMO_TENANT_ID)
    assert admin["Subject"] == "alice@contoso.com"
    assert admin["SubjectType"] == "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"
    assert admin["Issuer"] == issuer
    assert admin["Audience"] == "https://signin.aws.amazon.com/saml"
    assert admin["NameQualifier"] == name_qualifier(issuer, world.admin[1])


def test_provider_first_role_values_are_accepted(world: World, sts_client: Any):
    answer = _assume(sts_client, world.dev, world.saml(provider_first=True))
    assert answer["AssumedRoleUser"]["Arn"].endswith(":assumed-role/Dev/alice@contoso.com")


def test_caller_identity_with_the_new_keys_is_the_assumed_role(world: World, sts_client: Any):
    credentials = _assume(sts_client, world.dev, world.saml())["Credentials"]
    identity = _signed_client(world.sts.url, credentials).get_caller_identity()
    assert identity["Arn"] == f"arn:aws:sts::{ACCOUNT_B}:assumed-role/Dev/alice@contoso.com"
    assert identity["Account"] == ACCOUNT_B


@pytest.mark.e2e
def test_aws_cli_get_caller_identity_returns_the_assumed_role(
    world: World, sts_client: Any, tmp_path: Path
):
    credentials = _assume(sts_client, world.admin, world.saml(subject="bob@contoso.com"))[
        "Credentials"
    ]
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        AWS_ACCESS_KEY_ID=credentials["AccessKeyId"],
        AWS_SECRET_ACCESS_KEY=credentials["SecretAccessKey"],
        AWS_SESSION_TOKEN=credentials["SessionToken"],
        AWS_ENDPOINT_URL_STS=world.sts.url,
        AWS_MAX_ATTEMPTS="1",
        AWS_DEFAULT_REGION="us-east-1",
        HOME=str(tmp_path),
        AWS_CONFIG_FILE=str(tmp_path / "config"),
        AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "credentials"),
    )
    done = subprocess.run(
        [str(AWS_CLI), "sts", "get-caller-identity", "--output", "json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    identity = json.loads(done.stdout)
    assert identity["Arn"] == f"arn:aws:sts::{ACCOUNT_A}:assumed-role/Admin/bob@contoso.com"
    assert identity["Account"] == ACCOUNT_A


# -- durations -------------------------------------------------------------------------------


def test_duration_seconds_is_honoured_up_to_the_role_maximum(world: World, sts_client: Any):
    answer = _assume(sts_client, world.admin, world.saml(), DurationSeconds=7200)
    assert 7190 < _lifetime(answer) <= 7200


def test_session_duration_attribute_shortens_the_session(world: World, sts_client: Any):
    saml = world.saml(session_duration=1800)
    assert 1790 < _lifetime(_assume(sts_client, world.admin, saml, DurationSeconds=7200)) <= 1800
    assert 1790 < _lifetime(_assume(sts_client, world.admin, saml)) <= 1800


def test_session_duration_attribute_never_lengthens_it(world: World, sts_client: Any):
    answer = _assume(sts_client, world.admin, world.saml(session_duration=43200))
    assert 3590 < _lifetime(answer) <= 3600


def test_duration_above_the_role_maximum_is_refused_with_aws_text(world: World, sts_client: Any):
    code, status, message = _refusal(sts_client, world.dev, world.saml(), DurationSeconds=7200)
    assert (code, status, message) == ("ValidationError", 400, MAX_DURATION_MESSAGE)
    assert message == (
        "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."
    )


@pytest.mark.parametrize(
    ("seconds", "constraint"),
    [(600, "greater than or equal to 900"), (50000, "less than or equal to 43200")],
)
def test_duration_outside_the_api_range_is_a_validation_error(
    world: World, seconds: int, constraint: str
):
    client = _client(world.sts.url, parameter_validation=False)  # botocore checks 900 itself
    code, status, message = _refusal(client, world.admin, world.saml(), DurationSeconds=seconds)
    assert (code, status) == ("ValidationError", 400)
    assert constraint in message


# -- refusals --------------------------------------------------------------------------------


def test_an_assertion_older_than_five_minutes_is_expired(world: World, sts_client: Any):
    old = datetime.now(UTC) - timedelta(minutes=6)
    saml = world.saml(issue_instant=old, confirmation_lifetime=timedelta(hours=1))
    assert _refusal(sts_client, world.admin, saml) == (
        "ExpiredTokenException",
        400,
        "Token must be redeemed within 5 minutes of issuance",
    )


def test_an_assertion_past_not_on_or_after_is_expired(world: World, sts_client: Any):
    issued = datetime.now(UTC) - timedelta(minutes=2)
    saml = world.saml(issue_instant=issued, confirmation_lifetime=timedelta(minutes=1))
    assert _refusal(sts_client, world.admin, saml) == (
        "ExpiredTokenException",
        400,
        "Response has expired",
    )


def test_the_redeem_window_follows_the_servers_clock(world: World, sts_client: Any):
    saml = world.saml()
    world.sts.clock = lambda: datetime.now(UTC) + timedelta(minutes=5, seconds=1)
    code, status, _ = _refusal(sts_client, world.admin, saml)
    assert (code, status) == ("ExpiredTokenException", 400)


def test_a_tampered_assertion_fails_the_signature_check(world: World, sts_client: Any):
    saml = _tamper_role(world.saml())
    assert "role/Admim" in base64.b64decode(saml).decode()
    assert _refusal(sts_client, world.admin, saml) == (
        "InvalidIdentityToken",
        400,
        "Response signature invalid",
    )


def test_an_assertion_signed_by_another_certificate_is_refused(world: World, sts_client: Any):
    saml = build_saml_response(load_signing_key(), roles=[world.admin])  # certificate rollover
    assert _refusal(sts_client, world.admin, saml) == (
        "InvalidIdentityToken",
        400,
        "Response signature invalid",
    )


def test_a_pair_the_assertion_does_not_list_is_denied(world: World, sts_client: Any):
    saml = world.saml(roles=[world.dev])
    assert _refusal(sts_client, world.admin, saml) == (
        "AccessDenied",
        403,
        "Not authorized to perform sts:AssumeRoleWithSAML",
    )
    mixed = (world.admin[0], world.dev[1])  # a listed role with another listed role's provider
    code, status, _ = _refusal(sts_client, mixed, world.saml())
    assert (code, status) == ("AccessDenied", 403)


def test_a_missing_provider_is_an_invalid_identity_token(world: World, sts_client: Any):
    ghost = (world.admin[0], f"arn:aws:iam::{ACCOUNT_A}:saml-provider/Missing")
    saml = world.saml(roles=[ghost])
    assert _refusal(sts_client, ghost, saml) == (
        "InvalidIdentityToken",
        400,
        "Specified provider doesn't exist",
    )


def test_a_missing_role_is_denied(world: World, sts_client: Any):
    ghost = (f"arn:aws:iam::{ACCOUNT_A}:role/Deleted", world.admin[1])
    assert _refusal(sts_client, ghost, world.saml(roles=[ghost])) == (
        "AccessDenied",
        403,
        "Not authorized to perform sts:AssumeRoleWithSAML",
    )


def test_a_missing_role_session_name_is_refused(world: World, sts_client: Any):
    assert _refusal(sts_client, world.admin, world.saml(role_session_name=None)) == (
        "InvalidIdentityToken",
        400,
        "RoleSessionName is required in AuthnResponse",
    )


@pytest.mark.parametrize("name", ["a", "alice example", "x" * 65, "ålice@contoso.com"])
def test_an_invalid_role_session_name_is_refused(world: World, sts_client: Any, name: str):
    assert _refusal(sts_client, world.admin, world.saml(role_session_name=name)) == (
        "InvalidIdentityToken",
        400,
        "RoleSessionName in AuthnResponse must match [a-zA-Z_0-9+=,.@-]{2,64}",
    )


def test_a_session_duration_attribute_out_of_range_is_refused(world: World, sts_client: Any):
    code, status, message = _refusal(sts_client, world.admin, world.saml(session_duration=60))
    assert (code, status) == ("InvalidIdentityToken", 400)
    assert "SessionDuration" in message


def test_an_issuer_the_provider_does_not_know_is_refused(world: World, sts_client: Any):
    saml = world.saml(tenant_id="00000000-0000-4000-8000-000000000000")
    assert _refusal(sts_client, world.admin, saml) == (
        "InvalidIdentityToken",
        400,
        "Issuer not present in specified provider",
    )


@pytest.mark.parametrize(
    ("saml", "message"),
    [
        ("not base64 at all!", "Invalid base64 SAMLResponse"),
        (base64.b64encode(b"<samlp:Response unclosed").decode(), "Response is not well-formed XML"),
        (
            base64.b64encode(
                b'<!DOCTYPE r [<!ENTITY x "y">]><samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"/>'
            ).decode(),
            "Response is not well-formed XML",
        ),
        (base64.b64encode(b"<html><body>hi</body></html>").decode(), "Invalid SAML Response"),
    ],
    ids=["base64", "xml", "dtd", "not-a-response"],
)
def test_garbage_is_an_invalid_identity_token_not_a_500(
    world: World, sts_client: Any, saml: str, message: str
):
    code, status, text = _refusal(sts_client, world.admin, saml)
    assert (code, status) == ("InvalidIdentityToken", 400)
    assert text.startswith(message)


def test_an_unsigned_assertion_is_refused(world: World, sts_client: Any):
    xml = base64.b64decode(world.saml()).decode()
    start, end = xml.index("<Signature "), xml.index("</Signature>") + len("</Signature>")
    unsigned = base64.b64encode((xml[:start] + xml[end:]).encode()).decode()
    assert _refusal(sts_client, world.admin, unsigned)[2] == "Response signature invalid"


def test_an_idp_error_response_is_a_rejected_claim(world: World, sts_client: Any):
    saml = build_error_response(message="AADSTS50105: The signed in user is not assigned.")
    code, status, _ = _refusal(sts_client, world.admin, saml)
    assert (code, status) == ("IDPRejectedClaim", 403)


def test_a_malformed_arn_is_a_validation_error(world: World, sts_client: Any):
    code, status, message = _refusal(
        sts_client, ("arn:aws:iam::1:role/x-not-valid", world.admin[1]), world.saml()
    )
    assert (code, status, message) == ("ValidationError", 400, "Request ARN is invalid")


# -- record, faults, reset -------------------------------------------------------------------


def test_calls_record_the_request_but_never_the_assertion(world: World, sts_client: Any):
    saml = world.saml()
    _assume(sts_client, world.admin, saml, DurationSeconds=3600)
    _refusal(sts_client, world.dev, saml, DurationSeconds=7200)
    _assume(sts_client, world.dev, saml)
    calls = world.sts.calls
    assert [(c.role_arn, c.principal_arn, c.duration) for c in calls] == [
        (*world.admin, 3600),
        (*world.dev, 7200),
        (*world.dev, None),
    ]
    assert saml[:40] not in repr(calls)


def test_injected_faults_answer_first_then_the_real_answer(world: World):
    world.sts.fail_next(2, status=503, code="ServiceUnavailable", message="Try later")
    retrying = _client(world.sts.url, retries={"total_max_attempts": 3, "mode": "standard"})
    answer = _assume(retrying, world.admin, world.saml())
    assert answer["AssumedRoleUser"]["Arn"].endswith("assumed-role/Admin/alice@contoso.com")
    assert len(world.sts.calls) == 3


def test_an_injected_aws_error_reaches_boto3_as_that_error(world: World, sts_client: Any):
    world.sts.fail_next(status=400, code="Throttling", message="Rate exceeded")
    assert _refusal(sts_client, world.admin, world.saml()) == ("Throttling", 400, "Rate exceeded")


def test_a_proxy_error_page_is_a_client_error_named_by_its_status(world: World, sts_client: Any):
    world.sts.fail_next(status=502, code=None)  # nginx's page: HTML that is well-formed XML
    code, status, _ = _refusal(sts_client, world.admin, world.saml())
    assert (code, status) == ("502", 502)


def test_a_non_xml_page_is_a_response_parser_error(world: World, sts_client: Any):
    world.sts.fail_next(status=403, code=None, body="Access denied by proxy policy\n")
    with pytest.raises(ResponseParserError):
        _assume(sts_client, world.admin, world.saml())


def test_a_200_html_page_escapes_botocore_as_a_bare_key_error(world: World, sts_client: Any):
    """Measured botocore 1.44 behaviour a client must catch: a captive portal answering 200."""
    world.sts.fail_next(status=200, code=None, body="<html><body>Captive portal</body></html>")
    with pytest.raises(KeyError, match="AssumeRoleWithSAMLResult"):
        _assume(sts_client, world.admin, world.saml())


def test_a_hanging_sts_times_the_client_out(world: World):
    world.sts.hang_next(3)
    impatient = _client(world.sts.url, read_timeout=0.3, connect_timeout=1)
    with pytest.raises(ReadTimeoutError):
        _assume(impatient, world.admin, world.saml())
    world.sts.reset()  # wakes the stalled request at once


def test_reset_forgets_roles_providers_and_calls(world: World, sts_client: Any):
    saml = world.saml()
    _assume(sts_client, world.admin, saml)
    world.sts.fail_next(5)
    world.sts.reset()
    assert world.sts.calls == []
    code, _, message = _refusal(sts_client, world.admin, saml)
    assert (code, message) == ("InvalidIdentityToken", "Specified provider doesn't exist")


def test_concurrent_calls_each_get_their_own_session(world: World, sts_client: Any):
    saml = world.saml()
    results: list[str] = []

    def assume() -> None:
        results.append(_assume(sts_client, world.dev, saml)["Credentials"]["AccessKeyId"])

    threads = [threading.Thread(target=assume) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(results)) == 8


# -- issued credentials ----------------------------------------------------------------------


def test_issued_keys_expire_for_signed_calls_too(world: World, sts_client: Any):
    credentials = _assume(sts_client, world.dev, world.saml())["Credentials"]
    world.sts.clock = lambda: datetime.now(UTC) + timedelta(hours=2)
    with pytest.raises(ClientError) as caught:
        _signed_client(world.sts.url, credentials).get_caller_identity()
    assert caught.value.response["Error"]["Code"] == "ExpiredToken"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_a_wrong_session_token_is_refused(world: World, sts_client: Any):
    credentials = dict(_assume(sts_client, world.dev, world.saml())["Credentials"])
    credentials["SessionToken"] = "forged"
    with pytest.raises(ClientError) as caught:
        _signed_client(world.sts.url, credentials).get_caller_identity()
    assert caught.value.response["Error"]["Code"] == "InvalidClientTokenId"


# -- console federation stand-in -------------------------------------------------------------


def _get(url: str, **params: str) -> tuple[int, str]:
    full = f"{url}?{urllib.parse.urlencode(params)}"
    try:
        with urllib.request.urlopen(full, timeout=5) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def _session(credentials: dict[str, Any]) -> str:
    return json.dumps(
        {
            "sessionId": credentials["AccessKeyId"],
            "sessionKey": credentials["SecretAccessKey"],
            "sessionToken": credentials["SessionToken"],
        }
    )


def test_federation_turns_issued_credentials_into_a_console_login(world: World, sts_client: Any):
    credentials = _assume(sts_client, world.admin, world.saml())["Credentials"]
    status, body = _get(
        world.sts.federation_url,
        Action="getSigninToken",
        SessionDuration="3600",
        Session=_session(credentials),
    )
    assert status == 200
    token = json.loads(body)["SigninToken"]
    status, page = _get(
        world.sts.federation_url,
        Action="login",
        Issuer="entra-aws",
        Destination="https://console.aws.amazon.com/",
        SigninToken=token,
    )
    assert status == 200
    assert (
        f"Signed in to the AWS console (demo) as arn:aws:sts::{ACCOUNT_A}:assumed-role/Admin/"
        "alice@contoso.com" in page
    )


def test_federation_refuses_credentials_it_did_not_issue(world: World, sts_client: Any):
    credentials = dict(_assume(sts_client, world.admin, world.saml())["Credentials"])
    credentials["SecretAccessKey"] = "x" * 40
    status, _ = _get(
        world.sts.federation_url, Action="getSigninToken", Session=_session(credentials)
    )
    assert status == 400
    status, _ = _get(world.sts.federation_url, Action="getSigninToken", Session="{not json")
    assert status == 400


def test_federation_refuses_expired_credentials_and_bad_durations(world: World, sts_client: Any):
    credentials = _assume(sts_client, world.admin, world.saml())["Credentials"]
    session = _session(credentials)
    status, _ = _get(
        world.sts.federation_url, Action="getSigninToken", SessionDuration="60", Session=session
    )
    assert status == 400
    world.sts.clock = lambda: datetime.now(UTC) + timedelta(hours=2)
    status, _ = _get(world.sts.federation_url, Action="getSigninToken", Session=session)
    assert status == 400


def test_federation_login_needs_a_live_token(world: World, sts_client: Any):
    credentials = _assume(sts_client, world.admin, world.saml())["Credentials"]
    _, body = _get(world.sts.federation_url, Action="getSigninToken", Session=_session(credentials))
    token = json.loads(body)["SigninToken"]
    assert _get(world.sts.federation_url, Action="login", SigninToken="bogus")[0] == 400
    world.sts.clock = lambda: datetime.now(UTC) + timedelta(minutes=16)
    assert _get(world.sts.federation_url, Action="login", SigninToken=token)[0] == 400
    assert _get(world.sts.federation_url, Action="logout")[0] == 400


# -- quiet -----------------------------------------------------------------------------------


def test_the_server_logs_nothing(world: World, sts_client: Any, capfd: pytest.CaptureFixture[str]):
    saml = world.saml()
    credentials = _assume(sts_client, world.admin, saml)["Credentials"]
    _refusal(sts_client, world.admin, "not base64 at all!")
    _get(world.sts.federation_url, Action="getSigninToken", Session=_session(credentials))
    _signed_client(world.sts.url, credentials).get_caller_identity()
    out, err = capfd.readouterr()
    assert out == ""
    assert err == ""
