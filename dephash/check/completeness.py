"""Audit step 1, offline: what ``pip install --require-hashes`` would refuse in the lines."""

from __future__ import annotations

from collections.abc import Sequence

from dephash.check.lines import location_of, package_of
from dephash.check.model import Finding, FindingKind
from dephash.environments import overlap
from dephash.hashes import HEX_LENGTHS, is_digest
from dephash.inputs.reqfile import RequirementLine

NAME = "hash-mode"
CLAIM = "complete for pip's hash-checking mode"


def completeness(lines: Sequence[RequirementLine]) -> list[Finding]:
    """What ``pip install --require-hashes`` would refuse in these lines (no network)."""
    findings: list[Finding] = []
    # A name pinned twice is a duplicate where both lines' markers can hold at once.
    pinned: dict[str, list[RequirementLine]] = {}
    for line in lines:
        package, where = package_of(line), location_of(line)
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
            earlier = next(
                (seen for seen in pinned.get(line.name, ()) if overlap(seen.marker, line.marker)),
                None,
            )
            pinned.setdefault(line.name, []).append(line)
            if earlier is not None:
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
    where = location_of(earlier)
    if earlier.specifier != line.specifier or earlier.url != line.url:
        return (
            f"pinned twice, differently (also {earlier.text.split(' --hash')[0]!r} at {where}): "
            "pip cannot install both; keep one"
        )
    return f"pinned twice (also at {where}): keep one line, so that the two cannot drift apart"


def hash_problem(value: str) -> str | None:
    """Why ``--hash=value`` is unusable in hash-checking mode, or ``None`` if it is fine."""
    algorithm, sep, digest = value.partition(":")
    if not sep or algorithm not in HEX_LENGTHS:
        return (
            f"--hash={value} is not 'sha256:', 'sha384:' or 'sha512:' followed by a digest: "
            "pip accepts only those; regenerate the hashes"
        )
    length = HEX_LENGTHS[algorithm]
    if not is_digest(algorithm, digest):
        return (
            f"--hash={value} is not a {algorithm} digest ({length} lowercase hex digits): "
            "it can match no file; regenerate the hashes"
        )
    return None


def well_formed_hashes(line: RequirementLine) -> tuple[tuple[str, str], ...]:
    """The line's usable hashes as ``(algorithm, hexdigest)``; none for lines not to check."""
    if line.problem or (line.url is None and (line.name is None or not line.pinned_version)):
        return ()
    pairs = [value.split(":", 1) for value in line.hashes if hash_problem(value) is None]
    return tuple(sorted((algorithm, digest) for algorithm, digest in pairs))
