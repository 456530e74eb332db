"""Audit step 2: every hash is the digest of a file served for its release; every file has one."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from dephash.check.completeness import well_formed_hashes
from dephash.check.lines import location_of, package_of
from dephash.check.model import Finding, FindingKind, Severity
from dephash.check.releases import Listing, line_files
from dephash.hashes import ALGORITHMS
from dephash.hashing.cache import DigestCache
from dephash.hashing.hasher import Hasher
from dephash.http import NetworkSettings
from dephash.inputs.reqfile import RequirementLine
from dephash.model import DistFile, Environment
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
        algorithms = {algorithm for algorithm, _ in well_formed_hashes(line)}
        work.update(
            (item, algorithm)
            for item in line_files(line, listings, base)
            for algorithm in algorithms
        )
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
