"""The cached credential_process answer: a session from the store that is fresh for a while yet.

The AWS CLI and SDKs start `entra-aws credential-process` for every call (Terraform for every
provider), so this path must cost little more than Python starting: it imports `json`, `os`,
`datetime` and the choosing rule (`targets`), reads the session store and the config index, and
prints. Anything it cannot answer from them (no index, a changed config, no fresh session, an
ambiguous name, a store it does not recognise) returns None, and the full command takes over:
it refreshes, or says in one sentence what is wrong.
"""

from __future__ import annotations

import json

from tui.core import timeutil
from tui.core.arns import is_role_arn
from tui.core.config_index import read_index
from tui.core.errors import EntraAwsError
from tui.core.store_file import STORE_VERSION, store_file
from tui.core.targets import choose, split_target

# botocore refreshes credentials with 15 minutes left; give it ones that last longer than that.
REFRESH_BEFORE = 15 * 60
_SECRETS = ("access_key_id", "secret_access_key", "session_token")


def credential_process_document(
    access_key_id: str, secret_access_key: str, session_token: str, expiration: str
) -> str:
    """The JSON the AWS CLI and SDKs read from a credential_process command."""
    return json.dumps(
        {
            "Version": 1,
            "AccessKeyId": access_key_id,
            "SecretAccessKey": secret_access_key,
            "SessionToken": session_token,
            "Expiration": expiration,
        }
    )


class StoredEntry:
    """One stored session, read only as far as choosing and answering need."""

    __slots__ = ("account", "data", "role_arn")

    def __init__(self, data: dict[str, object]) -> None:
        account, role_arn = data["account"], data["role_arn"]
        if not isinstance(account, str) or not isinstance(role_arn, str):
            raise TypeError("not a stored session")
        if not is_role_arn(role_arn):
            raise ValueError("role_arn is not a role ARN")
        self.account = account
        self.role_arn = role_arn
        self.data = data


def _entries() -> list[StoredEntry] | None:
    try:
        with open(store_file(), encoding="utf-8") as handle:
            document = json.load(handle)
        if document["version"] != STORE_VERSION:
            return None
        return [StoredEntry(item) for item in document["sessions"]]
    except (OSError, ValueError, TypeError, KeyError, AttributeError, RecursionError):
        return None


def cached_answer(config_file: str, target: str, role: str | None) -> str | None:
    """credential_process's JSON for `ACCOUNT[:ROLE]` (and `--role`) from the store, or None."""
    account, inline = split_target(target)
    if inline and role and inline != role:
        return None  # the full command says "give the role once"
    role = inline or role
    config = read_index(config_file)
    if config is None or not any(a.name == account for a in config.accounts):
        return None
    entries = _entries()
    if entries is None:
        return None
    try:
        chosen = choose(entries, config, account, role).data
        expiration = timeutil.parse_instant(str(chosen["expiration"]))
        secrets = [chosen[name] for name in _SECRETS]
    except (EntraAwsError, ValueError, KeyError):
        return None
    if (expiration - timeutil.utcnow()).total_seconds() <= REFRESH_BEFORE:
        return None
    if not all(isinstance(value, str) and value for value in secrets):
        return None
    key, secret, token = (str(value) for value in secrets)
    return credential_process_document(key, secret, token, timeutil.rfc3339(expiration))
