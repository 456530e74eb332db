"""The ``check`` use case: can a pinned file be trusted? It returns findings, never prints.

The checks, in pipeline order: hash-checking completeness (offline), integrity
of every hash against the files the index serves, yanked releases, portability
to every environment the file covers, dependency confusion (with more than one
index), the release cooldown (with --uploaded-prior-to), drift against the input
the file was generated from, and known vulnerabilities.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from dephash.check import (
    completeness,
    confusion,
    cooldown,
    integrity,
    portability,
    sync,
    vulnerabilities,
    yanked,
)
from dephash.check.lines import location_of, package_of, sort_findings
from dephash.check.metadata import IndexMetadata, read_metadata
from dephash.check.model import CheckOptions, CheckResult, Drift
from dephash.check.releases import list_releases, pinned_releases
from dephash.check.vulns import VulnerabilityClient, read_allowlist
from dephash.environments import targets
from dephash.errors import InputError
from dephash.files import display_path, read_text
from dephash.formats import format_of
from dephash.guards.cutoff import cutoff_text
from dephash.guards.sources import index_for, recorded_assignments
from dephash.hashing.cache import DigestCache
from dephash.hashing.hasher import Hasher
from dephash.http import NetworkSettings, session_for
from dephash.index.client import IndexClient
from dephash.index.reader import IndexReader
from dephash.inputs import open_input
from dephash.markers import python_environment, running_python
from dephash.model import Environment
from dephash.redact import redact
from dephash.resolve import PipResolver, Resolver
from dephash.resolve.pip import PipRunner
from dephash.resolve.settings import settings_for

if TYPE_CHECKING:
    import requests

log = logging.getLogger(__name__)


def check(
    options: CheckOptions,
    *,
    runner: PipRunner | None = None,
    resolver: Resolver | None = None,
    index: IndexReader | None = None,
    session: requests.Session | None = None,
    network: NetworkSettings | None = None,
) -> CheckResult:
    """Check ``options.pinned``; every problem found is a :class:`Finding` of the result.

    Errors that stop the check (an unreadable file, an unreachable index, pip
    failing) are raised as :class:`~dephash.errors.DephashError`.
    """
    if options.offline and (options.input or options.vulns):
        raise InputError("--offline checks only hash-checking completeness: drop --input/--vulns")
    if options.offline and options.resolver.uploaded_prior_to:
        raise InputError("--offline reads no upload times: drop --uploaded-prior-to")
    if options.allowlist and not options.vulns:
        raise InputError("--allowlist applies to --vulns: add --vulns, or drop the allowlist")
    if options.selection and not options.input:
        raise InputError("--extra, --all-extras and --group apply to --input: add --input")
    shown = display_path(options.pinned)
    lock_format = format_of(options.pinned)
    pinned = lock_format.read(options.pinned)
    runner = runner or PipRunner()
    network = network or NetworkSettings(pool_size=options.jobs)
    build_metadata = functools.partial(
        runner.project_metadata,
        args=sync.resolution_arguments(options, pinned, network),
        python=options.resolver.python,
    )
    source = (
        open_input(options.input, None, options.selection, build_metadata)
        if options.input
        else None
    )
    source_requirements = source.requirements() if source else None
    allowlist = read_allowlist(options.allowlist) if options.allowlist else frozenset()
    lines = [line for line in pinned.requirements if not line.constraint]
    findings = completeness.completeness(lines)
    pins = pinned_releases(lines)
    hashes = sum(len(line.hashes) for line in lines)
    if options.offline:
        return CheckResult(
            shown, None, (completeness.NAME,), len(lines), hashes, 0, sort_findings(findings)
        )

    file_options = [
        *pinned.index_options,
        *(source_requirements.index_options if source_requirements else ()),
    ]
    with ThreadPoolExecutor(max_workers=1) as side:
        # pip's version and its configuration are asked at once: two interpreter start-ups.
        config = side.submit(runner.config)
        runner.version()
        settings = settings_for(config.result(), options.index, file_options)
    log.debug("indexes: %s", redact(", ".join(settings.index_urls) or "(none)"))
    checked = [completeness.NAME, integrity.NAME, yanked.NAME]
    drift: tuple[Drift, ...] = ()
    unavailable: tuple[str, ...] = ()
    allowed: tuple[str, ...] = ()
    no_upload_time: list[str] = []
    cutoff = options.resolver.uploaded_prior_to
    several = len(settings.index_urls) + len(settings.find_links) > 1
    unjudged: tuple[str, ...] = ()
    header = read_text(options.pinned, shown, "pinned file")
    assigned = {**recorded_assignments(header), **index_for(options.index.index_for)}
    environments = _environments(options, lock_format.covers(header))
    with session_for(session, network) as used, ThreadPoolExecutor(max_workers=1) as side:
        reader = index or IndexClient(used, network)
        found = list_releases(pins, settings, reader, options.jobs)
        listings = confusion.assigned_listings(found, assigned)
        # The releases' metadata for the portability audit (the index's metadata files, pip
        # for the rest) is read while the digests are.
        metadata = side.submit(
            read_metadata,
            lines,
            environments,
            resolver or PipResolver(runner),
            # The pinned releases' own metadata: the cooldown and --only-binary are judged,
            # not applied, here.
            sync.resolution_arguments(_as_judged(options), pinned, network),
            python_environment(running_python()),
            options.resolver.python,
            IndexMetadata(listings, reader, options.jobs),
        )
        checkable = [line for line in lines if completeness.well_formed_hashes(line)]
        base = Path(options.pinned).parent
        cache = DigestCache(Path(options.cache_dir)) if options.cache_dir else None
        digests = integrity.file_digests(
            checkable, listings, base, used, network, options.jobs, cache
        )
        findings += integrity.integrity(checkable, listings, base, digests, environments)
        findings += yanked.yanked(lines, listings)
        if environments:
            checked.append(portability.NAME)
            read = metadata.result()
            not_portable, unjudged = portability.portability(
                lines,
                environments,
                read,
                lambda name, version: list(listings[(name, version)].files),
                options.resolver.only_binary,
            )
            findings += [*read.findings, *not_portable]
        if several:
            checked.append(confusion.NAME)
            sha256 = Hasher("sha256", used, network, cache=cache)
            findings += confusion.confusions(
                lines, found, assigned, lambda item: sha256.digest(item).hexdigest
            )
        if cutoff is not None:
            checked.append(cooldown.NAME)
            late, no_upload_time = cooldown.cooldown(checkable, listings, base, digests, cutoff)
            findings += late
        if source is not None:
            checked.append(sync.NAME)
            sync_findings, drift = sync.in_sync(
                options,
                pinned,
                source,
                resolver or PipResolver(runner),
                sync.resolution_arguments(options, pinned, network),
            )
            findings += sync_findings
        if options.vulns:
            checked.append(vulnerabilities.NAME)
            client = VulnerabilityClient(used, network)
            locations: dict[tuple[str, str], str] = {}
            for line in lines:
                if line.name and line.pinned_version:
                    locations.setdefault((line.name, line.pinned_version), location_of(line))
            vulnerable, unavailable, allowed = vulnerabilities.vulnerabilities(
                pins, listings, locations, client, allowlist, options.jobs
            )
            findings += vulnerable
            by_url = sorted({package_of(line) for line in lines if line.url and not line.problem})
            unavailable += tuple(f"{name}: pinned by URL, no release to look up" for name in by_url)
    files = len({item for listing in listings.values() for item in listing.files})
    return CheckResult(
        shown,
        source.shown if source else None,
        tuple(checked),
        len(lines),
        hashes,
        files,
        sort_findings(findings),
        drift,
        unavailable,
        allowed,
        tuple(no_upload_time),
        cutoff_text(cutoff) if cutoff is not None else None,
        unjudged,
    )


def _environments(
    options: CheckOptions, covered: tuple[Environment, ...] | None
) -> tuple[Environment, ...]:
    """What to audit portability for: the environments named, else those the file covers."""
    if options.python_versions or options.platforms:
        running = running_python()
        pythons = options.python_versions or tuple(
            sorted({f"{env.python[0]}.{env.python[1]}" for env in covered or ()})
        )
        return targets(pythons or (f"{running.major}.{running.minor}",), options.platforms)
    return covered or ()


def _as_judged(options: CheckOptions) -> CheckOptions:
    resolver = dataclasses.replace(options.resolver, uploaded_prior_to=None, only_binary=())
    return dataclasses.replace(options, resolver=resolver)
