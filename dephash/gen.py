"""The ``gen`` use case: resolve an input, list every file of each pinned version, hash them,
and return the :class:`~dephash.model.Lock`. It never prints, and rendering is a format's job."""

from __future__ import annotations

import dataclasses
import functools
import logging
import re
import shlex
import sys
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from packaging.utils import canonicalize_name

from dephash.diff import Changes, compare
from dephash.distributions import strip_fragment
from dephash.environments import chosen_environments, describe, files_for, marker_values
from dephash.errors import IndexUnreachable, InputError, ResolutionError
from dephash.files import display_path
from dephash.formats import read_pinned
from dephash.guards.sources import index_for
from dephash.hashing.cache import DigestCache
from dephash.hashing.collect import ReleaseFiles, lock_files
from dephash.hashing.early import EarlyWork
from dephash.hashing.hasher import Hasher
from dephash.hashing.progress import Progress
from dephash.http import NetworkSettings, make_session, remember_credentials
from dephash.index.client import IndexClient
from dephash.index.reader import IndexReader
from dephash.inputs import open_input
from dephash.inputs.reqfile import RequirementLine
from dephash.markers import applies, python_environment, running_python
from dephash.model import (
    Format,
    IndexSettings,
    Lock,
    LockedPackage,
    MarkerEnvironment,
    Provenance,
    Resolution,
)
from dephash.options import IndexOptions, ResolverOptions, Selection, pip_arguments
from dephash.redact import redact
from dephash.resolve import PipResolver, Resolver, ResolveRequest
from dephash.resolve.environments import place
from dephash.resolve.graph import via_annotations
from dephash.resolve.interpreters import interpreter_finder
from dephash.resolve.keep import resolve_keeping
from dephash.resolve.merge import merge, via_everywhere
from dephash.resolve.pip import PipRunner
from dephash.resolve.settings import settings_for

if TYPE_CHECKING:
    import requests

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class GenOptions:
    """Everything ``dephash gen`` was asked to do."""

    input: str
    algorithm: str = "sha512"
    index: IndexOptions = field(default_factory=IndexOptions)
    resolver: ResolverOptions = field(default_factory=ResolverOptions)
    annotate: bool = True
    output: str | None = None
    jobs: int = 8
    python_versions: tuple[str, ...] = ()
    platforms: tuple[str, ...] = ()
    cache_dir: str | None = None
    existing: str | None = None
    upgrade: bool = False
    upgrade_packages: tuple[str, ...] = ()
    # Resolve for the resolving interpreter only; --python-version/--platform then choose files.
    host_only: bool = False
    # For a pyproject.toml input: the extras and dependency groups to lock too.
    selection: Selection = field(default_factory=Selection)
    # The --format asked for; None: the one the output's name says.
    lock_format: Format | None = None


@dataclass(frozen=True)
class GenResult:
    """What ``gen`` produced: the lock, and the resolution it was made from."""

    lock: Lock
    resolution: Resolution
    # Set when an existing pinned file was compared: what moved, and pins that had to go.
    changes: Changes | None = None
    released: tuple[str, ...] = ()


def existing_pins(options: GenOptions) -> list[RequirementLine] | None:
    """The pins of the file being regenerated (``--existing``, else the output), if any."""
    path = options.existing or options.output
    if path is None or (options.existing is None and not Path(path).is_file()):
        return None
    replaced = path == options.output
    try:
        return read_pinned(path).requirements
    except InputError as exc:
        # A file that no longer parses (merge conflict markers, binary) can still be replaced.
        if not options.upgrade:
            also = " and replaces it" if replaced else ""
            raise InputError(f"{exc} (-U ignores its pins{also})") from None
        log.warning("%s: its pins are ignored (-U)%s", exc, "; it is replaced" if replaced else "")
        return None


def kept_versions(
    lines: Sequence[RequirementLine] | None,
    options: GenOptions,
    environment: MarkerEnvironment | Mapping[str, str],
) -> tuple[dict[str, str], dict[str, str]]:
    """(pins to keep where they fit, versions forced by ``-P name==version``).

    A pin is kept for the environments its marker holds in.
    """
    keep: dict[str, str] = {}
    if lines is not None and not options.upgrade:
        for line in lines:
            if (
                line.name
                and line.pinned_version
                and not line.constraint
                and applies(line.marker, environment)
            ):
                keep[line.name] = line.pinned_version
    forced: dict[str, str] = {}
    for spec in options.upgrade_packages:
        name, _, version = spec.partition("==")
        keep.pop(canonicalize_name(name), None)
        if version:
            forced[canonicalize_name(name)] = version
    return keep, forced


