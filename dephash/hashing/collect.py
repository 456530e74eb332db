"""Every file of each pinned version, hashed: the lock's files, from early work and the index."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from dephash.distributions import parsed_version, url_filename
from dephash.errors import EnvironmentFailure, InputError
from dephash.hashes import ALGORITHMS
from dephash.hashing.early import EarlyWork
from dephash.index.files import distinct_files, files_for_version
from dephash.index.pages import parse_page_by_version
from dephash.model import DistFile, IndexSettings, LockedFile, ResolvedPackage
from dephash.pools import gather, run_parallel
from dephash.redact import redact
from dephash.wheeltags import FileFilter

log = logging.getLogger(__name__)


def strip_fragment(url: str) -> str:
    """``url`` without its ``#fragment`` (a hash pip or an index put there)."""
    return url.split("#", 1)[0]


class ReleaseFiles:
    """The files of each release the indexes and find-links locations list, each file once.

    Callable as ``files(name, version)``; the pages come from ``early`` (fetched once,
    possibly while pip still resolves), the find-links locations are read here, once.
    """

    def __init__(self, early: EarlyWork, settings: IndexSettings, jobs: int) -> None:
        self.early = early
        self.link_files = [
            item
            for listing in run_parallel(early.client.find_links_files, settings.find_links, jobs)
            for item in listing
        ]

    def __call__(self, name: str, version: str) -> list[DistFile]:
        candidates = [*self.early.listing(name, version).result(), *self.link_files]
        return distinct_files(files_for_version(candidates, name, version))

    def newer(self, name: str, version: str) -> list[DistFile]:
        """The files of every release of ``name`` newer than ``version`` the index pages list
        (none for a version PEP 440 cannot order)."""
        than = parsed_version(version)
        if than is None:
            return []
        found: list[DistFile] = []
        for _, raw in self.early.pages(name).result():
            if raw is not None:
                page = parse_page_by_version(raw)
                for release in page.groups:
                    if release > than:
                        found += page.files(release)
        return found


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
        chosen = file_filter.select(_with_chosen_file(matching, package, pages), package.name)
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
