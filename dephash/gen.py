"""The ``gen`` use case: resolve, list every file of each pinned version, hash, render."""

from __future__ import annotations

import dataclasses
import logging
import os
import re
import shlex
import tempfile
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from packaging.markers import Marker, UndefinedComparison, UndefinedEnvironmentName
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from dephash import __version__
from dephash.cache import DigestCache
from dephash.changes import Changes, compare
from dephash.digests import Hasher, Progress, gather, run_parallel
from dephash.early import EarlyWork
from dephash.errors import EnvironmentFailure, IndexUnreachable, InputError, ResolutionError
from dephash.index import (
    IndexClient,
    NetworkSettings,
    distinct_files,
    files_for_version,
    make_session,
    url_filename,
)
from dephash.keep import resolve_keeping
from dephash.models import DistFile, GenOptions, IndexSettings, Pin, Resolution, ResolvedPackage
from dephash.pip import PipRunner, index_arguments, settings_for
from dephash.redact import redact
from dephash.render import render
from dephash.reqfile import RequirementLine, RequirementsFile, display_path, parse_requirements

if TYPE_CHECKING:
    import requests

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class GenResult:
    """What ``gen`` produced: the pins, and the file text that renders them."""

    pins: tuple[Pin, ...]
    text: str
    resolution: Resolution
    # Set when an existing pinned file was compared: what moved, and pins that had to go.
    changes: Changes | None = None
    released: tuple[str, ...] = ()


def existing_pins(options: GenOptions) -> list[RequirementLine] | None:
    """The pins of the file being regenerated (``--existing``, else the output), if any."""
    path = options.existing or options.output
    if path is None or (options.existing is None and not Path(path).is_file()):
        return None
    return parse_requirements(path, lenient=True).requirements


def kept_versions(
    lines: Sequence[RequirementLine] | None, options: GenOptions
) -> tuple[dict[str, str], dict[str, str]]:
    """(pins to keep where they fit, versions forced by ``-P name==version``)."""
    keep: dict[str, str] = {}
    if lines is not None and not options.upgrade:
        for line in lines:
            if line.name and line.pinned_version and not line.constraint:
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
    session: requests.Session | None = None,
    network: NetworkSettings | None = None,
    stdin_text: str | None = None,
    progress: Progress | None = None,
) -> GenResult:
    """Resolve ``options.input`` with pip and return the hashed, pinned file."""
    runner = runner or PipRunner()
    network = network or NetworkSettings(pool_size=options.jobs)
    shown_input = display_path(options.input)
    if options.input == "-":
        parsed = parse_requirements("-", text=stdin_text or "", display="-")
    else:
        parsed = parse_requirements(options.input, display=shown_input)
    old_lines = existing_pins(options)
    keep, forced = kept_versions(old_lines, options)
    released: list[str] = []
    opened: list[requests.Session] = []

    def connect() -> tuple[IndexClient, Hasher]:
        used = session
        if used is None:
            used = make_session(network)
            opened.append(used)
        cache = DigestCache(Path(options.cache_dir)) if options.cache_dir else None
        hasher = Hasher(options.algorithm, used, network, cache=cache, progress=progress)
        return IndexClient(used, network), hasher

    side = ThreadPoolExecutor(max_workers=1)
    # pip's configuration (which indexes to read) is asked while pip already resolves,
    # and the HTTP session is made (requests imported) on a worker meanwhile.
    config = side.submit(runner.config)
    early = EarlyWork(
        connect,
        options.targets.select,
        options.jobs,
        settings=lambda: settings_for(config.result(), options, parsed.index_options),
        progress=progress,
    )
    # The pages of the projects the input names are fetched once pip's configuration is read.
    config.add_done_callback(lambda done: None if done.exception() else early.start())
    try:
        for line in parsed.requirements:
            if line.name and not line.constraint:
                early.want_page(line.name)
        runner = dataclasses.replace(runner, on_output=early.on_pip_output)
        with (
            _pip_input(options.input, stdin_text) as requirements_path,
            _forced_constraints(forced) as forced_args,
        ):
            arguments = [*pip_arguments(options), *forced_args]
            try:
                resolution, released = resolve_keeping(
                    runner, requirements_path, keep, arguments, options.python
                )
            except ResolutionError as exc:
                _blame_unreachable_index(exc, early.settings(), early.client)
                raise
        settings = early.settings()
        if not resolution.packages:
            raise InputError(f"{shown_input} resolves to no packages: nothing to pin")
        _warn_about_target_mismatch(options, resolution)
        hashes = collect_hashes(resolution, settings, options, early)
    finally:
        side.shutdown(wait=True)  # first: its callback may still start early work
        early.close()
        for made in opened:
            made.close()
    via = via_annotations(resolution, parsed)
    pins = tuple(
        Pin(
            name=package.name,
            version=package.version,
            hashes=hashes[package.name],
            via=via.get(package.name, ()),
            url=_strip_fragment(redact(package.url)) if package.direct else None,
        )
        for package in resolution.packages
    )
    text = render(pins, header(options, resolution), options.annotate)
    changes = None if old_lines is None else compare(old_lines, pins, options.algorithm)
    for name in released:
        log.info("released %s=%s: it conflicts with the input", name, keep[name])
    return GenResult(pins, text, resolution, changes, tuple(released))


