"""The `entra-aws` command. It imports almost nothing until it knows what was asked.

`credential-process` for a session that is fresh for a while yet is answered from the store by
`core.cached_credentials` before argparse, the config loader or logging are even imported: the
AWS CLI and SDKs start us for every call. Everything else goes to `command_line.run`.
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False  # typing costs the cached path ~10 ms
if TYPE_CHECKING:
    from collections.abc import Sequence


def _option(args: list[str], index: int, name: str) -> tuple[str, int] | None:
    """`--name VALUE` or `--name=VALUE` at `index`: the value and the index after it."""
    word = args[index]
    if word.startswith(name + "="):
        return word[len(name) + 1 :], index + 1
    if word == name and index + 1 < len(args):
        return args[index + 1], index + 2
    return None


def cached_request(args: list[str]) -> tuple[str | None, str, str | None] | None:
    """(--config, ACCOUNT[:ROLE], --role) for a plain `[--config P] credential-process
    ACCOUNT[:ROLE] [--role R]`; None for anything else, which argparse then reads (and explains)."""
    config, index = None, 0
    if args and args[0].startswith("--config"):
        found = _option(args, 0, "--config")
        if found is None:
            return None
        config, index = found
    if args[index : index + 1] != ["credential-process"]:
        return None
    target: str | None = None
    role: str | None = None
    index += 1
    while index < len(args):
        found = _option(args, index, "--role") if role is None else None
        if found is not None:
            role, index = found
        elif target is None and args[index] and not args[index].startswith("-"):
            target, index = args[index], index + 1
        else:
            return None
    return None if target is None else (config, target, role)


def _answer_cached(args: list[str]) -> int | None:
    request = cached_request(args)
    if request is None:
        return None
    from tui.core.cached_credentials import cached_answer
    from tui.core.locations import config_file

    config, target, role = request
    answer = cached_answer(config_file(config), target, role)
    if answer is None:
        return None
    try:
        sys.stdout.write(answer + "\n")
        sys.stdout.flush()
    except BrokenPipeError:
        return 141
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    answered = _answer_cached(args)
    if answered is not None:
        return answered
    from tui.command_line import run

    return run(args)
