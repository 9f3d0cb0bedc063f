"""What every benchmark shares: the command line, the report format, and a local STS with roles.

Each benchmark prints its figures, then one ratio line (`  ratio ...`), then one `RESULT {json}`
line that `run_all.py` reads for its summary table. A benchmark exits 1 when it misses its goal,
except with `--quick` (a smoke run: too few samples for a verdict), which always exits 0.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from subprocess import PIPE
from typing import Any

ACCOUNT_ID = "111111111111"
PROVIDER = "EntraBench"
# An emulated network round trip to STS, added by the local STS to every AssumeRoleWithSAML.
# Real calls to a regional STS endpoint take ~50-300 ms; 50 ms is the demanding end of that.
RTT = 0.05


def parser(doc: str | None, runs: int) -> argparse.ArgumentParser:
    """`--runs N` (samples per side) and `--quick` (a smoke run: one sample, no verdict)."""
    parser = argparse.ArgumentParser(description=(doc or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=runs, help=f"samples per side ({runs})")
    parser.add_argument("--quick", action="store_true", help="one tiny run; never fails the goal")
    return parser


def median(samples: list[float]) -> float:
    return statistics.median(samples)


@dataclass(frozen=True)
class Result:
    """One benchmark's outcome; `absolute` goals judge `value`, the others `value / floor`."""

    name: str
    value: float
    floor: float
    unit: str
    goal: float
    absolute: bool = False

    @property
    def ratio(self) -> float | None:
        return self.value / self.floor if self.floor > 0 else None

    @property
    def ok(self) -> bool:
        if self.absolute:
            return self.value <= self.goal
        return self.ratio is not None and self.ratio <= self.goal

    @property
    def goal_text(self) -> str:
        return f"<= {self.goal:g} {self.unit}" if self.absolute else f"<= {self.goal:g}x"


def fmt(value: float, unit: str) -> str:
    return f"{value:.2f} {unit}" if unit in ("s", "%") else f"{value:.1f} {unit}"


def report(result: Result, quick: bool) -> int:
    """Print the ratio line and the RESULT line; the exit status for the goal."""
    ratio = "n/a" if result.ratio is None else f"{result.ratio:.2f}x"
    verdict = "OK" if result.ok else "MISSED"
    if result.absolute:  # the goal is the figure itself; the ratio is context
        figure = fmt(result.value, result.unit)
        print(f"  result           : {figure:>8}  (goal {result.goal_text})  {verdict}")
    else:
        print(f"  ratio            : {ratio:>8} the floor  (goal {result.goal_text})  {verdict}")
    data: dict[str, Any] = asdict(result) | {"ratio": result.ratio, "ok": result.ok}
    print("RESULT " + json.dumps(data), flush=True)
    return 0 if result.ok or quick else 1


@dataclass
class StsWorld:
    """LocalSts in a child process (as the real STS is never in ours): one SAML provider, roles
    `Role00`.. in ACCOUNT_ID, and the key that signs assertions it trusts."""

    child: subprocess.Popen[str]
    url: str
    pairs: list[tuple[str, str]]  # (role ARN, provider ARN)
    key: Any  # tui.demo.signing.SigningKey

    def saml_response(self, count: int | None = None) -> str:
        """A signed, base64 SAMLResponse carrying the first `count` roles (all by default)."""
        from tui.demo.saml_builder import build_saml_response

        return build_saml_response(self.key, roles=self.pairs[: count or len(self.pairs)])

    def emulate_rtt(self, seconds: float, calls: int) -> None:
        """The next `calls` AssumeRoleWithSAML answers each wait `seconds` (an emulated network)."""
        assert self.child.stdin is not None and self.child.stdout is not None
        self.child.stdin.write(f"{seconds} {calls}\n")
        self.child.stdin.flush()
        if self.child.stdout.readline().strip() != "ok":
            raise SystemExit("the local STS did not take the emulated round trip")


@contextmanager
def sts_world(roles: int) -> Iterator[StsWorld]:
    from tui.demo.signing import load_signing_key

    with tempfile.TemporaryDirectory() as folder:
        key = load_signing_key(Path(folder))  # made here, read by the child: one key
        command = [sys.executable, __file__, "serve", str(roles), folder]
        with subprocess.Popen(command, stdin=PIPE, stdout=PIPE, text=True) as child:
            assert child.stdout is not None and child.stdin is not None
            line = child.stdout.readline()
            if not line:
                raise SystemExit("the local STS did not start")
            started = json.loads(line)
            try:
                yield StsWorld(child, started["url"], [tuple(p) for p in started["pairs"]], key)
            finally:
                child.stdin.close()
                child.wait(timeout=10)


def serve(roles: int, folder: Path) -> None:
    """The child: start LocalSts, print its URL and roles, then take `SECONDS CALLS` lines."""
    from tui.demo.saml_builder import DEMO_TENANT_ID, issuer_for
    from tui.demo.signing import load_signing_key
    from tui.demo.sts.server import LocalSts

    with LocalSts() as sts:
        metadata = load_signing_key(folder).metadata_xml(issuer_for(DEMO_TENANT_ID))
        provider = sts.add_saml_provider(ACCOUNT_ID, PROVIDER, metadata)
        pairs = [(sts.add_role(ACCOUNT_ID, f"Role{i:02d}"), provider) for i in range(roles)]
        print(json.dumps({"url": sts.url, "pairs": pairs}), flush=True)
        for line in sys.stdin:
            seconds, calls = line.split()
            if float(seconds) > 0:
                sts.hang_next(float(seconds), int(calls))  # waits without holding the GIL
            print("ok", flush=True)


if __name__ == "__main__" and sys.argv[1:2] == ["serve"]:
    serve(int(sys.argv[2]), Path(sys.argv[3]))
