"""logs.py: the private log never holds a secret, even when something logs one by mistake."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from tui.core import logs
from tui.core.logs import redact, setup_logging

from .builders import b64, saml_xml, session

SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
TOKEN = "FwoGZXIvYXdzEBYaDHhBTEXAMPLETOKEN+abc/def0123456789ghijklmnopqrstuvwxyz=="


@pytest.mark.parametrize(
    ("text", "value"),
    [
        (f"SAMLResponse={b64(saml_xml())[:60]}", b64(saml_xml())[:60]),
        ("SAMLResponse=PHNhbWxw%2BOlJlc3Bvbn&RelayState=x", "PHNhbWxw%2BOlJlc3Bvbn"),
        ('{"SAMLAssertion": "PHNhbWxwOlJlc3Bvbn"}', "PHNhbWxwOlJlc3Bvbn"),
        (f"SecretAccessKey: {SECRET[:20]}", SECRET[:20]),
        ("aws_secret_access_key = shortsecret", "shortsecret"),
        ("aws_session_token=tok123", "tok123"),
        ("SessionToken='tok-123'", "tok-123"),
        ('Session={"sessionId": "ASIA", "sessionKey": "skey", "sessionToken": "t"}', "skey"),
        ("sessionKey: abc", "abc"),
        ("SigninToken=abc", "abc"),
    ],
)
def test_named_secrets_are_masked(text, value):
    masked = redact(text)
    assert "[redacted]" in masked
    assert value not in masked


def test_the_console_federation_request_is_masked():
    """The getSigninToken URL carries the secret key and token, JSON-encoded then URL-encoded."""
    from urllib.parse import urlencode

    s = session()
    payload = (
        f'{{"sessionId": "{s.access_key_id}", "sessionKey": "{s.secret_access_key}", '
        f'"sessionToken": "{s.session_token}"}}'
    )
    for text in (
        f"Session={payload}",
        "https://signin.aws.amazon.com/federation?"
        + urlencode({"Action": "getSigninToken", "Session": payload}),
    ):
        masked = redact(text)
        assert s.secret_access_key not in masked
        assert s.session_token not in masked
        assert "signin" in masked or "Session=" in masked


@pytest.mark.parametrize("secret", [SECRET, TOKEN, b64(saml_xml()), "A" * 32, "abc-def_ghi" * 4])
def test_long_base64_runs_are_masked_anywhere(secret):
    masked = redact(f"assumed role with {secret} in the middle")
    assert secret not in masked
    assert masked == "assumed role with [redacted] in the middle"


@pytest.mark.parametrize(
    "text",
    [
        "Assumed Admin in 123456789012 until 12:00 UTC.",
        "arn:aws:iam::123456789012:role/team/Admin",
        "https://sts.eu-west-1.amazonaws.com",
        "ASIAEXAMPLEKEY0000001",  # an access key id is 20 characters: not a secret
        "/home/alice/.local/state/entra-aws/sessions.json",
    ],
)
def test_ordinary_text_is_left_alone(text):
    assert redact(text) == text


def _log_text(path: Path) -> str:
    for handler in logging.getLogger("entra_aws").handlers:
        handler.flush()
    return path.read_text(encoding="utf-8")


def test_a_record_with_a_secret_in_its_args_is_redacted_in_the_file(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    setup_logging("info")
    log = logging.getLogger("entra_aws.test")
    s = session()
    log.info("exported %s with %s", s.access_key_id, s.secret_access_key)
    log.warning("payload %r", {"SessionToken": s.session_token, "note": "hello"})
    log.info("form body %s", f"SAMLResponse={b64(saml_xml())}")

    path = Path(logs.log_path())
    assert path == tmp_path / "state" / "entra-aws" / "entra-aws.log"
    text = _log_text(path)
    assert s.secret_access_key not in text
    assert s.session_token not in text
    assert b64(saml_xml())[:40] not in text
    assert "exported ASIAEXAMPLEKEY0000001 with [redacted]" in text
    assert "hello" in text


def test_a_secret_in_an_exception_traceback_is_redacted(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    setup_logging()
    try:
        raise RuntimeError(f"boom with {TOKEN}")
    except RuntimeError:
        logging.getLogger("entra_aws.cli").exception("unexpected error")
    text = _log_text(Path(logs.log_path()))
    assert "unexpected error" in text
    assert "RuntimeError" in text
    assert TOKEN not in text


def test_library_loggers_are_redacted_too(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    setup_logging("debug")
    logging.getLogger("botocore.endpoint").info("Sending SAMLAssertion=%s", b64(saml_xml()))
    text = _log_text(Path(logs.log_path()))
    assert "SAMLAssertion=[redacted]" in text
    assert b64(saml_xml())[:40] not in text


def test_the_log_file_is_0600_in_a_0700_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    folder = tmp_path / "state" / "entra-aws"
    folder.mkdir(parents=True)
    folder.chmod(0o755)
    (folder / "entra-aws.log").write_text("old line\n")
    (folder / "entra-aws.log").chmod(0o644)
    setup_logging()
    path = Path(logs.log_path())
    assert path.stat().st_mode & 0o777 == 0o600
    assert folder.stat().st_mode & 0o777 == 0o700
    assert path.read_text().startswith("old line\n")  # appended to, not truncated


def test_level_from_the_environment_and_default_warning(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    setup_logging()
    assert logging.getLogger("entra_aws").level == logging.WARNING
    logging.getLogger("entra_aws.test").info("not written")
    logging.getLogger("entra_aws.test").warning("written")
    text = _log_text(Path(logs.log_path()))
    assert "written" in text and "not written" not in text


def test_unknown_level_falls_back_to_warning(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("ENTRA_AWS_LOG_LEVEL", "chatty")
    setup_logging()
    assert logging.getLogger("entra_aws").level == logging.WARNING


def test_an_unwritable_state_folder_does_not_stop_the_program(tmp_path, monkeypatch):
    blocker = tmp_path / "blocker"
    blocker.write_text("x")
    monkeypatch.setenv("XDG_STATE_HOME", str(blocker))
    setup_logging()
    logging.getLogger("entra_aws.test").warning("goes nowhere, quietly")
