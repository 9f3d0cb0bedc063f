"""argparse in front of the subcommands (the TUI is the default); `tui.cli.main` calls `run`.

Subcommands import their dependencies when they run, so `decode` never loads boto3 and the TUI
never waits for selenium.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import signal
import sys
from collections.abc import Callable, Sequence
from typing import Any

from tui import __version__
from tui.core.config import SHELLS
from tui.core.durations import MAX_SECONDS, MIN_SECONDS
from tui.core.errors import EntraAwsError
from tui.core.shell_init import DEFAULT_NAME, INIT_SHELLS

log = logging.getLogger("entra_aws.cli")


def _bounded(
    convert: Callable[[str], float], low: float, high: float, what: str, unit: str = ""
) -> Callable[[str], Any]:
    """An argparse `type` that reads `what` with `convert` and keeps it in [low, high];
    `unit` follows the bounds in the refusal."""

    def read(value: str) -> float:
        try:
            number = convert(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{value!r} is not {what}") from None
        if not low <= number <= high:
            raise argparse.ArgumentTypeError(f"must be between {low:g} and {high:g}{unit}")
        return number

    return read


_duration = _bounded(
    int, MIN_SECONDS, MAX_SECONDS, "a whole number of seconds", " seconds (15 min to 12 h)"
)
_timeout = _bounded(float, 1, 3600, "a number of seconds", " seconds")
_port = _bounded(int, 1, 65535, "a port number")


THEME_HELP = "the app's theme (tui, demo); `--theme ?` lists them"


LOG_LEVELS = ("debug", "info", "warning", "error")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="entra-aws",
        description="Sign in to AWS through Microsoft Entra ID (SAML). With no command, opens the TUI.",
    )
    parser.add_argument(
        "--config",
        metavar="PATH",
        help="config file (default: $ENTRA_AWS_CONFIG, else the user config folder)",
    )
    parser.add_argument(
        "--log-level",
        metavar="LEVEL",
        type=str.lower,
        choices=LOG_LEVELS,
        help="debug, info, warning (default) or error; logs go to a private file in the state folder",
    )
    parser.add_argument("--version", action="version", version=f"entra-aws {__version__}")
    # Before or after `tui`/`demo` alike (`entra-aws --theme ?` opens the default app); the
    # subcommands' copies are SUPPRESSed so they do not reset a value given before them.
    parser.add_argument("--theme", metavar="NAME", help=THEME_HELP)
    parser.set_defaults(command="tui")
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")

    tui = sub.add_parser("tui", help="the full-screen app (the default)")
    tui.add_argument("--theme", metavar="NAME", help=THEME_HELP, default=argparse.SUPPRESS)
    tui.set_defaults(command="tui")

    demo = sub.add_parser(
        "demo",
        help="the TUI against the embedded IdP and a local STS (nothing leaves this machine)",
    )
    demo.add_argument("--theme", metavar="NAME", help=THEME_HELP, default=argparse.SUPPRESS)
    demo.add_argument(
        "--headless", action="store_true", default=None, help="never show the browser window"
    )
    demo.set_defaults(command="demo")

    login = sub.add_parser(
        "login", help="sign in to accounts (one browser per Entra tenant) and assume roles"
    )
    login.add_argument(
        "accounts", nargs="*", metavar="ACCOUNT", help="accounts to sign in to, in one go"
    )
    login.add_argument("--all", action="store_true", help="every configured account")
    login.add_argument(
        "--tenant", metavar="ID", help="every account of this Entra tenant (its tenant_id)"
    )
    login.add_argument(
        "--role",
        action="append",
        default=[],
        metavar="ROLE",
        help="role ARN or role name (repeatable)",
    )
    login.add_argument(
        "--all-roles", action="store_true", help="assume every role in the assertion"
    )
    login.add_argument(
        "--duration",
        type=_duration,
        metavar="SECONDS",
        help=f"session length ({MIN_SECONDS}-{MAX_SECONDS}), capped by the assertion's SessionDuration",
    )
    login.add_argument(
        "--headless",
        action="store_true",
        help="sign in without showing a window (works when the account's browser profile is still signed in)",
    )
    login.add_argument(
        "--timeout",
        type=_timeout,
        metavar="SECONDS",
        help="how long to wait for the sign-in (default: settings.timeout)",
    )
    login.add_argument(
        "--saml-file",
        metavar="FILE",
        help="use a captured SAMLResponse (base64 or XML; - for stdin) instead of a browser",
    )
    login.add_argument(
        "--profile",
        metavar="NAME",
        help="credentials-file profile name (default: the account's profile)",
    )
    login.add_argument(
        "--no-write",
        action="store_true",
        help="do not write the credentials file (sessions are still kept)",
    )
    login.add_argument(
        "--output",
        choices=("json", "env", "none"),
        default="none",
        help="print credentials as JSON or shell exports (default: a summary)",
    )
    login.add_argument(
        "--shell", choices=SHELLS, help="shell for --output env (default: settings.shell or $SHELL)"
    )
    login.set_defaults(command="login")

    decode = sub.add_parser("decode", help="show what a SAMLResponse carries")
    decode.add_argument(
        "file",
        nargs="?",
        default="-",
        metavar="FILE",
        help="file with the SAMLResponse (base64 or XML); - or nothing for stdin",
    )
    decode.add_argument("--json", action="store_true", help="print JSON")
    decode.set_defaults(command="decode")

    sessions = sub.add_parser("sessions", help="list cached sessions with the time they have left")
    sessions.add_argument("--json", action="store_true", help="print JSON")
    sessions.set_defaults(command="sessions")

    env = sub.add_parser("env", help="print shell commands that export a cached session")
    env.add_argument(
        "target",
        metavar="ACCOUNT[:ROLE]",
        help="ROLE: a name, NAME@AWS-ACCOUNT (id or alias) or an ARN",
    )
    env.add_argument("--shell", choices=SHELLS, help="default: settings.shell or $SHELL")
    env.set_defaults(command="env")

    pick = sub.add_parser(
        "pick",
        help='switch this shell\'s role: eval "$(entra-aws pick)" (or see shell-init)',
        description="Print a session's export lines on stdout for the shell to eval. Without "
        "ACCOUNT[:ROLE], the app opens as a picker (drawn on stderr): Enter on a session picks "
        "it, Esc exits 1 printing nothing.",
    )
    pick.add_argument(
        "target",
        nargs="?",
        metavar="ACCOUNT[:ROLE]",
        help="no picker: the one session this names (ROLE: name, NAME@AWS-ACCOUNT or ARN)",
    )
    pick.add_argument("--shell", choices=SHELLS, help="default: settings.shell or $SHELL")
    pick.set_defaults(command="pick")

    init = sub.add_parser(
        "shell-init",
        help="print a shell function (default `eaws`) that switches the shell's role via pick",
    )
    init.add_argument("shell", choices=INIT_SHELLS, metavar="SHELL", help=", ".join(INIT_SHELLS))
    init.add_argument(
        "--name",
        default=DEFAULT_NAME,
        metavar="NAME",
        help=f"function name (default {DEFAULT_NAME})",
    )
    init.set_defaults(command="shell-init")

    logout = sub.add_parser(
        "logout",
        help="remove sessions (all, or those named) and the credentials-file profiles we wrote",
    )
    logout.add_argument(
        "target", nargs="?", metavar="ACCOUNT[:ROLE]", help="default: every session"
    )
    logout.set_defaults(command="logout")

    process = sub.add_parser(
        "credential-process", help="credentials for the AWS CLI/SDKs' credential_process"
    )
    process.add_argument("account", metavar="ACCOUNT[:ROLE]")
    process.add_argument(
        "--role", metavar="ROLE", help="role ARN or name (default: the account's default_role)"
    )
    process.set_defaults(command="credential-process")

    console = sub.add_parser("console", help="open the AWS console for a cached session")
    console.add_argument("account", metavar="ACCOUNT[:ROLE]")
    console.add_argument("--role", metavar="ROLE", help="role ARN or name")
    console.add_argument(
        "--print",
        action="store_true",
        help="print the sign-in URL instead of opening a browser (it is a secret for 15 minutes)",
    )
    console.set_defaults(command="console")

    execute = sub.add_parser(
        "exec",
        help="run a command with a session's credentials (renewed first when near expiry)",
        usage="entra-aws exec ACCOUNT[:ROLE] [--role ROLE] [--server [--port N]] -- CMD [ARGS...]",
    )
    execute.add_argument("target", metavar="ACCOUNT[:ROLE]")
    execute.add_argument("--role", metavar="ROLE", help="role ARN or name")
    execute.add_argument(
        "--server",
        action="store_true",
        help="no keys in the environment: serve renewed credentials on a loopback endpoint",
    )
    execute.add_argument(
        "--port", type=_port, metavar="N", help="the endpoint's port (default: a free one)"
    )
    execute.add_argument(
        "cmd", nargs="*", metavar="CMD", help="after --: the command and its arguments"
    )
    execute.set_defaults(command="exec")

    profiles = sub.add_parser(
        "profiles", help="write ~/.aws/config profiles (credential_process) for every role"
    )
    profiles.add_argument(
        "accounts", nargs="*", metavar="ACCOUNT", help="default: every account that signed in"
    )
    profiles.add_argument(
        "--dry-run", action="store_true", help="show what would change; write nothing"
    )
    profiles.set_defaults(command="profiles")
    doctor = sub.add_parser(
        "doctor",
        help="check browser, driver, profiles, config, clock and STS; exit 0 when all pass",
    )
    doctor.set_defaults(command="doctor")
    for listed in sub._choices_actions:  # `entra-aws CMD --help` opens with its one line too
        command = sub.choices[listed.dest]
        if command.description is None and listed.help:
            command.description = f"{listed.help[0].upper()}{listed.help[1:]}."
    return parser


_HANDLERS = {
    "tui": "tui.subcommands.run_tui",
    "demo": "tui.subcommands.demo",
    "login": "tui.subcommands.login",
    "decode": "tui.subcommands.decode",
    "sessions": "tui.subcommands.sessions",
    "env": "tui.subcommands.env",
    "logout": "tui.subcommands.logout",
    "pick": "tui.subcommands.pick",
    "shell-init": "tui.subcommands.shell_init",
    "credential-process": "tui.subcommands.credential_process",
    "console": "tui.subcommands.console",
    "exec": "tui.subcommands.exec_command",
    "profiles": "tui.subcommands.profiles",
    "doctor": "tui.subcommands.doctor",
}


def _parse(parser: argparse.ArgumentParser, argv: list[str]) -> argparse.Namespace:
    """Parse `argv`; for `exec`, everything after the first `--` is the command, untouched."""
    if "--" in argv:
        cut = argv.index("--")
        args = parser.parse_args(argv[:cut])
        if args.command == "exec":
            args.cmd = [*args.cmd, *argv[cut + 1 :]]
            return args
    return parser.parse_args(argv)


def _on_sigterm(signum: int, frame: object) -> None:
    """Turn SIGTERM into SystemExit so `finally` blocks close any browser we started."""
    raise SystemExit(128 + signum)


def app_defaults() -> argparse.Namespace:
    """What parsing no arguments gives (a test holds the two equal), without building the
    fourteen subparsers first: `entra-aws` alone is how the app starts, ~3 ms sooner."""
    return argparse.Namespace(command="tui", config=None, log_level=None, theme=None)


def run(argv: Sequence[str]) -> int:
    if argv:
        parser = build_parser()
        args = _parse(parser, list(argv))
        if args.theme is not None and args.command not in ("tui", "demo"):
            parser.error(f"--theme is for the app (tui, demo), not {args.command}.")
    else:
        args = app_defaults()
    from tui.core.logs import setup_logging

    setup_logging(args.log_level)
    signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        module = importlib.import_module(_HANDLERS[args.command])
        return int(module.run(args) or 0)
    except EntraAwsError as error:
        log.info("%s failed: %s", args.command, error)
        print(f"entra-aws: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("entra-aws: cancelled.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 141
    except Exception as error:  # a bug, not a user error: keep the details in the private log
        log.exception("unexpected error in %s", args.command)
        from tui.core.logs import log_path

        print(
            f"entra-aws: internal error ({type(error).__name__}); details are in {log_path()}. "
            "Please report it.",
            file=sys.stderr,
        )
        return 70
