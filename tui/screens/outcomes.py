"""What the main screen says after roles were assumed: a toast for what worked, a dialog for the rest."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.notifications import SeverityLevel

from tui.core.targets import spell_role
from tui.core.timeutil import format_duration

if TYPE_CHECKING:
    from datetime import datetime

    from tui.core.assertion import Assertion
    from tui.core.signin import Kept  # loaded with the first sign-in, not at start


@dataclass(frozen=True)
class Toast:
    text: str
    severity: SeverityLevel = "information"


@dataclass(frozen=True)
class Problem:
    title: str
    message: str
    details: list[str]


def kept_toast(
    kept: Kept,
    *,
    refreshed: bool = False,
    asked: int | None = None,
    aliases: Mapping[str, str] | None = None,
) -> Toast | None:
    """E.g. "Assumed Admin@prod-main, ReadOnly@dev-sandbox — profiles … written", noting roles
    whose limit cut them short. Each role is named with its AWS account (alias, else id)."""
    done = [o for o in kept.outcomes if o.session is not None]
    if not done:
        return None
    roles = ", ".join(spell_role(o.role.role_arn, aliases or {}) for o in done)
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
        return Toast(f"{verb} {roles} — {noun} {profiles} written{limited}")
    return Toast(f"{verb} {roles} — kept, but the {noun} could not be written{limited}", "warning")


def kept_problem(account: str, kept: Kept) -> Problem | None:
    """The roles STS refused and a credentials file that could not be written, if any."""
    details = [f"{o.role.name}: {o.error}" for o in kept.outcomes if o.error is not None]
    failed = bool(details)
    if kept.write_error is not None:
        details.append(str(kept.write_error))
    if not details:
        return None
    title = (
        f"Some roles in {account} could not be assumed"
        if failed
        else "The credentials file was not written"
    )
    return Problem(title, details[0], details[1:])


def redeemable(assertion: Assertion, now: datetime) -> bool:
    """Whether STS may still take the assertion (no deadline named: assume it may)."""
    until = assertion.redeemable_until
    return until is None or until > now
