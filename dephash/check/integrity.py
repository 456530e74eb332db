"""Audit step 2: every hash is the digest of a file served for its release; every file has one."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from dephash.check.completeness import hash_problem, well_formed_hashes
from dephash.check.lines import location_of, package_of
from dephash.check.model import Finding, FindingKind, Severity
from dephash.check.releases import Listing, line_files
from dephash.hashes import ALGORITHMS
from dephash.hashing.cache import DigestCache
from dephash.hashing.hasher import Hasher
from dephash.http import NetworkSettings
from dephash.inputs.reqfile import RequirementLine
from dephash.model import DistFile, Environment, LockedFile
from dephash.pools import run_parallel
from dephash.wheeltags import FileFilter

if TYPE_CHECKING:
    import requests

NAME = "integrity"
CLAIM = "every hash matches a file the index serves, and every file has a hash"
# The claim where the file covers some environments only.
CLAIM_COVERED = (
    "every hash matches a file the index serves, and every file that installs where it "
    "covers has a hash"
)


# Each served file's digest in each algorithm a pinned line uses.
Digests = Mapping[tuple[DistFile, str], str]


def file_digests(
    lines: Sequence[RequirementLine],
    listings: Mapping[tuple[str, str], Listing],
    base: Path,
    session: requests.Session,
    network: NetworkSettings,
    jobs: int,
    cache: DigestCache | None = None,
) -> Digests:
    """The digest of every file served for each line's release, in each algorithm its
    hashes use: the index's where it publishes one, else computed from a download verified
    against what it does publish."""
    work: set[tuple[DistFile, str]] = set()
    for line in lines:
        served = line_files(line, listings, base)
        if line.files:
            work.update(
                (item, algorithm)
                for locked, item in _matched(line.files, served)
                if item is not None
                for algorithm, _ in _usable(locked)
            )
            continue
        algorithms = {algorithm for algorithm, _ in well_formed_hashes(line)}
        work.update((item, algorithm) for item in served for algorithm in algorithms)
    ordered = sorted(work, key=lambda pair: (pair[0].filename, pair[0].url, pair[1]))
    hashers = {
        algorithm: Hasher(algorithm, session, network, cache=cache) for algorithm in ALGORITHMS
    }
    results = run_parallel(lambda pair: hashers[pair[1]].digest(pair[0]).hexdigest, ordered, jobs)
    return dict(zip(ordered, results, strict=True))


def covered(
    line: RequirementLine,
    listings: Mapping[tuple[str, str], Listing],
    base: Path,
    digests: Digests,
) -> list[DistFile]:
    """The files served for ``line``'s release that one of its hashes matches: those pip's
    hash-checking mode may install."""
    wanted = well_formed_hashes(line)
    return [
        item
        for item in line_files(line, listings, base)
        if any(digests[(item, algorithm)] == digest for algorithm, digest in wanted)
    ]


def integrity(
    lines: Sequence[RequirementLine],
    listings: Mapping[tuple[str, str], Listing],
    base: Path,
    digests: Digests,
    environments: Sequence[Environment] = (),
) -> list[Finding]:
    """Every hash must be the digest of a file served for its release; every file needs one
    (where the file covers only ``environments``: every file that installs in one of them).

    ``digests`` are :func:`file_digests`' for these lines.
    """
    pythons = sorted({f"{env.python[0]}.{env.python[1]}" for env in environments})
    there = FileFilter(tuple(pythons), tuple(sorted({env.platform for env in environments})))
    findings: list[Finding] = []
    for line in lines:
        files = line_files(line, listings, base)
        if not files:
            continue  # Reported once, as not served, by yanked().
        package, version, where = package_of(line), line.pinned_version, location_of(line)
        installable = there.select(files, package) if environments else files
        if line.files:
            findings += _file_findings(line, files, installable, digests)
            continue
        wanted = well_formed_hashes(line)
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
        for item in there.select(files, package) if environments else files:
            if not any(digests[(item, algorithm)] == digest for algorithm, digest in wanted):
                findings.append(_uncovered(line, item))
    return findings


def _uncovered(line: RequirementLine, item: DistFile) -> Finding:
    return Finding(
        package_of(line),
        line.pinned_version,
        FindingKind.UNCOVERED_FILE,
        f"{item.filename} is served for this release but no hash covers it: "
        "pip may choose it on some platform and fail; regenerate",
        Severity.WARNING,
        location=location_of(line),
    )


def _usable(locked: LockedFile) -> list[tuple[str, str]]:
    """A locked file's digests that can be checked (known algorithms, well formed)."""
    return [pair for pair in locked.hashes if hash_problem(":".join(pair)) is None]


def _matched(
    locked: Sequence[LockedFile], served: Sequence[DistFile]
) -> list[tuple[LockedFile, DistFile | None]]:
    """Each file a lock names, and the file served at its URL, else under its name."""
    by_url = {item.url.split("#", 1)[0]: item for item in served}
    by_name = {item.filename: item for item in served}
    return [
        (item, by_url.get(item.url.split("#", 1)[0]) or by_name.get(item.filename))
        for item in locked
    ]


def _file_findings(
    line: RequirementLine,
    served: Sequence[DistFile],
    installable: Sequence[DistFile],
    digests: Mapping[tuple[DistFile, str], str],
) -> list[Finding]:
    """A lock that names each file: each one's digests and size against the file served; the
    ``installable`` files it lacks are warnings."""
    package, version, where = package_of(line), line.pinned_version, location_of(line)
    findings: list[Finding] = []

    def found(kind: FindingKind, message: str) -> None:
        findings.append(Finding(package, version, kind, message, location=where))

    for locked, item in _matched(line.files, served):
        if item is None:
            found(
                FindingKind.NOT_FOUND,
                f"{locked.filename} is in the lock, but no index serves it for this release "
                "(removed, or renamed?): find out why, then regenerate",
            )
            continue
        for algorithm, digest in _usable(locked):
            if digests[(item, algorithm)] != digest:
                found(
                    FindingKind.HASH_MISMATCH,
                    f"{locked.filename}: {algorithm}:{digest[:16]}… is not the digest of the "
                    "file served (tampered with, or the file was replaced): find out why, "
                    "then regenerate",
                )
        if locked.size is not None and item.size is not None and locked.size != item.size:
            found(
                FindingKind.SIZE_MISMATCH,
                f"{locked.filename}: the lock says {locked.size} bytes, the index serves "
                f"{item.size} (the file was replaced?): find out why, then regenerate",
            )
    named = {locked.filename for locked in line.files}
    findings += [_uncovered(line, item) for item in installable if item.filename not in named]
    return findings
