"""Per-account profiles: private folders, our lock, and clean-up after a crashed Chromium."""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
import time

import pytest

from tests.locks import held_elsewhere
from tui.core.browser import has_signed_in_before, leftovers, profile_path
from tui.core.browser.processes import alive, end_process, reap
from tui.core.browser.profile import profile_in_use, profiles_dir
from tui.core.errors import BrowserError
from tui.core.paths import data_dir

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


def sleeper(*args: str) -> subprocess.Popen[bytes]:
    """A process that looks, by its arguments, like whatever the test needs."""
    return subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)", *args])


def test_profile_path_is_private_under_the_data_folder() -> None:
    folder = profile_path("prod")

    assert folder == data_dir() / "profiles" / "prod"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(folder.parent.stat().st_mode) == 0o700


@pytest.mark.parametrize("name", ["", "../etc", "a/b", ".hidden", "x" * 200, "a..b"])
def test_a_name_that_could_escape_the_folder_is_refused(name) -> None:
    with pytest.raises(BrowserError, match="cannot name a browser profile"):
        profile_path(name)
    assert has_signed_in_before(name) is False


def test_signed_in_before_means_a_cookie_store_exists() -> None:
    assert has_signed_in_before("prod") is False
    assert not (profiles_dir() / "prod").exists()  # asking creates nothing

    cookies = profile_path("prod") / "Default" / "Network" / "Cookies"
    cookies.parent.mkdir(parents=True)
    cookies.write_bytes(b"SQLite format 3\0")
    assert has_signed_in_before("prod") is True
    assert has_signed_in_before("dev") is False


def test_a_busy_profile_gives_one_sentence_when_the_wait_runs_out() -> None:
    lock = profile_path("prod").parent / ".prod.lock"
    heard: list[str] = []
    with held_elsewhere(lock):
        started = time.monotonic()
        with (
            pytest.raises(BrowserError) as caught,
            profile_in_use("prod", wait=0.3, on_wait=heard.append),
        ):
            pass
        assert time.monotonic() - started < 2
        assert str(caught.value) == (
            "Another sign-in with the browser profile prod did not finish within 0.3 s; "
            "finish or close that sign-in, then try again."
        )
        assert heard == ["Waiting for another sign-in with this browser profile to finish…"]
        with profile_in_use("dev", wait=0.3) as folder:  # other profiles are not held up
            assert folder.name == "dev"
    with profile_in_use("prod", wait=0.3) as folder:
        assert folder == profile_path("prod")


def test_a_second_sign_in_on_a_profile_queues_behind_the_first() -> None:
    lock = profile_path("prod").parent / ".prod.lock"
    heard: list[str] = []
    with held_elsewhere(lock, hold=1.0):
        started = time.monotonic()
        with profile_in_use("prod", wait=30, on_wait=heard.append) as folder:
            waited = time.monotonic() - started
    assert folder == profile_path("prod")
    assert 0.5 < waited < 10
    assert len(heard) == 1


def cookies_in(name: str, age: float = 0.0) -> None:
    cookies = profile_path(name) / "Default" / "Network" / "Cookies"
    cookies.parent.mkdir(parents=True, exist_ok=True)
    cookies.write_bytes(name.encode())
    when = time.time() - age
    os.utime(cookies, (when, when))


def test_the_newest_old_per_account_profile_is_carried_over_once() -> None:
    cookies_in("prod", age=3600)
    cookies_in("dev", age=60)  # signed in last
    assert has_signed_in_before("tenant-x", ["prod", "dev", "stage"])
    assert not has_signed_in_before("tenant-x")

    with profile_in_use("tenant-x", legacy=["prod", "dev", "stage"]) as folder:
        assert (folder / "Default" / "Network" / "Cookies").read_bytes() == b"dev"
    assert not (profiles_dir() / "dev").exists()
    assert (profiles_dir() / "prod").exists()  # left alone: a browser_profile may still name it

    cookies_in("prod", age=0)
    with profile_in_use("tenant-x", legacy=["prod", "dev"]) as folder:  # signed in: kept as is
        assert (folder / "Default" / "Network" / "Cookies").read_bytes() == b"dev"


def singleton(folder, target: str) -> None:
    os.symlink(target, folder / "SingletonLock")
    os.symlink("/tmp/org.chromium.Chromium.gone/SingletonSocket", folder / "SingletonSocket")
    os.symlink("12345678901234", folder / "SingletonCookie")


def test_locks_written_on_another_host_are_removed() -> None:
    folder = profile_path("prod")
    singleton(folder, f"not-{socket.gethostname()}-{os.getpid()}")

    with profile_in_use("prod"):
        assert not any(os.path.lexists(folder / n) for n in leftovers.SINGLETON_FILES)


def test_a_stale_lock_of_a_dead_process_is_removed() -> None:
    folder = profile_path("prod")
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    singleton(folder, f"{socket.gethostname()}-{dead.pid}")

    leftovers.clear_leftovers(folder)

    assert not os.path.lexists(folder / "SingletonLock")


@linux_only
def test_a_reused_pid_is_not_ended_just_for_holding_the_number() -> None:
    folder = profile_path("prod")
    bystander = sleeper("--not-a-browser")
    try:
        singleton(folder, f"{socket.gethostname()}-{bystander.pid}")
        leftovers.clear_leftovers(folder)
        assert bystander.poll() is None
        assert not os.path.lexists(folder / "SingletonLock")
    finally:
        bystander.kill()
        bystander.wait()


@linux_only
def test_a_leftover_browser_on_this_profile_is_ended_but_not_its_children() -> None:
    folder = profile_path("prod")
    other = profile_path("dev")
    browser = sleeper(f"--user-data-dir={folder}")
    renderer = sleeper("--type=renderer", f"--user-data-dir={folder}")
    elsewhere = sleeper(f"--user-data-dir={other}")
    try:
        deadline = time.monotonic() + 5
        while not leftovers.profile_browsers(folder) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert leftovers.profile_browsers(folder) == [browser.pid]
        singleton(folder, f"{socket.gethostname()}-{browser.pid}")

        leftovers.clear_leftovers(folder)

        assert browser.wait(timeout=5) is not None
        assert renderer.poll() is None and elsewhere.poll() is None
        assert not os.path.lexists(folder / "SingletonLock")
    finally:
        for process in (browser, renderer, elsewhere):
            process.kill()
            process.wait()


@linux_only
def test_orphaned_drivers_from_our_folder_are_ended(tmp_path, monkeypatch) -> None:
    folder = tmp_path / "copies"
    orphan, bystander = sleeper(), sleeper()
    args = {orphan.pid: [str(folder / "chromedriver-1-2"), "--port=1"]}
    monkeypatch.setattr(leftovers, "cmdline", lambda pid: args.get(pid, ["python"]))
    monkeypatch.setattr(leftovers, "parent_pid", lambda pid: 1)  # reparented to init
    try:
        leftovers.end_orphaned_drivers(folder)

        assert orphan.wait(timeout=5) is not None
        assert bystander.poll() is None
    finally:
        for process in (orphan, bystander):
            process.kill()
            process.wait()


def test_process_helpers_reap_and_end() -> None:
    process = sleeper()
    assert alive(process.pid) and reap(process.pid) is None

    end_process(process.pid, grace=2.0)

    assert not alive(process.pid)