def generate(
    options: GenOptions,
    *,
    runner: PipRunner | None = None,
    resolver: Resolver | None = None,
    index: IndexReader | None = None,
    config: Callable[[], Mapping[str, str]] | None = None,
    session: requests.Session | None = None,
    network: NetworkSettings | None = None,
    stdin_text: str | None = None,
    progress: Progress | None = None,
) -> GenResult:
    """Resolve ``options.input`` and return the hashed lock.

    The seams, each defaulting to the real thing: ``runner`` runs pip;
    ``resolver`` resolves (default: pip, through ``runner``); ``index`` reads
    index pages (default: HTTP and file:// through ``session``); ``config``
    gives pip's configuration (default: ``runner.config``). ``session`` is the
    caller's HTTP session, left open.
    """
    runner = runner or PipRunner()
    network = network or NetworkSettings(pool_size=options.jobs)
    arguments = pip_arguments(options.index, options.resolver, network)
    source = open_input(
        options.input,
        stdin_text,
        options.selection,
        functools.partial(runner.project_metadata, args=arguments, python=options.resolver.python),
    )
    parsed = source.requirements()
    old_lines = existing_pins(options)
    keep, forced = kept_versions(old_lines, options, python_environment(running_python()))
    released: list[str] = []
    opened: list[requests.Session] = []

    def connect() -> tuple[IndexReader, Hasher]:
        used = session
        if used is None:
            used = make_session(network)
            opened.append(used)
        # pip's report names a direct URL without the credentials the input gave it.
        remember_credentials(used, [line.url for line in parsed.requirements if line.url])
        cache = DigestCache(Path(options.cache_dir)) if options.cache_dir else None
        hasher = Hasher(options.algorithm, used, network, cache=cache, progress=progress)
        return index or IndexClient(used, network), hasher

    file_filter = files_for(
        options.python_versions, options.platforms, options.resolver.only_binary
    )
    side = ThreadPoolExecutor(max_workers=1)
    # pip's configuration (which indexes to read) is asked while pip already resolves,
    # and the HTTP session is made (requests imported) on a worker meanwhile.
    config_future = side.submit(config or runner.config)
    early = EarlyWork(
        connect,
        file_filter.select,
        options.jobs,
        settings=lambda: settings_for(config_future.result(), options.index, parsed.index_options),
        progress=progress,
    )
    # The pages of the projects the input names are fetched once pip's configuration is read.
    config_future.add_done_callback(lambda done: None if done.exception() else early.start())
    interrupted = False
    try:
        for line in parsed.requirements:
            if line.name and not line.constraint:
                early.want_page(line.name)
        used = resolver or PipResolver(dataclasses.replace(runner, on_output=early.on_pip_output))
        with source.pip_arguments() as input_arguments:
            request = ResolveRequest(
                tuple(input_arguments),
                tuple(arguments),
                tuple(sorted(forced.items())),
                options.resolver.python,
            )
            try:
                resolution, released = resolve_keeping(used, request, keep)
            except ResolutionError as exc:
                _blame_unreachable_index(exc, early.settings(), early.client)
                raise
        settings = early.settings()
        cutoff, assigned = options.resolver.uploaded_prior_to, index_for(options.index.index_for)
        release_files = ReleaseFiles(early, settings, options.jobs, cutoff, assigned)
        environments = (
            ()
            if options.host_only
            else chosen_environments(
                options.python_versions,
                options.platforms,
                parsed.requires_python,
                resolution.environment.python_version
                or f"{sys.version_info[0]}.{sys.version_info[1]}",
            )
        )
        if environments:
            placements = place(
                resolution,
                parsed,
                environments,
                resolver or PipResolver(runner),
                request,
                release_files,
                lambda env: kept_versions(old_lines, options, marker_values(env))[0],
                options.resolver.only_binary,
                interpreter_for=interpreter_finder(resolution.environment),
                newer_files=release_files.newer,
            )
            placed = merge(placements, environments)
            via = via_everywhere(placements, parsed)
        else:
            _warn_about_file_filter_mismatch(options, resolution)
            placed = [(package, None) for package in resolution.packages]
            via = via_annotations(resolution, parsed)
        if not placed:
            raise InputError(f"{source.shown} resolves to no packages: nothing to pin")
        release_files.guard([package for package, _ in placed])
        files = lock_files(
            [package for package, _ in placed],
            options.algorithm,
            file_filter,
            early,
            release_files,
        )
    except KeyboardInterrupt:
        interrupted = True  # Ctrl-C or SIGTERM: wait for no stalled request
        raise
    finally:
        side.shutdown(wait=not interrupted)  # first: its callback may still start early work
        early.close(wait=not interrupted)
        for made in opened:
            made.close()
    packages = tuple(
        LockedPackage(
            name=package.name,
            version=package.version,
            files=files[(package.name, package.version)],
            marker=marker,
            requires_python=package.requires_python,
            index=None if package.direct else release_files.index_of(package),
            assigned=release_files.assigned(package.name) is not None,
            via=via.get(package.name, ()),
            url=strip_fragment(redact(package.url)) if package.direct else None,
        )
        for package, marker in placed
    )
    lock = Lock(
        packages,
        options.algorithm,
        Provenance(
            input=source.shown,
            command=reproduce_command(options, source.command_arguments()),
            files_for=file_filter.describe() if file_filter.active else None,
            covers=describe(environments) if environments else None,
            requires_python=parsed.requires_python,
            uploaded_prior_to=options.resolver.cutoff(),
        ),
        resolution.environment,
        environments,
    )
    changes = None if old_lines is None else compare(old_lines, packages, options.algorithm)
    for name in released:
        log.info("released %s=%s: it conflicts with the input", name, keep[name])
    return GenResult(lock, resolution, changes, tuple(released))


