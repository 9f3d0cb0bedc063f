"""One doctor check's outcome: what was looked at, whether it passed, and what to do if not."""

from __future__ import annotations

from dataclasses import dataclass

PASS, FAIL = "✓", "✗"


@dataclass(frozen=True)
class Check:
    name: str  # what was checked: "browser", "sts prod", ...
    ok: bool
    message: str  # passed: what was found; failed: the problem and its fix, one sentence

    def line(self) -> str:
        text = " ".join(self.message.split())  # one line, whatever a path or a server said
        return f"{PASS if self.ok else FAIL} {self.name}: {text}"
