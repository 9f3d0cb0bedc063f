"""`entra-aws exec ACCOUNT[:ROLE] [--role ROLE] [--server [--port N]] -- CMD ARGS...`

Runs CMD with a session: its keys in the environment, or (`--server`) only a loopback
container-credentials endpoint that keeps serving renewed credentials for as long as CMD runs.
A session within `renew_before` of expiry is renewed first. Without --server, entra-aws becomes
CMD (exec), so the terminal, stdin, signals and the exit status are CMD's own.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
from types import FrameType

from tui.core.config import Config
from tui.core.errors import (
    BrowserError,
    CommandNotFound,
    EntraAwsError,
    NeedsPerson,
    SessionError,
)
from tui.core.exports import EXEC_MARKER, exec_environment
from tui.core.renewal import due_for_renewal, renew
from tui.core.sessions import Session, SessionStore
from tui.subcommands.common import config_from, pick_session, printable, say, target_and_role

BOTOCORE_REFRESH = 15 * 60  # SDKs ask an endpoint again from 15 min before expiry: renew by then
KEEP_USING = 60  # a session that could not be renewed is still used while it has this much left


def fresh_session(config: Config, account: str, role: str | None) -> Session:
    """The cached session, renewed first when it is within its account's renew_before."""
    config.account(account)  # an unknown account is named as such, with a suggestion
    store = SessionStore()
    session = pick_session(store, config, account, role)
    if not due_for_renewal([session], config):
        return session
    try:
        return renew(config, session, store=store)
    except (NeedsPerson, BrowserError) as error:
        if session.remaining() > KEEP_USING:
            say(
                f"entra-aws: could not renew {session.account}:{session.role_name} silently "
                f"({error}); using the session that ends at {session.expiration:%H:%M} UTC."
            )
            return session
        raise SessionError(
            f"The session for {session.account}:{session.role_name} has expired and needs you "
            f"to sign in: run `entra-aws login {session.account} --role {session.role_name}`."
        ) from None


def resolve(command: list[str], env: dict[str, str]) -> str:
    """CMD's executable on the child's PATH; a missing one is exit 127 with a sentence."""
    found = shutil.which(command[0], path=env.get("PATH", os.defpath))
    if found is None:
        raise CommandNotFound(
            f"No command {printable(command[0])!r} was found on PATH (or it is not executable)."
        )
    return found


def _exit_status(code: int) -> int:
    return 128 - code if code < 0 else code  # killed by signal N: 128 + N, as shells report it


def run_child(executable: str, command: list[str], env: dict[str, str]) -> int:
    """Run CMD as our child, keeping its terminal; Ctrl-C reaches it (same process group) and
    we wait for it instead of dying first; SIGTERM and SIGHUP sent to us are passed on."""
    try:
        child = subprocess.Popen([executable, *command[1:]], env=env)
    except OSError as exc:
        raise CommandNotFound(f"Could not run {printable(command[0])!r}: {exc.strerror}.") from None

    def forward(signum: int, frame: FrameType | None) -> None:
        child.send_signal(signum)

    previous = {
        sig: signal.signal(sig, forward)
        for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT)
        if hasattr(signal, sig.name)
    }
    previous[signal.SIGINT] = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        return _exit_status(child.wait())
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def serve_and_run(config: Config, session: Session, command: list[str], port: int) -> int:
    from tui.core.credential_server import CredentialServer
    from tui.core.renewal import RenewingSession

    keeper = RenewingSession(
        config,
        session,
        at_least=BOTOCORE_REFRESH,
        on_problem=lambda message: say(f"entra-aws: {message}"),
    )
    server = CredentialServer(keeper.current, port)
    env = exec_environment(dict(os.environ), session, endpoint=(server.url, server.token))
    executable = resolve(command, env)
    server.start()
    keeper.start()
    try:
        return run_child(executable, command, env)
    finally:
        keeper.close()
        server.close()


def run(args: argparse.Namespace) -> int:
    command = list(args.cmd)
    if not command:
        raise EntraAwsError(
            "Name the command to run after --, e.g. `entra-aws exec prod -- aws s3 ls`."
        )
    nested = os.environ.get(EXEC_MARKER)
    if nested:
        raise EntraAwsError(
            f"This shell already runs inside `entra-aws exec` for {printable(nested)}; exit it "
            "first (or unset ENTRA_AWS_EXEC) rather than stacking sessions."
        )
    if args.port is not None and not args.server:
        raise EntraAwsError("--port is for --server.")
    account, role = target_and_role(args.target, args.role)
    config = config_from(args)
    session = fresh_session(config, account, role)
    if args.server:
        return serve_and_run(config, session, command, args.port or 0)
    env = exec_environment(dict(os.environ), session)
    executable = resolve(command, env)
    sys.stdout.flush()
    sys.stderr.flush()
    if os.name != "posix":
        return run_child(executable, command, env)
    try:
        os.execve(executable, [command[0], *command[1:]], env)  # noqa: S606 (exec replaces us: signals and the tty go straight to CMD)
    except OSError as exc:
        raise CommandNotFound(f"Could not run {printable(command[0])!r}: {exc.strerror}.") from None
    return 127  # not reached: execve replaced this process
