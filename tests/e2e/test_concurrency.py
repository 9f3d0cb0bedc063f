"""Twenty `entra-aws` processes and a running TUI writing the same files at once.

Each storm starts, shuffled: 12 `login --saml-file --profile rRpN --duration 43200 --output json`
(each its own role, whose 1 h limit makes every one step down and remember the duration), and 8
`credential-process` (4 on a cached session, 2 on one expiring within the refresh window, 2 on an
expired one). While they run, the real App (Pilot, in this process, an injected signer instead of
Chrome) refreshes its own session with `r` and writes its profile with `w`, and its 1 s tick
re-reads the store the processes keep changing; a thread reads every file as fast as it can.

Expired sessions have no signed-in browser profile here, so credential-process fails cleanly (exit
1, nothing on stdout) instead of refreshing through Chromium; sessions within the refresh window
fall back to the cached credentials (exit 0, a note on stderr).

Checked: no lost profile, session or remembered duration; no torn file at any moment (JSON parses,
the credentials file parses and every profile has all three keys, log lines are whole); nothing
left half-written; everything finished within the bound; files 0600 in 0700 folders.
"""

from __future__ import annotations

import configparser
import json
import random
import subprocess
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest

from tests.e2e.conftest import ENTRA_AWS, PROD, World
from tests.e2e.conftest_hygiene import (
    RecordingSigner,
    WatchedApp,
    assert_debug_log,
    debug_logging,
    mode,
    settle,
)
from tui.core.config import load_config
from tui.core.sessions import Session, SessionStore
from tui.core.timeutil import utcnow
from tui.demo.saml_builder import build_saml_response

pytestmark = pytest.mark.e2e

ROUNDS = 3
LOGINS = 12
HITS, SOON, GONE = 4, 2, 2  # credential-process on cached / refresh-window / expired sessions
BOUND = 120.0  # seconds for one storm, TUI included: far beyond what a healthy run needs
MANAGED = ("aws_access_key_id", "aws_secret_access_key", "aws_session_token")


@dataclass
class Watcher:
    """Reads the store, the credentials file and the durations memory in a loop."""

    files: dict[str, Path]
    problems: list[str] = field(default_factory=list)
    polls: int = 0
    stop: threading.Event = field(default_factory=threading.Event)

    def check_once(self) -> None:
        for name, path in self.files.items():
            try:
                text = path.read_text(encoding="utf-8")
            except FileNotFoundError:
                continue
            try:
                if name == "credentials":
                    parser = configparser.RawConfigParser(strict=True)
                    parser.read_string(text)
                    for section in parser.sections():
                        keys = set(parser[section]) & set(MANAGED)
                        if keys and keys != set(MANAGED):
                            self.problems.append(f"profile {section} half-written: {sorted(keys)}")
                else:
                    document = json.loads(text)
                    if name == "store":
                        assert document["version"] == 1 and isinstance(document["sessions"], list)
            except (ValueError, KeyError, AssertionError, configparser.Error) as exc:
                self.problems.append(f"{name} torn at poll {self.polls}: {type(exc).__name__}")
        self.polls += 1

    def run(self) -> None:
        while not self.stop.is_set():
            self.check_once()
            time.sleep(0.002)


@dataclass
class Job:
    kind: str  # login, hit, soon, gone
    args: list[str]
    out: Path
    err: Path
    proc: subprocess.Popen[bytes] | None = None
    role_arn: str = ""
    profile: str = ""
    seeded: Session | None = None

    @property
    def stdout(self) -> str:
        return self.out.read_text()

    @property
    def stderr(self) -> str:
        return self.err.read_text()


def seeded_session(name: str, left: timedelta) -> Session:
    now = utcnow().replace(microsecond=0)  # the store keeps whole seconds
    tag = f"{name:X<16}"[:16].upper()
    return Session(
        account="prod",
        role_arn=f"arn:aws:iam::{PROD}:role/{name}",
        principal_arn=f"arn:aws:iam::{PROD}:saml-provider/Entra",
        profile=f"seed-{name}",
        region="us-east-1",
        access_key_id=f"ASIA{tag}",
        secret_access_key=f"seeded/{name}/secret/key/0123456789abcdefghij"[:40],
        session_token=f"seeded-token-{name}-" + "T" * 80,
        expiration=now + left,
        issued_at=now - timedelta(minutes=5),
        subject="alice@contoso.com",
        duration=3600,
    )


