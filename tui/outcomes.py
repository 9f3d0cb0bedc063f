"""What the app says when something happened: a short toast, detail in the status line, a dialog
for what failed. Toasts stay one line at 80 columns where they can (TOAST_CHARS); the rest of
what there is to say (profiles, paths, limits) goes in `Toast.detail`, which the status line shows.
"""

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


TOAST_CHARS = 44  # a toast line at 80 columns (60% of the width, less its edge and padding)


@dataclass(frozen=True)
class Toast:
    text: str
    severity: SeverityLevel = "information"
    detail: str = ""  # for the status line; never a secret


def _names(names: list[str], noun: str) -> str:
    """`Admin, ReadOnly`, or `5 roles` when the names would not fit a toast line."""
    listed = ", ".join(names)
    return listed if len(listed) <= TOAST_CHARS - 12 else f"{len(names)} {noun}s"


def expiring_toast(label: str, left: str, press: str) -> Toast:
    return Toast(
        f"{label}: {left} left", "warning", detail=f"{label}: press {press} to refresh it."
    )


def renewal_failed_toast(label: str, error: object) -> Toast:
    return Toast(f"Could not renew {label}.", "warning", detail=f"Renewal of {label}: {error}")


def sign_in_needed_toast(labels: list[str], press: str) -> Toast:
    return Toast(
        f"{_names(labels, 'session')}: sign-in needed.",
        "warning",
        detail=f"Renewal needs you: press {press} on {', '.join(labels)} to sign in.",
    )


def wrote_toast(profile: str, path: object) -> Toast:
    return Toast(f"Wrote profile {profile}.", detail=f"Profile {profile} written to {path}")


def console_toast(label: str) -> Toast:
    return Toast(
        f"Opened the console for {label}.", detail="The AWS console opened in your browser"
    )


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
    """E.g. "Assumed Admin@prod-main, ReadOnly@dev" (each role with its AWS account); the profiles written and any role whose limit cut it short
    in the detail ("Profiles … written · ReadOnly for 1h, its limit")."""
    done = [o for o in kept.outcomes if o.session is not None]
    if not done:
        return None
    roles = _names([spell_role(o.role.role_arn, aliases or {}) for o in done], "role")
    profiles = ", ".join(o.profile for o in done)
    noun = "Profiles" if len(done) > 1 else "Profile"
    verb = "Refreshed" if refreshed else "Assumed"
    # Shorter than asked: the role's MaxSessionDuration (or the assertion's) said so.
    limited = "".join(
        f" · {o.role.name} for {format_duration(o.session.duration)}, its limit"
        for o in done
        if asked and o.session and o.session.duration < asked
    )
    if kept.write_error is None:
        return Toast(f"{verb} {roles}.", detail=f"{noun} {profiles} written{limited}")
    return Toast(
        f"{verb} {roles}; not written.",
        "warning",
        detail=f"Kept, but {noun.lower()} {profiles} could not be written{limited}",
    )


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
