"""The files every index and find-links location serves for each pinned release."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from dephash.distributions import url_filename
from dephash.guards.sources import Source, project_sources
from dephash.guards.sources import by_project as links_by_project
from dephash.index.files import distinct_files, files_for_version
from dephash.index.reader import IndexReader
from dephash.inputs.reqfile import RequirementLine
from dephash.model import DistFile, IndexSettings
from dephash.pools import run_parallel


@dataclass(frozen=True)
class Listing:
    """The files of one pinned release, the indexes that list its project, and what each
    index and find-links location serves of it."""

    files: tuple[DistFile, ...]
    indexes: tuple[str, ...]
    sources: tuple[Source, ...] = ()


def pinned_releases(lines: Sequence[RequirementLine]) -> list[tuple[str, str]]:
    """Every distinct ``(name, version)`` pinned with ``==`` (not by URL)."""
    releases: set[tuple[str, str]] = set()
    for line in lines:
        if line.name and line.pinned_version and not line.url:
            releases.add((line.name, line.pinned_version))
    return sorted(releases)


def list_releases(
    pins: Sequence[tuple[str, str]],
    settings: IndexSettings,
    client: IndexReader,
    jobs: int,
) -> dict[tuple[str, str], Listing]:
    """Every file each index and find-links location serves for each pinned release."""
    names = sorted({name for name, _ in pins})
    pages = [(url, name) for name in names for url in settings.index_urls]
    listings = run_parallel(lambda page: client.project_files(*page), pages, jobs)
    link_listings = run_parallel(client.find_links_files, settings.find_links, jobs)
    link_files = [item for listing in link_listings for item in listing]
    links = links_by_project(zip(settings.find_links, link_listings, strict=True))
    by_project: dict[str, list[DistFile]] = defaultdict(list)
    indexes: dict[str, list[str]] = defaultdict(list)
    per_index: dict[str, list[tuple[str, list[DistFile] | None]]] = defaultdict(list)
    for (url, name), listing in zip(pages, listings, strict=True):
        per_index[name].append((url, listing))
        if listing is not None:
            by_project[name].extend(listing)
            indexes[name].append(url)
    return {
        (name, version): Listing(
            tuple(
                sorted(
                    distinct_files(
                        files_for_version([*by_project[name], *link_files], name, version)
                    ),
                    key=lambda item: (item.filename, item.url),
                )
            ),
            tuple(indexes[name]),
            tuple(project_sources(name, version, per_index[name], links)),
        )
        for name, version in pins
    }


def line_files(
    line: RequirementLine, listings: Mapping[tuple[str, str], Listing], base: Path
) -> tuple[DistFile, ...]:
    if line.url:
        url = line.url.split("#", 1)[0]
        if "://" not in url and not url.startswith("file:"):
            # A local archive, relative to the pinned file as pip reads it.
            url = (base / url).resolve().as_uri()
        return (DistFile(url_filename(url), url),)
    return listings[(str(line.name), str(line.pinned_version))].files