def jobs_for(world: World, round_: int, seeded: dict[str, list[Session]]) -> list[Job]:
    """The storm's 20 commands, in a shuffled order."""
    folder = world.home / f"storm-{round_}"
    folder.mkdir()
    provider = world.roles["Admin@" + PROD][1]
    jobs = []
    for i in range(LOGINS):
        role_arn = world.sts.add_role(PROD, f"R{round_}x{i}", max_session_duration=3600)
        saml = folder / f"saml-{i}.b64"
        saml.write_text(build_saml_response(world.key, roles=[(role_arn, provider)]))
        profile = f"r{round_}p{i}"
        args = ["login", "prod", "--saml-file", str(saml), "--profile", profile,
                "--duration", "43200", "--output", "json"]  # fmt: skip
        jobs.append(Job("login", args, folder / f"login-{i}.out", folder / f"login-{i}.err",
                        role_arn=role_arn, profile=profile))  # fmt: skip
    for kind, sessions in seeded.items():
        for n, session in enumerate(sessions):
            args = ["credential-process", "prod", "--role", session.role_name]
            out, err = folder / f"{kind}-{n}.out", folder / f"{kind}-{n}.err"
            jobs.append(Job(kind, args, out, err, seeded=session))
    assert len(jobs) == 20
    random.Random(round_).shuffle(jobs)
    return jobs


def start(world: World, jobs: list[Job]) -> None:
    env = world.env(ENTRA_AWS_LOG_LEVEL="debug")
    for job in jobs:
        with job.out.open("wb") as out, job.err.open("wb") as err:
            job.proc = subprocess.Popen([ENTRA_AWS, *job.args], env=env, stdout=out, stderr=err)


def running(jobs: list[Job]) -> bool:
    return any(job.proc is not None and job.proc.poll() is None for job in jobs)


def wait_all(jobs: list[Job], deadline: float) -> None:
    stuck = []
    for job in jobs:
        assert job.proc is not None
        try:
            job.proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            stuck.append(" ".join(job.args[:2]))
            job.proc.kill()
            job.proc.wait()
    assert not stuck, f"still running after {BOUND:.0f} s (a deadlock?): {stuck}"


def check_jobs(jobs: list[Job], profiles: configparser.RawConfigParser, store: dict) -> None:
    for job in jobs:
        where = f"{job.kind} {' '.join(job.args[:4])}: {job.stderr.strip()[:300]}"
        assert job.proc is not None
        if job.kind == "login":
            assert job.proc.returncode == 0, where
            mine = json.loads(job.stdout)
            assert mine["role_arn"] == job.role_arn, where
            written = dict(profiles[job.profile])  # present, and holding exactly this login's
            assert written["aws_access_key_id"] == mine["access_key_id"], where
            assert written["aws_secret_access_key"] == mine["secret_access_key"], where
            assert written["aws_session_token"] == mine["session_token"], where
            kept = store[f"prod|{job.role_arn}"]  # every session in the store
            assert (kept.access_key_id, kept.secret_access_key, kept.session_token) == (
                mine["access_key_id"], mine["secret_access_key"], mine["session_token"]
            ), where  # fmt: skip
            continue
        seeded = job.seeded
        assert seeded is not None
        if job.kind == "gone":
            assert job.proc.returncode == 1, where
            assert job.stdout == "", "an expired session must print nothing on stdout"
            assert "run `entra-aws login prod`" in job.stderr, where
        else:
            assert job.proc.returncode == 0, where
            payload = json.loads(job.stdout)
            assert payload["SecretAccessKey"] == seeded.secret_access_key, where
            if job.kind == "hit":
                assert job.stderr == "", where
            else:  # inside the refresh window, no browser profile: the cached session, and a note
                assert "could not refresh prod silently" in job.stderr, where
        said = [line for line in job.stderr.splitlines() if "Waiting for another" not in line]
        assert len(said) <= 1, where  # one sentence, besides a note that it queued (once)
        assert job.stderr.count("Waiting for another") <= 1, where


def assert_private_tree(state: Path, credentials: Path) -> None:
    assert mode(state) == 0o700, f"the state folder is {oct(mode(state))}"
    assert mode(credentials.parent) == 0o700, f"{credentials.parent} is not 0700"
    files = [p for p in state.iterdir() if p.is_file()]
    files += [p for p in credentials.parent.iterdir() if p.is_file()]
    names = {p.name for p in files}
    for expected in ("sessions.json", "durations.json", "entra-aws.log", "credentials"):
        assert expected in names, f"{expected} is missing"
    loose = {p.name: oct(mode(p)) for p in files if mode(p) != 0o600}
    assert not loose, f"files not 0600: {loose}"
    leftovers = [n for n in names if n.endswith(".tmp") or ".corrupt-" in n]
    assert not leftovers, f"half-written or set-aside files left behind: {leftovers}"


