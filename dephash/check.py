"""The ``check`` use case: can a pinned file be trusted? It returns findings, never prints.

Five checks, in pipeline order: hash-checking completeness (offline), integrity
of every hash against the files the index serves, yanked releases, drift
against the input the file was generated from, and known vulnerabilities.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import requests
from packaging.markers import Marker, UndefinedComparison
from packaging.specifiers import SpecifierSet
from packaging.version import InvalidVersion, Version

from dephash.cache import DigestCache
from dephash.digests import ALGORITHMS, Hasher, run_parallel
from dephash.errors import InputError
from dephash.gen import pip_arguments, via_annotations
from dephash.index import (
    IndexClient,
    NetworkSettings,
    distinct_files,
    files_for_version,
    make_session,
    url_filename,
)
from dephash.keep import resolve_keeping
from dephash.models import (
    CheckOptions,
    CheckResult,
    DistFile,
    Drift,
    Finding,
    FindingKind,
    GenOptions,
    IndexSettings,
    Severity,
    Vulnerability,
)
from dephash.pip import PipRunner, settings_for
from dephash.redact import redact
from dephash.reqfile import RequirementLine, RequirementsFile, display_path, parse_requirements
from dephash.vulns import VulnerabilityClient, is_allowed, read_allowlist

log = logging.getLogger(__name__)

HASH_MODE = "hash-mode"
INTEGRITY = "integrity"
YANKED = "yanked"
SYNC = "sync"
VULNERABILITIES = "vulnerabilities"
_DIGEST_LENGTHS = {"sha256": 64, "sha384": 96, "sha512": 128}
_HEX = re.compile(r"[0-9a-f]+")


@dataclass(frozen=True)
class _Listing:
    """The files of one pinned release, and the indexes that list its project."""

    files: tuple[DistFile, ...]
    indexes: tuple[str, ...]


def check(
    options: CheckOptions,
    *,
    runner: PipRunner | None = None,
    session: requests.Session | None = None,
    network: NetworkSettings | None = None,
) -> CheckResult:
    """Check ``options.pinned``; every problem found is a :class:`Finding` of the result.

    Errors that stop the check (an unreadable file, an unreachable index, pip
    failing) are raised as :class:`~dephash.errors.DephashError`.
    """
    if options.offline and (options.input or options.vulns):
        raise InputError("--offline checks only hash-checking completeness: drop --input/--vulns")
    if options.allowlist and not options.vulns:
        raise InputError("--allowlist applies to --vulns: add --vulns, or drop the allowlist")
    shown = display_path(options.pinned)
    pinned = parse_requirements(options.pinned, display=shown, lenient=True)
    source = None
    if options.input:
        source = parse_requirements(options.input, display=display_path(options.input))
    allowlist = read_allowlist(options.allowlist) if options.allowlist else frozenset()
    lines = [line for line in pinned.requirements if not line.constraint]
    findings = completeness(lines)
    pins = _pinned_releases(lines)
    hashes = sum(len(line.hashes) for line in lines)
    if options.offline:
        return CheckResult(shown, None, (HASH_MODE,), len(lines), hashes, 0, _sorted(findings))

    runner = runner or PipRunner()
    network = network or NetworkSettings(pool_size=options.jobs)
    file_options = [*pinned.index_options, *(source.index_options if source else ())]
    with ThreadPoolExecutor(max_workers=1) as side:
        # pip's version and its configuration are asked at once: two interpreter start-ups.
        config = side.submit(runner.config)
        runner.version()
        settings = settings_for(config.result(), options, file_options)
    log.debug("indexes: %s", redact(", ".join(settings.index_urls) or "(none)"))
    owned_session = session is None
    session = session or make_session(network)
    checked = [HASH_MODE, INTEGRITY, YANKED]
    drift: tuple[Drift, ...] = ()
    unavailable: tuple[str, ...] = ()
    allowed: tuple[str, ...] = ()
    try:
        listings = list_releases(pins, settings, IndexClient(session, network), options.jobs)
        checkable = [line for line in lines if _well_formed_hashes(line)]
        base = Path(options.pinned).parent
        cache = DigestCache(Path(options.cache_dir)) if options.cache_dir else None
        findings += integrity(checkable, listings, base, session, network, options.jobs, cache)
        findings += yanked(lines, listings)
        if source is not None:
            checked.append(SYNC)
            sync_findings, drift = in_sync(
                options, pinned, source, runner, _resolution_arguments(options, pinned)
            )
            findings += sync_findings
        if options.vulns:
            checked.append(VULNERABILITIES)
            client = VulnerabilityClient(session, network)
            locations: dict[tuple[str, str], str] = {}
            for line in lines:
                if line.name and line.pinned_version:
                    locations.setdefault((line.name, line.pinned_version), _where(line))
            vulnerable, unavailable, allowed = vulnerabilities(
                pins, listings, locations, client, allowlist, options.jobs
            )
            findings += vulnerable
            by_url = sorted({_package(line) for line in lines if line.url and not line.problem})
            unavailable += tuple(f"{name}: pinned by URL, no release to look up" for name in by_url)
    finally:
        if owned_session:
            session.close()
    files = len({item for listing in listings.values() for item in listing.files})
    return CheckResult(
        shown,
        display_path(options.input) if options.input else None,
        tuple(checked),
        len(lines),
        hashes,
        files,
        _sorted(findings),
        drift,
        unavailable,
        allowed,
    )


def _sorted(findings: Iterable[Finding]) -> tuple[Finding, ...]:
    order = list(FindingKind)
    return tuple(
        sorted(
            findings,
            key=lambda f: (f.package, f.version or "", order.index(f.kind), f.location, f.message),
        )
    )


def _where(line: RequirementLine) -> str:
    return f"{line.source}:{line.lineno}"


def _package(line: RequirementLine) -> str:
    if line.name:
        return line.name
    if line.url:
        return url_filename(line.url)
    return line.text


def _pinned_releases(lines: Sequence[RequirementLine]) -> list[tuple[str, str]]:
    """Every distinct ``(name, version)`` pinned with ``==`` (not by URL)."""
    releases: set[tuple[str, str]] = set()
    for line in lines:
        if line.name and line.pinned_version and not line.url:
            releases.add((line.name, line.pinned_version))
    return sorted(releases)


# -- 1. hash-checking completeness --------------------------------------------------


def completeness(lines: Sequence[RequirementLine]) -> list[Finding]:
    """What ``pip install --require-hashes`` would refuse in these lines (no network)."""
    findings: list[Finding] = []
    first_seen: dict[str, RequirementLine] = {}
    for line in lines:
        package, where = _package(line), _where(line)
        if line.problem:
            message = line.problem.removeprefix(f"{where}: ")
            findings.append(Finding(package, None, FindingKind.UNHASHABLE, message, location=where))
            continue
        version = line.pinned_version
        if line.url is None and version is None:
            findings.append(
                Finding(
                    package,
                    None,
                    FindingKind.UNPINNED,
                    f"not pinned with '==' ({line.text.split(' --hash')[0]!r}): pip's "
                    "hash-checking mode needs one exact version; regenerate with dephash gen",
                    location=where,
                )
            )
        if not line.hashes:
            findings.append(
                Finding(
                    package,
                    version,
                    FindingKind.MISSING_HASH,
                    "no --hash: in hash-checking mode pip refuses the whole file; "
                    "regenerate it with dephash gen",
                    location=where,
                )
            )
        for value in line.hashes:
            problem = hash_problem(value)
            if problem:
                findings.append(
                    Finding(package, version, FindingKind.BAD_HASH, problem, location=where)
                )
        if line.name:
            earlier = first_seen.setdefault(line.name, line)
            if earlier is not line:
                findings.append(
                    Finding(
                        package,
                        version,
                        FindingKind.DUPLICATE,
                        _duplicate_message(earlier, line),
                        location=where,
                    )
                )
    return findings


def _duplicate_message(earlier: RequirementLine, line: RequirementLine) -> str:
    where = _where(earlier)
    if earlier.specifier != line.specifier or earlier.url != line.url:
        return (
            f"pinned twice, differently (also {earlier.text.split(' --hash')[0]!r} at {where}): "
            "pip cannot install both; keep one"
        )
    return f"pinned twice (also at {where}): keep one line, so that the two cannot drift apart"


def hash_problem(value: str) -> str | None:
    """Why ``--hash=value`` is unusable in hash-checking mode, or ``None`` if it is fine."""
    algorithm, sep, digest = value.partition(":")
    if not sep or algorithm not in _DIGEST_LENGTHS:
        return (
            f"--hash={value} is not 'sha256:', 'sha384:' or 'sha512:' followed by a digest: "
            "pip accepts only those; regenerate the hashes"
        )
    length = _DIGEST_LENGTHS[algorithm]
    if len(digest) != length or not _HEX.fullmatch(digest):
        return (
            f"--hash={value} is not a {algorithm} digest ({length} lowercase hex digits): "
            "it can match no file; regenerate the hashes"
        )
    return None


def _well_formed_hashes(line: RequirementLine) -> tuple[tuple[str, str], ...]:
    """The line's usable hashes as ``(algorithm, hexdigest)``; none for lines not to check."""
    if line.problem or (line.url is None and (line.name is None or not line.pinned_version)):
        return ()
    pairs = [value.split(":", 1) for value in line.hashes if hash_problem(value) is None]
    return tuple(sorted((algorithm, digest) for algorithm, digest in pairs))


