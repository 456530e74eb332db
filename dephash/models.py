"""Frozen data that crosses module boundaries."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from dephash.targets import Targets


@dataclass(frozen=True)
class DistFile:
    """One distribution file an index serves for a project.

    ``hashes`` are the digests the index publishes, as sorted ``(algorithm,
    hexdigest)`` pairs; ``yanked`` is ``None`` when the file is not yanked,
    otherwise the reason (possibly empty).
    """

    filename: str
    url: str
    hashes: tuple[tuple[str, str], ...] = ()
    yanked: str | None = None
    requires_python: str | None = None

    def published(self, algorithm: str) -> str | None:
        """The digest the index publishes for ``algorithm``, if any."""
        return dict(self.hashes).get(algorithm)


@dataclass(frozen=True)
class ResolvedPackage:
    """One entry of pip's installation report."""

    name: str
    version: str
    url: str
    requested: bool = False
    direct: bool = False
    requested_extras: tuple[str, ...] = ()
    requires_dist: tuple[str, ...] = ()
    archive_hashes: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Resolution:
    """pip's answer: the packages to install and the marker environment."""

    packages: tuple[ResolvedPackage, ...]
    environment: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Pin:
    """One pinned package of the output, with its hashes (``alg:hex``)."""

    name: str
    version: str
    hashes: tuple[str, ...]
    via: tuple[str, ...] = ()
    url: str | None = None


@dataclass(frozen=True)
class IndexSettings:
    """Where packages come from, as pip sees it."""

    index_url: str = "https://pypi.org/simple/"
    extra_index_urls: tuple[str, ...] = ()
    find_links: tuple[str, ...] = ()
    no_index: bool = False

    @property
    def index_urls(self) -> tuple[str, ...]:
        """The index URLs in the order pip consults them (none with ``--no-index``)."""
        if self.no_index:
            return ()
        return (self.index_url, *self.extra_index_urls)


@dataclass(frozen=True)
class GenOptions:
    """Everything ``dephash gen`` was asked to do."""

    input: str
    algorithm: str = "sha512"
    index_url: str | None = None
    extra_index_urls: tuple[str, ...] = ()
    find_links: tuple[str, ...] = ()
    no_index: bool = False
    pre: bool = False
    only_binary: tuple[str, ...] = ()
    no_binary: tuple[str, ...] = ()
    python: str | None = None
    annotate: bool = True
    output: str | None = None
    jobs: int = 8
    python_versions: tuple[str, ...] = ()
    platforms: tuple[str, ...] = ()
    cache_dir: str | None = None
    existing: str | None = None
    upgrade: bool = False
    upgrade_packages: tuple[str, ...] = ()

    @property
    def targets(self) -> Targets:
        """The Pythons and platforms whose files get hashed."""
        return Targets(self.python_versions, self.platforms, self.only_binary)


@dataclass(frozen=True)
class ProjectPage:
    """One index's page for a project: its files, and PEP 700 ``versions`` if listed."""

    files: tuple[DistFile, ...]
    versions: tuple[str, ...] | None = None


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


@dataclass(frozen=True)
class OutdatedOptions:
    """Everything ``dephash outdated`` was asked to do."""

    path: str
    index_url: str | None = None
    extra_index_urls: tuple[str, ...] = ()
    find_links: tuple[str, ...] = ()
    no_index: bool = False
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


class TargetKind(str, Enum):
    """What ``dephash outdated`` was pointed at."""

    VIRTUALENV = "virtualenv"
    REQUIREMENTS = "requirements"


@dataclass(frozen=True)
class OutdatedReport:
    """What ``dephash outdated`` found in one virtualenv or requirements file.

    ``ahead`` holds pins newer than the index's latest (a pre-release pinned,
    a release only on some other index); ``missing`` the projects no index
    or find-links location has (those an allowlist ignores are left out).
    """

    path: str
    kind: TargetKind
    outdated: tuple[OutdatedPackage, ...] = ()
    allowed: tuple[AllowedPackage, ...] = ()
    stale: tuple[StaleEntry, ...] = ()
    skipped: tuple[SkippedLine, ...] = ()
    ahead: tuple[OutdatedPackage, ...] = ()
    missing: tuple[str, ...] = ()
    searched: tuple[str, ...] = ()


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
    UNCOVERED_FILE = "uncovered-file"
    YANKED = "yanked"
    UNSATISFIED = "unsatisfied"
    CHANGED = "changed"
    MISSING = "missing"
    UNNEEDED = "unneeded"
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
    index_url: str | None = None
    extra_index_urls: tuple[str, ...] = ()
    find_links: tuple[str, ...] = ()
    no_index: bool = False
    pre: bool = False
    only_binary: tuple[str, ...] = ()
    no_binary: tuple[str, ...] = ()
    python: str | None = None
    jobs: int = 8
    cache_dir: str | None = None


@dataclass(frozen=True)
class CheckResult:
    """What ``dephash check`` found.

    ``checked`` names the checks that ran; ``unavailable`` says, per release,
    where vulnerability data could not be had (the run must then fail: no
    claim is made about those releases).
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

    @property
    def errors(self) -> int:
        return sum(1 for finding in self.findings if finding.severity is Severity.ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for finding in self.findings if finding.severity is Severity.WARNING)
