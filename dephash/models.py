"""Frozen data that crosses module boundaries."""

from __future__ import annotations

from dataclasses import dataclass, field


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
    extra_pip_args: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class Vulnerability:
    """One known vulnerability of a release, as a PyPI-style JSON API reports it."""

    id: str
    aliases: tuple[str, ...] = ()
    summary: str = ""
    fixed_in: tuple[str, ...] = ()
    link: str | None = None
