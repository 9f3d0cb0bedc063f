"""What the rest of entra-aws hands the browser (settings) and gets back (the capture)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class BrowserSettings:
    browser: str = ""  # Chrome/Chromium path or command name; "" = auto-detect
    driver: str = ""  # chromedriver path or command name; "" = auto-detect
    fetch_driver: bool = True  # no usable driver found: fetch the matching one (Chrome for Testing)
    headless: bool = False
    timeout: float = 300.0  # the whole sign-in, launch to capture
    person_grace: float = 4.0  # headless: how long a sign-in form may sit unanswered


@dataclass(frozen=True)
class Capture:
    """What Entra posted to the AWS ACS, taken from the paused request (it never reached AWS)."""

    saml_response: str = field(repr=False)  # base64 exactly as posted, form-decoded
    acs_url: str
    relay_state: str | None = None
