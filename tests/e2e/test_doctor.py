"""`entra-aws doctor` as a person runs it: the real command, the real browser and driver, the local
STS over HTTP, a closed port, a listener that never answers, and a clock moved by libfaketime."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator

import pytest

from tui.core.config import Account, write_config

from .conftest import World

pytestmark = pytest.mark.e2e

FAKETIME = shutil.which("faketime")


def lines(result) -> list[str]:
    assert "Traceback" not in result.stderr
    return result.stdout.splitlines()


def line_for(result, name: str) -> str:
    found = [line for line in lines(result) if line[2:].startswith(f"{name}:")]
    assert len(found) == 1, result.stdout
    return found[0]


def configure(world: World, sts_endpoint: str, **settings: object) -> None:
    account = Account(
        name="prod",
        tenant_id="contoso.com",
        app_id_uri="https://signin.aws.amazon.com/saml",
        region="us-east-1",
        sts_endpoint=sts_endpoint,
    )
    write_config(world.config, {"credentials_file": str(world.credentials), **settings}, [account])


@pytest.fixture
def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # closed again when the block ends: nothing listens


@pytest.fixture
def silent_listener() -> Iterator[int]:
    """Accepts connections and never sends a byte."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            held.append(conn)

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    server.close()


@pytest.mark.browser
def test_a_healthy_setup_passes_every_check(world: World) -> None:
    configure(world, world.sts.url)
    result = world.run("doctor")
    assert result.returncode == 0, result.stdout
    checks = lines(result)[:-1]
    assert checks and all(line.startswith("✓ ") for line in checks), result.stdout
    assert "answers (HTTP" in line_for(result, "sts prod")
    assert "within" in line_for(result, "clock")
    assert lines(result)[-1] == f"All {len(checks)} checks passed."


def test_a_missing_driver_fails_with_the_fix(world: World) -> None:
    configure(world, world.sts.url, driver=str(world.home / "no-such-chromedriver"))
    result = world.run("doctor")
    assert result.returncode == 1
    line = line_for(result, "chromedriver")
    assert line.startswith("✗ ") and "does not exist or is not executable" in line
    assert "leave it empty to auto-detect" in line


def test_a_closed_sts_port_is_reported_as_refused(world: World, closed_port: int) -> None:
    configure(world, f"http://127.0.0.1:{closed_port}")
    result = world.run("doctor")
    assert result.returncode == 1
    line = line_for(result, "sts prod")
    assert line.startswith("✗ ") and "refused the connection" in line
    assert "check sts_endpoint" in line
    assert line_for(result, "clock").startswith("✗ ")  # nothing told us the time


def test_a_listener_that_never_answers_is_reported_as_hanging(
    world: World, silent_listener: int
) -> None:
    configure(world, f"http://127.0.0.1:{silent_listener}")
    started = time.monotonic()
    result = world.run("doctor", timeout=30)  # a doctor that waited forever fails here
    elapsed = time.monotonic() - started
    assert result.returncode == 1
    assert elapsed < 15, f"the doctor took {elapsed:.1f} s with a hanging STS (the bound is 15 s)"
    line = line_for(result, "sts prod")
    assert line.startswith("✗ ")
    assert "accepted the connection but did not answer within 5 s (hanging)" in line
    assert sum(line.startswith(("✓", "✗")) for line in lines(result)) >= 7  # every check ran


@pytest.mark.skipif(FAKETIME is None, reason="needs Debian's faketime")
def test_a_clock_ten_minutes_ahead_is_caught_against_sts_date(world: World) -> None:
    assert FAKETIME is not None
    configure(world, world.sts.url)
    result = world.run_wrapped([FAKETIME, "-f", "+10m"], "doctor")
    assert result.returncode == 1
    line = line_for(result, "clock")
    assert line.startswith("✗ ")
    assert "10 minutes ahead of STS's (127.0.0.1:" in line
    assert "timedatectl set-ntp true" in line
    assert line_for(result, "sts prod").startswith("✓ ")  # reachable: only the clock is wrong
