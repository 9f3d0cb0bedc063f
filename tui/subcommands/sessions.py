"""`entra-aws sessions [--json]`: cached sessions with the time they have left."""

from __future__ import annotations

import argparse
import json

from tui.core.sessions import SessionStore
from tui.core.timeutil import format_expiry, format_left, rfc3339, utcnow
from tui.subcommands.common import say


def run(args: argparse.Namespace) -> int:
    store = SessionStore()
    sessions = store.load()
    for warning in store.warnings:
        say(f"entra-aws: {warning}")
    now = utcnow()
    if args.json:
        rows = [
            {
                "account": s.account,
                "role_arn": s.role_arn,
                "role_name": s.role_name,
                "account_id": s.account_id,
                "profile": s.profile,
                "region": s.region,
                "access_key_id": s.access_key_id,
                "expiration": rfc3339(s.expiration),
                "seconds_left": max(0, int(s.remaining(now))),
                "expired": s.expired(now),
            }
            for s in sessions
        ]
        print(json.dumps(rows, indent=2))
        return 0
    if not sessions:
        print(
            "No sessions. Sign in with `entra-aws login ACCOUNT` or open the TUI with `entra-aws`."
        )
        return 0
    headers = ("ACCOUNT", "ROLE", "AWS ACCOUNT", "PROFILE", "EXPIRES", "LEFT")
    rows_text = [
        (
            s.account,
            s.role_name,
            s.account_id,
            s.profile,
            format_expiry(s.expiration),
            format_left(s.remaining(now)),
        )
        for s in sessions
    ]
    widths = [max(len(h), *(len(r[i]) for r in rows_text)) for i, h in enumerate(headers)]
    for row in (headers, *rows_text):
        print(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        )
    return 0
