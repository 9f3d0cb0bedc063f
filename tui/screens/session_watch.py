"""The sessions side of the accounts screen: the store read in a worker, one 1 s tick.

The tick moves every countdown (cell updates, no rebuild), raises the 10-minute and expiry
toasts once per session, refreshes the per-account stats, and re-reads the store in a worker
when its stamp changed (a CLI login, another entra-aws).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from textual import work

from tui.core.sessions import Session, store_order
from tui.core.timeutil import format_remaining
from tui.messages import SessionsLoaded
from tui.screens.session_actions import label
from tui.widgets.accounts_table import AccountStats
from tui.widgets.sessions_table import SessionState

if TYPE_CHECKING:
    from tui.screens.main import MainScreen


class SessionWatch:
    """Mixed into MainScreen; `self` is that screen."""

    _stamp: tuple[float, int] | None = None
    _loading = False
    _loaded = False

    def reload_sessions(self: MainScreen) -> None:
        self._loading = True
        self._load_worker()

    @work(thread=True, exclusive=True, group="sessions", exit_on_error=False)
    def _load_worker(self: MainScreen) -> None:
        store = self.ctx.store
        stamp = store.stamp()
        sessions = store.load()
        warnings, store.warnings = list(store.warnings), []
        self.post_message(SessionsLoaded(sessions, stamp, warnings))

    def on_sessions_loaded(self: MainScreen, message: SessionsLoaded) -> None:
        shown = self._loaded and message.sessions == list(self.sessions_table.sessions.values())
        self._loading, self._loaded, self._stamp = False, True, message.stamp
        if not shown:  # else show_kept has put exactly these up already: no rebuild
            self.show_sessions(message.sessions)
        for warning in message.warnings:
            self.notify(warning, severity="warning", markup=False)

    def show_kept(self: MainScreen, kept: Sequence[Session]) -> None:
        """Show sessions just assumed at once; the store re-read that follows only confirms."""
        # As the store keeps them (whole seconds) and in SessionStore.load's order, so the
        # re-read finds the table exactly as it would have made it.
        stored = (Session.from_json(s.to_json()) for s in kept)
        merged = {**self.sessions_table.sessions, **{s.key: s for s in stored}}
        self.show_sessions(sorted(merged.values(), key=store_order))

    def show_sessions(self: MainScreen, sessions: Sequence[Session]) -> None:
        now = self.ctx.now()
        table = self.sessions_table
        table.show(sessions, now)
        self.query_one("#no-sessions").display = not sessions
        self.query_one("#sessions-pane").border_title = f"Sessions ({len(sessions)})"
        for session in sessions:
            self._announce(session, table.states[session.key], observed=False)
        self._update_accounts(now)
        self.refresh_bindings()
        self.show_status()

    def _tick(self: MainScreen) -> None:
        now = self.ctx.now()
        changed = self.sessions_table.tick(now)
        for session, state in changed:
            self._announce(session, state, observed=True)
        if changed:
            self.refresh_bindings()
        self._update_accounts(now)
        self.show_status(now)
        if not self._loading and self.ctx.store.stamp() != self._stamp:
            self.reload_sessions()

    def _update_accounts(self: MainScreen, now: datetime) -> None:
        table = self.accounts_table
        if table is None:
            return
        last: dict[str, datetime] = {}
        live: dict[str, int] = defaultdict(int)
        for session in self.sessions_table.sessions.values():
            if session.issued_at and (
                session.account not in last or session.issued_at > last[session.account]
            ):
                last[session.account] = session.issued_at
            live[session.account] += not session.expired(now)
        table.update_stats(
            {a.name: AccountStats(last.get(a.name), live[a.name]) for a in table.accounts}, now
        )

    def _announce(
        self: MainScreen, session: Session, state: SessionState, *, observed: bool
    ) -> None:
        """One toast at 10 minutes left and one at expiry, per session (until it is renewed)."""
        key = session.key
        if state is SessionState.OK:
            self._warned.discard(key)
            self._expired.discard(key)
        elif state is SessionState.WARNING and key not in self._warned:
            self._warned.add(key)
            left = format_remaining(session.remaining(self.ctx.now()))
            self.notify(
                f"{label(session)} expires in {left}; press r to refresh it.",
                title="Session expiring",
                severity="warning",
                markup=False,
            )
        elif state is SessionState.EXPIRED and key not in self._expired:
            self._expired.add(key)
            self._warned.add(key)
            if observed:
                self.notify(
                    f"{label(session)} has expired; press r to sign in again.",
                    title="Session expired",
                    severity="error",
                    markup=False,
                )
