"""AADSTS codes on Entra's error pages become one sentence with the code and the fix."""

from __future__ import annotations

import pytest

from tui.core.browser.entra_errors import FIXES, entra_page_error, first_sentence
from tui.core.errors import BrowserError, EntraPageError

REQUIRED = ["50105", "50011", "700016", "53000", "53003", "50076", "50079", "50058", "50196",
            "75011", "90002", "750054"]  # fmt: skip


@pytest.mark.parametrize("code", REQUIRED)
def test_every_common_code_has_a_plain_fix(code) -> None:
    error = entra_page_error(code, f"AADSTS{code}: Something Entra said. Trace ID: 1234.")

    assert isinstance(error, EntraPageError) and isinstance(error, BrowserError)
    assert error.code == f"AADSTS{code}"
    text = str(error)
    assert text.startswith(f"Entra refused the sign-in (AADSTS{code}: Something Entra said)")
    assert FIXES[code] in text
    assert "Trace ID" not in text and "\n" not in text and text.endswith(".")


def test_the_fixes_say_what_to_do() -> None:
    assert "assign you" in str(entra_page_error("50105"))
    assert "acs_url" in str(entra_page_error("50011"))
    assert "app_id_uri" in str(entra_page_error("700016"))
    assert "without --headless" in str(entra_page_error("50076"))
    assert "Conditional Access" in str(entra_page_error("53003"))
    assert "tenant_id" in str(entra_page_error("90002"))


def test_an_unknown_code_points_at_microsofts_lookup() -> None:
    error = entra_page_error("AADSTS12345", "Something new.")

    assert error.code == "AADSTS12345"
    assert str(error) == (
        "Entra refused the sign-in (AADSTS12345: Something new); "
        "see https://login.microsoftonline.com/error?code=12345."
    )


def test_no_message_still_reads_well() -> None:
    assert str(entra_page_error("53003")).startswith("Entra refused the sign-in (AADSTS53003): ")


def test_first_sentence_is_trimmed_and_bounded() -> None:
    assert first_sentence(": The user 'a.b@c.com' is blocked. Contact admin.") == (
        "The user 'a.b@c.com' is blocked"
    )
    assert first_sentence("bad\x00\tcontrol\x1b chars") == "bad control chars"
    long = first_sentence("x" * 1000)
    assert len(long) <= 200 and long.endswith("…")
    assert first_sentence("") == ""
