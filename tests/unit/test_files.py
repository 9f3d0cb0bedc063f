"""files.py: a write either fully happens or leaves the old file alone; locks across processes."""

from __future__ import annotations

import errno
import os
import threading
import time

import pytest
from filelock import FileLock

from tui.core import files
from tui.core.errors import FileWriteError
from tui.core.files import atomic_write, locked


def leftovers(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_atomic_write_creates_a_private_file(tmp_path):
    path = tmp_path / "a" / "b" / "secret.json"
    atomic_write(path, '{"k": "v"}')
    assert path.read_text() == '{"k": "v"}'
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o777 == 0o700
    assert leftovers(path.parent) == []


def test_atomic_write_bytes_and_mode(tmp_path):
    path = tmp_path / "public.txt"
    atomic_write(path, b"\x00\x01", mode=0o644)
    assert path.read_bytes() == b"\x00\x01"
    assert path.stat().st_mode & 0o777 == 0o644


def test_private_dir_tightens_an_existing_folder(tmp_path):
    folder = tmp_path / "state"
    folder.mkdir()
    folder.chmod(0o755)
    atomic_write(folder / "x", "x", private_dir=True)
    assert folder.stat().st_mode & 0o777 == 0o700


def test_replacing_tightens_the_mode_of_an_open_file(tmp_path):
    path = tmp_path / "credentials"
    path.write_text("old")
    path.chmod(0o644)
    atomic_write(path, "new")
    assert path.read_text() == "new"
    assert path.stat().st_mode & 0o777 == 0o600


def test_a_full_disk_during_the_rename_leaves_the_old_file_intact(tmp_path, monkeypatch):
    path = tmp_path / "credentials"
    path.write_text("the old content")

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files.os, "replace", full)
    with pytest.raises(FileWriteError) as caught:
        atomic_write(path, "the new content")
    message = str(caught.value)
    assert "disk is full" in message
    assert "unchanged" in message
    assert str(path) in message
    assert "\n" not in message
    assert path.read_text() == "the old content"
    assert leftovers(tmp_path) == []


def test_a_full_disk_while_writing_leaves_the_old_file_intact(tmp_path, monkeypatch):
    path = tmp_path / "credentials"
    path.write_text("the old content")

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files.os, "fsync", full)
    with pytest.raises(FileWriteError) as caught:
        atomic_write(path, "the new content" * 1000)
    assert "disk is full" in str(caught.value)
    assert "unchanged" in str(caught.value)
    assert path.read_text() == "the old content"
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        (errno.EDQUOT, "quota"),
        (errno.EACCES, "permission was denied"),
        (errno.EPERM, "permission was denied"),
        (errno.EROFS, "read-only"),
        (errno.EIO, "Input/output error"),
    ],
)
def test_failure_reasons_people_understand(tmp_path, monkeypatch, code, reason):
    path = tmp_path / "f"
    path.write_text("old")

    def fail(*args, **kwargs):
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(files.os, "replace", fail)
    with pytest.raises(FileWriteError) as caught:
        atomic_write(path, "new")
    assert reason in str(caught.value)
    assert path.read_text() == "old"


def test_a_folder_that_cannot_be_created(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    with pytest.raises(FileWriteError) as caught:
        atomic_write(blocker / "child" / "file", "data")
    assert "Could not write" in str(caught.value)
    assert "try again" in str(caught.value)


def test_a_symlink_is_replaced_at_its_target(tmp_path):
    target = tmp_path / "real"
    target.write_text("old")
    link = tmp_path / "link"
    link.symlink_to(target)
    atomic_write(link, "new")
    assert link.is_symlink()
    assert target.read_text() == "new"


def test_a_readers_view_is_always_complete(tmp_path):
    """While a writer replaces the file, a reader sees the old or the new content, never a part."""
    path = tmp_path / "f"
    old, new = "a" * 300_000, "b" * 300_000
    atomic_write(path, old)
    done = threading.Event()

    def writer() -> None:
        for index in range(40):
            atomic_write(path, new if index % 2 == 0 else old)
        done.set()

    thread = threading.Thread(target=writer)
    thread.start()
    seen = set()
    while not done.is_set():
        seen.add(path.read_text())
    thread.join()
    assert seen <= {old, new}


def test_locked_blocks_another_holder_and_times_out_with_a_sentence(tmp_path):
    path = tmp_path / "credentials"
    other = FileLock(tmp_path / ".credentials.lock")
    other.acquire()
    try:
        start = time.perf_counter()
        with pytest.raises(FileWriteError) as caught, locked(path, timeout=0.2):
            pass
        assert time.perf_counter() - start < 2
        message = str(caught.value)
        assert ".credentials.lock" in message
        assert "wait for it or delete that lock file" in message
    finally:
        other.release()
    with locked(path, timeout=0.2):
        pass  # free again


def test_lock_file_is_private(tmp_path):
    with locked(tmp_path / "x"):
        lock = tmp_path / ".x.lock"
        assert lock.exists()
        assert lock.stat().st_mode & 0o077 == 0
