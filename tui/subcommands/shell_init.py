"""`entra-aws shell-init bash|zsh|fish|powershell [--name NAME]`: print the `eaws` function."""

from __future__ import annotations

import argparse

from tui.core.errors import EntraAwsError
from tui.core.shell_init import shell_function, valid_name


def run(args: argparse.Namespace) -> int:
    if not valid_name(args.name):
        raise EntraAwsError(
            f"--name {args.name!r} is not a function name; use letters, digits, _ and -."
        )
    print(shell_function(args.shell, args.name), end="")
    return 0
