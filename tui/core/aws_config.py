"""`~/.aws/config` profiles that call `entra-aws credential-process`, one per role.

A small line editor, not an INI round-trip: every line entra-aws did not write stays byte for byte
as it was (comments, blank lines, line endings, other profiles, their order). A section is ours when
the line after its header is our marker (`# managed by entra-aws: account NAME`), so a run for one
account updates and removes only that account's sections. A file whose lines botocore would not
read (not a section, key = value, comment or continuation; a profile we would write given twice)
is refused with the file and line, and nothing is changed.
"""

from __future__ import annotations

import configparser
import os
import re
import shlex
import shutil
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tui.core.config import Account, Config
from tui.core.errors import EntraAwsError, FileWriteError
from tui.core.files import atomic_write, locked
from tui.core.paths import default_config_path
from tui.core.profile_names import profile_names
from tui.core.roles import Role

MARKER = "# managed by entra-aws"
_MARKER_RE = re.compile(r"^\s*#\s*managed by entra-aws(?::\s*account\s+(?P<account>\S+))?\s*$")
_LINE_RE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
_HEADER_RE = re.compile(r"^\s*\[(?P<name>[^\r\n]+)\](?P<rest>[^\]]*)$")
_KEY_RE = re.compile(r"^\s*[^\s=:#;\[][^=:]*[=:]")


class ConfigFileError(EntraAwsError):
    """The AWS config file cannot be read or edited safely; nothing was changed."""


def config_file_path() -> Path:
    """Where the AWS CLI and SDKs read profiles: $AWS_CONFIG_FILE, else ~/.aws/config."""
    given = os.environ.get("AWS_CONFIG_FILE")
    return Path(given).expanduser() if given else Path("~/.aws/config").expanduser()


def entra_aws_command() -> str:
    """The absolute path of the installed `entra-aws` script: beside this Python, else on PATH."""
    folder = Path(sys.executable).parent  # a venv's bin/, not the interpreter it links to
    for name in ("entra-aws", "entra-aws.exe"):
        candidate = folder / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return os.path.abspath(candidate)
    found = shutil.which("entra-aws")
    if found:
        return os.path.abspath(found)
    raise EntraAwsError(
        "Could not find the entra-aws command beside this Python or on PATH; install it "
        "(pipx install entra-aws-tui) so the AWS CLI can run it."
    )


def process_command(config: Config) -> list[str]:
    """How a profile runs entra-aws: its absolute path, and `--config` for a config that is not
    the default one (the AWS CLI's environment may not carry ours)."""
    command = [entra_aws_command()]
    if config.path.expanduser().absolute() != default_config_path().absolute():
        command += ["--config", str(config.path.expanduser().absolute())]
    return command


@dataclass(frozen=True)
class Wanted:
    """One profile `profiles` writes: its name, whose it is, and its key lines."""

    name: str
    account: str
    role: Role
    keys: tuple[tuple[str, str], ...]

    def lines(self, newline: str) -> list[str]:
        header = [f"[profile {self.name}]", f"{MARKER}: account {self.account}"]
        return [line + newline for line in header + [f"{k} = {v}" for k, v in self.keys]]


def wanted_profiles(
    config: Config,
    account: Account,
    offered: Sequence[Role],
    command: Sequence[str],
) -> list[Wanted]:
    """The profiles for every role `account`'s last sign-in offered; `command` runs entra-aws
    (its absolute path, and `--config PATH` when the config is not the default one)."""
    names = profile_names(account, offered, offered, config.settings.profile_template)
    wanted = []
    for role in sorted(offered, key=lambda r: names[r]):
        process = shlex.join(
            [*command, "credential-process", account.name, "--role", role.role_arn]
        )
        keys = (("credential_process", process), ("region", account.region))
        wanted.append(Wanted(names[role], account.name, role, keys))
    return wanted


@dataclass
class _Section:
    name: str  # the header's text between the brackets, trimmed
    start: int  # index of the header line
    end: int  # index after its last line
    owner: str | None  # the account in our marker, "" for a marker naming none, None: not ours

    @property
    def profile(self) -> str | None:
        parts = self.name.split(None, 1)
        if len(parts) == 2 and parts[0] == "profile":
            return parts[1].strip()
        return None


