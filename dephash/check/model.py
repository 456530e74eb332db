"""What ``dephash check`` is asked, and what it finds: frozen data, no behaviour."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from dephash.options import IndexOptions, ResolverOptions, Selection


class Severity(str, Enum):
    """How much a finding of ``dephash check`` matters: errors fail the run."""

    ERROR = "error"
    WARNING = "warning"


class FindingKind(str, Enum):
    """What ``dephash check`` found wrong with a pinned file."""

    UNHASHABLE = "unhashable"
    UNPINNED = "unpinned"
    MISSING_HASH = "missing-hash"
    BAD_HASH = "bad-hash"
    DUPLICATE = "duplicate"
    NOT_FOUND = "not-found"
    HASH_MISMATCH = "hash-mismatch"
    SIZE_MISMATCH = "size-mismatch"
    UNCOVERED_FILE = "uncovered-file"
    YANKED = "yanked"
    CONFUSION = "confusion"
    UPLOADED_LATE = "uploaded-late"
    UNSATISFIED = "unsatisfied"
    CHANGED = "changed"
    MISSING = "missing"
    UNNEEDED = "unneeded"
    NOT_PORTABLE = "not-portable"
    METADATA_MISMATCH = "metadata-mismatch"
    VULNERABLE = "vulnerable"


@dataclass(frozen=True)
class Vulnerability:
    """One known vulnerability of a release, as a PyPI-style JSON API reports it."""

    id: str
    aliases: tuple[str, ...] = ()
    summary: str = ""
    fixed_in: tuple[str, ...] = ()
    link: str | None = None


@dataclass(frozen=True)
class Finding:
    """One thing wrong with a pinned file, and what to do about it.

    ``location`` is ``file:line`` where the file has the line, else the file.
    """

    package: str
    version: str | None
    kind: FindingKind
    message: str
    severity: Severity = Severity.ERROR
    location: str = ""
    vulnerability: Vulnerability | None = None


@dataclass(frozen=True)
class Drift:
    """One difference between a pinned file and a new resolution of its input.

    Each side is a requirement (``name==version`` or ``name @ url``), or
    ``None`` where that side lacks the package.
    """

    package: str
    pinned: str | None
    resolved: str | None


@dataclass(frozen=True)
class CheckOptions:
    """Everything ``dephash check`` was asked to do."""

    pinned: str
    input: str | None = None
    vulns: bool = False
    allowlist: str | None = None
    offline: bool = False
    index: IndexOptions = field(default_factory=IndexOptions)
    # With --input: how the input is resolved again.
    resolver: ResolverOptions = field(default_factory=ResolverOptions)
    # With a pyproject.toml --input: the extras and dependency groups the file was made with.
    selection: Selection = field(default_factory=Selection)
    jobs: int = 8
    cache_dir: str | None = None
    # The environments to audit portability for [default: those the file's header names].
    python_versions: tuple[str, ...] = ()
    platforms: tuple[str, ...] = ()


@dataclass(frozen=True)
class CheckResult:
    """What ``dephash check`` found.

    ``checked`` names the checks that ran; ``unavailable`` says, per release,
    where vulnerability data could not be had, ``no_upload_time`` where the
    cooldown's upload times could not, and ``unjudged``, per environment, where
    portability could not be judged (the run must then fail: no claim is made
    about those). ``cutoff`` is the cooldown's, as recorded.
    """

    file: str
    input: str | None
    checked: tuple[str, ...]
    requirements: int
    hashes: int
    files: int
    findings: tuple[Finding, ...] = ()
    drift: tuple[Drift, ...] = ()
    unavailable: tuple[str, ...] = ()
    allowed: tuple[str, ...] = ()
    no_upload_time: tuple[str, ...] = ()
    cutoff: str | None = None
    unjudged: tuple[str, ...] = ()

    @property
    def errors(self) -> int:
        return sum(1 for finding in self.findings if finding.severity is Severity.ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for finding in self.findings if finding.severity is Severity.WARNING)
