"""The sign-in in progress (at most one) and the roles being assumed, run in thread workers.

A widget with nothing to show: it owns the state, its workers report to it, and it tells its
screen what happened with messages. A headless attempt that needs a person is retried with a
visible window when there is a display to show it on. Esc cancels through `cancel()`.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from textual import work
from textual.message import Message
from textual.widget import Widget
from textual.worker import Worker, WorkerState

from tui.context import Context
from tui.core.config import Account
from tui.core.errors import EntraAwsError, NeedsPerson, SamlError
from tui.core.sessions import Session
from tui.core.targets import spell_role
from tui.core.timeutil import format_duration, format_remaining

if TYPE_CHECKING:
    from tui.core.assertion import Assertion
    from tui.core.signin import Kept
    from tui.screens.roles import Choice

SILENT = "Signing in without a window"
VISIBLE = "Waiting for you in Chrome"
NEEDS_YOU = "This sign-in needs you: opening Chrome"


@dataclass
class SignInState:
    """What the status line says about the sign-in in progress."""

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


class SignInController(Widget):
    """Posts `Changed` on every step, `Captured` with a new assertion, `RolesAssumed` at the end."""

    DEFAULT_CSS = "SignInController { display: none; }"

    @dataclass
    class Changed(Message):
        """A sign-in or an assume started, moved on or ended."""

    @dataclass
    class Captured(Message):
        """The browser captured an assertion: its roles are for the person to pick."""

        account: Account
        assertion: Assertion

    @dataclass
    class RolesAssumed(Message):
        """`assume_and_keep` finished: every role's outcome and any credentials-file error."""

        account: str
        kept: Kept
        refreshed: bool = False
        choice: Choice | None = None  # what was picked on the roles screen, to offer it again

    @dataclass
    class _Progress(Message, bubble=False):
        account: str
        status: str
        deadline: datetime | None = None

    def __init__(self, ctx: Context, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.ctx = ctx
        self.signin: SignInState | None = None
        self.activity: str | None = None

    @property
    def busy(self) -> bool:
        return self.signin is not None

    def status(self, now: datetime) -> str | None:
        if self.signin is not None:
            return self.signin.line(now)
        return f"{self.activity}…" if self.activity else None

    def start(self, account: Account, refresh: Session | None = None) -> None:
        if self.signin is not None:
            self.notify(
                f"Already signing in to {self.signin.account}; press Esc to cancel it first.",
                severity="warning",
                markup=False,
            )
            return
        self.signin = SignInState(account.name, threading.Event(), refresh=refresh is not None)
        self.post_message(self.Changed())
        self._sign_in_worker(account, self.signin.cancel, refresh)

    def start_many(self, accounts: Sequence[Account]) -> None:
        """Sign in to several accounts in one browser per tenant: an account with a
        default_role gets its session at once, the others' roles come as `Captured`."""
        if len(accounts) == 1:
            self.start(accounts[0])
            return
        if self.signin is not None:
            self.start(accounts[0])  # says what is in the way
            return
        names = ", ".join(a.name for a in accounts)
        self.signin = SignInState(names, threading.Event())
        self.post_message(self.Changed())
        self._sign_in_many_worker(list(accounts), self.signin.cancel)

    def on_unmount(self) -> None:
        self.cancel()  # a browser left waiting would hold the profile lock until its timeout

    def cancel(self) -> None:
        if self.signin is not None:
            self.signin.cancel.set()
            self.post_message(self.Changed())

    def assume(self, choice: Choice | None) -> None:
        """Assume what was picked on the roles screen (the screen beneath repaints meanwhile)."""
        if choice is None:
            return
        names = ", ".join(
            spell_role(role.role_arn, choice.account.aliases) for role in choice.roles
        )
        length = format_duration(choice.duration)
        self.activity = f"Assuming {names} in {choice.account.name} for {length}"
        self.post_message(self.Changed())
        self._assume_worker(choice)

    @work(thread=True, exclusive=True, group="signin", exit_on_error=False)
    def _sign_in_worker(
        self, account: Account, cancel: threading.Event, refresh: Session | None
    ) -> None:
        headless = self.ctx.first_headless(account)
        try:
            assertion = self._attempt(account, cancel, headless, SILENT if headless else VISIBLE)
        except NeedsPerson:
            if not headless or self.ctx.demo or not self.ctx.display:
                raise
            assertion = self._attempt(account, cancel, False, NEEDS_YOU)
        if refresh is None:
            self.post_message(self.Captured(account, assertion))
            return
        role = next((r for r in assertion.roles if r.role_arn == refresh.role_arn), None)
        if role is None:
            raise SamlError(
                f"The new sign-in to {account.name} no longer carries the role "
                f"{spell_role(refresh.role_arn, account.aliases)}; ask your Entra admin, or sign in "
                "and pick another role."
            )
        where = spell_role(role.role_arn, account.aliases)
        self.post_message(self._Progress(account.name, f"Assuming {where}"))
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
        self.post_message(self.RolesAssumed(account.name, kept, refreshed=True))

    @work(thread=True, exclusive=True, group="signin", exit_on_error=False)
    def _sign_in_many_worker(self, accounts: list[Account], cancel: threading.Event) -> None:
        headless = all(self.ctx.first_headless(a) for a in accounts)
        label = self.signin.account if self.signin else ""
        failed = self._capture_many(accounts, cancel, headless, label)
        if headless and self.ctx.display and not self.ctx.demo and not cancel.is_set():
            again = [a for a, error in failed if isinstance(error, NeedsPerson)]
            if again:  # the cookie is gone for these: one visible window for all of them
                failed = [(a, e) for a, e in failed if a not in again]
                failed += self._capture_many(again, cancel, False, label, NEEDS_YOU)
        if failed:
            lines = "\n".join(f"{a.name}: {error}" for a, error in failed)
            raise EntraAwsError(
                f"{len(failed)} of {len(accounts)} accounts did not sign in.\n{lines}"
            )

    def _capture_many(
        self,
        accounts: list[Account],
        cancel: threading.Event,
        headless: bool,
        label: str,
        status: str | None = None,
    ) -> list[tuple[Account, EntraAwsError]]:
        """One browser for `accounts`; each capture goes on at once (default role: assumed here,
        else its roles screen); returns the accounts that failed and why."""
        from tui.core.signin import SignInRequest, assume_and_keep, choose_roles

        timeout = float(self.ctx.config.settings.timeout)
        deadline = self.ctx.now() + timedelta(seconds=timeout)
        first = status or (SILENT if headless else VISIBLE)
        self.post_message(self._Progress(label, first, deadline))

        def on_status(text: str) -> None:
            self.post_message(self._Progress(label, text))

        requests = [
            SignInRequest(a, self.ctx.config, headless, timeout, cancel, on_status)
            for a in accounts
        ]
        failed: list[tuple[Account, EntraAwsError]] = []
        for captured in self.ctx.many_signer(requests):
            account, assertion = captured.account, captured.assertion
            if assertion is None:
                failed.append((account, captured.error or EntraAwsError("No assertion came back.")))
                continue
            if not account.default_role:
                self.post_message(self.Captured(account, assertion))
                continue
            try:
                roles = choose_roles(account, assertion, [], False)
            except EntraAwsError as error:
                failed.append((account, error))
                continue
            kept = assume_and_keep(
                self.ctx.config, account, assertion, roles, write=True, store=self.ctx.store
            )
            self.post_message(self.RolesAssumed(account.name, kept))
        return failed

    def _attempt(
        self, account: Account, cancel: threading.Event, headless: bool, status: str
    ) -> Assertion:
        """One browser attempt (in the worker thread; talks back only through messages)."""
        from tui.core.signin import SignInRequest

        timeout = float(self.ctx.config.settings.timeout)
        deadline = self.ctx.now() + timedelta(seconds=timeout)
        self.post_message(self._Progress(account.name, status, deadline))

        def on_status(text: str) -> None:
            self.post_message(self._Progress(account.name, text))

        return self.ctx.signer(
            SignInRequest(account, self.ctx.config, headless, timeout, cancel, on_status)
        )

    def on_sign_in_controller__progress(self, message: _Progress) -> None:
        if self.signin is not None and self.signin.account == message.account:
            self.signin.status = message.status
            if message.deadline is not None:
                self.signin.deadline = message.deadline
            self.post_message(self.Changed())

    @work(thread=True, group="assume", exit_on_error=False)
    def _assume_worker(self, choice: Choice) -> None:
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
        self.post_message(self.RolesAssumed(choice.account.name, kept, choice=choice))

    def on_sign_in_controller_roles_assumed(self, message: RolesAssumed) -> None:
        if message.choice is not None:
            self.activity = None
            self.post_message(self.Changed())

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Every worker of the controller ends here; failures show in the one error dialog."""
        event.stop()
        from tui.dialogs.error import show_failure  # only now: not needed for the first frame

        worker, state = event.worker, event.state
        if worker.group == "signin" and state in (
            WorkerState.SUCCESS,
            WorkerState.ERROR,
            WorkerState.CANCELLED,
        ):
            account = self.signin.account if self.signin else ""
            self.signin = None
            self.post_message(self.Changed())
            if state is WorkerState.ERROR:
                show_failure(self.app, worker.error, f"Could not sign in to {account}")
        elif state is WorkerState.ERROR:
            self.activity = None
            self.post_message(self.Changed())
            show_failure(self.app, worker.error, "Could not assume the roles")
