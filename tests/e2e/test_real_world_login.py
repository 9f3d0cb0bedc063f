"""`login --saml-file` with what people really have: an old assertion with a far confirmation
date makes no STS call, and a HAR file or saved page signs in like the bare value."""

from __future__ import annotations

import json
from datetime import timedelta
from urllib.parse import urlencode

import pytest

from tui.core.timeutil import utcnow

from .conftest import PROD, World

pytestmark = pytest.mark.e2e


def test_an_old_assertion_with_a_far_confirmation_date_never_reaches_sts(world: World) -> None:
    saml = world.saml_file(
        "Admin@" + PROD,
        issue_instant=utcnow() - timedelta(hours=3),
        confirmation_lifetime=timedelta(days=365),
        conditions_lifetime=timedelta(days=365),
    )
    result = world.run("login", "prod", "--saml-file", str(saml))
    assert result.returncode != 0
    assert "expired at" in result.stderr and "sign in again" in result.stderr
    assert "Traceback" not in result.stderr
    assert world.sts.calls == []  # said so without asking STS
    assert not world.credentials.exists()


def test_a_har_file_signs_in_like_the_bare_value(world: World) -> None:
    value = world.assertion("Admin@" + PROD)
    har = {
        "log": {
            "version": "1.2",
            "entries": [
                {
                    "request": {
                        "method": "POST",
                        "url": "https://signin.aws.amazon.com/saml",
                        "postData": {
                            "mimeType": "application/x-www-form-urlencoded",
                            "text": urlencode({"RelayState": "", "SAMLResponse": value}),
                        },
                    },
                    "response": {"status": 302},
                }
            ],
        }
    }
    path = world.home / "signin.har"
    path.write_text(json.dumps(har))
    result = world.run("login", "prod", "--saml-file", str(path), "--output", "json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["role_arn"].endswith(":role/Admin")
    assert value not in result.stderr
