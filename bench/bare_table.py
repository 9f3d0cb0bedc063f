"""The floor for bench/first_frame.py: a bare Textual app showing the same accounts table.

Plain Textual, nothing of ours: a header, a DataTable with entra-aws's five columns and one row
per `[[accounts]]` entry of `$ENTRA_AWS_CONFIG` (or the path given), and a footer. It runs
until killed, like the app, so it can be started in a terminal exactly as `entra-aws` is.
`--ready` prints `FRAME <rows>` on Textual's Ready event and exits (the in-process child).

    python bench/bare_table.py [CONFIG] [--headless] [--ready]
"""

from __future__ import annotations

import os
import sys
import tomllib
from pathlib import Path

from textual.app import App, ComposeResult
from textual.widgets import DataTable, Footer, Header

SIZE = (120, 40)


class Bare(App[None]):
    def __init__(self, accounts: list[dict[str, object]], *, ready: bool) -> None:
        super().__init__()
        self.accounts = accounts
        self.report_ready = ready

    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable(id="accounts", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(
            "Account", "AWS accounts", "Partition / region", "Last sign-in", "Sessions"
        )
        for account in self.accounts:
            aliases = account.get("aliases", {})
            assert isinstance(aliases, dict)
            names = ", ".join(str(alias) for alias in aliases.values())
            table.add_row(account["name"], names, f"aws / {account['region']}", "never", "—")

    def on_ready(self) -> None:
        if self.report_ready:
            print("FRAME", self.query_one(DataTable).row_count, flush=True)
            self.exit()


def main(argv: list[str]) -> None:
    paths = [arg for arg in argv if not arg.startswith("--")]
    config = Path(paths[0] if paths else os.environ["ENTRA_AWS_CONFIG"])
    accounts = tomllib.loads(config.read_text(encoding="utf-8"))["accounts"]
    app = Bare(accounts, ready="--ready" in argv)
    if "--headless" in argv:
        app.run(headless=True, size=SIZE)
    else:
        app.run()


if __name__ == "__main__":
    main(sys.argv[1:])
