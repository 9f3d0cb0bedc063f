"""`entra-aws shell-init SHELL`: a small shell function around `entra-aws pick`, so typing its
name (default `eaws`) switches the role of the shell it runs in. Only the picked session's export
lines are evaluated, and only when the picker exits 0 (Esc leaves the shell as it was)."""

from __future__ import annotations

import re

INIT_SHELLS = ("bash", "zsh", "fish", "powershell")
DEFAULT_NAME = "eaws"
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]{0,63}\Z")


def valid_name(name: str) -> bool:
    return bool(_NAME.match(name))


def shell_function(shell: str, name: str = DEFAULT_NAME) -> str:
    """The function's source for `shell`; ValueError for a shell or name we do not write."""
    if not valid_name(name):
        raise ValueError(f"{name!r} is not a function name (letters, digits, _ and -)")
    if shell in ("bash", "zsh"):
        return (
            f"# entra-aws: `{name}` switches this shell's AWS role (`{name} ACCOUNT[:ROLE]` skips the picker)\n"
            f"{name}() {{\n"
            "  local exports\n"
            f'  exports="$(command entra-aws pick --shell {shell} "$@")" || return $?\n'
            '  eval "$exports"\n'
            "}\n"
        )
    if shell == "fish":
        return (
            f"# entra-aws: `{name}` switches this shell's AWS role (`{name} ACCOUNT[:ROLE]` skips the picker)\n"
            f"function {name} --description 'Switch this shell to an AWS role picked with entra-aws'\n"
            "    set -l exports (command entra-aws pick --shell fish $argv); or return $status\n"
            "    string join \\n -- $exports | source\n"
            "end\n"
        )
    if shell == "powershell":
        return (
            f"# entra-aws: `{name}` switches this shell's AWS role (`{name} ACCOUNT[:ROLE]` skips the picker)\n"
            f"function {name} {{\n"
            "    $exports = & entra-aws pick --shell powershell @args\n"
            "    if ($LASTEXITCODE -ne 0) { return }\n"
            '    Invoke-Expression ($exports -join "`n")\n'
            "}\n"
        )
    raise ValueError(f"unknown shell {shell!r}; choose one of {', '.join(INIT_SHELLS)}")