# -- 2. integrity --------------------------------------------------------------------


def list_releases(
    pins: Sequence[tuple[str, str]],
    settings: IndexSettings,
    client: IndexClient,
    jobs: int,
) -> dict[tuple[str, str], _Listing]:
    """Every file each index and find-links location serves for each pinned release."""
    names = sorted({name for name, _ in pins})
    pages = [(url, name) for name in names for url in settings.index_urls]
    listings = run_parallel(lambda page: client.project_files(*page), pages, jobs)
    link_files = [
        item
        for listing in run_parallel(client.find_links_files, settings.find_links, jobs)
        for item in listing
    ]
    by_project: dict[str, list[DistFile]] = defaultdict(list)
    indexes: dict[str, list[str]] = defaultdict(list)
    for (url, name), listing in zip(pages, listings, strict=True):
        if listing is not None:
            by_project[name].extend(listing)
            indexes[name].append(url)
    return {
        (name, version): _Listing(
            tuple(
                sorted(
                    distinct_files(
                        files_for_version([*by_project[name], *link_files], name, version)
                    ),
                    key=lambda item: (item.filename, item.url),
                )
            ),
            tuple(indexes[name]),
        )
        for name, version in pins
    }


def _line_files(
    line: RequirementLine, listings: Mapping[tuple[str, str], _Listing], base: Path
) -> tuple[DistFile, ...]:
    if line.url:
        url = line.url.split("#", 1)[0]
        if "://" not in url and not url.startswith("file:"):
            # A local archive, relative to the pinned file as pip reads it.
            url = (base / url).resolve().as_uri()
        return (DistFile(url_filename(url), url),)
    return listings[(str(line.name), str(line.pinned_version))].files


