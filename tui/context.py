"""What every screen needs from outside: the config, the clock, the session store and the seams.

The App builds one `Context` and hands it to its screens, so screens never reach into the App
and tests swap any part (a fixed clock, a signer that returns a prepared assertion).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from tui.core.config import Account, Config
from tui.core.display import has_display
from tui.core.sessions import Session, SessionStore
from tui.core.timeutil import utcnow
from tui.services import (
    Clock,
    ManySigner,
    Renewer,
    Signer,
    browser_many,
    browser_signer,
    signed_in_before,
    silent_renewer,
)


@dataclass
class Context:
    config: Config
    clock: Clock = utcnow
    store: SessionStore = field(default_factory=SessionStore)
    signer: Signer = browser_signer
    many_signer: ManySigner = browser_many
    renewer: Renewer = silent_renewer
    signed_in_before: Callable[[str], bool] = signed_in_before
    demo: bool = False
    headless: bool | None = None
    display: bool = field(default_factory=has_display)
    picker: bool = False  # `entra-aws pick`: Enter on a session ends the app with it
    picked: Session | None = None

    def now(self) -> datetime:
        return self.clock()

    def account_for(self, session: Session) -> Account | None:
        """The configured account a session came from (None if it was removed from the config)."""
        return next((a for a in self.config.accounts if a.name == session.account), None)

    def alias_for(self, session: Session) -> str:
        account = self.account_for(session)
        return account.alias(session.account_id) if account else ""

    def first_headless(self, account: Account) -> bool:
        """The demo uses what it was told; otherwise headless once the profile has signed in."""
        if self.demo:
            return self.headless if self.headless is not None else not self.display
        if self.signed_in_before is signed_in_before:  # the real check: the tenant's profile
            from tui.core.signin import signed_in_before as profile_signed_in

            return profile_signed_in(self.config, account)
        return self.signed_in_before(account.name)
