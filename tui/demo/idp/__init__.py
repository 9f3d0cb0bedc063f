"""The local stand-in for Entra's SAML sign-in (see `server` for the URL map)."""

from tui.demo.idp.model import DemoApp, Scenario
from tui.demo.idp.server import DEMO_TENANT, LocalIdp

__all__ = ["DEMO_TENANT", "DemoApp", "LocalIdp", "Scenario"]
