"""The assertion inspector: who signed in, which roles, for how long, and the redeem countdown.

The assertion can be redeemed for a few minutes only, so the screen counts down and disables
the assume keys when the window closes. The screen dismisses with the roles picked; the accounts
screen assumes them, so it is back on screen while STS answers and the rows appear there.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.reactive import var
from textual.screen import Screen
from textual.widgets import Header, Input, Label, Select, Static
from textual.worker import Worker, WorkerState

from tui.context import Context
from tui.core.assertion import Assertion
from tui.core.assertion_facts import attributes, facts
from tui.core.config import Account
from tui.core.durations import DurationMemory, duration_choices
from tui.core.errors import EntraAwsError
from tui.core.roles import Role
from tui.core.signin import durations_path
from tui.core.timeutil import format_duration, format_remaining
from tui.widgets.footer import Footer
from tui.widgets.roles_table import RolesTable
from tui.widgets.status_line import StatusLine

URGENT_SECONDS = 60


def who(assertion: Assertion) -> str:
    subject = assertion.subject or "an unnamed subject"
    name = f" ({assertion.display_name})" if assertion.display_name else ""
    duration = assertion.session_duration
    limit = (
        f"{format_duration(duration)} ({duration} s)"
        if duration
        else "not set (the role's maximum applies)"
    )
    count = len(assertion.roles)
    return (
        f"Signed in as {subject}{name} · {count} role{'s' * (count != 1)} · SessionDuration {limit}"
    )


def details_content(assertion: Assertion) -> Content:
    """What `entra-aws decode` shows beyond the roles: issuer, destination, session name, claims."""
    parts: list[str | tuple[str, str]] = []
    for label, value in facts(assertion):
        parts += [(f"{label:<14}", "$text-muted"), value, "\n"]
    claims = attributes(assertion)
    parts.append((f"Attributes ({len(claims)})", "$accent bold"))
    width = min(32, max((len(name) for name, _ in claims), default=0))
    for name, value in claims:
        parts += ["\n", (f"  {name:<{width}}  ", "$text-muted"), value]
    return Content.assemble(*parts)


@dataclass(frozen=True)
class Choice:
    """What the person picked: the roles to assume from `assertion`, and for how long."""

    account: Account
    assertion: Assertion
    roles: list[Role]
    duration: int


class RolesScreen(Screen[Choice | None]):
    CSS_PATH = "roles.tcss"
    AUTO_FOCUS = "#roles"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "toggle_mark", "Mark", tooltip="Mark or unmark the highlighted role", id="mark"),
        Binding("A", "assume_marked", "Assume marked", tooltip="Assume every marked role from this one sign-in", id="assume-marked"),
        Binding("p", "write_config_profiles", "Profiles", tooltip="Write ~/.aws/config profiles for these roles", id="config-profiles"),
        Binding("d", "pick_duration", "Duration", tooltip="Choose how long the sessions last", id="duration"),
        Binding("i", "toggle_details", "Details", tooltip="Show or hide the issuer, session name and attributes", id="assertion-details"),
        Binding("slash", "filter", "Filter", tooltip="Narrow the roles by name, AWS account, alias or ARN", id="filter-roles"),
        Binding("escape", "back", "Back", tooltip="Clear the filter; else back (this sign-in is dropped)", id="back"),
    ]  # fmt: skip

    # Below 120 columns the footer leaves these out: the hint line under the roles says them.
    NARROW_FOOTER_SKIPS: ClassVar[frozenset[str]] = frozenset(
        {"screen.assume", "toggle_mark", "assume_marked"}
    )

    expired: var[bool] = var(False, bindings=True)

    def __init__(self, ctx: Context, account: Account, assertion: Assertion) -> None:
        super().__init__()
        self.ctx = ctx
        self.account = account
        self.assertion = assertion

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(Content(who(self.assertion)), id="who")
        for problem in self.assertion.problems:
            yield Static(Content(f"⚠ {problem}"), classes="problem")
        yield Static(id="redeem")
        with VerticalScroll(id="details"):
            yield Static(details_content(self.assertion), id="details-text")
        with Vertical(id="roles-pane") as pane:
            pane.border_title = f"Roles for {self.account.name}"
            yield Input(placeholder="Filter: role, AWS account, alias, ARN", id="roles-filter")
            yield RolesTable(self.account, self.assertion.roles, id="roles")
        memory = DurationMemory(durations_path())
        values, default = duration_choices(
            self.assertion.session_duration,
            self.ctx.config.duration_for(self.account),
            [memory.limit(role.role_arn) for role in self.assertion.roles],
        )
        with Horizontal(id="duration-row"):
            yield Label("Session length", id="duration-label")
            options = [(self._duration_label(v), v) for v in values]
            yield Select(options, value=default, allow_blank=False, id="duration", compact=True)
        yield StatusLine(id="status")
        yield Footer()

    def _duration_label(self, seconds: int) -> str:
        note = " (SessionDuration)" if seconds == self.assertion.session_duration else ""
        return f"{format_duration(seconds)}{note}"

    def on_mount(self) -> None:
        self.sub_title = f"{self.account.name} · roles" + (" · DEMO" if self.ctx.demo else "")
        self.set_interval(1, self._tick, name="redeem")
        self._tick()
        self._say()

    @property
    def table(self) -> RolesTable:
        return self.query_one("#roles", RolesTable)

    @property
    def duration(self) -> int:
        value = self.query_one("#duration", Select).value
        return value if isinstance(value, int) else self.ctx.config.duration_for(self.account)

    def _tick(self) -> None:
        until = self.assertion.redeemable_until
        redeem = self.query_one("#redeem", Static)
        if until is None:
            redeem.update("The assertion names no deadline; STS usually accepts it for 5 minutes.")
            return
        left = (until - self.ctx.now()).total_seconds()
        redeem.set_class(left < URGENT_SECONDS, "-urgent")
        if left > 0:
            redeem.update(f"Redeemable for {format_remaining(left)}: assume roles before then.")
        elif not self.expired:
            self.expired = True
            redeem.update("This sign-in can no longer be redeemed: press Esc and sign in again.")
            self._say()

    def _say(self) -> None:
        marked = len(self.table.marked)
        default = (
            "This sign-in expired; sign in again."
            if self.expired
            else f"Enter assumes the highlighted role · Space marks · A assumes the {marked} marked"
        )
        self.query_one("#status", StatusLine).say(default)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("assume", "assume_marked", "toggle_mark"):
            if self.expired:
                return None
            # The footer may ask before the table is mounted or after the screen left.
            tables = self.query("#roles").results(RolesTable)
            if action == "assume_marked" and not any(t.marked for t in tables):
                return None
        return True

    def on_key(self, event: events.Key) -> None:
        """An assume or mark key that is off right now says why in the status line."""
        active = self.active_bindings.get(event.key)
        if active is None or active.enabled:
            return
        action = active.binding.action
        if self.expired and action in ("assume", "assume_marked", "toggle_mark"):
            reason = "This sign-in can no longer be redeemed: press Esc and sign in again."
        elif action == "assume_marked":
            reason = "No role is marked: Space marks roles, then A assumes them all."
        else:
            return
        event.stop()
        self.query_one("#status", StatusLine).note(reason)

    def action_toggle_mark(self) -> None:
        self.table.toggle_mark()
        self.refresh_bindings()
        self._say()

    def action_assume(self) -> None:
        role = self.table.highlighted_role
        if role is not None:
            self.assume_roles([role])

    def action_assume_marked(self) -> None:
        if self.table.marked_roles:
            self.assume_roles(self.table.marked_roles)

    def action_pick_duration(self) -> None:
        self.query_one("#duration", Select).focus()

    def action_write_config_profiles(self) -> None:
        """A credential_process profile for every role of this sign-in, written in a worker."""
        self.query_one("#status", StatusLine).say("Writing ~/.aws/config profiles…", busy=True)
        self.run_worker(
            self._write_config_profiles, thread=True, group="config-profiles", exit_on_error=False
        )

    def _write_config_profiles(self) -> str:
        from tui.core.aws_config import config_file_path, write_profiles_for
        from tui.core.signin import remember_sign_in

        roles = list(self.assertion.roles)
        remember_sign_in(self.ctx.store, self.account, self.assertion)
        plan = write_profiles_for(self.ctx.config, [(self.account, roles)])
        return plan.summary(config_file_path())

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "config-profiles":
            return
        status = self.query_one("#status", StatusLine)
        if event.state == WorkerState.SUCCESS:
            text = str(event.worker.result)
            status.say(text)
            self.notify(text, markup=False)
        elif event.state == WorkerState.ERROR:
            error = event.worker.error
            text = (
                str(error)
                if isinstance(error, EntraAwsError)
                else "Could not write the ~/.aws/config profiles."
            )
            status.say(text, alert=True)
            self.notify(text, severity="error", markup=False)

    def action_toggle_details(self) -> None:
        details = self.query_one("#details")
        details.display = not details.display

    def action_filter(self) -> None:
        field = self.query_one("#roles-filter", Input)
        field.display = True
        field.focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        shown = self.table.apply_filter(event.value)
        total = len(self.table.roles)
        where = f"Roles for {self.account.name}"
        pane = self.query_one("#roles-pane")
        pane.border_title = f"{where} ({shown} of {total})" if event.value else where

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.table.focus()

    def action_back(self) -> None:
        field = self.query_one("#roles-filter", Input)
        if field.display:  # Esc clears the filter first; the sign-in stays
            field.value = ""
            field.display = False
            self.table.focus()
            return
        self.dismiss(None)

    def assume_roles(self, roles: list[Role]) -> None:
        self.dismiss(Choice(self.account, self.assertion, roles, self.duration))
