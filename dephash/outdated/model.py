"""What ``dephash outdated`` is asked, and what it reports: frozen data, no behaviour."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from dephash.allowlist import AllowEntry
from dephash.options import IndexOptions


@dataclass(frozen=True)
class OutdatedOptions:
    """Everything ``dephash outdated`` was asked to do."""

    path: str
    index: IndexOptions = field(default_factory=IndexOptions)
    pre: bool = False
    python_version: str | None = None
    allowlist: tuple[AllowEntry, ...] = ()
    jobs: int = 8
    timeout: float | None = None
    retries: int | None = None


@dataclass(frozen=True)
class OutdatedPackage:
    """A package whose version is behind the index's latest.

    ``latest_filetype`` is ``wheel`` or ``sdist``; ``where`` lists the lines
    that pin it (empty for a virtualenv).
    """

    name: str
    current: str
    latest: str
    latest_filetype: str | None = None
    where: tuple[str, ...] = ()


@dataclass(frozen=True)
class AllowedPackage:
    """An outdated package the allowlist lets stay, and the entry that does."""

    package: OutdatedPackage
    entry: AllowEntry


@dataclass(frozen=True)
class StaleEntry:
    """An allowlist entry that matches nothing outdated, and why."""

    entry: AllowEntry
    detail: str


@dataclass(frozen=True)
class SkippedLine:
    """A requirement line that was not checked, and why (unpinned, marker, URL...)."""

    where: str
    text: str
    reason: str
    warn: bool = True


class PathKind(str, Enum):
    """What ``dephash outdated`` was pointed at."""

    VIRTUALENV = "virtualenv"
    REQUIREMENTS = "requirements"
    PYLOCK = "pylock"


@dataclass(frozen=True)
class OutdatedReport:
    """What ``dephash outdated`` found in one virtualenv or requirements file.

    ``ahead`` holds pins newer than the index's latest (a pre-release pinned,
    a release only on some other index); ``missing`` the projects no index
    or find-links location has (those an allowlist ignores are left out).
    """

    path: str
    kind: PathKind
    outdated: tuple[OutdatedPackage, ...] = ()
    allowed: tuple[AllowedPackage, ...] = ()
    stale: tuple[StaleEntry, ...] = ()
    skipped: tuple[SkippedLine, ...] = ()
    ahead: tuple[OutdatedPackage, ...] = ()
    missing: tuple[str, ...] = ()
    searched: tuple[str, ...] = ()
