"""The checked-in corpus of hostile SAMLResponses: each gives what corpus/manifest.toml says, fast,
through the decoder and through `entra-aws decode` (one stderr line, never a traceback)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tui.cli import main
from tui.core import errors
from tui.core.assertion import Assertion, decode_saml_response
from tui.core.signin import read_saml_source

from .conftest import CORPUS, manifest

CASES = manifest()
ENTRA_AWS = str(Path(sys.executable).with_name("entra-aws"))
# What must never reach a terminal from an assertion: ESC, CSI, NEL, bidi overrides, BEL.
TERMINAL_CONTROLS = ("\x1b", "\x9b", "\x85", "\u202e", "\x07")


def ids(case: dict[str, Any]) -> str:
    return case["file"]


def decode_file(name: str) -> Assertion:
    started = time.monotonic()
    try:
        return decode_saml_response(read_saml_source(str(CORPUS / name)))
    finally:
        assert time.monotonic() - started < 1.0, f"{name} took too long"


def check_decoded(result: Assertion, case: dict[str, Any]) -> None:
    assert [role.role_arn for role in result.roles] == case["roles"]
    assert len(result.problems) == len(case["problems"]), result.problems
    for problem, expected in zip(result.problems, case["problems"], strict=True):
        assert expected in problem
        assert "\n" not in problem
    for key in ("display_name", "subject", "session_duration"):
        if key in case:
            assert getattr(result, key) == case[key], key
    if "not_on_or_after" in case:
        assert result.to_json()["not_on_or_after"] == case["not_on_or_after"]
    for name, count in case.get("attribute_values", {}).items():
        assert len(result.attributes[name]) == count
    shown = json.dumps(result.to_json())  # JSON carries control characters escaped: fine
    for text in case.get("not_in_output", []):
        assert text not in shown


def test_the_manifest_names_every_corpus_file_once() -> None:
    files = sorted(p.name for p in CORPUS.iterdir() if p.name != "manifest.toml")
    assert sorted(case["file"] for case in CASES) == files
    for case in CASES:
        expect = case["expect"]
        assert expect == "decodes" or issubclass(getattr(errors, expect), errors.EntraAwsError)


@pytest.mark.parametrize("case", CASES, ids=ids)
def test_each_corpus_file_gives_what_the_manifest_says(case: dict[str, Any]) -> None:
    if case["expect"] == "decodes":
        check_decoded(decode_file(case["file"]), case)
        return
    expected = getattr(errors, case["expect"])
    with pytest.raises(errors.EntraAwsError) as caught:
        decode_file(case["file"])
    error = caught.value
    assert type(error) is expected, f"{type(error).__name__}: {error}"
    message = str(error)
    assert case["message"] in message
    assert "\n" not in message and "\r" not in message
    assert len(message) < 400
    assert "root:" not in message  # nothing of /etc/passwd, ever
    for control in TERMINAL_CONTROLS:
        assert control not in message


@pytest.mark.parametrize("case", CASES, ids=ids)
def test_decode_command_on_each_corpus_file(case: dict[str, Any], capsys) -> None:
    path = str(CORPUS / case["file"])
    code = main(["decode", path])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    if case["expect"] == "decodes":
        assert code == 0, err
        assert err == ""
        for control in TERMINAL_CONTROLS:
            assert control not in out, f"{control!r} reached the terminal"
        for text in case.get("not_in_output", []):
            assert text not in out
        for arn in case["roles"]:
            assert arn in out
        code = main(["decode", path, "--json"])
        data = json.loads(capsys.readouterr().out)
        assert code == 0
        assert [role["role_arn"] for role in data["roles"]] == case["roles"]
        return
    assert code != 0
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("entra-aws: ")
    assert case["message"] in lines[0]
    assert "internal error" not in lines[0]


@pytest.mark.parametrize(
    "name",
    [
        "billion_laughs.xml",
        "wrap_in_signature_object.b64",
        "oversize.b64",
        "encrypted.b64",
        "status_requester_aadsts50105.b64",
    ],
)
def test_the_real_command_refuses_with_one_line(name: str, tmp_path: Path) -> None:
    case = next(case for case in CASES if case["file"] == name)
    env = {
        "HOME": str(tmp_path),
        "ENTRA_AWS_HOME": str(tmp_path / "entra"),
        "PATH": "/usr/bin:/bin",
    }
    done = subprocess.run(
        [ENTRA_AWS, "decode", str(CORPUS / name)],
        capture_output=True,
        text=True,
        timeout=30,
        env=env,
    )
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("entra-aws: ")
    assert case["message"] in done.stderr
    assert "Traceback" not in done.stderr


def test_the_real_command_shows_a_hostile_display_name_without_terminal_controls(
    tmp_path: Path,
) -> None:
    env = {
        "HOME": str(tmp_path),
        "ENTRA_AWS_HOME": str(tmp_path / "entra"),
        "PATH": "/usr/bin:/bin",
    }
    done = subprocess.run(
        [ENTRA_AWS, "decode", "-"],
        input=(CORPUS / "display_name_controls.b64").read_bytes(),
        capture_output=True,
        timeout=30,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    assert b"Mallory" in done.stdout
    for control in TERMINAL_CONTROLS:
        assert control.encode("utf-8") not in done.stdout
    assert b"\x1b" not in done.stdout and b"\xc2\x9b" not in done.stdout
