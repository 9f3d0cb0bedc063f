"""credentials_file.py: our profiles in `~/.aws/credentials`, everything else left as it was."""

from __future__ import annotations

import configparser
import errno
import os
import shutil
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tui.core import files
from tui.core.credentials_file import read_profile, render, write_profiles
from tui.core.errors import FileWriteError

from .builders import session

EXPIRY = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
AWS = Path(sys.executable).with_name("aws")

EXISTING = """\
# my credentials, hand-edited
[default]
aws_access_key_id = AKIADEFAULT
aws_secret_access_key = defaultsecret   ; inline note

; the prod profile entra-aws manages
[prod]
region = eu-west-1
aws_access_key_id = ASIAOLD
aws_secret_access_key = oldsecret
# keep me
aws_session_token = oldtoken
aws_security_token = legacytoken
x_security_token_expires = 2020-01-01T00:00:00Z
output = json

[other]   # trailing comment on the header
aws_access_key_id : AKIAOTHER
aws_secret_access_key : othersecret
"""


def new_session(**overrides):
    values = {
        "access_key_id": "ASIANEW",
        "secret_access_key": "newsecret",
        "session_token": "newtoken",
        "expiration": EXPIRY,
    }
    values.update(overrides)
    return session(**values)


def parse(path: Path) -> configparser.RawConfigParser:
    parser = configparser.RawConfigParser()  # strict, like botocore
    parser.read(path, encoding="utf-8")
    return parser


def test_other_profiles_comments_and_order_are_preserved(tmp_path):
    path = tmp_path / "credentials"
    path.write_text(EXISTING)
    write_profiles(path, {"prod": new_session()})
    text = path.read_text()

    # Everything outside [prod] is byte-for-byte what it was.
    before_prod = EXISTING.split("[prod]")[0]
    after_prod = EXISTING.split("[other]")[1]
    assert text.startswith(before_prod)
    assert text.endswith("[other]" + after_prod)
    assert [s for s in parse(path).sections()] == ["default", "prod", "other"]

    prod = parse(path)["prod"]
    assert prod["aws_access_key_id"] == "ASIANEW"
    assert prod["aws_secret_access_key"] == "newsecret"
    assert prod["aws_session_token"] == "newtoken"
    assert prod["x_security_token_expires"] == "2026-01-01T12:00:00Z"
    assert prod["region"] == "eu-west-1"  # the profile's own keys stay
    assert prod["output"] == "json"
    assert "aws_security_token" not in prod  # a stale legacy token would shadow the new one
    assert "# keep me" in text
    assert "oldsecret" not in text and "legacytoken" not in text
    assert parse(path)["other"]["aws_access_key_id"] == "AKIAOTHER"


def test_new_profiles_are_appended(tmp_path):
    path = tmp_path / "credentials"
    path.write_text(EXISTING)
    write_profiles(path, {"dev": new_session(access_key_id="ASIADEV"), "prod": new_session()})
    parser = parse(path)
    assert parser.sections() == ["default", "prod", "other", "dev"]
    assert parser["dev"]["aws_access_key_id"] == "ASIADEV"


def test_rewriting_is_idempotent(tmp_path):
    path = tmp_path / "credentials"
    path.write_text(EXISTING)
    write_profiles(path, {"prod": new_session()})
    once = path.read_text()
    write_profiles(path, {"prod": new_session()})
    assert path.read_text() == once


def test_a_new_file_is_0600_in_a_0700_folder(tmp_path):
    path = tmp_path / "home" / ".aws" / "credentials"
    write_profiles(path, {"prod": new_session()})
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o777 == 0o700
    assert read_profile(path, "prod")["aws_access_key_id"] == "ASIANEW"
    assert path.read_text().startswith("[prod]\n")


def test_an_existing_world_readable_file_becomes_0600(tmp_path):
    path = tmp_path / "credentials"
    path.write_text(EXISTING)
    path.chmod(0o644)
    write_profiles(path, {"prod": new_session()})
    assert path.stat().st_mode & 0o777 == 0o600


