"""The cached credential_process answer vs a bare Python that reads the same JSON file and prints it.

What the AWS CLI pays per call for `credential_process = entra-aws credential-process ...` when the
store holds a session that is fresh for a while yet: the installed `entra-aws` command, started
as a fresh process, timed until it exits, against `python -c "import json; print(json.dumps(json.load(
open(STORE))))"` with the same interpreter. The config has 50 accounts; the store one session each.

Bytecode: a wheel installed by pip carries compiled bytecode; an editable install under
PYTHONDONTWRITEBYTECODE=1 (as on CI machines) never gets any, so every start compiles our modules.
The goal is judged as installed (bytecode compiled first); the figure without it is printed too.
Goal: median(entra-aws) <= 1.5 x median(bare python).

    python bench/credential_process.py [--runs 40]
"""

from __future__ import annotations

import compileall
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from common import Result, fmt, median, parser, report

ACCOUNTS = 50
GOAL = 1.5
PACKAGE = Path(__file__).resolve().parents[1] / "tui"


def write_world(home: Path) -> tuple[Path, Path]:
    """A 50-account config and a store with a fresh session for each; the config and store paths."""
    from tui.core.sessions import Session, SessionStore

    blocks, sessions = [], []
    expiration = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=4)
    for i in range(ACCOUNTS):
        aws = f"{100000000000 + i}"
        blocks.append(
            f'[[accounts]]\nname = "account-{i:02d}"\ntenant_id = "contoso.com"\n'
            f'app_id_uri = "https://signin.aws.amazon.com/saml#{i}"\nregion = "eu-west-1"\n'
            f'default_role = "Admin"\n[accounts.aliases]\n"{aws}" = "team-{i:02d}"\n'
        )
        sessions.append(
            Session(
                account=f"account-{i:02d}",
                role_arn=f"arn:aws:iam::{aws}:role/Admin",
                principal_arn=f"arn:aws:iam::{aws}:saml-provider/Entra",
                profile=f"account-{i:02d}",
                region="eu-west-1",
                access_key_id=f"ASIABENCH{i:011d}",
                secret_access_key="s" * 40,
                session_token="t" * 600,  # about the size of a real session token
                expiration=expiration,
            )
        )
    config = home / "config.toml"
    config.write_text("\n".join(blocks), encoding="utf-8")
    store = SessionStore()
    store.save(sessions)
    return config, store.path


@contextmanager
def bytecode(compiled: bool) -> Iterator[None]:
    """Our package with its bytecode compiled (as pip installs a wheel) or with none at all."""
    caches = list(PACKAGE.rglob("__pycache__"))
    saved = Path(tempfile.mkdtemp(prefix="pycache-"))
    for i, cache in enumerate(caches):  # put what was there aside, and back afterwards
        shutil.move(str(cache), str(saved / str(i)))
    try:
        if compiled:
            compileall.compile_dir(str(PACKAGE), quiet=1)
        yield
    finally:
        for cache in PACKAGE.rglob("__pycache__"):
            shutil.rmtree(cache)
        for i, cache in enumerate(caches):
            shutil.move(str(saved / str(i)), str(cache))
        saved.rmdir()


def sample(command: list[str], env: dict[str, str]) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{command[0]} failed ({done.returncode}): {done.stderr.strip()[-400:]}")
    return elapsed, done.stdout


def measure(commands: dict[str, list[str]], env: dict[str, str], runs: int) -> dict[str, float]:
    for command in commands.values():  # warm the OS file cache (and write the config index)
        sample(command, env)
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):  # interleaved, so drift hits both alike
        for name, command in commands.items():
            times[name].append(sample(command, env)[0])
    return {name: median(values) for name, values in times.items()}


def main() -> int:
    args = parser(__doc__, runs=40).parse_args()
    runs = 3 if args.quick else args.runs
    entra_aws = str(Path(sys.executable).with_name("entra-aws"))
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        env = {**os.environ, "ENTRA_AWS_HOME": str(home), "PYTHONDONTWRITEBYTECODE": "1"}
        os.environ["ENTRA_AWS_HOME"] = str(home)  # where write_world's store goes
        config, store = write_world(home)
        env["ENTRA_AWS_CONFIG"] = str(config)
        ours = [entra_aws, "credential-process", "account-07"]
        bare_code = f"import json; print(json.dumps(json.load(open({str(store)!r}))))"
        commands = {"bare": [sys.executable, "-c", bare_code], "ours": ours}
        answer = json.loads(sample(ours, env)[1])
        if not answer["AccessKeyId"].startswith("ASIABENCH"):
            raise SystemExit(f"unexpected answer: {sorted(answer)}")
        with bytecode(compiled=False):
            cold = measure(commands, env, max(3, runs // 4))
        with bytecode(compiled=True):
            warm = measure(commands, env, runs)
    ms = 1000
    print(f"credential_process, cached session, {ACCOUNTS} accounts (median of {runs} runs each)")
    print(f"  bare python -c reading the store : {fmt(warm['bare'] * ms, 'ms'):>10}")
    print(f"  entra-aws credential-process     : {fmt(warm['ours'] * ms, 'ms'):>10}")
    print(
        f"  without bytecode (editable, PYTHONDONTWRITEBYTECODE): {fmt(cold['ours'] * ms, 'ms')}"
        f" = {cold['ours'] / cold['bare']:.2f}x"
    )
    result = Result("credential_process (cached)", warm["ours"] * ms, warm["bare"] * ms, "ms", GOAL)
    return report(result, args.quick)


if __name__ == "__main__":
    raise SystemExit(main())