def _warn_about_file_filter_mismatch(options: GenOptions, resolution: Resolution) -> None:
    """The filter chooses files; markers were still evaluated for the resolving interpreter."""
    resolved_for = resolution.environment.python_version
    wanted = options.python_versions
    if resolved_for and wanted and resolved_for not in wanted:
        log.warning(
            "resolved for Python %s but hashing for Python %s: dependencies behind "
            "python_version markers follow %s (use --python to resolve for another interpreter)",
            resolved_for,
            ", ".join(wanted),
            resolved_for,
        )


def _blame_unreachable_index(
    error: ResolutionError, settings: IndexSettings, client: IndexReader
) -> None:
    """pip says "no matching distribution" for an index it could not reach, too.

    Ask each index for the missing project: an unreachable one is the real cause.
    """
    match = re.search(r"No matching distribution found for ([A-Za-z0-9._-]+)", str(error))
    if match is None:
        return
    for index_url in settings.index_urls:
        try:
            client.project_files(index_url, match.group(1))
        except IndexUnreachable as unreachable:
            raise IndexUnreachable(
                f"pip found no {match.group(1)}, and an index is unreachable: {unreachable}"
            ) from None


def reproduce_command(options: GenOptions, input_arguments: Sequence[str] | None = None) -> str:
    """The ``dephash gen`` command line that produces the same file (no secrets).

    ``input_arguments`` name the input as its source does (default: its path as shown).
    """
    args = ["dephash", "gen"]
    if options.algorithm != "sha512":
        args += ["--algorithm", options.algorithm]
    if options.resolver.python:
        args += ["--python", display_path(options.resolver.python)]
    for version in options.python_versions:
        args += ["--python-version", version]
    for value in options.platforms:
        args += ["--platform", value]
    index = options.index
    if index.index_url:
        args += ["--index-url", redact(index.index_url)]
    for url in index.extra_index_urls:
        args += ["--extra-index-url", redact(url)]
    for location in index.find_links:
        is_url = "://" in location
        args += ["--find-links", redact(location) if is_url else display_path(location)]
    if index.no_index:
        args.append("--no-index")
    for name, location in index.index_for:
        args += ["--index-for", f"{name}={redact(location)}"]
    args += options.resolver.pip_arguments()
    if options.host_only:
        args.append("--host-only")
    if not options.annotate:
        args.append("--no-annotate")
    if options.lock_format is not None:
        args += ["--format", options.lock_format.value]
    if options.output:
        args += ["-o", display_path(options.output)]
    args += input_arguments if input_arguments is not None else [display_path(options.input)]
    return shlex.join(args)