def test_a_symlinked_file_is_written_through_to_its_target(tmp_path):
    target = tmp_path / "dotfiles" / "aws-credentials"
    target.parent.mkdir()
    target.write_text(EXISTING)
    link = tmp_path / ".aws" / "credentials"
    link.parent.mkdir()
    link.symlink_to(target)

    write_profiles(link, {"prod": new_session()})

    assert link.is_symlink(), "the link is kept"
    assert read_profile(target, "prod")["aws_access_key_id"] == "ASIANEW"
    assert read_profile(target, "default")["aws_access_key_id"] == "AKIADEFAULT"
    assert target.stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize(
    "broken",
    [
        "aws_access_key_id = before any section\n[prod]\n",
        "[prod\naws_access_key_id = x\n",
        "[prod]\nthis line has no equals sign\n",
    ],
    ids=["no-section-header", "broken-header", "no-separator"],
)
def test_an_invalid_ini_file_is_refused_with_nothing_written(tmp_path, broken):
    path = tmp_path / "credentials"
    path.write_text(broken)
    before = path.stat()
    with pytest.raises(FileWriteError) as caught:
        write_profiles(path, {"prod": new_session()})
    message = str(caught.value)
    assert str(path) in message
    assert "not a valid INI file" in message and "nothing was written" in message
    assert path.read_text() == broken
    assert path.stat().st_mtime_ns == before.st_mtime_ns
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_a_non_utf8_file_is_refused(tmp_path):
    path = tmp_path / "credentials"
    path.write_bytes(b"[default]\naws_access_key_id = J\xfcrgen\n")
    with pytest.raises(FileWriteError) as caught:
        write_profiles(path, {"prod": new_session()})
    assert "nothing was written" in str(caught.value)
    assert path.read_bytes() == b"[default]\naws_access_key_id = J\xfcrgen\n"


def test_nothing_to_write_leaves_no_file(tmp_path):
    path = tmp_path / "credentials"
    write_profiles(path, {})
    assert not path.exists()


def test_render_without_a_file():
    text = render("", {"a": new_session(), "b": new_session(access_key_id="ASIAB")})
    parser = configparser.RawConfigParser()
    parser.read_string(text)
    assert parser.sections() == ["a", "b"]
    assert text.endswith("\n") and not text.endswith("\n\n")


