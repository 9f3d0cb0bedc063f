"""The credentials-file writer and reader under hostile input (properties): random INI-ish text.

Writing our profile into any existing file either is refused (FileWriteError, one sentence, the
file byte-identical, no temp file left) or leaves a file that parses, where every other section
reads exactly as before and our profile reads the new keys; a file the AWS CLI could read before
(strict configparser, like botocore) it can still read. Reading never raises.
tests/unit/test_credentials_file.py proves the layout rules by example.
"""

from __future__ import annotations

import configparser
import os
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tui.core.credentials_file import read_profile, render, write_profiles
from tui.core.errors import FileWriteError
from tui.core.sessions import Session

FAST = settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
NEW = {
    "aws_access_key_id": "ASIANEWKEY0000000001",
    "aws_secret_access_key": "new/secret+key",
    "aws_session_token": "new-token==",
}


def session(profile: str) -> Session:
    return Session(
        account="prod",
        role_arn="arn:aws:iam::123456789012:role/Admin",
        principal_arn="arn:aws:iam::123456789012:saml-provider/Entra",
        profile=profile,
        region="eu-west-1",
        access_key_id=NEW["aws_access_key_id"],
        secret_access_key=NEW["aws_secret_access_key"],
        session_token=NEW["aws_session_token"],
        expiration=datetime(2026, 1, 1, 12, 0, tzinfo=UTC),
    )


def parsed(text: str, *, strict: bool) -> configparser.RawConfigParser | None:
    parser = configparser.RawConfigParser(strict=strict)
    try:
        parser.read_string(text)
    except configparser.Error:
        return None
    return parser


def sections(parser: configparser.RawConfigParser) -> dict[str, dict[str, str]]:
    found = {name: dict(parser.items(name)) for name in parser.sections()}
    found[parser.default_section] = dict(parser.defaults())
    return found


# --- the strategy: lines people (and other tools) put in credentials files ----------------------

_NAMES = st.sampled_from(
    ["default", "prod", "Prod", "dev", "prod-Admin", "DEFAULT", "other", "a.b", "x@y"]
)
_ODD_NAMES = st.one_of(_NAMES, st.text(min_size=1, max_size=8))
_KEYS = st.sampled_from(
    [
        "aws_access_key_id",
        "aws_secret_access_key",
        "aws_session_token",
        "aws_security_token",
        "x_security_token_expires",
        "AWS_Access_Key_ID",
        "region",
        "output",
        "role_arn",
        "source_profile",
    ]
)
_VALUES = st.one_of(
    st.sampled_from(["AKIAOLD", "old/secret", "eu-west-1", "", "a = b", "x ; not a comment"]),
    st.text(max_size=12),
)
_LINES = st.one_of(
    _NAMES.map(lambda n: f"[{n}]"),
    _ODD_NAMES.map(lambda n: f"[{n}]"),
    st.builds(lambda pad, n: f"{pad}[{n}]", st.sampled_from([" ", "\t", "  "]), _NAMES),
    st.builds(
        lambda n, tail: f"[{n}]{tail}",
        _NAMES,
        st.sampled_from([" # note", " ; x", " # c]", "]", "x"]),
    ),
    st.builds(
        lambda k, sep, v: f"{k}{sep}{v}", _KEYS, st.sampled_from([" = ", "=", " : ", ":"]), _VALUES
    ),
    st.builds(lambda pad, k, v: f"{pad}{k} = {v}", st.sampled_from([" ", "\t"]), _KEYS, _VALUES),
    st.sampled_from(
        [
            "",
            " ",
            "# comment",
            "; comment",
            "  # indented comment",
            "no separator",
            "=x",
            "\x0c",
            "\u2028",
            "\x85",
        ]
    ),
    st.text(max_size=20),
)
_FILES = st.lists(_LINES, max_size=20).flatmap(
    lambda lines: st.sampled_from(["\n", "\r\n", "\r"]).map(lambda nl: nl.join(lines) + nl)
)
_REAL_LIKE = st.lists(
    st.tuples(
        _NAMES, st.lists(st.tuples(_KEYS, st.sampled_from(["v1", "AKIA", "x y"])), max_size=4)
    ),
    max_size=5,
).map(
    lambda blocks: "".join(
        f"[{n}]\n" + "".join(f"{k} = {v}\n" for k, v in body) + "\n" for n, body in blocks
    )
)


