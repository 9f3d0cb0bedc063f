"""Writing profiles into the shared credentials file (`~/.aws/credentials`).

Only our profiles' key lines change: other profiles, their keys, comments and order are kept.
The result is checked with configparser before it replaces the file (atomically, 0600, under a
lock), so many concurrent writers never lose or tear a profile.
"""

from __future__ import annotations

import configparser
import re
from collections.abc import Collection, Mapping
from pathlib import Path

from tui.core.errors import FileWriteError
from tui.core.files import atomic_write, locked
from tui.core.sessions import Session
from tui.core.timeutil import rfc3339

# A section header as configparser (and so botocore) reads one: the name is everything between the
# first "[" and the last "]", spaces included ("[ prod ]" is not the profile "prod").
_HEADER = re.compile(r"^\s*\[(.+)\]")
_NEWLINE = re.compile(r"\r\n|\r|\n")  # what a file opened in text mode splits on; not \f, \x85...
_KEY = re.compile(r"^\s*([^=:#;\s][^=:]*?)\s*[=:]")
# Keys we own in a profile; a stale legacy token key would shadow the new session, so it goes too.
_MANAGED = (
    "aws_access_key_id",
    "aws_secret_access_key",
    "aws_session_token",
    "x_security_token_expires",
    "region",
)
_REMOVED = ("aws_security_token",)


def _profile_lines(session: Session) -> list[str]:
    return [
        f"aws_access_key_id = {session.access_key_id}",
        f"aws_secret_access_key = {session.secret_access_key}",
        f"aws_session_token = {session.session_token}",
        f"x_security_token_expires = {rfc3339(session.expiration)}",
        *([f"region = {session.region}"] if session.region else []),
    ]


def _sections(lines: list[str]) -> list[tuple[str | None, list[str]]]:
    """Split into (section name, lines) blocks; the first block holds lines before any header."""
    blocks: list[tuple[str | None, list[str]]] = [(None, [])]
    for line in lines:
        match = _HEADER.match(line)
        if match:
            blocks.append((match.group(1), [line]))
        else:
            blocks[-1][1].append(line)
    return blocks


def _unmanaged(lines: list[str]) -> list[str]:
    kept = []
    for line in lines:
        key = _KEY.match(line)
        if key and key.group(1).strip().lower() in _MANAGED + _REMOVED:
            continue
        kept.append(line)
    return kept


def _rewrite_block(block: list[str], session: Session) -> list[str]:
    header, body = block[0], block[1:]
    kept = _unmanaged(body)
    while kept and not kept[-1].strip():
        kept.pop()
    return [header, *_profile_lines(session), *kept, ""]


def render(text: str, profiles: Mapping[str, Session]) -> str:
    """The credentials file `text` with each profile in `profiles` set to its session."""
    lines = _NEWLINE.split(text)
    if not lines[-1]:
        lines.pop()  # the text's final line break (or an empty text)
    blocks = _sections(lines)
    done: set[str] = set()
    out: list[str] = []
    for name, block in blocks:
        if name is not None and name in profiles and name not in done:
            out.extend(_rewrite_block(block, profiles[name]))
            done.add(name)
        elif name is not None and name in done:
            # The same profile again further down: its stale keys would win over ours.
            out.extend(block[:1] + _unmanaged(block[1:]))
        else:
            out.extend(block)
    for name, session in profiles.items():
        if name not in done:
            if out and out[-1].strip():
                out.append("")
            out.extend([f"[{name}]", *_profile_lines(session), ""])
    while out and not out[-1].strip():
        out.pop()
    return "\n".join(out) + "\n"


def _check(text: str, path: Path) -> configparser.RawConfigParser:
    parser = configparser.RawConfigParser(strict=False)
    try:
        parser.read_string(text, source=str(path))
    except configparser.Error as exc:
        line = getattr(exc, "lineno", None)
        where = f" near line {line}" if line else ""
        raise FileWriteError(
            f"{path} is not a valid INI file{where}; fix it by hand (nothing was written) "
            "or use --no-write."
        ) from None
    return parser


def _strictly_valid(text: str) -> bool:
    """botocore reads the file with a strict parser (no repeated sections or keys)."""
    try:
        configparser.RawConfigParser().read_string(text)
    except configparser.Error:
        return False
    return True


