"""Frozen data that crosses module boundaries: index files, pip's resolution, and the lock."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum


@dataclass(frozen=True)
class DistFile:
    """One distribution file an index serves for a project.

    ``hashes`` are the digests the index publishes, as sorted ``(algorithm,
    hexdigest)`` pairs; ``yanked`` is ``None`` when the file is not yanked,
    otherwise the reason (possibly empty). ``size`` and ``upload_time`` are the
    PEP 700 data a JSON page gives; they describe the file, they do not name it,
    so they take no part in comparing files. ``core_metadata`` is the PEP 658
    advertisement of the file's metadata at its URL + ``.metadata``: ``None`` when not
    advertised, else the digests published for it (possibly none).
    """

    filename: str
    url: str
    hashes: tuple[tuple[str, str], ...] = ()
    yanked: str | None = None
    requires_python: str | None = None
    size: int | None = field(default=None, compare=False)
    upload_time: str | None = field(default=None, compare=False)
    core_metadata: tuple[tuple[str, str], ...] | None = field(default=None, compare=False)

    def published(self, algorithm: str) -> str | None:
        """The digest the index publishes for ``algorithm``, if any."""
        return dict(self.hashes).get(algorithm)


@dataclass(frozen=True)
class MarkerEnvironment:
    """A marker environment (PEP 508): ``python_version``, ``sys_platform`` and the rest."""

    markers: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, values: Mapping[str, str]) -> MarkerEnvironment:
        """An environment from a mapping of marker names to values."""
        return cls(tuple(sorted((str(k), str(v)) for k, v in values.items())))

    def as_dict(self) -> dict[str, str]:
        """The marker values, as :meth:`packaging.markers.Marker.evaluate` takes them."""
        return dict(self.markers)

    @property
    def python_version(self) -> str | None:
        """The ``python_version`` marker (``"3.11"``), if known."""
        return self.as_dict().get("python_version")


class OS(str, Enum):
    """The operating systems a lock can cover."""

    LINUX = "linux"
    MACOS = "macos"
    WINDOWS = "windows"


class Machine(str, Enum):
    """The machines a lock can cover (``arm64`` is ``aarch64`` on Linux)."""

    X86_64 = "x86_64"
    ARM64 = "arm64"


class Format(str, Enum):
    """The lock formats, as ``--format`` names them (``dephash.formats`` holds each one)."""

    REQUIREMENTS = "requirements"
    PYLOCK = "pylock"


@dataclass(frozen=True, order=True)
class Environment:
    """Where a lock must install: a CPython minor version, an OS and a machine.

    ``platform`` is the newest wheel platform tag it accepts (``manylinux_2_39_x86_64``,
    ``macosx_15_0_arm64``, ``win_amd64``); older compatible tags are implied. ``patch`` is
    the patch release its markers are judged for (``python_full_version``); it does not tell
    environments apart (an environment stands for every patch release of its Python).
    """

    python: tuple[int, int]
    os: OS
    machine: Machine
    platform: str
    patch: int = field(default=0, compare=False)


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
    requires_python: str | None = None


@dataclass(frozen=True)
class ProjectMetadata:
    """A project's core metadata as its build backend wrote it (pip built it): for a
    ``pyproject.toml`` whose dependencies are dynamic."""

    name: str
    requires_dist: tuple[str, ...] = ()
    provides_extra: tuple[str, ...] = ()
    requires_python: str | None = None


@dataclass(frozen=True)
class Resolution:
    """A resolver's answer: the packages to install, and the environment it resolved for."""

    packages: tuple[ResolvedPackage, ...]
    environment: MarkerEnvironment = field(default_factory=MarkerEnvironment)


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
class LockedFile:
    """One distribution file of a locked version, and its digests.

    ``hashes`` holds ``(algorithm, hexdigest)`` pairs, sorted: the digests the
    index publishes and the one computed in the lock's algorithm.
    """

    filename: str
    url: str
    hashes: tuple[tuple[str, str], ...]
    size: int | None = None
    upload_time: str | None = None

    def digest(self, algorithm: str) -> str | None:
        """This file's digest in ``algorithm``, if the lock has it."""
        return dict(self.hashes).get(algorithm)


@dataclass(frozen=True)
class LockedPackage:
    """One pinned version: where it came from, which files it has, and what needs it.

    ``url`` is set for a direct URL requirement (``name @ url``), credentials
    and fragment removed; ``marker`` where the package is conditional; ``index``
    is the index (or find-links location) its files came from, and ``assigned``
    says that ``--index-for`` took it from there, where several are in use;
    ``via`` names the inputs and packages that require it.
    """

    name: str
    version: str
    files: tuple[LockedFile, ...]
    marker: str | None = None
    requires_python: str | None = None
    index: str | None = None
    via: tuple[str, ...] = ()
    url: str | None = None
    assigned: bool = False

    def hashes(self, algorithm: str) -> tuple[str, ...]:
        """``algorithm:hexdigest`` of every file, sorted, each once."""
        found = {f"{algorithm}:{d}" for item in self.files if (d := item.digest(algorithm))}
        return tuple(sorted(found))


@dataclass(frozen=True)
class Provenance:
    """What made a lock: the input as shown, and how to make it again (no credentials, no
    absolute paths)."""

    input: str
    command: str
    # Set when only some files are hashed: the Pythons and platforms they are for.
    files_for: str | None = None
    # The environments the lock installs in, as a person reads them; None: the resolving
    # interpreter's alone.
    covers: str | None = None
    # The Pythons the input says it supports (a project's requires-python), if it says.
    requires_python: str | None = None
    # The release cooldown (``2024-01-01T00:00:00Z``): no file uploaded later is locked.
    uploaded_prior_to: str | None = None


@dataclass(frozen=True)
class Lock:
    """A whole lock: every pinned package (a name twice where versions differ by environment,
    under disjoint markers), hashed in one algorithm, the marker environment pip resolved
    with, and the environments the lock covers."""

    packages: tuple[LockedPackage, ...]
    algorithm: str
    provenance: Provenance
    # The marker values pip resolved with (the host's, or --python's interpreter's).
    resolved_with: MarkerEnvironment = field(default_factory=MarkerEnvironment)
    # Where it installs; empty: where it was resolved only.
    environments: tuple[Environment, ...] = ()