@dataclass
class Plan:
    """What a run changes: the new text, and the profile names written, removed, kept and the
    user's own sections that hold a name we would write (left alone)."""

    text: str
    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    theirs: list[tuple[str, int]] = field(default_factory=list)
    profiles: dict[str, Wanted] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return bool(self.written or self.removed)

    def summary(self, path: Path) -> str:
        """One sentence for a toast or a status line."""
        theirs = f"; {len(self.theirs)} of yours by the same name left alone" if self.theirs else ""
        if not self.changed:
            count = len(self.unchanged)
            return f"{path} is up to date ({count} profile{'s' * (count != 1)}){theirs}."
        parts = [f"wrote {len(self.written)} profile{'s' * (len(self.written) != 1)}"]
        if self.removed:
            parts.append(f"removed {len(self.removed)}")
        return f"{path}: {', '.join(parts)}{theirs}."


def _split(text: str) -> list[str]:
    return _LINE_RE.findall(text)


def _sections(lines: list[str], path: Path) -> list[_Section]:
    """The file's sections; a line botocore's reader would trip over is refused."""
    sections: list[_Section] = []
    has_key = False
    for number, raw in enumerate(lines):
        line = raw.rstrip("\r\n")
        if number == 0:
            line = line.lstrip("\ufeff")
        stripped = line.strip()
        if not stripped or stripped[0] in "#;":
            continue
        header = _HEADER_RE.match(line) if not line[0].isspace() else None
        if header and (not header["rest"].strip() or header["rest"].strip()[0] in "#;"):
            if sections:
                sections[-1].end = number
            owner = None
            if number + 1 < len(lines):
                marker = _MARKER_RE.match(lines[number + 1].rstrip("\r\n"))
                owner = (marker["account"] or "") if marker else None
            sections.append(_Section(header["name"].strip(), number, len(lines), owner))
            has_key = False
            continue
        if sections and line[0].isspace() and has_key:
            continue  # a continuation (or a nested key such as s3's) of the key above
        if sections and _KEY_RE.match(line):
            has_key = True
            continue
        what = "before any [section] header" if not sections else "in its section"
        raise ConfigFileError(
            f"{path} line {number + 1} is not a [section], a key = value, a comment or a "
            f"continuation ({what}); fix that line by hand, nothing was changed."
        )
    return sections


def _newline(lines: list[str]) -> str:
    for line in lines:
        if line.endswith("\r\n"):
            return "\r\n"
        if line.endswith(("\n", "\r")):
            return line[-1]
    return "\n"


def _body(lines: list[str]) -> list[str]:
    """A section's lines without the blank lines that end it (they separate it from the next)."""
    body = list(lines)
    while body and not body[-1].strip():
        body.pop()
    return body


def plan(text: str, path: Path, wanted: Sequence[Wanted], accounts: Iterable[str]) -> Plan:
    """The file `text` with `wanted` written and the other sections of `accounts` that we wrote
    removed; raises ConfigFileError (naming `path` and the line) for a file we must not touch."""
    lines = _split(text)
    sections = _sections(lines, path)
    by_name = {w.name: w for w in wanted}
    owners = set(accounts)
    seen: dict[str, int] = {}
    for section in sections:
        name = section.profile
        if name is None:
            continue
        if name in seen and (name in by_name or section.owner is not None):
            raise ConfigFileError(
                f"{path} line {section.start + 1} repeats [profile {name}] (first at line "
                f"{seen[name] + 1}), which the AWS CLI refuses; remove one by hand, nothing "
                "was changed."
            )
        seen.setdefault(name, section.start)
    newline = _newline(lines)
    result = Plan(text="", profiles=dict(by_name))
    out: list[str] = []
    cursor = 0
    done: set[str] = set()
    for section in sections:
        name = section.profile
        ours = section.owner is not None
        if name is None or (not ours and name not in by_name):
            continue
        other = ours and section.owner not in owners and name in by_name and section.owner != ""
        if not ours or other:  # the user's (or another account's) profile by our name: it stays
            result.theirs.append((name, section.start + 1))
            done.add(name)
            continue
        block = lines[section.start : section.end]
        if name in by_name and name not in done:
            new = by_name[name].lines(newline)
            body = _body(block)
            if [line.rstrip("\r\n") for line in body] == [line.rstrip("\r\n") for line in new]:
                result.unchanged.append(name)
                done.add(name)
                continue
            out.extend(lines[cursor : section.start])
            tail = block[len(body) :]
            if body and not body[-1].endswith(("\n", "\r")):  # the file's last line
                tail = [newline]
            out.extend(new + tail)
            cursor = section.end
            result.written.append(name)
            done.add(name)
        elif section.owner in owners or section.owner == "":
            out.extend(lines[cursor : section.start])
            cursor = section.end
            result.removed.append(name)
    out.extend(lines[cursor:])
    missing = [w for w in wanted if w.name not in done]
    if missing:
        if out and not out[-1].endswith(("\n", "\r")):
            out[-1] += newline
        if out and out[-1].strip():
            out.append(newline)
        for number, item in enumerate(missing):
            if number:
                out.append(newline)
            out.extend(item.lines(newline))
            result.written.append(item.name)
    result.text = "".join(out)
    return result


