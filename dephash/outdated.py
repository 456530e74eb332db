"""The ``outdated`` use case: which pins of a virtualenv or a pinned file fell behind.

A virtualenv is asked through pip (``pip --python ENV list --outdated``).  A
requirements file is read, never installed: each pinned project's pages are
fetched from every configured index (and find-links location) concurrently,
and its latest usable release is worked out here.
"""

from __future__ import annotations

import functools
import logging
import os
import platform
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
from packaging.markers import Marker, UndefinedComparison, UndefinedEnvironmentName
from packaging.markers import default_environment as default_marker_environment
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from dephash.allowlist import matching_entry, same_version
from dephash.digests import gather
from dephash.errors import InputError
from dephash.index import (
    IndexClient,
    NetworkSettings,
    VersionedPage,
    file_version,
    group_by_version,
    make_session,
)
from dephash.models import (
    AllowedPackage,
    AllowEntry,
    DistFile,
    IndexSettings,
    OutdatedOptions,
    OutdatedPackage,
    OutdatedReport,
    ProjectPage,
    SkippedLine,
    StaleEntry,
    TargetKind,
)
from dephash.pip import PipRunner, index_arguments, settings_for
from dephash.redact import redact
from dephash.reqfile import RequirementsFile, display_path, parse_requirements

log = logging.getLogger(__name__)

# Names of Python executables: python, python3, python3.12, pypy3, python.exe.
_PYTHON_NAME = re.compile(r"(?:python|pypy)[0-9.]*(?:\.exe)?", re.IGNORECASE)
_VENV_INTERPRETERS = ("bin/python", "bin/python3", "Scripts/python.exe")
_PYTHON_VERSION = re.compile(r"[0-9]+\.[0-9]+(?:\.[0-9]+)?")
_OPTIONS = re.compile(r"\s+--?[a-zA-Z]")
# For index pages of a requirements file; a virtualenv's pip has its own settings.
DEFAULT_TIMEOUT = 60.0
DEFAULT_RETRIES = 5


@dataclass(frozen=True)
class Target:
    """What PATH is: a virtualenv's interpreter, or (``python`` is ``None``) a requirements file."""

    path: Path
    python: str | None = None


@dataclass(frozen=True)
class PinnedVersion:
    """One ``name==version`` pin to check, and every line that pins it."""

    name: str
    version: str
    where: tuple[str, ...]


@dataclass(frozen=True)
class Release:
    """The latest usable release of a project, and its usable files."""

    version: Version
    files: tuple[DistFile, ...]

    @property
    def filetype(self) -> str:
        """``wheel`` when the release has a usable wheel, else ``sdist`` (pip's words)."""
        return "wheel" if any(f.filename.endswith(".whl") for f in self.files) else "sdist"


def find_target(path: str) -> Target:
    """Tell a virtualenv (its folder or its Python) from a requirements file."""
    candidate = Path(path)
    shown = display_path(path)
    if candidate.is_dir():
        for relative in _VENV_INTERPRETERS:
            interpreter = candidate / relative
            if interpreter.is_file():
                return Target(candidate, str(interpreter))
        raise InputError(
            f"{shown} is a directory but not a virtualenv (it has no bin/python); "
            "give a virtualenv, its Python, or a requirements file"
        )
    if candidate.is_file():
        if _PYTHON_NAME.fullmatch(candidate.name) and os.access(candidate, os.X_OK):
            return Target(candidate, str(candidate))
        return Target(candidate)
    raise InputError(f"no such virtualenv or requirements file: {shown}")


def target_python(text: str | None) -> Version:
    """The Python version Requires-Python and markers are evaluated for."""
    if text is None:
        return Version(platform.python_version())
    if _PYTHON_VERSION.fullmatch(text) is None:
        raise InputError(f"--python-version {text!r}: expected MAJOR.MINOR or MAJOR.MINOR.MICRO")
    # pip pads a short version with zeros: 3.12 means 3.12.0.
    return Version(".".join([*text.split("."), "0"][:3]))


def check_outdated(
    options: OutdatedOptions,
    *,
    runner: PipRunner | None = None,
    session: requests.Session | None = None,
) -> OutdatedReport:
    """What is outdated in ``options.path``, after the allowlist; never prints."""
    target = find_target(options.path)
    runner = runner or PipRunner()
    if target.python is not None:
        return _check_virtualenv(options, target.python, runner)
    return _check_requirements(options, target.path, runner, session)


