"""What people really paste or save, and what real assertions really carry (issue 14, points 1,
2, 4 and 6): the redeem window, ASCII-only session names, every copied shape, flags not guesses."""

from __future__ import annotations

import html
import json
from datetime import UTC, datetime, timedelta
from urllib.parse import quote, urlencode

import pytest

from tui.cli import main
from tui.core.assertion import decode_saml_response, require_redeemable, require_roles
from tui.core.errors import AssertionExpiredError, SamlError
from tui.core.roles import Role

from .builders import ADMIN, PROVIDER, READONLY, b64, saml_xml

ENCODED = b64(saml_xml())
ROLES = (Role(ADMIN, PROVIDER), Role(READONLY, PROVIDER))


# --- 1. the redeem window ----------------------------------------------------------------------


def test_an_old_assertion_with_a_far_subject_confirmation_date_is_expired():
    """Issued years ago, SubjectConfirmationData says 2099: STS's 5 minutes from issue win."""
    xml = saml_xml(issue_instant="2020-01-01T10:00:00Z", not_on_or_after="2099-01-01T00:00:00Z")
    result = decode_saml_response(b64(xml))
    assert result.redeemable_until == datetime(2020, 1, 1, 10, 5, tzinfo=UTC)
    assert result.expired(datetime.now(UTC))
    with pytest.raises(AssertionExpiredError) as caught:
        require_redeemable(result, datetime.now(UTC))
    assert "expired at 2020-01-01 10:05:00 UTC" in str(caught.value)
    assert "sign in again" in str(caught.value)


def test_conditions_not_on_or_after_can_end_the_window_first():
    xml = saml_xml(issue_instant="2026-01-01T10:00:00Z", not_on_or_after="2026-01-01T10:05:00Z")
    xml = xml.replace(
        'Conditions NotBefore="2026-01-01T10:00:00Z" NotOnOrAfter="2026-01-01T10:05:00Z"',
        'Conditions NotBefore="2026-01-01T10:00:00Z" NotOnOrAfter="2026-01-01T10:02:00Z"',
    )
    result = decode_saml_response(b64(xml))
    assert result.conditions_not_on_or_after == datetime(2026, 1, 1, 10, 2, tzinfo=UTC)
    assert result.redeemable_until == datetime(2026, 1, 1, 10, 2, tzinfo=UTC)
    require_redeemable(result, datetime(2026, 1, 1, 10, 1, 59, tzinfo=UTC))  # still fine
    assert result.expired(datetime(2026, 1, 1, 10, 2, tzinfo=UTC))


def test_subject_confirmation_can_end_the_window_first():
    xml = saml_xml(issue_instant="2026-01-01T10:00:00Z", not_on_or_after="2026-01-01T10:03:00Z")
    assert decode_saml_response(b64(xml)).redeemable_until == datetime(
        2026, 1, 1, 10, 3, tzinfo=UTC
    )


def test_the_cli_refuses_an_expired_assertion_in_one_sentence(capsys, tmp_path):
    config = tmp_path / "config.toml"
    config.write_text(
        '[[accounts]]\nname = "prod"\ntenant_id = "contoso.com"\n'
        'app_id_uri = "https://signin.aws.amazon.com/saml"\nsts_endpoint = "http://127.0.0.1:9"\n'
    )
    saml = tmp_path / "saml.b64"
    saml.write_text(
        b64(saml_xml(issue_instant="2020-01-01T10:00:00Z", not_on_or_after="2099-01-01T00:00:00Z"))
    )
    code = main(
        ["--config", str(config), "login", "prod", "--role", "Admin", "--saml-file", str(saml)]
    )
    err = capsys.readouterr().err
    assert code != 0
    assert "expired at 2020-01-01 10:05:00 UTC" in err.splitlines()[-1]
    assert "Traceback" not in err and saml.read_text() not in err


# --- 2. ASCII-only session names ---------------------------------------------------------------


