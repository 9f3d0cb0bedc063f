"""`entra-aws demo`: the TUI against the embedded IdP and local STS; nothing leaves the machine."""

from __future__ import annotations

import argparse

from tui.core.errors import EntraAwsError


def run(args: argparse.Namespace) -> int:
    from tui.subcommands.run_tui import available_themes, launch, require_terminal

    if args.theme == "?":
        print("\n".join(available_themes()))
        return 0
    require_terminal()  # before the demo's servers start
    try:
        from tui.demo.runner import start_demo
    except ImportError:
        raise EntraAwsError(
            "The demo needs the demo extra: pip install 'entra-aws-tui[demo]'."
        ) from None
    from tui.core.display import has_display

    env = start_demo()
    try:
        headless = args.headless if args.headless else not has_display()
        return launch(env.config_path, theme=args.theme, demo=True, headless=headless)
    finally:
        env.close()