def _verify(current: str, updated: str, profiles: Mapping[str, Session], path: Path) -> None:
    """The update changed our profiles' keys and nothing else, as an INI reader sees it: a layout
    our line editing reads differently from configparser (continuation lines, odd headers) is
    refused rather than written wrong."""
    before, after = _check(current, path), _check(updated, path)
    changed = set(after.sections()) != set(before.sections()) | set(profiles)
    changed = changed or after.defaults() != before.defaults()
    for name in before.sections():
        if not changed and name not in profiles:
            changed = dict(before.items(name)) != dict(after.items(name))
    for name, session in profiles.items():
        if not changed:
            lines = (line.split(" = ", 1) for line in _profile_lines(session))
            changed = any(after.get(name, key, fallback=None) != value for key, value in lines)
    if not changed and _strictly_valid(current) and not _strictly_valid(updated):
        changed = True
    if changed:
        raise FileWriteError(
            f"{path} is laid out in a way entra-aws cannot update safely (indented or unusual "
            "section lines?); nothing was written, so tidy it by hand or use --no-write."
        )


def write_profiles(path: Path, profiles: Mapping[str, Session]) -> None:
    """Set each profile in `profiles` in the credentials file at `path`."""
    if not profiles:
        return
    reserved = configparser.DEFAULTSECT
    if reserved in profiles:
        raise FileWriteError(
            f"A profile cannot be named {reserved}: in {path} that section's keys would apply to "
            "every profile; nothing was written, so choose another profile name."
        )
    with locked(path):
        try:
            current = path.read_text(encoding="utf-8") if path.exists() else ""
        except (OSError, UnicodeDecodeError) as exc:
            reason = getattr(exc, "strerror", None) or "it is not UTF-8 text"
            raise FileWriteError(
                f"Could not read {path} ({reason}); nothing was written."
            ) from None
        updated = render(current, profiles)
        _verify(current, updated, profiles, path)  # refuses an invalid file first
        atomic_write(path, updated)


def read_profile(path: Path, profile: str) -> dict[str, str]:
    """The keys of one profile (for tests and for the TUI's "written" marker)."""
    parser = configparser.RawConfigParser(strict=False)
    try:
        parser.read(path, encoding="utf-8")
    except (configparser.Error, UnicodeDecodeError):
        return {}
    return dict(parser[profile]) if parser.has_section(profile) else {}


def _key_value(lines: list[str], wanted: str) -> str | None:
    for line in lines:
        key = _KEY.match(line)
        if key and key.group(1).strip().lower() == wanted:
            return line[key.end() :].strip()
    return None


def _without(text: str, owned: Mapping[str, Collection[str]]) -> tuple[str, list[str]]:
    """`text` without our keys in each profile of `owned` whose access key is still ours; a
    profile left with nothing else goes entirely. Returns the text and the profiles changed."""
    lines = _NEWLINE.split(text)
    if not lines[-1]:
        lines.pop()
    out: list[str] = []
    removed: list[str] = []
    for name, block in _sections(lines):
        body = block[1:]
        if name is None or _key_value(body, "aws_access_key_id") not in owned.get(name, ()):
            out.extend(block)
            continue
        removed.append(name)
        kept = _unmanaged(body)
        if any(line.strip() and not line.lstrip().startswith(("#", ";")) for line in kept):
            out.extend([block[0], *kept])
    while out and not out[-1].strip():
        out.pop()
    return ("\n".join(out) + "\n" if out else ""), removed


def remove_profiles(path: Path, owned: Mapping[str, Collection[str]]) -> list[str]:
    """Take out the profiles we wrote: `owned` maps a profile to the access key ids we may have written there.

    A profile whose key someone changed since is left alone. Returns the profiles removed.
    """
    if not owned or not path.exists():
        return []
    with locked(path):
        try:
            current = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            reason = getattr(exc, "strerror", None) or "it is not UTF-8 text"
            raise FileWriteError(
                f"Could not read {path} ({reason}); no profile was removed."
            ) from None
        updated, removed = _without(current, owned)
        if not removed:
            return []
        before, after = _check(current, path), _check(updated, path)
        untouched = [n for n in before.sections() if n not in removed]
        kept = set(untouched) <= set(after.sections())
        if not kept or any(dict(before.items(n)) != dict(after.items(n)) for n in untouched):
            raise FileWriteError(
                f"{path} is laid out in a way entra-aws cannot update safely; no profile was "
                "removed, so tidy it by hand."
            )
        atomic_write(path, updated)
    return removed