def integrity(
    lines: Sequence[RequirementLine],
    listings: Mapping[tuple[str, str], _Listing],
    base: Path,
    session: requests.Session,
    network: NetworkSettings,
    jobs: int,
    cache: DigestCache | None = None,
) -> list[Finding]:
    """Every hash must be the digest of a file served for its release; every file needs one.

    Digests the index publishes are compared directly; others are computed from
    a download verified against what the index does publish.
    """
    work: set[tuple[DistFile, str]] = set()
    for line in lines:
        algorithms = {algorithm for algorithm, _ in _well_formed_hashes(line)}
        work.update(
            (item, algorithm)
            for item in _line_files(line, listings, base)
            for algorithm in algorithms
        )
    ordered = sorted(work, key=lambda pair: (pair[0].filename, pair[0].url, pair[1]))
    hashers = {
        algorithm: Hasher(algorithm, session, network, cache=cache) for algorithm in ALGORITHMS
    }
    results = run_parallel(lambda pair: hashers[pair[1]].digest(pair[0]).hexdigest, ordered, jobs)
    digests = dict(zip(ordered, results, strict=True))
    findings: list[Finding] = []
    for line in lines:
        files = _line_files(line, listings, base)
        if not files:
            continue  # Reported once, as not served, by yanked().
        package, version, where = _package(line), line.pinned_version, _where(line)
        wanted = _well_formed_hashes(line)
        for algorithm, digest in wanted:
            if not any(digests[(item, algorithm)] == digest for item in files):
                findings.append(
                    Finding(
                        package,
                        version,
                        FindingKind.HASH_MISMATCH,
                        f"--hash={algorithm}:{digest[:16]}… matches no file served for this "
                        "release (tampered with, or a file was replaced): find out why, "
                        "then regenerate",
                        location=where,
                    )
                )
        for item in files:
            if not any(digests[(item, algorithm)] == digest for algorithm, digest in wanted):
                findings.append(
                    Finding(
                        package,
                        version,
                        FindingKind.UNCOVERED_FILE,
                        f"{item.filename} is served for this release but no hash covers it: "
                        "pip may choose it on some platform and fail; regenerate",
                        Severity.WARNING,
                        location=where,
                    )
                )
    return findings