@contextmanager
def _forced_constraints(forced: Mapping[str, str]) -> Iterator[list[str]]:
    """``-P name==version`` as a constraints file pip must honour."""
    if not forced:
        yield []
        return
    with tempfile.TemporaryDirectory(prefix="dephash-forced-") as scratch:
        path = Path(scratch) / "forced.txt"
        path.write_text(
            "".join(f"{name}=={version}\n" for name, version in sorted(forced.items())),
            encoding="utf-8",
        )
        yield ["-c", str(path)]


def _warn_about_target_mismatch(options: GenOptions, resolution: Resolution) -> None:
    """Targets choose files; markers were still evaluated for the resolving interpreter."""
    resolved_for = dict(resolution.environment).get("python_version")
    wanted = options.targets.python_versions
    if resolved_for and wanted and resolved_for not in wanted:
        log.warning(
            "resolved for Python %s but hashing for Python %s: dependencies behind "
            "python_version markers follow %s (use --python to resolve for another interpreter)",
            resolved_for,
            ", ".join(wanted),
            resolved_for,
        )


def _blame_unreachable_index(
    error: ResolutionError, settings: IndexSettings, client: IndexClient
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


@contextmanager
def _pip_input(path: str, stdin_text: str | None) -> Iterator[Path]:
    """The file pip reads: the input itself, or standard input saved beside the cwd."""
    if path != "-":
        yield Path(path)
        return
    # In the current directory, so that relative -r/-c lines mean what they say.
    handle, name = tempfile.mkstemp(prefix=".dephash-stdin-", suffix=".txt", dir=Path.cwd())
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(stdin_text or "")
        yield Path(name)
    finally:
        os.unlink(name)


def pip_arguments(options: GenOptions) -> list[str]:
    """The pip options ``gen`` passes through."""
    args = index_arguments(options)
    if options.pre:
        args.append("--pre")
    for value in options.only_binary:
        args += ["--only-binary", value]
    for value in options.no_binary:
        args += ["--no-binary", value]
    return args


def _strip_fragment(url: str) -> str:
    return url.split("#", 1)[0]


def collect_hashes(
    resolution: Resolution,
    settings: IndexSettings,
    options: GenOptions,
    early: EarlyWork,
) -> dict[str, tuple[str, ...]]:
    """For every resolved package, the sorted ``alg:hex`` hashes of its files.

    Every file of the pinned version, unless targets narrow them down. Pages
    and digests ``early`` already has (or has under way) are not asked twice.
    """
    targets = options.targets
    progress = early.hasher.progress
    indexed = [package for package in resolution.packages if not package.direct]
    listings = {package.name: early.listing(package.name, package.version) for package in indexed}
    link_files = [
        item
        for listing in run_parallel(
            early.client.find_links_files, settings.find_links, options.jobs
        )
        for item in listing
    ]
    files: dict[str, list[DistFile]] = {}
    for package in resolution.packages:
        if package.direct:
            url = _strip_fragment(package.url)
            files[package.name] = [DistFile(url_filename(url), url, package.archive_hashes)]
            continue
        candidates = [*listings[package.name].result(), *link_files]
        matching = distinct_files(files_for_version(candidates, package.name, package.version))
        _warn_if_yanked(package, matching)
        chosen = targets.select(_with_chosen_file(matching, package), package.name)
        if not chosen:
            raise InputError(
                f"{package.name}=={package.version} has no file for the targets "
                f"({targets.describe()}): widen --python-version/--platform"
            )
        files[package.name] = chosen
    work = sorted({item for group in files.values() for item in group}, key=_file_key)
    log.debug("%d files to hash with %s", len(work), options.algorithm)
    progress.start(len(work), None)
    try:
        futures = [early.digest(item) for item in work]
        for future in futures:
            future.add_done_callback(lambda _: progress.file_done())
        digests = dict(zip(work, gather(futures), strict=True))
    finally:
        progress.finish()
    return {
        name: tuple(sorted({f"{options.algorithm}:{digests[item].hexdigest}" for item in group}))
        for name, group in files.items()
    }


def _file_key(item: DistFile) -> tuple[str, str]:
    return (item.filename, item.url)


def _with_chosen_file(files: list[DistFile], package: ResolvedPackage) -> list[DistFile]:
    """Make sure the file pip chose is hashed, even if no listing showed it as pip saw it."""
    if not package.url:
        if files:
            return files
        raise EnvironmentFailure(
            f"{package.name}=={package.version}: no index lists a file of this version"
        )
    url = _strip_fragment(package.url)
    chosen_name = url_filename(url)
    chosen_hashes = dict(package.archive_hashes)
    for item in files:
        published = dict(item.hashes)
        shared = set(published) & set(chosen_hashes)
        if item.filename == chosen_name and all(published[a] == chosen_hashes[a] for a in shared):
            return files
    log.debug("%s: adding the file pip chose, %s", package.name, redact(url))
    return [*files, DistFile(chosen_name, url, package.archive_hashes)]


def _warn_if_yanked(package: ResolvedPackage, files: Sequence[DistFile]) -> None:
    if files and all(item.yanked is not None for item in files):
        reason = (
            "; ".join(sorted({item.yanked for item in files if item.yanked})) or "no reason given"
        )
        log.warning("%s==%s is yanked from its index (%s)", package.name, package.version, reason)


def via_annotations(resolution: Resolution, parsed: RequirementsFile) -> dict[str, tuple[str, ...]]:
    """``# via`` sources per package: input files for top-level ones, then parents."""
    installed = {package.name: package for package in resolution.packages}
    direct: dict[str, set[str]] = defaultdict(set)
    extras: dict[str, set[str]] = {name: set(p.requested_extras) for name, p in installed.items()}
    for line in parsed.requirements:
        if line.name in installed:
            direct[line.name].add(f"{'-c' if line.constraint else '-r'} {line.source}")
            if not line.constraint:
                extras[line.name].update(line.extras)
    parents = dependency_parents(resolution, extras)
    return {
        name: (*sorted(direct[name]), *sorted(parents[name]))
        for name in installed
        if direct[name] or parents[name]
    }


def dependency_parents(
    resolution: Resolution, extras: Mapping[str, set[str]]
) -> dict[str, set[str]]:
    """Which installed packages require each installed package, in this environment.

    Extras propagate: ``a`` requiring ``b[x]`` makes ``b``'s ``x`` dependencies count.
    """
    environment = dict(resolution.environment)
    installed = {package.name: package for package in resolution.packages}
    active_extras = {name: set(extras.get(name, ())) for name in installed}
    parents: dict[str, set[str]] = defaultdict(set)
    changed = True
    while changed:
        changed = False
        for package in resolution.packages:
            for dependency, dependency_extras in _active_requirements(
                package, active_extras[package.name], environment
            ):
                if dependency not in installed:
                    continue
                parents[dependency].add(package.name)
                missing = dependency_extras - active_extras[dependency]
                if missing:
                    active_extras[dependency] |= missing
                    changed = True
    return parents


def _active_requirements(
    package: ResolvedPackage, extras: set[str], environment: Mapping[str, str]
) -> Iterator[tuple[str, set[str]]]:
    for spec in package.requires_dist:
        try:
            requirement = Requirement(spec)
        except InvalidRequirement:
            log.debug("%s: ignoring unparsable requirement %r", package.name, spec)
            continue
        if requirement.marker is None or _marker_holds(requirement.marker, extras, environment):
            yield canonicalize_name(requirement.name), set(requirement.extras)


def _marker_holds(marker: Marker, extras: set[str], environment: Mapping[str, str]) -> bool:
    for extra in sorted({"", *extras}):
        try:
            if marker.evaluate({**environment, "extra": extra}):
                return True
        except (UndefinedComparison, UndefinedEnvironmentName):
            return False
    return False


def header(options: GenOptions, resolution: Resolution) -> list[str]:
    """The header lines: tool, input, algorithm, and the command that reproduces it."""
    python = dict(resolution.environment).get("python_version", "")
    shown = display_path(options.input)
    return [
        "",
        f"This file is autogenerated by dephash {__version__}"
        + (f" with Python {python}" if python else ""),
        f"from {shown}, with {options.algorithm} hashes of "
        + (
            f"the files for {options.targets.describe()}."
            if options.targets.active
            else "every distribution file."
        ),
        "To update, run:",
        "",
        f"   {reproduce_command(options)}",
        "",
    ]


def reproduce_command(options: GenOptions) -> str:
    """The ``dephash gen`` command line that produces the same file (no secrets)."""
    args = ["dephash", "gen"]
    if options.algorithm != "sha512":
        args += ["--algorithm", options.algorithm]
    if options.python:
        args += ["--python", display_path(options.python)]
    for version in options.targets.python_versions:
        args += ["--python-version", version]
    for platform in options.targets.platforms:
        args += ["--platform", platform]
    if options.index_url:
        args += ["--index-url", redact(options.index_url)]
    for url in options.extra_index_urls:
        args += ["--extra-index-url", redact(url)]
    for location in options.find_links:
        is_url = "://" in location
        args += ["--find-links", redact(location) if is_url else display_path(location)]
    if options.no_index:
        args.append("--no-index")
    if options.pre:
        args.append("--pre")
    for value in options.only_binary:
        args += ["--only-binary", value]
    for value in options.no_binary:
        args += ["--no-binary", value]
    if not options.annotate:
        args.append("--no-annotate")
    if options.output:
        args += ["-o", display_path(options.output)]
    args.append(display_path(options.input))
    return shlex.join(args)