def pip_arguments(options: OutdatedOptions) -> list[str]:
    """The options ``pip list --outdated`` gets: indexes, --pre, and timeout and retries
    when given (otherwise pip's own configuration decides)."""
    args = index_arguments(options)
    if options.pre:
        args.append("--pre")
    if options.timeout is not None:
        args += ["--timeout", str(options.timeout)]
    if options.retries is not None:
        args += ["--retries", str(options.retries)]
    return args


def _check_virtualenv(options: OutdatedOptions, python: str, runner: PipRunner) -> OutdatedReport:
    if options.python_version is not None:
        raise InputError(
            "--python-version applies to requirements files: "
            "a virtualenv is checked for its own Python"
        )
    runner.version()
    found = runner.list_outdated(python, pip_arguments(options))
    outdated, allowed = apply_allowlist(found, options.allowlist)
    known = _versions_by_name(found)
    shown = display_path(options.path)
    return OutdatedReport(
        path=shown,
        kind=TargetKind.VIRTUALENV,
        outdated=outdated,
        allowed=allowed,
        stale=stale_entries(options.allowlist, allowed, (), known, f"no outdated {{}} in {shown}"),
    )


def _check_requirements(
    options: OutdatedOptions,
    path: Path,
    runner: PipRunner,
    session: requests.Session | None,
) -> OutdatedReport:
    shown = display_path(options.path)
    python = target_python(options.python_version)
    parsed = parse_requirements(path, display=shown, lenient=True)
    pins, skipped = read_pins(parsed, marker_environment(python))
    names = sorted({pin.name for pin in pins})
    timeout = DEFAULT_TIMEOUT if options.timeout is None else options.timeout
    network = NetworkSettings(
        connect_timeout=timeout,
        read_timeout=timeout,
        retries=DEFAULT_RETRIES if options.retries is None else options.retries,
        pool_size=options.jobs,
    )
    owned_session = session is None
    session = session or make_session(network)
    try:
        settings, pages = fetch_pages(
            names,
            functools.partial(_configured_settings, runner, options, parsed.index_options),
            IndexClient(session, network),
            options.jobs,
            early=_named_index_urls(options, parsed.index_options),
        )
    finally:
        if owned_session:
            session.close()
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
        kind=TargetKind.REQUIREMENTS,
        outdated=outdated,
        allowed=allowed,
        stale=stale_entries(options.allowlist, allowed, used, known, f"no pin of {{}} in {shown}"),
        skipped=tuple(skipped),
        ahead=tuple(sorted(ahead, key=_package_key)),
        missing=tuple(sorted(missing - ignored)),
        searched=(*settings.index_urls, *settings.find_links),
    )


def marker_environment(python: Version) -> dict[str, str]:
    """This machine's marker environment, with the target Python's version."""
    environment = {key: str(value) for key, value in default_marker_environment().items()}
    environment["python_version"] = f"{python.major}.{python.minor}"
    environment["python_full_version"] = str(python)
    return environment


def _marker_applies(marker: str, environment: Mapping[str, str]) -> bool:
    try:
        return Marker(marker).evaluate(dict(environment))
    except (UndefinedComparison, UndefinedEnvironmentName):
        # A marker that cannot be decided here is checked rather than dropped.
        return True


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
        if line.marker and not _marker_applies(line.marker, environment):
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
    settings = settings_for(runner.config(), options, file_options)
    log.debug("indexes: %s", redact(", ".join(settings.index_urls) or "(none)"))
    return settings


def _named_index_urls(
    options: OutdatedOptions, file_options: Sequence[tuple[str, str]]
) -> list[str]:
    """The index URLs the command line or the file names that pip's configuration can only
    take away (with ``no-index``), never replace: their pages can be fetched before it is read.
    """
    named = {options.index_url, *options.extra_index_urls}
    named.update(value for option, value in file_options if option.endswith("index_url"))
    return [url for url in settings_for({}, options, file_options).index_urls if url in named]