# -- 3. yanked releases --------------------------------------------------------------


def yanked(
    lines: Sequence[RequirementLine], listings: Mapping[tuple[str, str], _Listing]
) -> list[Finding]:
    """Pins on releases no index serves, or that are yanked (PEP 592) everywhere."""
    findings: list[Finding] = []
    for line in lines:
        key = (str(line.name), str(line.pinned_version))
        if line.problem or line.url or key not in listings:
            continue
        name, version = key
        files = listings[key].files
        if not files:
            findings.append(
                Finding(
                    name,
                    version,
                    FindingKind.NOT_FOUND,
                    "no index or find-links location serves a file of this release "
                    "(removed, or another index?): pip cannot install it; pin a release "
                    "that exists",
                    location=_where(line),
                )
            )
        elif all(item.yanked is not None for item in files):
            reasons = sorted({item.yanked for item in files if item.yanked})
            reason = "; ".join(reasons) if reasons else "no reason given"
            findings.append(
                Finding(
                    name,
                    version,
                    FindingKind.YANKED,
                    f"yanked from its index ({reason}): pin another release",
                    location=_where(line),
                )
            )
    return findings


# -- 4. in sync with the input -------------------------------------------------------


def _resolution_arguments(options: CheckOptions, pinned: RequirementsFile) -> list[str]:
    """gen's pip options, then the pinned file's own index options, in order."""
    args = pip_arguments(
        GenOptions(
            input=str(options.input),
            index_url=options.index_url,
            extra_index_urls=options.extra_index_urls,
            find_links=options.find_links,
            no_index=options.no_index,
            pre=options.pre,
            only_binary=options.only_binary,
            no_binary=options.no_binary,
        )
    )
    flags = {"index_url": "--index-url", "extra_index_url": "--extra-index-url"}
    for option, value in pinned.index_options:
        if option == "no_index":
            args.append("--no-index")
        else:
            args += [flags.get(option, "--find-links"), value]
    return args


def _marker_holds(marker: str | None, environment: Mapping[str, str]) -> bool:
    if marker is None:
        return True
    try:
        return Marker(marker).evaluate({**environment, "extra": ""})
    except UndefinedComparison:
        # e.g. python_version ~= "1": pip cannot judge it either; count the line in.
        return True


def _version_of(requirement: str) -> Version | None:
    _, sep, version = requirement.partition("==")
    if not sep:
        return None
    try:
        return Version(version)
    except InvalidVersion:
        return None


def _same(pinned: str, resolved: str) -> bool:
    left, right = _version_of(pinned), _version_of(resolved)
    if left is not None and right is not None:
        return left == right
    return pinned == resolved


def satisfies(specifier: str, version: str) -> bool:
    """Whether ``version`` satisfies ``specifier`` (an unparsable version does not)."""
    try:
        return SpecifierSet(specifier).contains(Version(version), prereleases=True)
    except InvalidVersion:
        return False


def in_sync(
    options: CheckOptions,
    pinned: RequirementsFile,
    source: RequirementsFile,
    runner: PipRunner,
    args: Sequence[str],
) -> tuple[list[Finding], tuple[Drift, ...]]:
    """Resolve the input again keeping the pins that still fit, and compare."""
    shown = display_path(options.pinned)
    wanted_by = display_path(str(options.input))
    held: dict[str, str] = {}
    pins: dict[str, tuple[str, RequirementLine]] = {}
    for line in pinned.requirements:
        if line.constraint or line.problem or not line.name or line.name in pins:
            continue
        if line.url:
            pins[line.name] = (f"{line.name} @ {redact(line.url.split('#', 1)[0])}", line)
        elif line.pinned_version:
            pins[line.name] = (f"{line.name}=={line.pinned_version}", line)
            held[line.name] = line.pinned_version
    resolution, released = resolve_keeping(
        runner, Path(str(options.input)), held, args, options.python
    )
    if released:
        log.debug("pins that no longer fit the input: %s", ", ".join(released))
    environment = dict(resolution.environment)
    findings = unsatisfied(source, pins, environment)
    reported = {finding.package for finding in findings}
    via = via_annotations(resolution, source)
    resolved = {package.name: package for package in resolution.packages}
    drift: list[Drift] = []
    for name, package in sorted(resolved.items()):
        url = redact(package.url.split("#", 1)[0])
        wanted = f"{name} @ {url}" if package.direct else f"{name}=={package.version}"
        needed_by = f" (via {', '.join(via[name])})" if name in via else ""
        if name not in pins:
            drift.append(Drift(name, None, wanted))
            findings.append(
                Finding(
                    name,
                    package.version,
                    FindingKind.MISSING,
                    f"{wanted_by} now needs {wanted}{needed_by}, but the file does not "
                    "pin it: regenerate",
                    location=shown,
                )
            )
            continue
        text, line = pins[name]
        if _same(text, wanted):
            continue
        drift.append(Drift(name, text, wanted))
        if name not in reported:
            findings.append(
                Finding(
                    name,
                    line.pinned_version,
                    FindingKind.CHANGED,
                    f"no longer fits {wanted_by}, which now resolves to "
                    f"{wanted}{needed_by}: regenerate",
                    location=_where(line),
                )
            )
    for name, (text, line) in sorted(pins.items()):
        if name in resolved or not _marker_holds(line.marker, environment):
            continue
        drift.append(Drift(name, text, None))
        findings.append(
            Finding(
                name,
                line.pinned_version,
                FindingKind.UNNEEDED,
                f"nothing in {wanted_by} needs it any more: remove it (regenerate)",
                location=_where(line),
            )
        )
    return findings, tuple(sorted(drift, key=lambda entry: entry.package))


