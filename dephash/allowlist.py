"""Allowlists: packages (or exact versions) a check lets pass on purpose.

One entry a line: ``name`` (any version) or ``name==version`` (exactly that
version; once it moves, the entry no longer applies), optionally followed by
``# reason``.  Blank lines and comment lines are ignored.  ``#`` starts a
comment at the start of a line or after white space, as in requirements files.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from dephash.diff import same_version
from dephash.errors import InputError
from dephash.files import display_path, read_text

# PEP 508 project names.
NAME = r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?"
_ENTRY = re.compile(rf"(?P<name>{NAME})(?:\s*==\s*(?P<version>\S+))?")
_COMMENT = re.compile(r"(?:^|\s)#(?P<reason>.*)$")
EXPECTED = "expected NAME or NAME==VERSION, optionally followed by '# reason'"


@dataclass(frozen=True)
class AllowEntry:
    """One allowlist entry: a package (any version) or exactly ``name==version``.

    ``where`` says where it was written (``allow.txt:3``, or ``--ignore``).
    """

    name: str
    version: str | None = None
    reason: str = ""
    where: str = ""

    @property
    def text(self) -> str:
        """The entry as written in an allowlist: ``name`` or ``name==version``."""
        return self.name if self.version is None else f"{self.name}=={self.version}"


def allowlist_lines(text: str) -> Iterator[tuple[int, str, str, str]]:
    """``(line number, entry, reason, whole line)`` for every entry of an allowlist.

    The format every allowlist shares (package names here, vulnerability ids for
    ``check --vulns``): one entry a line, optionally followed by ``# reason``.
    """
    for lineno, line in enumerate(text.splitlines(), start=1):
        entry, reason = line, ""
        comment = _COMMENT.search(line)
        if comment is not None:
            entry, reason = line[: comment.start()], comment.group("reason").strip()
        entry = entry.strip()
        if entry:
            yield lineno, entry, reason, line.strip()


def read_allowlist_text(path: str | os.PathLike[str]) -> tuple[str, str]:
    """``(the file's name as shown, its text)``; an unreadable file is an InputError."""
    shown = display_path(path)
    return shown, read_text(path, shown, "allowlist", encoding="utf-8-sig")


def parse_allowlist(text: str, source: str) -> tuple[AllowEntry, ...]:
    """The entries of an allowlist's ``text``; ``source`` names it in messages.

    Raises :class:`InputError` quoting the first malformed line.
    """
    entries = []
    for lineno, entry, reason, line in allowlist_lines(text):
        where = f"{source}:{lineno}"
        match = _ENTRY.fullmatch(entry)
        if match is None:
            raise InputError(f"{where}: not an allowlist entry: {line!r} ({EXPECTED})")
        version = match.group("version")
        if version is not None:
            try:
                version = str(Version(version))
            except InvalidVersion:
                raise InputError(
                    f"{where}: not a valid version in allowlist entry: {line!r}"
                ) from None
        entries.append(AllowEntry(canonicalize_name(match.group("name")), version, reason, where))
    return tuple(entries)


def read_allowlist(path: str | os.PathLike[str]) -> tuple[AllowEntry, ...]:
    """The entries of the allowlist file at ``path`` (UTF-8)."""
    shown, text = read_allowlist_text(path)
    return parse_allowlist(text, shown)


def ignore_entries(names: Iterable[str], where: str = "--ignore") -> tuple[AllowEntry, ...]:
    """Entries for one-off names given on the command line (any version)."""
    entries = []
    for name in names:
        if re.fullmatch(NAME, name) is None:
            raise InputError(f"{where} {name!r}: not a project name")
        entries.append(AllowEntry(canonicalize_name(name), None, "", where))
    return tuple(entries)


def format_entry(entry: AllowEntry) -> str:
    """The entry as an allowlist line (the inverse of :func:`parse_allowlist`)."""
    return f"{entry.text}  # {entry.reason}" if entry.reason else entry.text


def matching_entry(entries: Sequence[AllowEntry], name: str, version: str) -> AllowEntry | None:
    """The first entry that allows ``name`` at ``version``, if any."""
    wanted = canonicalize_name(name)
    for entry in entries:
        if entry.name == wanted and (entry.version is None or same_version(entry.version, version)):
            return entry
    return None