@pytest.mark.parametrize("name", ["jörg.müller@contoso.com", "alice١٢@contoso.com", "ｂｏｂ@x"])
def test_a_non_ascii_role_session_name_is_flagged(name):
    result = decode_saml_response(b64(saml_xml(session_name=name)))
    assert any("RoleSessionName must match" in p and "ASCII" in p for p in result.problems)


def test_an_ascii_role_session_name_is_fine():
    assert (
        decode_saml_response(b64(saml_xml(session_name="jorg.muller@contoso.com"))).problems == ()
    )


def test_non_ascii_digits_in_an_account_id_drop_the_role():
    bad = "arn:aws:iam::١٢٣٤٥٦٧٨٩٠١٢:role/Admin,arn:aws:iam::١٢٣٤٥٦٧٨٩٠١٢:saml-provider/Entra"
    result = decode_saml_response(b64(saml_xml(roles=[bad, f"{READONLY},{PROVIDER}"])))
    assert result.roles == (Role(READONLY, PROVIDER),)
    assert any("Ignored a Role value" in p for p in result.problems)


# --- 4. whatever a person copied ----------------------------------------------------------------


def form_page(value: str) -> str:
    """Entra's auto-posting form, as a browser saves it."""
    return (
        "<!DOCTYPE html><html><head><title>Working...</title></head><body>"
        '<form method="POST" name="hiddenform" action="https://signin.aws.amazon.com/saml">'
        f'<input type="hidden" name="SAMLResponse" value="{html.escape(value)}" />'
        '<input type="hidden" name="RelayState" value="" />'
        "<noscript><p>Script is disabled. Click Submit to continue.</p>"
        '<input type="submit" value="Submit" /></noscript></form>'
        "<script>window.setTimeout(function(){document.forms[0].submit()}, 0);</script>"
        "</body></html>"
    )


def har(*posts: tuple[str, str]) -> str:
    entries = [
        {
            "startedDateTime": "2026-01-01T10:00:00.000Z",
            "request": {
                "method": "GET",
                "url": "https://login.microsoftonline.com/contoso.com/saml2?SAMLRequest=x",
                "headers": [],
            },
            "response": {"status": 200, "content": {"text": "<html>" + "x" * 5000 + "</html>"}},
        }
    ]
    for url, body in posts:
        entries.append(
            {
                "startedDateTime": "2026-01-01T10:00:05.000Z",
                "request": {
                    "method": "POST",
                    "url": url,
                    "postData": {"mimeType": "application/x-www-form-urlencoded", "text": body},
                },
                "response": {"status": 302},
            }
        )
    return json.dumps({"log": {"version": "1.2", "entries": entries}})


@pytest.mark.parametrize(
    "copied",
    [
        pytest.param(quote(ENCODED, safe=""), id="percent-encoded"),
        pytest.param(urlencode({"RelayState": "x", "SAMLResponse": ENCODED}), id="form-any-order"),
        pytest.param(urlencode({"SAMLResponse": ENCODED, "RelayState": ""}), id="form"),
        pytest.param(form_page(ENCODED), id="saved-page"),
        pytest.param(
            har(("https://signin.aws.amazon.com/saml", urlencode({"SAMLResponse": ENCODED}))),
            id="har",
        ),
        pytest.param(
            har(
                (
                    "https://eu-west-1.signin.aws.amazon.com/static/saml",
                    urlencode({"SAMLResponse": ENCODED}),
                )
            ),
            id="har-static-acs",
        ),
    ],
)
def test_every_copied_shape_decodes_to_the_same_assertion(copied):
    assert "+" in ENCODED or "/" in ENCODED  # characters form encoding changes
    result = decode_saml_response(copied)
    assert result.roles == ROLES
    assert result.saml_response == ENCODED  # STS gets exactly what Entra posted


