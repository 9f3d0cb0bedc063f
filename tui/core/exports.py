"""Exports of a session: shell commands, dotenv, credential_process JSON and config snippets.

Each shell gets its own quoting; AWS's values are base64-like, but nothing here relies on that.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import sys
from pathlib import Path

from tui.core.cached_credentials import credential_process_document
from tui.core.sessions import Session
from tui.core.timeutil import rfc3339

SHELLS = ("bash", "zsh", "fish", "powershell", "cmd", "dotenv")
_SAFE_BARE = re.compile(r"^[A-Za-z0-9_./:+=@-]*$")


def variables(session: Session) -> list[tuple[str, str]]:
    """The environment a session sets, in the order people expect to read it."""
    return [
        ("AWS_ACCESS_KEY_ID", session.access_key_id),
        ("AWS_SECRET_ACCESS_KEY", session.secret_access_key),
        ("AWS_SESSION_TOKEN", session.session_token),
        ("AWS_REGION", session.region),
        ("AWS_DEFAULT_REGION", session.region),
        ("AWS_CREDENTIAL_EXPIRATION", rfc3339(session.expiration)),
    ]


def _posix(value: str) -> str:
    return shlex.quote(value)


def _fish(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


# PowerShell ends a single-quoted string at any of these; doubling one makes it literal.
_PS_QUOTES = "'\u2018\u2019\u201a\u201b"


def _powershell(value: str) -> str:
    return "'" + "".join(ch * 2 if ch in _PS_QUOTES else ch for ch in value) + "'"


def _cmd(name: str, value: str) -> str:
    if any(ch in value for ch in '"%\r\n'):
        raise ValueError(f"{name} holds a character cmd cannot set safely")
    return f'set "{name}={value}"'


def _dotenv(value: str) -> str:
    if _SAFE_BARE.match(value):
        return value
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _comment(session: Session, marker: str) -> str:
    text = f"entra-aws: {session.account} {session.role_name} ({session.account_id}), expires {rfc3339(session.expiration)}"
    # A line break in a name would end the comment and run the rest as a command.
    return f"{marker} " + "".join(ch if ch.isprintable() else "?" for ch in text)


def shell_export(session: Session, shell: str) -> str:
    """Commands that put the session into the current shell (or a .env file)."""
    pairs = variables(session)
    if shell in ("bash", "zsh", "sh"):
        lines = [_comment(session, "#")] + [f"export {k}={_posix(v)}" for k, v in pairs]
    elif shell == "fish":
        lines = [_comment(session, "#")] + [f"set -gx {k} {_fish(v)}" for k, v in pairs]
    elif shell == "powershell":
        lines = [_comment(session, "#")] + [f"$Env:{k} = {_powershell(v)}" for k, v in pairs]
    elif shell == "cmd":
        lines = [_comment(session, "REM")] + [_cmd(k, v) for k, v in pairs]
    elif shell == "dotenv":
        lines = [_comment(session, "#")] + [f"{k}={_dotenv(v)}" for k, v in pairs]
    else:
        raise ValueError(f"unknown shell {shell!r}; choose one of {', '.join(SHELLS)}")
    return "\n".join(lines) + "\n"


def profile_export(profile: str, shell: str) -> str:
    """One line that points the current shell at a credentials-file profile."""
    if shell == "fish":
        return f"set -gx AWS_PROFILE {_fish(profile)}\n"
    if shell == "powershell":
        return f"$Env:AWS_PROFILE = {_powershell(profile)}\n"
    if shell == "cmd":
        return _cmd("AWS_PROFILE", profile) + "\n"
    if shell == "dotenv":
        return f"AWS_PROFILE={_dotenv(profile)}\n"
    return f"export AWS_PROFILE={_posix(profile)}\n"


def credential_process_json(session: Session) -> str:
    """The JSON the AWS CLI and SDKs read from a credential_process command."""
    return credential_process_document(
        session.access_key_id,
        session.secret_access_key,
        session.session_token,
        rfc3339(session.expiration),
    )


def _executable() -> str:
    """The command that runs entra-aws (shell-quoted), as an absolute path when we can find one.

    On PATH first; else the script installed beside this Python (a venv not activated); only
    when neither exists, `python -m tui`.
    """
    found = shutil.which("entra-aws")
    if found:
        return shlex.quote(str(Path(found)))
    scripts = Path(sys.executable).parent
    for name in ("entra-aws", "entra-aws.exe"):
        beside = scripts / name
        if beside.is_file() and os.access(beside, os.X_OK):
            return shlex.quote(str(beside))
    return f"{shlex.quote(sys.executable)} -m tui"


def credential_process_config(session: Session, profile: str | None = None) -> str:
    """An ~/.aws/config block that makes the CLI/SDKs ask entra-aws for this session."""
    exe = _executable()
    name = profile or session.profile
    return (
        f"[profile {name}]\n"
        f"credential_process = {exe} credential-process {shlex.quote(session.account)}"
        f" --role {shlex.quote(session.role_arn)}\n"
        f"region = {session.region}\n"
    )


# What the child of `exec` must not inherit: another identity's keys, profile or endpoint would
# shadow (or mix with) the session's, since SDKs read variables before files.
_AMBIENT = (
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_CREDENTIAL_EXPIRATION",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_ROLE_ARN",
    "AWS_ROLE_SESSION_NAME",
)
EXEC_MARKER = "ENTRA_AWS_EXEC"  # set in the child of `exec`, so a nested `exec` can say so


def exec_environment(
    base: dict[str, str], session: Session, *, endpoint: tuple[str, str] | None = None
) -> dict[str, str]:
    """The environment `exec` gives its command: `base` without ambient AWS identities, plus the
    session's keys, or with `endpoint` (url, token) only a container-credentials endpoint."""
    env = {key: value for key, value in base.items() if key not in _AMBIENT}
    if endpoint is None:
        env.update(variables(session))
    else:
        url, token = endpoint
        env["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = url
        env["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = token
        env["AWS_REGION"] = env["AWS_DEFAULT_REGION"] = session.region
    env[EXEC_MARKER] = f"{session.account}:{session.role_name}"
    return env


def container_credentials_json(session: Session) -> str:
    """A container-credentials endpoint's answer, as botocore's ContainerProvider reads it."""
    return json.dumps(
        {
            "AccessKeyId": session.access_key_id,
            "SecretAccessKey": session.secret_access_key,
            "Token": session.session_token,
            "Expiration": rfc3339(session.expiration),
            "AccountId": session.account_id,
        }
    )
