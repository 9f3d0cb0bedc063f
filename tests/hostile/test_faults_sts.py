"""STS answering 200 with something that is not STS's XML (a captive portal's sign-in page, a
proxy's garbage), through the real `entra-aws login`: a clear one-line error within 15 s, nothing
written, and a clean next attempt. tests/e2e/test_cli_login.py covers refused, hung and 5xx."""

from __future__ import annotations

import json
import time

import pytest

from tests.e2e.conftest import PROD, World

pytestmark = pytest.mark.e2e

CAPTIVE_PORTAL = """<!DOCTYPE html>
<html><head><title>Welcome to Airport Wi-Fi</title>
<meta http-equiv="refresh" content="0; url=http://portal.example/login?dst=sts"></head>
<body><h1>Please accept the terms to continue</h1>
<form method="post" action="http://portal.example/accept"><input type="submit" value="Accept"></form>
</body></html>
"""

BODIES = {
    "captive-portal": CAPTIVE_PORTAL,
    "garbage": "\x00\x01\ufffd\ufffdPK\x03\x04 not xml at all \ud7ff" * 20,
    "empty": " ",
    "json": '{"Credentials": {"AccessKeyId": "ASIAFAKE"}}',
    "truncated-xml": (
        '<AssumeRoleWithSAMLResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">'
        "<AssumeRoleWithSAMLResult><Credentials><AccessKeyId>ASIA"
    ),
    "other-xml": '<?xml version="1.0"?><status><ok>true</ok></status>',
}


@pytest.mark.parametrize("body", BODIES.values(), ids=BODIES.keys())
def test_sts_answering_200_with_something_else(world: World, body: str, no_secrets) -> None:
    saml = world.saml_file("Admin@" + PROD)
    world.sts.fail_next(1, status=200, code=None, body=body)
    calls = len(world.sts.calls)

    started = time.monotonic()
    result = world.run("login", "prod", "--saml-file", str(saml), timeout=40)
    elapsed = time.monotonic() - started

    assert result.returncode == 1, result.stdout + result.stderr
    assert elapsed < 15, f"took {elapsed:.1f} s"
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("entra-aws: ") and "Traceback" not in result.stderr
    assert "not an STS response" in lines[0] and world.sts.url in lines[0]
    assert "internal error" not in lines[0]
    assert not world.credentials.exists()
    assert json.loads(world.run("sessions", "--json").stdout) == []
    no_secrets([result.stderr, result.stdout], [saml.read_text()])

    # One call took the fault (a 200 is not retried): the next login is answered properly.
    assert len(world.sts.calls) - calls == 1
    again = world.run("login", "prod", "--saml-file", str(world.saml_file("Admin@" + PROD)))
    assert again.returncode == 0, again.stderr
    assert world.credentials.exists()
    assert [row["role_name"] for row in json.loads(world.run("sessions", "--json").stdout)] == [
        "Admin"
    ]
