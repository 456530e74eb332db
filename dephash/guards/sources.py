"""Dependency confusion: one project name that two sources (indexes, find-links locations)
serve with different files.

pip treats every index alike: whoever publishes a private package's name on another index
gets a say in what is installed. With more than one source in use, each pinned name is
looked up on all of them; the pinned release must be the same files everywhere the name is
served (a mirror), unless ``--index-for NAME=URL`` says where it comes from.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from packaging.utils import canonicalize_name

from dephash.distributions import file_version
from dephash.errors import InputError
from dephash.index.files import distinct_files, files_for_version
from dephash.model import DistFile
from dephash.redact import redact

# The annotation a requirements file gives a package assigned to one index.
ANNOTATION = "from"
_ANNOTATED = re.compile(rf"^\s+# {ANNOTATION} (.+?)\s*$")
_REQUIREMENT_START = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:==|@|\[|;|\s|$)")


@dataclass(frozen=True)
class Source:
    """One index or find-links location, and what it serves for one pinned release:
    ``files`` of that version, ``None`` when it does not serve the project's name at all."""

    location: str
    files: tuple[DistFile, ...] | None
    # An index (a simple-API URL); else a find-links location.
    index: bool = True


@dataclass(frozen=True)
class Confusion:
    """A pinned release two sources serve differently."""

    name: str
    version: str
    first: Source
    second: Source

    def differs(self) -> str:
        """Where it differs, and what each serves."""
        names = _names(self.first)
        if names and names == _names(self.second):
            return (
                f"served by {redact(self.first.location)} and {redact(self.second.location)} "
                f"as files of the same names with other contents ({names})"
            )
        return f"served differently by {_shown(self.first)} and {_shown(self.second)}"

    def describe(self) -> str:
        """The release, where it differs, and what each serves."""
        return f"{self.name}=={self.version} is {self.differs()}"


def _names(source: Source) -> str:
    return ", ".join(sorted({item.filename for item in source.files or ()}))


def _shown(source: Source) -> str:
    return f"{redact(source.location)} ({_names(source) or 'no file of this version'})"


def same_location(first: str, second: str) -> bool:
    """Whether two index URLs or locations name the same place (credentials and a trailing
    slash aside)."""
    return redact(first).rstrip("/") == redact(second).rstrip("/")


# Each find-links location, and its archives by canonical project name.
Links = list[tuple[str, dict[str, list[DistFile]]]]


def by_project(links: Iterable[tuple[str, Sequence[DistFile]]]) -> Links:
    """Each find-links location's archives grouped by project, names parsed once."""
    grouped: Links = []
    for location, files in links:
        projects: dict[str, list[DistFile]] = {}
        for item in files:
            parsed = file_version(item.filename)
            if parsed is not None:
                projects.setdefault(parsed[0], []).append(item)
        grouped.append((location, projects))
    return grouped


def project_sources(
    name: str,
    version: str,
    pages: Iterable[tuple[str, Sequence[DistFile] | None]],
    links: Links,
) -> list[Source]:
    """Every source's files of ``name==version``: each index's page (``None``: it lacks the
    project), then each find-links location's files (it serves the name if it has any)."""
    sources = [
        Source(url, None if files is None else _release(files, name, version))
        for url, files in pages
    ]
    wanted = canonicalize_name(name)
    for location, projects in links:
        own = projects.get(wanted)
        sources.append(Source(location, _release(own, name, version) if own else None, False))
    return sources


def _release(files: Sequence[DistFile], name: str, version: str) -> tuple[DistFile, ...]:
    return tuple(distinct_files(files_for_version(files, name, version)))


def _same_content(first: DistFile, second: DistFile, digest: Callable[[DistFile], str]) -> bool:
    """Two files of one name hold the same bytes: the digests both publish agree (``digest``
    computes one where they publish none in common: a find-links folder publishes none)."""
    theirs = dict(second.hashes)
    shared = [(algorithm, value) for algorithm, value in first.hashes if algorithm in theirs]
    if shared:
        return all(theirs[algorithm] == value for algorithm, value in shared)
    return digest(first) == digest(second)


def _same_release(first: Source, second: Source, digest: Callable[[DistFile], str]) -> bool:
    ours, theirs = first.files or (), second.files or ()
    if sorted(item.filename for item in ours) != sorted(item.filename for item in theirs):
        return False
    by_name = {item.filename: item for item in theirs}
    return all(_same_content(item, by_name[item.filename], digest) for item in ours)


def confusion(
    name: str, version: str, sources: Sequence[Source], digest: Callable[[DistFile], str]
) -> Confusion | None:
    """The first two sources serving ``name`` that differ on ``name==version``, if any: other
    files, or the version on one only."""
    serving = [source for source in sources if source.files is not None]
    for other in serving[1:]:
        if not _same_release(serving[0], other, digest):
            return Confusion(name, version, serving[0], other)
    return None


def assigned_source(
    name: str, location: str, sources: Sequence[Source], option: str = "--index-for"
) -> Source:
    """The source ``location`` names among those in use; an error if it is none of them."""
    for source in sources:
        if same_location(source.location, location):
            return source
    in_use = ", ".join(redact(source.location) for source in sources) or "none"
    raise InputError(
        f"{option} {name}={redact(location)}: not an index or find-links location in use "
        f"(in use: {in_use})"
    )


def index_for(assignments: Sequence[tuple[str, str]]) -> dict[str, str]:
    """``--index-for`` pairs as canonical name -> location (the last one given wins)."""
    return {canonicalize_name(name): location for name, location in assignments}


def recorded_assignments(text: str) -> dict[str, str]:
    """The ``# from LOCATION`` annotations of a pinned requirements file, by canonical name:
    the index each package was assigned to when it was made."""
    found: dict[str, str] = {}
    current: str | None = None
    for line in text.splitlines():
        start = _REQUIREMENT_START.match(line)
        if start:
            current = canonicalize_name(start.group(1))
            continue
        annotated = _ANNOTATED.match(line)
        if annotated and current is not None:
            found[current] = annotated.group(1)
    return found


def conflicts_message(found: Sequence[Confusion]) -> str:
    """gen's refusal: the first confusion, how to resolve it, and how many more there are."""
    first = found[0]
    more = found[1:]
    also = f" (also: {', '.join(c.name for c in more)})" if more else ""
    return (
        f"dependency confusion: {first.describe()}{also}; say where it comes from with "
        f"--index-for {first.name}=URL, or stop using the index that should not serve it"
    )
