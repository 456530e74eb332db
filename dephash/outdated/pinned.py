"""A pinned file, read and never installed: each pin against the newest release its indexes
serve, the pages of every project fetched concurrently."""

from __future__ import annotations

import functools
import logging
import re
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from packaging.version import InvalidVersion, Version

from dephash.distributions import file_version
from dephash.files import display_path
from dephash.formats import format_of
from dephash.http import NetworkSettings, session_for
from dephash.index.client import IndexClient
from dephash.index.pages import ProjectPage, VersionedPage, group_by_version
from dephash.index.reader import IndexReader
from dephash.inputs.reqfile import RequirementsFile
from dephash.markers import applies, python_environment
from dephash.model import IndexSettings
from dephash.outdated.allowed import apply_allowlist, package_key, stale_entries
from dephash.outdated.model import (
    OutdatedOptions,
    OutdatedPackage,
    OutdatedReport,
    PathKind,
    SkippedLine,
)
from dephash.outdated.releases import latest_release
from dephash.pools import gather
from dephash.redact import redact
from dephash.resolve.pip import PipRunner
from dephash.resolve.settings import settings_for

if TYPE_CHECKING:
    import requests

log = logging.getLogger(__name__)

_OPTIONS = re.compile(r"\s+--?[a-zA-Z]")
# For index pages of a pinned file; a virtualenv's pip has its own settings.
DEFAULT_TIMEOUT = 60.0
DEFAULT_RETRIES = 5


@dataclass(frozen=True)
class PinnedVersion:
    """One ``name==version`` pin to check, and every line that pins it."""

    name: str
    version: str
    where: tuple[str, ...]


def check_pinned_file(
    options: OutdatedOptions,
    path: Path,
    python: Version,
    runner: PipRunner,
    session: requests.Session | None,
) -> OutdatedReport:
    """What is outdated in the pinned file at ``path``, for ``python``."""
    shown = display_path(options.path)
    lock_format = format_of(str(path))
    parsed = lock_format.read(str(path))
    pins, skipped = read_pins(parsed, python_environment(python))
    names = sorted({pin.name for pin in pins})
    timeout = DEFAULT_TIMEOUT if options.timeout is None else options.timeout
    network = NetworkSettings(
        connect_timeout=timeout,
        read_timeout=timeout,
        retries=DEFAULT_RETRIES if options.retries is None else options.retries,
        pool_size=options.jobs,
    )
    with session_for(session, network) as active:
        settings, pages = fetch_pages(
            names,
            functools.partial(_configured_settings, runner, options, parsed.index_options),
            IndexClient(active, network),
            options.jobs,
            early=_named_index_urls(options, parsed.index_options),
        )
    pre = options.pre or parsed.pre
    found: list[OutdatedPackage] = []
    ahead: list[OutdatedPackage] = []
    missing: set[str] = set()
    for pin in pins:
        project_pages = pages[pin.name]
        if project_pages is None:
            missing.add(pin.name)
            continue
        release = latest_release(project_pages, pin.name, python, pre)
        if release is None:
            skipped.append(
                SkippedLine(
                    ", ".join(pin.where),
                    f"{pin.name}=={pin.version}",
                    f"no release is usable with Python {python} (all yanked, or Requires-Python)",
                )
            )
            continue
        entry = OutdatedPackage(
            pin.name, pin.version, str(release.version), release.filetype, pin.where
        )
        current = Version(pin.version)
        if release.version > current:
            found.append(entry)
        elif release.version < current:
            ahead.append(entry)
    outdated, allowed = apply_allowlist(found, options.allowlist)
    ignored = {entry.name for entry in options.allowlist if entry.version is None}
    known: dict[str, list[str]] = defaultdict(list)
    for pin in pins:
        known[pin.name].append(pin.version)
    used = tuple(e for e in options.allowlist if e.version is None and e.name in missing)
    return OutdatedReport(
        path=shown,
        kind=PathKind(lock_format.name),
        outdated=outdated,
        allowed=allowed,
        stale=stale_entries(options.allowlist, allowed, used, known, f"no pin of {{}} in {shown}"),
        skipped=tuple(skipped),
        ahead=tuple(sorted(ahead, key=package_key)),
        missing=tuple(sorted(missing - ignored)),
        searched=(*settings.index_urls, *settings.find_links),
    )


