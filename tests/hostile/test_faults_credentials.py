"""A credentials file that cannot be written: FileWriteError (one sentence), the previous file
byte-identical, no temp file left, and a clean next attempt. Root ignores file modes, so the
failures are made with a full or read-only file system in a private mount namespace (unshare),
or by making os calls fail mid-write. Through the real `entra-aws login --saml-file`: exit 1,
the message, and the session still kept (`entra-aws sessions` lists it).

tests/unit/test_credentials_file.py covers a read-only folder and a failing mkstemp.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.e2e.conftest import ENTRA_AWS, PROD, World
from tui.core import files
from tui.core.credentials_file import read_profile, write_profiles
from tui.core.errors import FileWriteError
from tui.core.sessions import Session

# CRLF line ends, a tab, a BOM-less UTF-8 name and no final newline: byte identity means these too.
ORIGINAL = (
    b"# hand-kept\r\n[default]\r\naws_access_key_id = AKIADEFAULT\r\n"
    b"aws_secret_access_key = s\xc3\xa9cret\t; note\r\n\r\n[prod]\r\nregion = eu-west-1\r\n"
    b"aws_access_key_id = ASIAOLD"
)


def session(key: str = "ASIANEW") -> Session:
    return Session(
        account="prod",
        role_arn="arn:aws:iam::123456789012:role/Admin",
        principal_arn="arn:aws:iam::123456789012:saml-provider/Entra",
        profile="prod",
        region="eu-west-1",
        access_key_id=key,
        secret_access_key="new-secret",
        session_token="new-token",
        expiration=datetime(2026, 1, 1, 12, 0, tzinfo=UTC),
    )


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def _fail(code: int):
    def fail(*args: object, **kwargs: object) -> None:
        raise OSError(code, os.strerror(code))

    return fail


@pytest.mark.parametrize(
    ("target", "code", "reason"),
    [
        ("replace", errno.EROFS, "read-only"),
        ("replace", errno.EXDEV, "link"),
        ("fsync", errno.ENOSPC, "disk is full"),
        ("fchmod", errno.EPERM, "permission was denied"),
        ("write", errno.EDQUOT, "quota"),
    ],
)
def test_a_write_failing_midway_keeps_the_file_byte_identical(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, target: str, code: int, reason: str
) -> None:
    path = tmp_path / "credentials"
    path.write_bytes(ORIGINAL)
    with monkeypatch.context() as patch:
        if target == "write":  # the buffered write reaches os.write when flushed
            patch.setattr(files.os, "fdopen", _failing_fdopen(code))
        else:
            patch.setattr(files.os, target, _fail(code))
        with pytest.raises(FileWriteError) as caught:
            write_profiles(path, {"prod": session()})
    message = str(caught.value)
    assert reason in message and str(path) in message
    assert "unchanged" in message and "\n" not in message
    assert "new-secret" not in message
    assert path.read_bytes() == ORIGINAL
    assert leftovers(tmp_path) == []
    # The fault gone, the next attempt works and keeps the other profile.
    write_profiles(path, {"prod": session("ASIANEXT")})
    assert read_profile(path, "prod")["aws_access_key_id"] == "ASIANEXT"
    assert read_profile(path, "default")["aws_secret_access_key"] == "s\u00e9cret\t; note"
    assert leftovers(tmp_path) == []


def _failing_fdopen(code: int):
    real = os.fdopen

    class Failing:
        def __init__(self, handle) -> None:
            self.handle = handle

        def __enter__(self):
            return self

        def __exit__(self, *exc: object) -> None:
            self.handle.close()

        def fileno(self) -> int:
            return self.handle.fileno()

        def write(self, data: bytes) -> int:
            self.handle.write(data[: len(data) // 2])  # half of it lands, then the quota
            self.handle.flush()
            raise OSError(code, os.strerror(code))

        def flush(self) -> None:
            self.handle.flush()

    return lambda fd, mode="r", *args, **kwargs: Failing(real(fd, mode, *args, **kwargs))


def test_a_lock_that_cannot_be_made_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "credentials"
    path.write_bytes(ORIGINAL)
    import filelock

    monkeypatch.setattr(filelock.FileLock, "acquire", _fail(errno.EROFS))
    with pytest.raises(FileWriteError, match="read-only; nothing was written"):
        write_profiles(path, {"prod": session()})
    assert path.read_bytes() == ORIGINAL


# --- the real command ----------------------------------------------------------------------------

needs_unshare = pytest.mark.skipif(
    os.geteuid() != 0 or not (shutil.which("unshare") and shutil.which("mount")),
    reason="needs root with unshare and mount (a private mount namespace)",
)


def _in_namespace(
    world: World, setup: str, *args: str
) -> tuple[subprocess.CompletedProcess[str], dict[str, str]]:
    """Run `entra-aws ARGS` in a private mount namespace after `setup` (a shell snippet that may
    use $AWSDIR); report what the credentials folder held inside it, before the mount goes."""
    folder = world.credentials.parent
    script = (
        f"{setup}\n"
        'rc=0; "$ENTRA" "$@" >"$OUT/stdout" 2>"$OUT/stderr" || rc=$?; echo $rc >"$OUT/rc"\n'
        'sha256sum "$AWSDIR/credentials" 2>/dev/null | cut -d" " -f1 >"$OUT/sha"\n'
        'ls -A "$AWSDIR" >"$OUT/ls"\n'
    )
    out = world.home / "ns-out"
    out.mkdir(exist_ok=True)
    env = world.env(AWSDIR=str(folder), OUT=str(out), ENTRA=ENTRA_AWS)
    done = subprocess.run(
        ["unshare", "--mount", "sh", "-ec", script, "sh", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    if done.returncode != 0 or not (out / "rc").exists():
        pytest.skip(f"cannot make the mount here: {done.stderr.strip()[:200]}")
    seen = {name: (out / name).read_text() for name in ("stdout", "stderr", "rc", "sha", "ls")}
    return done, seen


FULL_DISK = (
    "mount --make-rprivate / 2>/dev/null || true\n"
    'cp -p "$AWSDIR/credentials" "$OUT/original"\n'
    'mount -t tmpfs -o size=64k,mode=0700 tmpfs "$AWSDIR"\n'
    'cp -p "$OUT/original" "$AWSDIR/credentials"\n'
    'dd if=/dev/zero of="$AWSDIR/.filler" bs=1k 2>/dev/null || true\n'
)
READ_ONLY = (
    "mount --make-rprivate / 2>/dev/null || true\n"
    'mount --bind "$AWSDIR" "$AWSDIR"\n'
    'mount -o remount,ro,bind "$AWSDIR"\n'
)


@needs_unshare
@pytest.mark.e2e
@pytest.mark.parametrize(
    ("setup", "reason"),
    [(FULL_DISK, "the disk is full; the previous file is unchanged"), (READ_ONLY, "read-only")],
    ids=["full-disk", "read-only"],
)
def test_login_when_the_credentials_file_cannot_be_written(
    world: World, setup: str, reason: str
) -> None:
    world.credentials.parent.mkdir(mode=0o700)
    world.credentials.write_bytes(ORIGINAL)
    before = hashlib.sha256(ORIGINAL).hexdigest()
    saml = world.saml_file("Admin@" + PROD)

    _, seen = _in_namespace(world, setup, "login", "prod", "--saml-file", str(saml))

    assert seen["rc"].strip() == "1", seen["stderr"]
    errors = [line for line in seen["stderr"].splitlines() if line.startswith("entra-aws: ")]
    assert len(errors) == 1, seen["stderr"]
    assert reason in errors[0] and "The sessions are kept" in errors[0]
    assert "Traceback" not in seen["stderr"]
    assert seen["sha"].strip() == before, "the credentials file changed"
    assert not any(name.endswith(".tmp") for name in seen["ls"].split()), seen["ls"]
    secret_free = seen["stderr"] + seen["stdout"]
    assert "aws_secret_access_key" not in secret_free

    listed = json.loads(world.run("sessions", "--json").stdout)
    assert [row["role_name"] for row in listed] == ["Admin"]
    env = world.run("env", "prod", "--shell", "bash")
    assert env.returncode == 0 and "AWS_SESSION_TOKEN" in env.stdout
    # Outside the namespace nothing happened to the file; the next login writes it.
    assert world.credentials.read_bytes() == ORIGINAL
    again = world.run("login", "prod", "--saml-file", str(world.saml_file("Admin@" + PROD)))
    assert again.returncode == 0, again.stderr
    assert read_profile(world.credentials, "default")["aws_access_key_id"] == "AKIADEFAULT"
    assert read_profile(world.credentials, "prod")["aws_access_key_id"].startswith("ASIA")


@pytest.mark.e2e
def test_login_when_the_credentials_folder_is_a_file(world: World) -> None:
    """No privileges needed: `.aws` is a regular file, so nothing can be created under it."""
    world.credentials.parent.write_text("not a folder")
    saml = world.saml_file("Admin@" + PROD)

    result = world.run("login", "prod", "--saml-file", str(saml))

    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("entra-aws: Could not "), result.stderr
    assert str(world.credentials) in lines[0] and "The sessions are kept" in lines[0]
    assert "Traceback" not in result.stderr
    assert world.credentials.parent.read_text() == "not a folder"
    listed = json.loads(world.run("sessions", "--json").stdout)
    assert [row["role_name"] for row in listed] == ["Admin"]
