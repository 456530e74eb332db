"""Every file of each pinned version, hashed: the lock's files, from early work and the index."""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Mapping, Sequence
from datetime import datetime

from packaging.utils import canonicalize_name

from dephash.distributions import parsed_version, strip_fragment, url_filename
from dephash.errors import EnvironmentFailure, InputError
from dephash.guards.cutoff import before_cutoff, cutoff_text
from dephash.guards.sources import (
    Confusion,
    Source,
    assigned_source,
    by_project,
    conflicts_message,
    confusion,
    project_sources,
)
from dephash.hashes import ALGORITHMS
from dephash.hashing.early import EarlyWork
from dephash.index.files import distinct_files, files_for_version
from dephash.index.pages import VersionedPage, parse_page_by_version
from dephash.model import DistFile, IndexSettings, LockedFile, ResolvedPackage
from dephash.pools import gather, run_parallel
from dephash.redact import redact
from dephash.wheeltags import FileFilter

log = logging.getLogger(__name__)


class ReleaseFiles:
    """The files of each release the indexes and find-links locations list, each file once.

    Callable as ``files(name, version)``; the pages come from ``early`` (fetched once,
    possibly while pip still resolves), the find-links locations are read here, once.
    Files uploaded after ``cutoff`` are left out; a name ``index_for`` assigns to one
    index (or location) gets that one's files alone.
    """

    def __init__(
        self,
        early: EarlyWork,
        settings: IndexSettings,
        jobs: int,
        cutoff: datetime | None = None,
        index_for: Mapping[str, str] | None = None,
    ) -> None:
        self.early = early
        self.cutoff = cutoff
        listings = run_parallel(early.client.find_links_files, settings.find_links, jobs)
        self.link_files = [item for listing in listings for item in listing]
        self.links = by_project(zip(settings.find_links, listings, strict=True))
        self.locations = (*settings.index_urls, *settings.find_links)
        self.index_for = dict(index_for or {})
        self._pages: dict[str, list[VersionedPage]] = {}
        self._lock = threading.Lock()
        in_use = [Source(location, None) for location in self.locations]
        for name, location in self.index_for.items():
            assigned_source(name, location, in_use)  # an error now if it is not in use

    def __call__(self, name: str, version: str) -> list[DistFile]:
        location = self.index_for.get(canonicalize_name(name))
        if location is not None:
            files = list(assigned_source(name, location, self.sources(name, version)).files or ())
        else:
            candidates = [*self.early.listing(name, version).result(), *self.link_files]
            files = distinct_files(files_for_version(candidates, name, version))
        return before_cutoff(files, self.cutoff)

    def sources(self, name: str, version: str) -> list[Source]:
        """What each index and find-links location serves of ``name==version``."""
        return project_sources(
            name, version, self.early.by_index(name, version).result(), self.links
        )

    def assigned(self, name: str) -> str | None:
        """The location ``--index-for`` assigns ``name`` to, recorded where several are in
        use (one alone needs no record)."""
        location = self.index_for.get(canonicalize_name(name))
        return redact(location) if location is not None and len(self.locations) > 1 else None

    def index_of(self, package: ResolvedPackage) -> str | None:
        """Where ``package``'s files come from: the location ``--index-for`` assigns it to,
        else the first index listing a file of its version."""
        return self.assigned(package.name) or self.early.index_of(package.name, package.version)

    def guard(self, packages: Sequence[ResolvedPackage]) -> None:
        """Refuse the pinned releases two sources serve differently (an InputError naming
        them); warn about an ``--index-for`` name that is not pinned."""
        pinned = {canonicalize_name(package.name) for package in packages}
        for name in sorted(self.index_for.keys() - pinned):
            log.warning("--index-for %s: not pinned, nothing to take from that index", name)
        confused = self.confusions(packages)
        if confused:
            raise InputError(conflicts_message(confused))

    def confusions(self, packages: Sequence[ResolvedPackage]) -> list[Confusion]:
        """The pinned releases that two sources in use serve differently (none with a
        single source; a name assigned to one is not compared)."""
        if len(self.locations) < 2:
            return []
        digest = functools.partial(_digest_of, self.early)
        found = []
        for package in packages:
            if package.direct or canonicalize_name(package.name) in self.index_for:
                continue
            sources = self.sources(package.name, package.version)
            conflict = confusion(package.name, package.version, sources, digest)
            if conflict is not None:
                found.append(conflict)
        return found

    def newer(self, name: str, version: str) -> list[DistFile]:
        """The files of every release of ``name`` newer than ``version`` the index pages list
        (none for a version PEP 440 cannot order), but those uploaded after the cutoff."""
        than = parsed_version(version)
        if than is None:
            return []
        found: list[DistFile] = []
        for page in self._versioned(name):
            for release in page.groups:
                if release > than:
                    found += page.files(release)
        return before_cutoff(found, self.cutoff)

    def _versioned(self, name: str) -> list[VersionedPage]:
        """Each index's page for ``name`` by version, parsed once; the pinned version's
        listing, parsed apart, says whether a page was cut short."""
        key = canonicalize_name(name)
        with self._lock:
            pages = self._pages.get(key)
        if pages is None:
            raws = self.early.pages(name).result()
            pages = [parse_page_by_version(raw, warn=False) for _, raw in raws if raw is not None]
            with self._lock:
                self._pages[key] = pages
        return pages


