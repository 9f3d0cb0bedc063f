"""`entra-aws tui` (the default) and the entry the demo uses: build the App, run it, exit code.

`--theme ?` lists the themes and `--theme UNKNOWN` fails before the terminal is taken over.
"""

from __future__ import annotations

import argparse
import gc
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from tui.core.config import load_config
from tui.core.errors import ConfigError, EntraAwsError
from tui.core.paths import config_path, user_themes_dir

if TYPE_CHECKING:
    from tui.app import EntraAwsApp


def require_terminal() -> None:
    """Without a terminal (cron, nohup, an IDE's run button) the app would spin unseen forever."""
    if sys.stdin.isatty() and sys.stdout.isatty():
        return
    raise EntraAwsError(
        "The full-screen app needs a terminal and none is attached (cron, nohup, an IDE's run "
        "button?); run it in a terminal, or use the scriptable commands such as `entra-aws "
        "login ACCOUNT`, `entra-aws sessions` and `entra-aws doctor` (`entra-aws --help` lists them)."
    )


def available_themes() -> list[str]:
    """Built-in, user and Textual themes (the names --theme accepts); broken files are left out."""
    from tui.themes import builtin_themes_dir, load_themes, theme_names

    themes, _ = load_themes(builtin_themes_dir(), user_themes_dir())
    return theme_names(themes)


@contextmanager
def collector_paused() -> Iterator[None]:
    """No garbage collection while Textual and the app are imported and the App is built.

    Imports make module objects that live as long as the process, not garbage, yet the
    collector keeps passing over them meanwhile (~26 M instructions, ~5 ms, to the first frame
    here). What is made here is frozen once built (`prepare`), so nothing is left uncollected.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def prepare(
    config_path: Path,
    *,
    theme: str | None,
    demo: bool = False,
    headless: bool | None = None,
    app_class: type[EntraAwsApp] | None = None,
    picker: bool = False,
) -> EntraAwsApp:
    """The App `launch` runs (bench/first_frame.py times this same path with a subclass)."""
    with collector_paused():
        if theme and theme not in available_themes():
            raise ConfigError(f"Unknown theme {theme!r}; `entra-aws --theme ?` lists them.")
        config = load_config(config_path, missing_ok=True)
        from tui.app import EntraAwsApp

        if config.settings.keymap:
            from tui.screens.help import keymap_clashes

            clashes = keymap_clashes(app_class or EntraAwsApp, config.settings.keymap)
            if clashes:
                raise ConfigError(" ".join(clashes))

        app = (app_class or EntraAwsApp)(
            config, theme=theme, demo=demo, headless=headless, picker=picker
        )
        # Everything imported so far lives as long as the process: keep the collector off it,
        # which spares the first frame ~10 ms of garbage collection passes over module objects.
        gc.freeze()
    return app


def launch(
    config_path: Path, *, theme: str | None, demo: bool = False, headless: bool | None = None
) -> int:
    """Run the TUI on `config_path` (missing: the empty state) and return its exit code."""
    if theme == "?":
        print("\n".join(available_themes()))
        return 0
    app = prepare(config_path, theme=theme, demo=demo, headless=headless)
    require_terminal()
    from tui.services import close_browsers

    try:
        app.run()
    finally:
        close_browsers()
    return app.return_code or 0


def run(args: argparse.Namespace) -> int:
    return launch(config_path(args.config), theme=getattr(args, "theme", None))
