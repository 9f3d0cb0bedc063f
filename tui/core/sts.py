"""AssumeRoleWithSAML: an unsigned boto3 client, duration fitting, several roles at once.

boto3 is imported on first use, so `decode` and the first TUI frame never pay for it.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tui.core import sts_errors
from tui.core.assertion import Assertion
from tui.core.durations import DurationMemory, fit_duration, next_lower
from tui.core.errors import AssertionExpiredError, StsError
from tui.core.roles import Role
from tui.core.timeutil import utcnow

CONNECT_TIMEOUT = 3.0
READ_TIMEOUT = 5.0
MAX_ATTEMPTS = 2  # worst case ~2 x 5 s + backoff: an answer or a clear error within 15 s
# Roles assumed at once (and the client's connection pool): enough for one round trip even when
# an assertion carries a few dozen roles, far below STS's request-rate quota.
MAX_PARALLEL = 32


@dataclass(frozen=True)
class Credentials:
    access_key_id: str
    secret_access_key: str = field(repr=False)
    session_token: str = field(repr=False)
    expiration: datetime


@dataclass(frozen=True)
class Assumed:
    """The outcome for one role: credentials, or the error that explains why not."""

    role: Role
    credentials: Credentials | None = None
    assumed_role_arn: str = ""
    duration: int = 0
    error: StsError | None = None

    @property
    def ok(self) -> bool:
        return self.credentials is not None


_clients: dict[tuple[str, str, int], Any] = {}
_clients_lock = threading.Lock()


def _client(endpoint: str, region: str, pool: int) -> Any:
    """One client per endpoint, shared by threads (clients are thread-safe; sessions are costly)."""
    key = (endpoint, region, pool)
    with _clients_lock:
        if key not in _clients:
            import boto3
            import botocore.session
            from botocore import UNSIGNED
            from botocore.config import Config
            from botocore.exceptions import BotoCoreError

            config = Config(
                signature_version=UNSIGNED,
                connect_timeout=CONNECT_TIMEOUT,
                read_timeout=READ_TIMEOUT,
                retries={"total_max_attempts": MAX_ATTEMPTS, "mode": "standard"},
                max_pool_connections=pool,
            )
            core = botocore.session.get_session()
            # The call is unsigned, so no profile is needed; an ambient AWS_PROFILE naming a
            # profile that does not exist (yet) must not stop the sign-in.
            core.get_component("config_store").set_config_variable("profile", None)
            try:
                session = boto3.session.Session(botocore_session=core)
                _clients[key] = session.client(
                    "sts", region_name=region, endpoint_url=endpoint, config=config
                )
            except BotoCoreError as exc:
                raise StsError(
                    f"Could not set up the STS client ({exc}); fix the AWS config file or point "
                    "AWS_CONFIG_FILE at a valid one, then try again.",
                    "ClientSetup",
                ) from None
        return _clients[key]


def warm_client(endpoint: str, region: str) -> None:
    """Import boto3 and build the endpoint's client ahead of need: ~150 ms saved on the first
    assume, spent while the person is still in the browser. A failure waits for the real call."""
    with contextlib.suppress(StsError):
        _client(endpoint, region, MAX_PARALLEL)


def _call(
    client: Any, endpoint: str, role: Role, saml_response: str, duration: int
) -> dict[str, Any]:
    """One AssumeRoleWithSAML call; every failure becomes an StsError sentence."""
    from botocore import exceptions as bce
    from botocore.parsers import ResponseParserError

    region = client.meta.region_name
    try:
        return client.assume_role_with_saml(
            RoleArn=role.role_arn,
            PrincipalArn=role.principal_arn,
            SAMLAssertion=saml_response,
            DurationSeconds=duration,
        )
    except bce.ClientError as exc:
        error = exc.response.get("Error", {})
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        code = str(error.get("Code", ""))
        if status >= 500 and code in ("", str(status), "InternalFailure", "ServiceUnavailable"):
            raise sts_errors.server_error(endpoint, status) from None
        raise sts_errors.from_client_error(
            code, str(error.get("Message", "")), role, region
        ) from None
    except (bce.ConnectTimeoutError, bce.ReadTimeoutError):
        raise sts_errors.timed_out(endpoint, MAX_ATTEMPTS * READ_TIMEOUT) from None
    except (bce.EndpointConnectionError, bce.ConnectionClosedError) as exc:
        raise sts_errors.unreachable(endpoint, type(exc).__name__) from None
    except (bce.HTTPClientError, bce.ConnectionError) as exc:
        raise sts_errors.unreachable(endpoint, type(exc).__name__) from None
    except (ResponseParserError, KeyError):
        # KeyError: botocore parsed well-formed HTML (a captive portal's 200 page) as XML
        raise sts_errors.not_aws(endpoint) from None
    except bce.ParamValidationError:
        raise StsError(
            f"The request for {role.name} was invalid; the assertion may be too long."
        ) from None


def _is_max_duration_error(error: StsError) -> bool:
    return error.code == sts_errors.MAX_DURATION_CODE


class StsGateway:
    """Assumes roles from one assertion against one STS endpoint."""

    def __init__(
        self,
        endpoint: str,
        region: str,
        memory: DurationMemory | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.endpoint = endpoint
        self.region = region
        self.memory = memory or DurationMemory(None)
        self.clock = clock

    def _assume_one(self, assertion: Assertion, role: Role, requested: int) -> Assumed:
        """Assume one role, stepping the duration down when the role's maximum is lower."""
        try:
            # One pool size for every call, so 1 role and 20 roles share one warm client.
            client = _client(self.endpoint, self.region, MAX_PARALLEL)
        except StsError as error:
            return Assumed(role, error=error)
        duration = fit_duration(
            requested, assertion.session_duration, self.memory.limit(role.role_arn)
        )
        stepped = False
        while True:
            deadline = assertion.redeemable_until
            if deadline is not None and self.clock() >= deadline:
                return Assumed(
                    role,
                    error=AssertionExpiredError(
                        "The sign-in has expired (STS accepts an assertion for 5 minutes); sign in again.",
                        "ExpiredTokenException",
                    ),
                )
            try:
                answer = _call(client, self.endpoint, role, assertion.saml_response, duration)
            except StsError as error:
                lower = next_lower(duration) if _is_max_duration_error(error) else None
                if lower is None:
                    return Assumed(role, error=error)
                duration, stepped = lower, True
                continue
            if stepped:
                self.memory.remember(role.role_arn, duration)
            creds = answer["Credentials"]
            return Assumed(
                role,
                Credentials(
                    creds["AccessKeyId"],
                    creds["SecretAccessKey"],
                    creds["SessionToken"],
                    creds["Expiration"],
                ),
                assumed_role_arn=answer.get("AssumedRoleUser", {}).get("Arn", ""),
                duration=duration,
            )

    def assume_many(
        self, assertion: Assertion, roles: Sequence[Role], requested: int
    ) -> list[Assumed]:
        """Assume every role concurrently from the same assertion; results in the given order."""
        workers = max(1, min(len(roles), MAX_PARALLEL))
        if workers == 1:
            results = [self._assume_one(assertion, role, requested) for role in roles]
        else:
            with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="sts") as pool:
                futures = [
                    pool.submit(self._assume_one, assertion, role, requested) for role in roles
                ]
                results = [future.result() for future in futures]
        self.memory.save()
        return results