def _read_only_folder_failure(tmp_path: Path) -> tuple[str, str]:
    """Try the write with the folder read-only; return (error message, file content after)."""
    folder = tmp_path / "aws"
    folder.mkdir()
    path = folder / "credentials"
    path.write_text(EXISTING)
    if os.geteuid() != 0:
        folder.chmod(0o500)
        try:
            with pytest.raises(FileWriteError) as caught:
                write_profiles(path, {"prod": new_session()})
        finally:
            folder.chmod(0o700)
        return str(caught.value), path.read_text()
    # root writes anywhere: make the folder a read-only bind mount in a private mount namespace.
    if shutil.which("unshare") is None or shutil.which("mount") is None:
        pytest.skip("running as root without unshare/mount to make a read-only folder")
    snippet = (
        "import sys\n"
        "from pathlib import Path\n"
        "from datetime import UTC, datetime\n"
        "from tui.core.credentials_file import write_profiles\n"
        "from tui.core.errors import FileWriteError\n"
        "from tui.core.sessions import Session\n"
        "s = Session('prod', 'arn:aws:iam::123456789012:role/Admin',\n"
        "    'arn:aws:iam::123456789012:saml-provider/E', 'prod', 'eu-west-1', 'ASIANEW',\n"
        "    'newsecret', 'newtoken', datetime(2026, 1, 1, tzinfo=UTC))\n"
        "try:\n"
        "    write_profiles(Path(sys.argv[1]), {'prod': s})\n"
        "except FileWriteError as error:\n"
        "    print(error)\n"
        "    sys.exit(3)\n"
    )
    script = (
        f'mount --bind "$1" "$1" && mount -o remount,ro,bind "$1" && '
        f'exec "{sys.executable}" -c "$2" "$1/credentials"'
    )
    result = subprocess.run(
        ["unshare", "--mount", "sh", "-c", script, "sh", str(folder), snippet],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if result.returncode not in (0, 3):
        pytest.skip(f"cannot make a read-only mount here: {result.stderr.strip()[:200]}")
    assert result.returncode == 3, "the write should have failed"
    return result.stdout.strip(), path.read_text()


def test_a_read_only_folder_fails_cleanly_and_keeps_the_old_file(tmp_path):
    message, after = _read_only_folder_failure(tmp_path)
    assert message.startswith("Could not ")
    assert "credentials" in message
    assert "read-only" in message or "permission was denied" in message
    assert "nothing was written" in message or "unchanged" in message
    assert "\n" not in message
    assert after == EXISTING
    assert "newsecret" not in message


def test_a_failed_temp_file_keeps_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "credentials"
    path.write_text(EXISTING)

    def read_only(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(files.tempfile, "mkstemp", read_only)
    with pytest.raises(FileWriteError) as caught:
        write_profiles(path, {"prod": new_session()})
    assert "read-only" in str(caught.value)
    assert path.read_text() == EXISTING


_WRITER = """
import sys, time
from datetime import UTC, datetime
from pathlib import Path
from tui.core.credentials_file import write_profiles
from tui.core.sessions import Session

path, index, start = Path(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
session = Session(
    account=f"a{index}",
    role_arn="arn:aws:iam::123456789012:role/Admin",
    principal_arn="arn:aws:iam::123456789012:saml-provider/E",
    profile=f"p{index}",
    region="eu-west-1",
    access_key_id=f"ASIA{index:016d}",
    secret_access_key=f"secret-{index}",
    session_token=f"token-{index}-" + "x" * 400,
    expiration=datetime(2026, 1, 1, tzinfo=UTC),
)
while time.time() < start:  # every writer starts at the same moment
    time.sleep(0.001)
write_profiles(path, {f"p{index}": session})
"""


def _check_all_profiles(path: Path, count: int, others: tuple[str, ...] = ()) -> None:
    parser = parse(path)
    assert sorted(parser.sections()) == sorted([*others, *(f"p{i}" for i in range(count))])
    for index in range(count):
        profile = parser[f"p{index}"]
        assert profile["aws_access_key_id"] == f"ASIA{index:016d}"
        assert profile["aws_secret_access_key"] == f"secret-{index}"
        assert profile["aws_session_token"] == f"token-{index}-" + "x" * 400
    assert path.stat().st_mode & 0o777 == 0o600
    leftovers = [p.name for p in path.parent.iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []


def test_twenty_processes_writing_at_once_lose_nothing(tmp_path):
    path = tmp_path / ".aws" / "credentials"
    path.parent.mkdir()
    path.write_text("[default]\naws_access_key_id = AKIADEFAULT\n")
    start = time.time() + 1.5
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _WRITER, str(path), str(index), str(start)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for index in range(20)
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err.decode()
    _check_all_profiles(path, 20, others=("default",))
    assert parse(path)["default"]["aws_access_key_id"] == "AKIADEFAULT"


def test_twenty_threads_writing_at_once_lose_nothing(tmp_path):
    path = tmp_path / "credentials"
    barrier = threading.Barrier(20)
    errors: list[BaseException] = []

    def work(index: int) -> None:
        s = session(
            profile=f"p{index}",
            access_key_id=f"ASIA{index:016d}",
            secret_access_key=f"secret-{index}",
            session_token=f"token-{index}-" + "x" * 400,
        )
        barrier.wait()
        try:
            write_profiles(path, {f"p{index}": s})
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    _check_all_profiles(path, 20)


@pytest.mark.skipif(not AWS.exists(), reason="the AWS CLI is not installed in this environment")
def test_the_aws_cli_reads_what_we_wrote(tmp_path):
    path = tmp_path / "credentials"
    path.write_text(EXISTING)
    write_profiles(
        path,
        {
            "prod": new_session(),
            "p7": new_session(access_key_id="ASIASEVEN", session_token="FwoG+/token=="),
        },
    )
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "AWS_SHARED_CREDENTIALS_FILE": str(path),
        "AWS_CONFIG_FILE": str(tmp_path / "no-config"),
    }

    def get(key: str, profile: str) -> str:
        result = subprocess.run(
            [str(AWS), "configure", "get", key, "--profile", profile],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout.strip()

    assert get("aws_access_key_id", "prod") == "ASIANEW"
    assert get("aws_session_token", "prod") == "newtoken"
    assert get("aws_access_key_id", "p7") == "ASIASEVEN"
    assert get("aws_session_token", "p7") == "FwoG+/token=="
    assert get("aws_access_key_id", "default") == "AKIADEFAULT"


def test_remove_profiles_takes_out_only_our_keys_and_keeps_the_rest(tmp_path):
    from tui.core.credentials_file import remove_profiles

    path = tmp_path / "credentials"
    path.write_text(
        "[other]\naws_access_key_id = AKIAOTHER\n\n"
        "[ours]\naws_access_key_id = ASIAOURS\naws_secret_access_key = s\nregion = eu-west-1\noutput = json\n\n"
        "[gone]\naws_access_key_id = ASIAGONE\naws_session_token = t\n\n"
        "[changed]\naws_access_key_id = AKIASOMEONE\n"
    )
    owned = {"ours": {"ASIAOURS"}, "gone": {"ASIAGONE"}, "changed": {"ASIAMINE"}}
    assert remove_profiles(path, owned) == ["ours", "gone"]
    assert path.read_text() == (
        "[other]\naws_access_key_id = AKIAOTHER\n\n[ours]\noutput = json\n\n"
        "[changed]\naws_access_key_id = AKIASOMEONE\n"
    )
    assert remove_profiles(path, owned) == []