def fetch_pages(
    names: Sequence[str],
    settings: Callable[[], IndexSettings],
    client: IndexClient,
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


def _links_page(client: IndexClient, location: str) -> ProjectPage:
    return ProjectPage(tuple(client.find_links_files(location)))


def python_allows(requires_python: str | None, python: Version) -> bool:
    """Whether a file's Requires-Python admits ``python`` (an invalid one does, as in pip)."""
    if not requires_python:
        return True
    try:
        specifier = SpecifierSet(requires_python)
    except InvalidSpecifier:
        return True
    return specifier.contains(python, prereleases=True)


def latest_release(
    pages: Iterable[VersionedPage | ProjectPage], project: str, python: Version, pre: bool
) -> Release | None:
    """The newest version with a non-yanked file that ``python`` may install.

    Pre-releases count with ``pre``, or when there is no final release at all
    (as in pip).  A page's PEP 700 ``versions``, when it has them, bound the
    versions read from its file names.  Versions are tried newest first, so
    only the files of the newest few are parsed and checked.
    """
    wanted = canonicalize_name(project)
    grouped = [
        page if isinstance(page, VersionedPage) else group_by_version(page.files, page.versions)
        for page in pages
    ]
    listed = [_listed_versions(page.versions) for page in grouped]
    newest_pre: Release | None = None
    for version in sorted({version for page in grouped for version in page.groups}, reverse=True):
        release = _usable_release(grouped, listed, version, wanted, python)
        if release is None:
            continue
        if pre or not version.is_prerelease:
            return release
        # A pre-release counts only if no final release is usable: keep looking.
        newest_pre = newest_pre or release
    return newest_pre


def _usable_release(
    pages: Sequence[VersionedPage],
    listed: Sequence[set[Version] | None],
    version: Version,
    project: str,
    python: Version,
) -> Release | None:
    """``version``'s non-yanked files that ``python`` may install, from every page in order."""
    usable: list[tuple[Version, DistFile]] = []
    for page, allowed in zip(pages, listed, strict=True):
        if allowed is not None and version not in allowed:
            continue
        for item in page.files(version):
            # The name's version is ``version`` (the page grouped it so); the name may not be.
            parsed = file_version(item.filename)
            if parsed is None or parsed[0] != project:
                continue
            if item.yanked is None and python_allows(item.requires_python, python):
                usable.append((parsed[1], item))
    if not usable:
        return None
    # Equal versions may be spelt differently (1.0, 1.0.0): the first usable file's spelling.
    return Release(usable[0][0], tuple(item for _, item in usable))


def _listed_versions(versions: Sequence[str] | None) -> set[Version] | None:
    if versions is None:
        return None
    listed = set()
    for text in versions:
        try:
            listed.add(Version(text))
        except InvalidVersion:
            log.debug("ignoring invalid version %r listed by an index", text)
    return listed


def _package_key(package: OutdatedPackage) -> tuple[str, str]:
    return (package.name, package.current)


def apply_allowlist(
    found: Iterable[OutdatedPackage], entries: Sequence[AllowEntry]
) -> tuple[tuple[OutdatedPackage, ...], tuple[AllowedPackage, ...]]:
    """Split outdated packages into those still reported and those allowed to stay."""
    outdated: list[OutdatedPackage] = []
    allowed: list[AllowedPackage] = []
    for package in sorted(found, key=_package_key):
        entry = matching_entry(entries, package.name, package.current)
        if entry is None:
            outdated.append(package)
        else:
            allowed.append(AllowedPackage(package, entry))
    return tuple(outdated), tuple(allowed)


def _versions_by_name(packages: Iterable[OutdatedPackage]) -> dict[str, list[str]]:
    versions: dict[str, list[str]] = defaultdict(list)
    for package in packages:
        versions[package.name].append(package.current)
    return versions


def stale_entries(
    entries: Sequence[AllowEntry],
    allowed: Sequence[AllowedPackage],
    used: Sequence[AllowEntry],
    known: Mapping[str, Sequence[str]],
    absent: str,
) -> tuple[StaleEntry, ...]:
    """Entries that allowed nothing outdated, each with what it would have to match.

    ``known`` maps names to the versions checked; ``absent`` (with ``{}`` for
    the name) says why a name that was not checked matches nothing.
    """
    matched = [item.package for item in allowed]
    stale = []
    for entry in entries:
        if entry in used or any(
            matching_entry([entry], package.name, package.current) for package in matched
        ):
            continue
        versions = known.get(entry.name, ())
        if not versions:
            detail = absent.format(entry.name)
        elif entry.version is not None and not any(
            same_version(entry.version, version) for version in versions
        ):
            detail = f"{entry.name} is at {', '.join(sorted(versions))}, not {entry.version}"
        else:
            detail = f"{entry.name} is up to date"
        stale.append(StaleEntry(entry, detail))
    return tuple(stale)
