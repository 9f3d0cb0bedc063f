"""The browser sign-in: Chrome through undetected-chromedriver, the ACS POST caught over DevTools.

Importing this package is cheap: selenium and undetected-chromedriver load on the first sign-in.
"""

from tui.core.browser.locate import check_browser
from tui.core.browser.profile import has_signed_in_before, profile_path
from tui.core.browser.session import Visit, close_all, sign_in, sign_in_many
from tui.core.browser.settings import BrowserSettings, Capture

__all__ = [
    "BrowserSettings",
    "Capture",
    "Visit",
    "check_browser",
    "close_all",
    "has_signed_in_before",
    "profile_path",
    "sign_in",
    "sign_in_many",
]