@FAST
@given(st.one_of(_FILES, _REAL_LIKE), _NAMES)
@example("[prod]\naws_access_key_id = OLD\n[prod]\naws_access_key_id = STALE\n", "prod")
@example("[other] # c]\nregion = x\n", "other")
@example("[other]\nregion = x\n  [prod]\naws_access_key_id = KEEP\n", "prod")
@example("[other]\nregion = a\x0cb = c\n", "prod")
@example("[DEFAULT]\nregion = eu-west-1\n[other]\noutput = json\n", "DEFAULT")
@example("", "DEFAULT")
def test_writing_a_profile_into_any_file(text: str, profile: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "credentials"
        path.write_bytes(text.encode("utf-8"))
        seen = path.read_text("utf-8")  # as any reader sees it: \r and \r\n read as \n
        started = time.monotonic()
        try:
            write_profiles(path, {profile: session(profile)})
        except FileWriteError as error:
            message = str(error)
            assert "\n" not in message and str(path) in message
            assert "nothing was written" in message or "unchanged" in message
            assert path.read_bytes() == text.encode("utf-8"), "a refused write changed the file"
        else:
            after = path.read_text("utf-8")
            check_written(seen, after, profile)
            assert read_profile(path, profile)["aws_access_key_id"] == NEW["aws_access_key_id"]
            assert path.stat().st_mode & 0o777 == 0o600
        leftovers = [p.name for p in Path(folder).iterdir() if p.name.endswith(".tmp")]
        assert leftovers == []
        assert time.monotonic() - started < 1.0


def check_written(before_text: str, after_text: str, profile: str) -> None:
    before = parsed(before_text, strict=False)
    after = parsed(after_text, strict=False)
    assert before is not None, "a file configparser cannot read was overwritten"
    assert after is not None, "the written file does not parse"
    old, new = sections(before), sections(after)
    assert set(new) == set(old) | {profile}, "sections were lost or invented"
    for name, keys in old.items():
        if name != profile:
            assert new[name] == keys, f"section {name!r} changed"
    for key, value in NEW.items():
        assert new[profile][key] == value
    if "aws_security_token" not in old[before.default_section]:  # [DEFAULT]'s keys are everyone's
        assert "aws_security_token" not in new[profile]
    if parsed(before_text, strict=True) is not None:
        assert parsed(after_text, strict=True) is not None, "the AWS CLI could read it before"


@FAST
@given(st.one_of(_FILES, _REAL_LIKE), st.lists(_NAMES, min_size=1, max_size=3, unique=True))
def test_render_never_raises_and_sets_every_profile(text: str, profiles: list[str]) -> None:
    started = time.monotonic()
    out = render(text, {name: session(name) for name in profiles})
    assert out.endswith("\n")
    assert time.monotonic() - started < 1.0


@settings(max_examples=100, deadline=None)
@given(st.one_of(_FILES.map(lambda t: t.encode("utf-8")), st.binary(max_size=200)), _NAMES)
@example(b"[prod]\naws_access_key_id = J\xfcrgen\n", "prod")
@example(b"\xff\xfe[\x00p\x00]\x00", "p")
def test_reading_a_profile_never_raises(data: bytes, profile: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "credentials"
        path.write_bytes(data)
        started = time.monotonic()
        found = read_profile(path, profile)
        assert isinstance(found, dict)
        assert all(isinstance(k, str) and isinstance(v, str) for k, v in found.items())
        assert time.monotonic() - started < 1.0
        assert read_profile(Path(folder) / "missing", profile) == {}
        assert read_profile(Path(folder), profile) == {}  # a folder, not a file


def test_a_file_that_is_not_utf8_is_refused_byte_identical() -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "credentials"
        data = "[default]\r\nregion = eu-west-1\r\n".encode("utf-16")
        path.write_bytes(data)
        try:
            write_profiles(path, {"prod": session("prod")})
        except FileWriteError as error:
            assert "nothing was written" in str(error)
        assert path.read_bytes() == data
        assert sorted(os.listdir(folder)) == [".credentials.lock", "credentials"]