def _digest_of(early: EarlyWork, item: DistFile) -> str:
    return early.digest(item).result().hexdigest


def _after(cutoff: datetime | None) -> str:
    return f" uploaded before {cutoff_text(cutoff)}" if cutoff is not None else ""


def lock_files(
    packages: Sequence[ResolvedPackage],
    algorithm: str,
    file_filter: FileFilter,
    early: EarlyWork,
    release_files: ReleaseFiles,
) -> dict[tuple[str, str], tuple[LockedFile, ...]]:
    """For every resolved package, its files with their digests in ``algorithm``, by
    ``(name, version)``.

    Every file of the pinned version, unless the filter narrows them down.
    Pages and digests ``early`` already has (or has under way) are not asked twice.
    """
    progress = early.hasher.progress
    for package in packages:
        if not package.direct:
            early.listing(package.name, package.version)  # every page on its way at once
    files: dict[tuple[str, str], list[DistFile]] = {}
    for package in packages:
        key = (package.name, package.version)
        if package.direct:
            url = strip_fragment(package.url)
            files[key] = [DistFile(url_filename(url), url, package.archive_hashes)]
            continue
        matching = release_files(package.name, package.version)
        _warn_if_yanked(package, matching)
        pages = _pages_read(early, package.name)
        if release_files.assigned(package.name) is None:
            matching = _with_chosen_file(matching, package, pages)
        elif not matching:
            raise InputError(
                f"{package.name}=={package.version}: pip chose this version, of which "
                f"{release_files.assigned(package.name)} (--index-for) serves no file"
                f"{_after(release_files.cutoff)}: pin a version it serves in the input"
            )
        chosen = file_filter.select(matching, package.name)
        if not chosen:
            raise InputError(
                f"{package.name}=={package.version} has no file for the targets "
                f"({file_filter.describe()}): widen --python-version/--platform"
            )
        files[key] = chosen
    work = sorted({item for group in files.values() for item in group}, key=_file_key)
    log.debug("%d files to hash with %s", len(work), algorithm)
    progress.start(len(work), None)
    try:
        futures = [early.digest(item) for item in work]
        for future in futures:
            future.add_done_callback(lambda _: progress.file_done())
        digests = dict(zip(work, gather(futures), strict=True))
    finally:
        progress.finish()
    return {
        key: tuple(_locked(item, algorithm, digests[item].hexdigest) for item in group)
        for key, group in files.items()
    }


def _locked(item: DistFile, algorithm: str, digest: str) -> LockedFile:
    """A file as the lock records it: the digests its index publishes, and ``digest``."""
    hashes = {alg: value for alg, value in item.hashes if alg in ALGORITHMS}
    hashes[algorithm] = digest
    return LockedFile(
        item.filename,
        item.url,
        tuple(sorted(hashes.items())),
        size=item.size,
        upload_time=item.upload_time,
    )


def _file_key(item: DistFile) -> tuple[str, str]:
    return (item.filename, item.url)


def _pages_read(early: EarlyWork, name: str) -> str:
    """The index pages read for ``name``, as messages name them."""
    shown = [
        redact(raw.url) if raw is not None else f"{redact(index_url)} (no page)"
        for index_url, raw in early.pages(name).result()
    ]
    return ", ".join(shown) or "no index"


def _with_chosen_file(
    files: list[DistFile], package: ResolvedPackage, pages: str
) -> list[DistFile]:
    """Make sure the file pip chose is hashed, even if no listing showed it as pip saw it.

    ``pages`` names the index pages read. When they list no file of the version at all,
    they were not read as pip read them (a page dephash cannot parse, one cut short): the
    lock would silently lack hashes, so that is an error. A chosen file missing from a
    listing that has others is hashed as pip saw it, with a warning.
    """
    release = f"{package.name}=={package.version}"
    if not files:
        chose = f", though pip chose {redact(strip_fragment(package.url))}" if package.url else ""
        raise EnvironmentFailure(
            f"{release}: no index page lists a file of this version (read: {pages}){chose}; "
            "a page that cannot be parsed or was cut short cannot be pinned from"
        )
    if not package.url:
        return files
    url = strip_fragment(package.url)
    chosen_name = url_filename(url)
    chosen_hashes = dict(package.archive_hashes)
    for item in files:
        published = dict(item.hashes)
        shared = set(published) & set(chosen_hashes)
        if item.filename == chosen_name and all(published[a] == chosen_hashes[a] for a in shared):
            return files
    log.warning(
        "%s: the file pip chose, %s, is not on the index pages read (%s) with the digests "
        "pip saw; hashed as pip saw it (a page cut short, or a file replaced since?)",
        release,
        redact(url),
        pages,
    )
    return [*files, DistFile(chosen_name, url, package.archive_hashes)]


def _warn_if_yanked(package: ResolvedPackage, files: Sequence[DistFile]) -> None:
    if files and all(item.yanked is not None for item in files):
        reason = (
            "; ".join(sorted({item.yanked for item in files if item.yanked})) or "no reason given"
        )
        log.warning("%s==%s is yanked from its index (%s)", package.name, package.version, reason)