def unsatisfied(
    source: RequirementsFile,
    pins: Mapping[str, tuple[str, RequirementLine]],
    environment: Mapping[str, str],
) -> list[Finding]:
    """The input's own requirements that the pins do not satisfy."""
    findings: list[Finding] = []
    for requirement in source.requirements:
        name = requirement.name
        if requirement.constraint or name is None or name not in pins:
            continue
        line = pins[name][1]
        version = line.pinned_version
        if version is None or not _marker_holds(requirement.marker, environment):
            continue
        if requirement.specifier and not satisfies(requirement.specifier, version):
            findings.append(
                Finding(
                    name,
                    version,
                    FindingKind.UNSATISFIED,
                    f"{_where(requirement)} asks for {name}{requirement.specifier}, "
                    "which this pin does not satisfy: regenerate",
                    location=_where(line),
                )
            )
    return findings


# -- 5. known vulnerabilities --------------------------------------------------------


def vulnerabilities(
    pins: Sequence[tuple[str, str]],
    listings: Mapping[tuple[str, str], _Listing],
    locations: Mapping[tuple[str, str], str],
    client: VulnerabilityClient,
    allowlist: frozenset[str],
    jobs: int,
) -> tuple[list[Finding], tuple[str, ...], tuple[str, ...]]:
    """Known vulnerabilities of each pinned release, from the first index that has data.

    Returns the findings, the releases for which no index had data (with why),
    and the allowlisted ids that were silenced.
    """

    findings: list[Finding] = []
    unavailable: list[str] = []
    allowed: set[str] = set()
    answers = run_parallel(lambda pin: _release_data(pin, listings, client), pins, jobs)
    for (name, version), answer in zip(pins, answers, strict=True):
        if isinstance(answer, str):
            unavailable.append(f"{name}=={version}: {answer}")
            continue
        for vulnerability in answer:
            if is_allowed(vulnerability, allowlist):
                allowed.add(vulnerability.id)
                continue
            aliases = f" ({', '.join(vulnerability.aliases)})" if vulnerability.aliases else ""
            fixed = (
                f"fixed in {', '.join(vulnerability.fixed_in)}: upgrade"
                if vulnerability.fixed_in
                else "no fixed release is known"
            )
            summary = f": {vulnerability.summary}" if vulnerability.summary else ""
            findings.append(
                Finding(
                    name,
                    version,
                    FindingKind.VULNERABLE,
                    f"{vulnerability.id}{aliases}{summary}; {fixed}",
                    location=locations[(name, version)],
                    vulnerability=vulnerability,
                )
            )
    return findings, tuple(unavailable), tuple(sorted(allowed))


def _release_data(
    pin: tuple[str, str],
    listings: Mapping[tuple[str, str], _Listing],
    client: VulnerabilityClient,
) -> tuple[Vulnerability, ...] | str:
    """The release's vulnerabilities from the first index with data, or why there are none."""
    name, version = pin
    reasons = []
    for index_url in listings[pin].indexes:
        answer = client.release(index_url, name, version)
        if answer.vulnerabilities is not None:
            return answer.vulnerabilities
        reasons.append(answer.reason)
    return "; ".join(reasons) or "no index lists it"
