"""sts.py: assuming roles from one assertion, stepping the duration down, and the unsigned client.

The STS client is replaced by a fake that answers like STS does (botocore's ClientError shapes);
the real client is only built, never called.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError

from tui.core import sts
from tui.core.assertion import Assertion
from tui.core.durations import DurationMemory
from tui.core.errors import AssertionExpiredError, StsError
from tui.core.roles import Role

ADMIN = Role("arn:aws:iam::123456789012:role/Admin", "arn:aws:iam::123456789012:saml-provider/E")
READ = Role("arn:aws:iam::123456789012:role/ReadOnly", "arn:aws:iam::123456789012:saml-provider/E")
NOW = datetime(2026, 1, 1, 10, 0, tzinfo=UTC)


def assertion(session_duration: int | None = None, until: datetime | None = None) -> Assertion:
    return Assertion(
        saml_response="PHNhbWxwOlJlc3BvbnNlLz4=",
        roles=(ADMIN, READ),
        session_duration=session_duration,
        not_on_or_after=until or NOW + timedelta(minutes=5),
        subject="alice@contoso.com",
        role_session_name="alice@contoso.com",
        issuer=None,
        destination=None,
        in_response_to=None,
        issue_instant=NOW,
        attributes={},
    )


def client_error(code: str, message: str, status: int = 400) -> ClientError:
    return ClientError(
        {
            "Error": {"Code": code, "Message": message},
            "ResponseMetadata": {"HTTPStatusCode": status},
        },
        "AssumeRoleWithSAML",
    )


class FakeSts:
    """Answers AssumeRoleWithSAML; `max_duration` per role ARN, or an exception per role ARN."""

    def __init__(self, max_duration: dict[str, int] | None = None, fail: dict | None = None):
        self.max_duration = max_duration or {}
        self.fail = fail or {}
        self.calls: list[dict] = []
        self.lock = threading.Lock()
        self.meta = SimpleNamespace(region_name="eu-west-1")

    def assume_role_with_saml(self, **kwargs):
        with self.lock:
            self.calls.append(kwargs)
        role = kwargs["RoleArn"]
        if role in self.fail:
            raise self.fail[role]
        if kwargs["DurationSeconds"] > self.max_duration.get(role, 3600):
            raise client_error(
                "ValidationError",
                "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
            )
        name = role.rsplit("/", 1)[-1]
        return {
            "Credentials": {
                "AccessKeyId": f"ASIA{name.upper()}",
                "SecretAccessKey": "secret",
                "SessionToken": "token",
                "Expiration": datetime.now(UTC) + timedelta(seconds=kwargs["DurationSeconds"]),
            },
            "AssumedRoleUser": {"Arn": f"arn:aws:sts::123456789012:assumed-role/{name}/alice"},
        }


@pytest.fixture
def fake(monkeypatch):
    holder = {"client": FakeSts()}
    monkeypatch.setattr(sts, "_client", lambda endpoint, region, pool: holder["client"])
    return holder


def gateway(memory: DurationMemory | None = None) -> sts.StsGateway:
    return sts.StsGateway(
        "https://sts.eu-west-1.amazonaws.com", "eu-west-1", memory, clock=lambda: NOW
    )


def test_assume_sends_the_assertion_and_the_fitted_duration(fake):
    [result] = gateway().assume_many(assertion(session_duration=1800), [ADMIN], 3600)
    assert result.ok
    assert result.duration == 1800
    assert result.credentials.access_key_id == "ASIAADMIN"
    assert result.assumed_role_arn.endswith("assumed-role/Admin/alice")
    [call] = fake["client"].calls
    assert call == {
        "RoleArn": ADMIN.role_arn,
        "PrincipalArn": ADMIN.principal_arn,
        "SAMLAssertion": "PHNhbWxwOlJlc3BvbnNlLz4=",
        "DurationSeconds": 1800,
    }


def test_step_down_to_what_the_role_allows_and_remember_it(fake, tmp_path):
    fake["client"] = FakeSts(max_duration={ADMIN.role_arn: 7200})
    memory = DurationMemory(tmp_path / "durations.json")
    [result] = gateway(memory).assume_many(assertion(), [ADMIN], 43200)
    assert result.ok and result.duration == 7200
    assert [c["DurationSeconds"] for c in fake["client"].calls] == [43200, 28800, 14400, 7200]

    # The next sign-in asks for what worked straight away.
    fake["client"] = FakeSts(max_duration={ADMIN.role_arn: 7200})
    [again] = gateway(DurationMemory(tmp_path / "durations.json")).assume_many(
        assertion(), [ADMIN], 43200
    )
    assert again.duration == 7200
    assert [c["DurationSeconds"] for c in fake["client"].calls] == [7200]


def test_step_down_stops_at_one_hour(fake):
    fake["client"] = FakeSts(max_duration={ADMIN.role_arn: 1800})
    [result] = gateway().assume_many(assertion(), [ADMIN], 43200)
    assert not result.ok
    assert result.error.code == "MaxSessionDuration"
    assert "shorter" in str(result.error)
    assert fake["client"].calls[-1]["DurationSeconds"] == 3600


def test_no_step_down_when_it_worked_first_time(fake, tmp_path):
    memory = DurationMemory(tmp_path / "durations.json")
    gateway(memory).assume_many(assertion(), [ADMIN], 3600)
    assert memory.limit(ADMIN.role_arn) is None
    assert not (tmp_path / "durations.json").exists()


def test_an_expired_assertion_is_not_sent(fake):
    late = sts.StsGateway("https://sts", "eu-west-1", clock=lambda: NOW + timedelta(minutes=6))
    [result] = late.assume_many(assertion(), [ADMIN], 3600)
    assert isinstance(result.error, AssertionExpiredError)
    assert "sign in again" in str(result.error)
    assert fake["client"].calls == []


def test_expired_token_from_sts_is_not_retried(fake):
    fake["client"] = FakeSts(
        fail={ADMIN.role_arn: client_error("ExpiredTokenException", "Token must be redeemed")}
    )
    [result] = gateway().assume_many(assertion(), [ADMIN], 43200)
    assert isinstance(result.error, AssertionExpiredError)
    assert len(fake["client"].calls) == 1


def test_many_roles_at_once_keep_their_order_and_their_own_outcome(fake):
    fake["client"] = FakeSts(
        fail={READ.role_arn: client_error("AccessDenied", "Not authorized", 403)}
    )
    results = gateway().assume_many(assertion(), [READ, ADMIN], 3600)
    assert [r.role for r in results] == [READ, ADMIN]
    assert not results[0].ok and "trust policy" in str(results[0].error)
    assert results[1].ok


@pytest.mark.parametrize(
    ("error", "fragment"),
    [
        (client_error("ServiceUnavailable", "", 503), "HTTP 503"),
        (client_error("InternalFailure", "", 500), "HTTP 500"),
        (EndpointConnectionError(endpoint_url="https://sts"), "Could not reach STS"),
    ],
)
def test_transport_failures_become_sentences(fake, error, fragment):
    fake["client"] = FakeSts(fail={ADMIN.role_arn: error})
    [result] = gateway().assume_many(assertion(), [ADMIN], 3600)
    assert isinstance(result.error, StsError)
    assert fragment in str(result.error)


def test_the_real_client_is_unsigned_regional_and_ignores_a_stale_aws_profile(monkeypatch):
    from botocore import UNSIGNED

    monkeypatch.setattr(sts, "_clients", {})
    # The profile we are about to write does not exist yet; that must not stop the sign-in.
    monkeypatch.setenv("AWS_PROFILE", "prod-not-written-yet")
    client = sts._client("https://sts.eu-west-1.amazonaws.com", "eu-west-1", 10)
    assert client.meta.config.signature_version is UNSIGNED
    assert client.meta.endpoint_url == "https://sts.eu-west-1.amazonaws.com"
    assert client.meta.region_name == "eu-west-1"
    assert sts._client("https://sts.eu-west-1.amazonaws.com", "eu-west-1", 10) is client


def test_a_broken_aws_config_file_is_one_sentence(monkeypatch, tmp_path):
    monkeypatch.setattr(sts, "_clients", {})
    config = tmp_path / "aws-config"
    config.write_text("this is [not an ini file\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    with pytest.raises(StsError) as caught:
        sts._client("https://sts.eu-west-1.amazonaws.com", "eu-west-1", 10)
    assert str(config) in str(caught.value)
    assert "\n" not in str(caught.value)


def test_a_broken_aws_config_file_is_each_roles_outcome_not_a_crash(monkeypatch, tmp_path):
    monkeypatch.setattr(sts, "_clients", {})
    config = tmp_path / "aws-config"
    config.write_text("this is [not an ini file\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    results = gateway().assume_many(assertion(), [ADMIN, READ], 3600)
    assert [r.ok for r in results] == [False, False]
    assert all(str(config) in str(r.error) for r in results)
