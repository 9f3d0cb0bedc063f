"""`entra-aws` with no terminal (cron, nohup, an IDE's run button): one sentence, non-zero exit,
instead of a full-screen app spinning where nobody sees it."""

from __future__ import annotations

import subprocess

import pytest

from .conftest import ENTRA_AWS, World

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("argv", [[], ["tui"], ["demo"]])
def test_the_app_refuses_without_a_terminal(world: World, argv: list[str]) -> None:
    result = subprocess.run(
        [ENTRA_AWS, *argv],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=world.env(),
        timeout=60,  # the old behaviour spun until killed: this fails instead of hanging
    )
    assert result.returncode != 0
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert "needs a terminal" in lines[0] and "entra-aws login ACCOUNT" in lines[0]
    assert "Traceback" not in result.stderr


def test_listing_themes_still_works_without_a_terminal(world: World) -> None:
    result = subprocess.run(
        [ENTRA_AWS, "--theme", "?"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=world.env(),
        timeout=60,
    )
    assert result.returncode == 0 and "entra-dark" in result.stdout
