"""Start-up stays light: the first frame needs neither boto3 nor selenium (nor the session store)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

PROBE = textwrap.dedent(
    """
    import asyncio, sys
    from pathlib import Path
    from tui.core.config import load_config
    from tui.app import EntraAwsApp

    HEAVY = ("boto3", "botocore", "selenium", "undetected_chromedriver", "tui.core.browser",
             "tui.core.sts", "tui.core.signin")

    async def main():
        app = EntraAwsApp(load_config(Path(sys.argv[1]), missing_ok=True), display=False)
        async with app.run_test(size=(120, 40)) as pilot:
            loaded = [name for name in HEAVY if name in sys.modules]
            rows = app.screen.query_one("#accounts").row_count
            print(rows, ",".join(loaded) or "-")
            await pilot.press("q")

    asyncio.run(main())
    """
)


def test_first_frame_loads_no_aws_sdk_or_browser_driver(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        "".join(
            f'[[accounts]]\nname = "acct{i}"\ntenant_id = "contoso.com"\n'
            f'app_id_uri = "https://signin.aws.amazon.com/saml#{i}"\n\n'
            for i in range(50)
        )
    )
    result = subprocess.run(
        [sys.executable, "-c", PROBE, str(config)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout.split() == ["50", "-"], result.stderr