def _verify(result: Plan, wanted: Sequence[Wanted], path: Path) -> None:
    """Read the new text as botocore would and check that each written profile says what we meant."""
    parser = configparser.RawConfigParser(strict=False)
    try:
        parser.read_string(result.text, source=str(path))
    except configparser.Error:
        raise ConfigFileError(
            f"{path} is laid out in a way entra-aws cannot update safely; nothing was changed."
        ) from None
    theirs = {name for name, _ in result.theirs}
    for item in wanted:
        if item.name in theirs:
            continue
        section = f"profile {item.name}"
        for key, value in item.keys:
            if parser.get(section, key, fallback=None) != value:
                raise ConfigFileError(
                    f"{path} did not read back [profile {item.name}] as written; nothing was "
                    "changed, so tidy the file by hand."
                )


def _read(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        return ""
    except UnicodeDecodeError:
        raise ConfigFileError(
            f"{path} is not UTF-8 text; save it as UTF-8, nothing was changed."
        ) from None
    except OSError as exc:
        raise ConfigFileError(
            f"Could not read {path} ({exc.strerror}); nothing was changed."
        ) from None


def update(
    path: Path, wanted: Sequence[Wanted], accounts: Iterable[str], *, dry_run: bool = False
) -> Plan:
    """Write `wanted` into the AWS config file at `path` (atomically, its mode kept, 0600 when
    new, under the same kind of lock as the credentials file); `dry_run` writes nothing."""
    owners = list(accounts)
    if dry_run:
        result = plan(_read(path), path, wanted, owners)
        _verify(result, wanted, path)
        return result
    with locked(path):
        result = plan(_read(path), path, wanted, owners)
        _verify(result, wanted, path)
        if result.changed:
            try:
                mode = path.stat().st_mode & 0o777
            except FileNotFoundError:
                mode = 0o600
            except OSError as exc:
                raise FileWriteError(f"Could not read {path}: {exc.strerror}.") from None
            atomic_write(path, result.text, mode=mode)
    return result


def write_profiles_for(
    config: Config,
    offered: Sequence[tuple[Account, Sequence[Role]]],
    *,
    path: Path | None = None,
    dry_run: bool = False,
) -> Plan:
    """Write a profile for every role each account offered, and remove those accounts' profiles
    of roles that are gone, in `path` (the AWS config file by default)."""
    command = process_command(config)
    wanted = [
        w for account, roles in offered for w in wanted_profiles(config, account, roles, command)
    ]
    first: dict[str, Wanted] = {}
    for item in wanted:
        clash = first.setdefault(item.name, item)
        if clash is not item:
            raise EntraAwsError(
                f"profile_template gives {clash.account}:{clash.role.name} and "
                f"{item.account}:{item.role.name} the same profile name {item.name}; add "
                "{account} or {account_id} to it."
            )
    accounts = [account.name for account, _ in offered]
    return update(path or config_file_path(), wanted, accounts, dry_run=dry_run)