def read_pins(
    parsed: RequirementsFile, environment: Mapping[str, str]
) -> tuple[list[PinnedVersion], list[SkippedLine]]:
    """The ``name==version`` pins that apply here, and the lines that cannot be checked."""
    where_by_pin: dict[tuple[str, Version], list[str]] = defaultdict(list)
    written: dict[tuple[str, Version], str] = {}
    skipped: list[SkippedLine] = []
    for line in parsed.requirements:
        where = f"{line.source}:{line.lineno}"
        # The requirement without its per-line options (--hash=...).
        text = _OPTIONS.split(line.text, maxsplit=1)[0].strip()
        if line.name is None or line.url:
            skipped.append(
                SkippedLine(where, text, "is not a package from an index, so it is not checked")
            )
            continue
        if not applies(line.marker, environment):
            skipped.append(
                SkippedLine(where, text, "does not apply to this environment (marker)", warn=False)
            )
            continue
        pinned = line.pinned_version
        try:
            version = Version(pinned) if pinned is not None else None
        except InvalidVersion:
            version = None
        if pinned is None or version is None:
            skipped.append(
                SkippedLine(where, text, "is not pinned with ==VERSION, so it cannot be outdated")
            )
            continue
        key = (line.name, version)
        written.setdefault(key, pinned)
        where_by_pin[key].append(where)
    pins = [
        PinnedVersion(name, written[(name, version)], tuple(where_by_pin[(name, version)]))
        for name, version in sorted(where_by_pin)
    ]
    return pins, skipped


def _configured_settings(
    runner: PipRunner, options: OutdatedOptions, file_options: Sequence[tuple[str, str]]
) -> IndexSettings:
    settings = settings_for(runner.config(), options.index, file_options)
    log.debug("indexes: %s", redact(", ".join(settings.index_urls) or "(none)"))
    return settings


def _named_index_urls(
    options: OutdatedOptions, file_options: Sequence[tuple[str, str]]
) -> list[str]:
    """The index URLs the command line or the file names that pip's configuration can only
    take away (with ``no-index``), never replace: their pages can be fetched before it is read.
    """
    named = {options.index.index_url, *options.index.extra_index_urls}
    named.update(value for option, value in file_options if option.endswith("index_url"))
    settings = settings_for({}, options.index, file_options)
    return [url for url in settings.index_urls if url in named]


def fetch_pages(
    names: Sequence[str],
    settings: Callable[[], IndexSettings],
    client: IndexReader,
    jobs: int,
    early: Sequence[str] = (),
) -> tuple[IndexSettings, dict[str, list[VersionedPage] | None]]:
    """The index settings, and every index's page for each project, fetched concurrently;
    ``None`` where none has it.

    ``settings`` (which may run pip) is asked while the pages of the ``early``
    index URLs are already being fetched; those pages count only if the
    settings name their index.  Find-links locations are read once; their files
    count for the projects they are named after.  Pages are grouped by version,
    not parsed whole: only the versions :func:`latest_release` looks at are.
    """
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        started = {
            (url, name): pool.submit(client.versioned_page, url, name)
            for url in early
            for name in names
        }
        fetches: list[Future[VersionedPage | None]] = []
        reads: list[Future[ProjectPage]] = []
        try:
            chosen = settings()
            wanted = [(url, name) for name in names for url in chosen.index_urls]
            for url, name in wanted:
                fetch = started.pop((url, name), None)
                fetches.append(fetch or pool.submit(client.versioned_page, url, name))
            reads = [pool.submit(_links_page, client, location) for location in chosen.find_links]
            pages_and_links: list[Future[Any]] = [*fetches, *reads]
            gather(pages_and_links)
        finally:
            # Pages of indexes the settings dropped, and work left after a failure.
            pending: list[Future[Any]] = [*started.values(), *fetches, *reads]
            for future in pending:
                future.cancel()
    pages: dict[str, list[VersionedPage]] = {name: [] for name in names}
    for (_, name), fetch in zip(wanted, fetches, strict=True):
        if (page := fetch.result()) is not None:
            pages[name].append(page)
    links = [read.result() for read in reads]
    named_in_links = {
        parsed[0]
        for page in links
        for item in page.files
        if (parsed := file_version(item.filename)) is not None
    }
    grouped_links = [group_by_version(page.files) for page in links]
    return chosen, {
        name: [*pages[name], *grouped_links] if pages[name] or name in named_in_links else None
        for name in names
    }


def _links_page(client: IndexReader, location: str) -> ProjectPage:
    return ProjectPage(tuple(client.find_links_files(location)))