def test_a_har_uses_the_last_acs_post_and_ignores_other_posts():
    older = b64(saml_xml(roles=[f"{ADMIN},{PROVIDER}"]))
    data = har(
        ("https://login.microsoftonline.com/common/login", "passwd=hunter2&login=alice"),
        ("https://signin.aws.amazon.com/saml", urlencode({"SAMLResponse": older})),
        ("https://signin.aws.amazon.com/saml", urlencode({"SAMLResponse": ENCODED})),
    )
    assert decode_saml_response(data).roles == ROLES


def test_har_params_are_used_when_there_is_no_text():
    data = json.loads(har(("https://signin.aws.amazon.com/saml", "")))
    data["log"]["entries"][-1]["request"]["postData"] = {
        "mimeType": "application/x-www-form-urlencoded",
        "params": [{"name": "SAMLResponse", "value": quote(ENCODED, safe="")}],
    }
    assert decode_saml_response(json.dumps(data)).saml_response == ENCODED


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (har(("https://example.com/saml", "SAMLResponse=abc")), "no POST to an AWS sign-in URL"),
        ('{"log": {}}', "not a HAR file"),
        ("{not json", "not valid"),
        ("<!DOCTYPE html><html><body><form></form></body></html>", "no SAMLResponse field"),
        ("RelayState=x&SAMLResponse=", "SAMLResponse field is empty"),
        ("RelayState=x&foo=bar", "form body has no SAMLResponse field"),
        ("RelayState=https%3A%2F%2Fconsole.aws.amazon.com&x=1", "form body has no SAMLResponse"),
    ],
)
def test_containers_without_a_response_say_what_to_do(data, fragment):
    with pytest.raises(SamlError) as caught:
        decode_saml_response(data)
    assert fragment in str(caught.value)
    assert "\n" not in str(caught.value)


def test_decode_reads_a_large_har_file(capsys, tmp_path):
    """A HAR holds every page of the sign-in: far over the bare value's 1,000,000-byte cap."""
    data = json.loads(
        har(("https://signin.aws.amazon.com/saml", urlencode({"SAMLResponse": ENCODED})))
    )
    data["log"]["entries"][0]["response"]["content"]["text"] = "x" * 3_000_000
    path = tmp_path / "signin.har"
    path.write_text(json.dumps(data))
    assert main(["decode", str(path), "--json"]) == 0
    decoded = json.loads(capsys.readouterr().out)
    assert [r["role_arn"] for r in decoded["roles"]] == [ADMIN, READONLY]


# --- 6. flag, don't guess --------------------------------------------------------------------------


def test_two_session_durations_are_flagged_and_neither_is_used():
    xml = saml_xml(session_duration="3600").replace(
        "<AttributeValue>3600</AttributeValue>",
        "<AttributeValue>3600</AttributeValue><AttributeValue>43200</AttributeValue>",
    )
    result = decode_saml_response(b64(xml))
    assert result.session_duration is None
    assert any("SessionDuration has 2 values (3600, 43200)" in p for p in result.problems)


def test_a_role_value_with_a_trailing_comma_is_read_and_flagged():
    result = decode_saml_response(b64(saml_xml(roles=[f"{ADMIN},{PROVIDER},"])))
    assert result.roles == (Role(ADMIN, PROVIDER),)
    assert any("stray comma" in p and "Admin" in p for p in result.problems)


def test_no_role_attribute_says_what_to_fix_in_entra():
    result = decode_saml_response(b64(saml_xml(include_role_attribute=False)))
    (problem,) = [p for p in result.problems if "Role attribute" in p]
    assert "assign the user or a group to an app role of the AWS application" in problem
    assert "user.assignedroles" in problem
    with pytest.raises(SamlError) as caught:
        require_roles(result)
    assert "user.assignedroles" in str(caught.value)


def test_a_missing_role_session_name_is_flagged():
    result = decode_saml_response(b64(saml_xml(session_name=None)))
    assert any("no RoleSessionName" in p for p in result.problems)


def test_a_far_future_window_is_not_expired():
    now = datetime.now(UTC)
    stamp = (now + timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    result = decode_saml_response(b64(saml_xml(issue_instant=stamp, not_on_or_after=stamp)))
    require_redeemable(result, now)
