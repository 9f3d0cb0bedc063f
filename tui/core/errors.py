"""Errors a user can act on. `str(error)` is one sentence that says what to fix, never a secret."""

from __future__ import annotations


class EntraAwsError(Exception):
    """Base for every problem reported to the user without a traceback."""

    exit_code = 1


class ConfigError(EntraAwsError):
    """The config file is missing, unreadable or invalid."""

    exit_code = 2


class SamlError(EntraAwsError):
    """The SAMLResponse could not be read, or the IdP reported a failure."""


class EncryptedAssertionError(SamlError):
    """The assertion is encrypted, so its roles cannot be read here.

    It keeps the SAMLResponse (not in its message) so a configured role can still be assumed.
    """

    def __init__(self, message: str, saml_response: str) -> None:
        super().__init__(message)
        self.saml_response = saml_response


class IdpStatusError(SamlError):
    """The IdP answered with a non-Success status (e.g. AADSTS50105)."""

    def __init__(self, message: str, status: str, detail: str | None) -> None:
        super().__init__(message)
        self.status = status
        self.detail = detail


class StsError(EntraAwsError):
    """STS refused the request or could not be reached."""

    def __init__(self, message: str, code: str = "") -> None:
        super().__init__(message)
        self.code = code


class AssertionExpiredError(StsError):
    """The assertion is past its redeem window: sign in again."""


class SessionError(EntraAwsError):
    """No usable cached session."""


class FileWriteError(EntraAwsError):
    """A file could not be written; the previous file is intact."""


class BrowserError(EntraAwsError):
    """Chrome could not be started or the sign-in in it failed."""


class SignInCancelled(BrowserError):
    """The person closed the browser window, or pressed Esc."""

    exit_code = 130


class SignInTimeout(BrowserError):
    """No assertion arrived within the sign-in timeout."""


class NeedsPerson(BrowserError):
    """A headless sign-in reached a page that needs a person."""


class EntraPageError(BrowserError):
    """Entra showed an error page (AADSTSnnnnn) instead of signing in."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


class CommandNotFound(EntraAwsError):
    """`exec` was given a command that does not exist (127, as a shell says it)."""

    exit_code = 127


class RefreshBusy(BrowserError):
    """Another caller held the tenant's refresh for longer than this one could wait."""
