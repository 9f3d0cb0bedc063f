"""The AWS console sign-in URL for a session (the federation endpoint's getSigninToken + login).

The URL is itself a credential for 15 minutes: it is returned to the caller and never logged.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from urllib.parse import urlencode

from tui.core.config import Account
from tui.core.errors import EntraAwsError
from tui.core.partitions import partition_for_region
from tui.core.sessions import Session

TIMEOUT = 10.0


def federation_url_for(session: Session, account: Account | None) -> str:
    """The account's federation URL (it may override it), else the session's partition's."""
    if account is not None:
        return account.effective_federation_url
    return partition_for_region(session.region).federation_url()


def destination_for(region: str) -> str:
    partition = partition_for_region(region)
    return f"{partition.console_url}console/home?region={region}"


def signin_token(session: Session, federation_url: str, timeout: float = TIMEOUT) -> str:
    """Exchange the session's credentials for a sign-in token."""
    payload = json.dumps(
        {
            "sessionId": session.access_key_id,
            "sessionKey": session.secret_access_key,
            "sessionToken": session.session_token,
        }
    )
    query = urlencode({"Action": "getSigninToken", "Session": payload})
    request = urllib.request.Request(  # noqa: S310 (the federation URL comes from config)
        f"{federation_url}?{query}", headers={"Accept": "application/json"}
    )
    host = urllib.parse.urlsplit(federation_url).netloc
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            body = json.loads(response.read(65536).decode("utf-8"))
    except urllib.error.HTTPError as exc:
        raise EntraAwsError(
            f"The AWS sign-in service at {host} refused the session (HTTP {exc.code}); "
            "it may have expired, so refresh it and try again."
        ) from None
    except (urllib.error.URLError, TimeoutError, OSError):
        raise EntraAwsError(
            f"Could not reach the AWS sign-in service at {host}; check your network or proxy."
        ) from None
    except ValueError:
        raise EntraAwsError(
            f"The AWS sign-in service at {host} answered with something unexpected."
        ) from None
    token = body.get("SigninToken") if isinstance(body, dict) else None
    if not isinstance(token, str) or not token:
        raise EntraAwsError(f"The AWS sign-in service at {host} returned no sign-in token.")
    return token


def console_url(session: Session, federation_url: str, destination: str | None = None) -> str:
    """A one-time console sign-in URL (valid 15 minutes; treat it as a secret)."""
    token = signin_token(session, federation_url)
    query = urlencode(
        {
            "Action": "login",
            "Issuer": "entra-aws",
            "Destination": destination or destination_for(session.region),
            "SigninToken": token,
        }
    )
    return f"{federation_url}?{query}"
