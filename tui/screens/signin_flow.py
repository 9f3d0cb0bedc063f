"""Signing in from the accounts screen: a thread worker drives the browser; Esc cancels it.

The worker only reports (messages); the screen owns the state and the status line, which its
1 s tick redraws from the deadline. A headless attempt that needs a person is retried with a
visible window when there is a display to show it on.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from textual import work

from tui.core.config import Account
from tui.core.errors import NeedsPerson, SamlError
from tui.core.sessions import Session
from tui.core.timeutil import format_duration, format_remaining
from tui.messages import RolesAssumed, SignedIn, SignInStarted, SignInStatus

if TYPE_CHECKING:
    from tui.core.assertion import Assertion
    from tui.core.signin import Kept
    from tui.screens.main import MainScreen
    from tui.screens.roles import Choice

SILENT = "Signing in without a window"
VISIBLE = "Waiting for you in Chrome"
NEEDS_YOU = "This sign-in needs you: opening Chrome"


@dataclass
class SignIn:
    """The sign-in in progress (at most one)."""

    account: str
    cancel: threading.Event
    status: str = "Starting the browser"
    deadline: datetime | None = None
    refresh: bool = False

    def line(self, now: datetime) -> str:
        verb = "Refreshing" if self.refresh else "Signing in to"
        text = f"{verb} {self.account}: {self.status}"
        if self.cancel.is_set():
            return f"{text} — cancelling…"
        if self.deadline is not None:
            text += f" — {format_remaining((self.deadline - now).total_seconds())} left"
        return text + " · Esc cancels"


class SignInFlow:
    """Mixed into MainScreen; `self` is that screen (handlers use naming, not @on: mixins
    are not MessagePumps, so Textual only finds their `on_*` methods by name)."""

    signin: SignIn | None = None

    def start_sign_in(self: MainScreen, account: Account, refresh: Session | None = None) -> None:
        if self.signin is not None:
            self.notify(
                f"Already signing in to {self.signin.account}; press Esc to cancel it first.",
                severity="warning",
                markup=False,
            )
            return
        self.signin = SignIn(account.name, threading.Event(), refresh=refresh is not None)
        self.refresh_bindings()
        self.show_status()
        self._sign_in_worker(account, self.signin.cancel, refresh)

    def cancel_sign_in(self: MainScreen) -> None:
        if self.signin is not None:
            self.signin.cancel.set()
            self.show_status()

    @work(thread=True, exclusive=True, group="signin", exit_on_error=False)
    def _sign_in_worker(
        self: MainScreen, account: Account, cancel: threading.Event, refresh: Session | None
    ) -> None:
        headless = self.ctx.first_headless(account)
        try:
            assertion = self._attempt(account, cancel, headless, SILENT if headless else VISIBLE)
        except NeedsPerson:
            if not headless or self.ctx.demo or not self.ctx.display:
                raise
            assertion = self._attempt(account, cancel, False, NEEDS_YOU)
        if refresh is None:
            self.post_message(SignedIn(account.name, assertion))
            return
        role = next((r for r in assertion.roles if r.role_arn == refresh.role_arn), None)
        if role is None:
            raise SamlError(
                f"The new sign-in to {account.name} no longer carries the role "
                f"{refresh.role_name}; ask your Entra admin, or sign in and pick another role."
            )
        self.post_message(SignInStatus(account.name, f"Assuming {role.name}"))
        from tui.core.signin import assume_and_keep

        kept = assume_and_keep(
            self.ctx.config,
            account,
            assertion,
            [role],
            duration=refresh.duration or None,
            profile=refresh.profile,
            write=True,
            store=self.ctx.store,
        )
        self.post_message(RolesAssumed(account.name, kept, refreshed=True))

    def _attempt(
        self: MainScreen, account: Account, cancel: threading.Event, headless: bool, status: str
    ) -> Assertion:
        """One browser attempt (runs in the worker thread; talks back only through messages)."""
        timeout = float(self.ctx.config.settings.timeout)
        deadline = self.ctx.now() + timedelta(seconds=timeout)
        self.post_message(SignInStarted(account.name, headless, deadline, status))
        from tui.core.signin import SignInRequest

        def on_status(text: str) -> None:
            self.post_message(SignInStatus(account.name, text))

        return self.ctx.signer(
            SignInRequest(account, self.ctx.config, headless, timeout, cancel, on_status)
        )

    def on_sign_in_started(self: MainScreen, message: SignInStarted) -> None:
        if self.signin is not None and self.signin.account == message.account:
            self.signin.deadline = message.deadline
            self.signin.status = message.status
            self.show_status()

    def on_sign_in_status(self: MainScreen, message: SignInStatus) -> None:
        if self.signin is not None and self.signin.account == message.account:
            self.signin.status = message.text
            self.show_status()

    def on_signed_in(self: MainScreen, message: SignedIn) -> None:
        # The roles first: this screen's keys then change while it is hidden, for free.
        self.show_roles(self.ctx.config.account(message.account), message.assertion)
        self.signin = None
        self.refresh_bindings()
        self.show_status()

    def show_roles(self: MainScreen, account: Account, assertion: Assertion) -> None:
        from tui.screens.roles import RolesScreen

        self.app.push_screen(RolesScreen(self.ctx, account, assertion), callback=self.assume)

    def assume(self: MainScreen, choice: Choice | None) -> None:
        """Assume what was picked, from this screen: it repaints while STS answers."""
        if choice is None:
            return
        names = ", ".join(role.name for role in choice.roles)
        length = format_duration(choice.duration)
        self.activity = f"Assuming {names} in {choice.account.name} for {length}"
        self.show_status()
        self._assume_worker(choice)

    @work(thread=True, group="assume", exit_on_error=False)
    def _assume_worker(self: MainScreen, choice: Choice) -> None:
        from tui.core.signin import assume_and_keep

        kept = assume_and_keep(
            self.ctx.config,
            choice.account,
            choice.assertion,
            choice.roles,
            duration=choice.duration,
            write=True,
            store=self.ctx.store,
        )
        self.post_message(RolesAssumed(choice.account.name, kept, choice=choice))

    def on_roles_assumed(self: MainScreen, message: RolesAssumed) -> None:
        choice = message.choice
        if choice is not None:
            self.activity = None
            self.show_status()
        # Nothing worked but the sign-in still holds: its roles again, under the error dialog.
        again = (
            choice if choice and not message.kept.sessions and self._redeemable(choice) else None
        )
        asked = choice.duration if choice else None
        self.report_kept(
            message.account, message.kept, refreshed=message.refreshed, again=again, asked=asked
        )

    def _redeemable(self: MainScreen, choice: Choice) -> bool:
        until = choice.assertion.redeemable_until
        return until is None or until > self.ctx.now()

    def report_kept(
        self: MainScreen,
        account: str,
        kept: Kept,
        *,
        refreshed: bool = False,
        again: Choice | None = None,
        asked: int | None = None,
    ) -> None:
        """A toast for what worked; the error dialog for what did not (over `again`'s roles)."""
        from tui.dialogs.error import ErrorDialog

        if kept.sessions:
            self.show_kept(kept.sessions)
        done = [o for o in kept.outcomes if o.session is not None]
        failed = [o for o in kept.outcomes if o.error is not None]
        if done:
            roles = ", ".join(o.role.name for o in done)
            profiles = ", ".join(o.profile for o in done)
            noun = "profiles" if len(done) > 1 else "profile"
            verb = "Refreshed" if refreshed else "Assumed"
            # Shorter than asked: the role's MaxSessionDuration (or the assertion's) said so.
            limited = "".join(
                f" · {o.role.name} for {format_duration(o.session.duration)}, its limit"
                for o in done
                if asked and o.session and o.session.duration < asked
            )
            if kept.write_error is None:
                self.notify(
                    f"{verb} {roles} — {noun} {profiles} written{limited}",
                    title=account,
                    markup=False,
                )
            else:
                self.notify(
                    f"{verb} {roles} — kept, but the {noun} could not be written{limited}",
                    title=account,
                    severity="warning",
                    markup=False,
                )
        details = [f"{o.role.name}: {o.error}" for o in failed]
        if kept.write_error is not None:
            details.append(str(kept.write_error))
        if details:
            title = (
                f"Some roles in {account} could not be assumed"
                if failed
                else "The credentials file was not written"
            )
            if again is not None:
                self.show_roles(again.account, again.assertion)
            self.app.push_screen(ErrorDialog(title, details[0], details=details[1:]))
        self.reload_sessions()