async def test_twenty_processes_and_the_tui_write_the_same_files(
    world: World, in_process: World
) -> None:
    state = world.home / "entra" / "state"
    store_path = state / "sessions.json"
    seeded = {
        "hit": [seeded_session(f"Hot{n}", timedelta(hours=1)) for n in range(HITS)],
        "soon": [seeded_session(f"Soon{n}", timedelta(minutes=10)) for n in range(SOON)],
        "gone": [seeded_session(f"Gone{n}", timedelta(hours=-1)) for n in range(GONE)],
    }
    SessionStore(store_path).save([s for group in seeded.values() for s in group])
    watcher = Watcher(
        {
            "store": store_path,
            "credentials": world.credentials,
            "durations": state / "durations.json",
        }
    )
    thread = threading.Thread(target=watcher.run, daemon=True)
    thread.start()
    signer = RecordingSigner(world, ("Admin@" + PROD,))
    app = WatchedApp(
        load_config(world.config), signer=signer, display=False, signed_in_before=lambda n: True
    )
    admin_key = f"prod|{world.roles['Admin@' + PROD][0]}"
    all_jobs: list[Job] = []
    refreshes = 0
    took: list[float] = []
    try:
        with debug_logging():
            async with app.run_test(size=(140, 40)) as pilot:
                await settle(app, pilot)
                await pilot.press("enter")  # sign in (the injected signer) ...
                await settle(app, pilot)
                await pilot.press("enter")  # ... and assume Admin: the TUI's own session
                await settle(app, pilot)
                table = app.screen.sessions.table
                assert admin_key in table.sessions

                for round_ in range(ROUNDS):
                    jobs = jobs_for(world, round_, seeded)
                    all_jobs += jobs
                    started = time.monotonic()
                    start(world, jobs)
                    while running(jobs) and time.monotonic() - started < BOUND:
                        table = app.screen.sessions.table
                        table.move_cursor(row=table.get_row_index(admin_key))
                        await pilot.press("r")  # sign in again, assume, write store + profile
                        await settle(app, pilot)
                        await pilot.press("w")  # write the profile once more
                        await settle(app, pilot)
                        assert not app.error_texts, app.error_texts
                        refreshes += 1
                    wait_all(jobs, started + BOUND)
                    took.append(time.monotonic() - started)

                    profiles = configparser.RawConfigParser(strict=True)
                    profiles.read_string(world.credentials.read_text())
                    store = {s.key: s for s in SessionStore(store_path).load()}
                    check_jobs(jobs, profiles, store)
                    for group in seeded.values():
                        for session in group:
                            assert store[session.key] == session, "a seeded session changed"
                    remembered = json.loads((state / "durations.json").read_text())
                    for job in all_jobs:
                        if job.kind == "login":
                            assert remembered.get(job.role_arn) == 3600, "a duration was lost"

                # The TUI saw every session the processes wrote (its tick re-reads the store).
                deadline = time.monotonic() + 5
                while set(app.screen.sessions.table.sessions) != set(store):
                    assert time.monotonic() < deadline, "the TUI never showed the new sessions"
                    await pilot.pause(0.2)
                admin = store[admin_key]
                assert dict(profiles["prod-Admin"])["aws_session_token"] == admin.session_token
                assert not app.error_texts, app.error_texts
    finally:
        watcher.stop.set()
        thread.join(5)
        for job in all_jobs:
            if job.proc is not None and job.proc.poll() is None:
                job.proc.kill()

    watcher.check_once()
    print(f"storms took {', '.join(f'{t:.1f} s' for t in took)}; the TUI refreshed {refreshes}"
          f" times; the files were read {watcher.polls} times")  # fmt: skip
    assert not watcher.problems, watcher.problems[:10]
    assert watcher.polls > 100, f"the files were read only {watcher.polls} times"
    assert refreshes >= ROUNDS and len(signer.issued) > ROUNDS
    logins = sum(job.kind == "login" for job in all_jobs)
    sections = [s for s in profiles.sections() if s.startswith("r")]
    assert len(sections) == logins == ROUNDS * LOGINS
    assert_debug_log(state / "entra-aws.log")
    assert_private_tree(state, world.credentials)
