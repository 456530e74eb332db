"""The pinned releases' metadata for the portability audit: the index's, else pip's.

Each pinned release's core metadata (Requires-Dist, Requires-Python) is read from the
PEP 658 file the index serves beside one of its wheels (the wheel's URL + ``.metadata``),
asked for even where the page does not advertise it: PEP 658 fixes that URL, and a 404
only means "not here"; else from the METADATA inside that wheel, by HTTP range requests
(index/lazywheel.py). Where the page publishes the metadata file's digest, what is read
must match it: what does not is a finding (the index serves something other than it
says) and is not used, nor asked of pip (pip would read the same file, refuse it and
fail the whole run): the environments that pin that release are not judged. Releases
the index serves no usable metadata for (only an sdist, a pin by URL, a server without
range requests, a failure) are read by pip, as before: ``pip install --dry-run
--no-deps`` once on the resolving interpreter, then with each environment's tags for the
releases only it pins. One wheel's metadata stands for its release in every
environment, as the resolving interpreter's always did.
"""

from __future__ import annotations

import functools
import hashlib
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from packaging.metadata import parse_email
from packaging.tags import Tag, sys_tags
from packaging.utils import InvalidWheelFilename, canonicalize_name, parse_wheel_filename
from packaging.version import InvalidVersion, Version

from dephash.check.lines import location_of
from dephash.check.model import Finding, FindingKind
from dephash.check.releases import Listing
from dephash.distributions import strip_fragment
from dephash.errors import IndexUnreachable, ResolutionError
from dephash.files import scratch_file
from dephash.index.reader import IndexReader
from dephash.inputs.reqfile import RequirementLine
from dephash.markers import applies
from dephash.model import DistFile, Environment, ResolvedPackage
from dephash.pools import run_parallel
from dephash.redact import redact
from dephash.resolve import Resolver, ResolveRequest
from dephash.resolve.pipinput import environment_arguments
from dephash.resolve.walk import patch_ends

log = logging.getLogger(__name__)

# The fields the walk reads: metadata that fails to parse one of them is not used.
_NEEDED = ("name", "version", "requires-dist", "requires-python")


@dataclass(frozen=True)
class Metadata:
    """The pinned releases' metadata, by pin; the environments pip could not read it for
    (with pip's reason); and what was wrong with the index's metadata files."""

    by_pin: Mapping[str, ResolvedPackage]
    unavailable: Mapping[Environment, str]
    findings: tuple[Finding, ...] = ()


@dataclass(frozen=True)
class IndexMetadata:
    """Where the index's metadata is: the files listed per pinned release, the reader that
    fetches their metadata, and how many at once."""

    listings: Mapping[tuple[str, str], Listing]
    reader: IndexReader
    jobs: int = 8


def read_metadata(
    lines: Sequence[RequirementLine],
    environments: Sequence[Environment],
    resolver: Resolver,
    args: Sequence[str],
    here: Mapping[str, str],
    python: str | None = None,
    index: IndexMetadata | None = None,
) -> Metadata:
    """The metadata of the releases ``lines`` pin: from the index (with ``index``: its
    metadata files, else inside the wheels), and from pip for the rest, once on the
    resolving interpreter (``python``, whose marker values are ``here``) for the lines that
    hold there, then with each environment's tags for the releases only it pins.
    """
    lines = pinned_lines(lines)
    if not environments or not lines:
        return Metadata({}, {})
    by_pin, findings = _from_index(lines, index) if index else ({}, {})

    def unknown(line: RequirementLine) -> bool:
        # A refused file is not asked of pip either: pip reads it too, and fails.
        return pin(line) not in by_pin and pin(line) not in findings

    unavailable: dict[Environment, str] = {}
    host = [line for line in lines if applies(line.marker, here) and unknown(line)]
    try:
        by_pin.update(_from_pip(first_of_each(host), resolver, args, python, ()))
    except ResolutionError as exc:
        reason = f"pip could not read the metadata on the resolving interpreter: {exc}"
        return Metadata(by_pin, dict.fromkeys(environments, reason), tuple(findings.values()))
    for env in environments:
        points = patch_ends(env)
        there = [line for line in lines if any(applies(line.marker, at) for at in points)]
        asked = [line for line in first_of_each(there) if unknown(line)]
        if asked:
            try:
                by_pin.update(_env_metadata(asked, resolver, args, env))
            except ResolutionError as exc:
                unavailable[env] = f"pip could not read the metadata: {exc}"
    return Metadata(by_pin, unavailable, tuple(findings.values()))


def _env_metadata(
    lines: Sequence[RequirementLine], resolver: Resolver, args: Sequence[str], env: Environment
) -> dict[str, ResolvedPackage]:
    """The metadata of ``lines``' releases read with ``env``'s tags: from their wheels, else
    (a release with no wheel there) from their sdists, which pip takes with --no-deps."""
    try:
        return _from_pip(lines, resolver, args, None, environment_arguments(env))
    except ResolutionError:
        return _from_pip(lines, resolver, args, None, environment_arguments(env, False))


def pin(line: RequirementLine) -> str:
    """What ``line`` pins, as metadata is keyed: ``name==version`` or ``name @ url``."""
    if line.url:
        return f"{line.name} @ {strip_fragment(line.url)}"
    return f"{line.name}=={line.pinned_version}"


def pinned_lines(lines: Sequence[RequirementLine]) -> list[RequirementLine]:
    """The lines that pin a release (by version or URL)."""
    return [line for line in lines if line.name and (line.pinned_version or line.url)]


def first_of_each(lines: Sequence[RequirementLine]) -> list[RequirementLine]:
    """The first line of each name (a name pinned twice where both hold is a duplicate)."""
    first: dict[str, RequirementLine] = {}
    for line in lines:
        first.setdefault(str(line.name), line)
    return list(first.values())


def _from_index(
    lines: Sequence[RequirementLine], index: IndexMetadata
) -> tuple[dict[str, ResolvedPackage], dict[str, Finding]]:
    """The metadata files the index serves for the releases ``lines`` pin by version, and a
    finding for each that does not match the digest the index publishes for it (by pin)."""
    chosen: dict[str, tuple[RequirementLine, DistFile]] = {}
    for line in lines:
        listing = index.listings.get((str(line.name), str(line.pinned_version)))
        wheel = _wheel_of(listing.files) if listing and not line.url else None
        if wheel is not None:
            chosen.setdefault(pin(line), (line, wheel))
    bodies = run_parallel(
        lambda item: _fetch(index.reader, item[1]), list(chosen.values()), index.jobs
    )
    by_pin: dict[str, ResolvedPackage] = {}
    findings: dict[str, Finding] = {}
    for (key, (line, wheel)), body in zip(chosen.items(), bodies, strict=True):
        if body is None:
            continue
        wrong = _wrong_digest(wheel, body)
        if wrong:
            findings[key] = Finding(
                str(line.name),
                line.pinned_version,
                FindingKind.METADATA_MISMATCH,
                f"the index serves metadata for {wheel.filename} whose {wrong} digest is "
                "not the one its page publishes for it: the index is inconsistent or "
                "tampered with; that metadata is not used",
                location=location_of(line),
            )
            continue
        package = _parse(body, line, wheel)
        if package is not None:
            by_pin[key] = package
    log.debug(
        "metadata of %d of %d pinned releases read from the index (metadata files, wheels)",
        len(by_pin),
        len({pin(line) for line in lines}),
    )
    return by_pin, findings


def _wheel_of(files: Sequence[DistFile]) -> DistFile | None:
    """The wheel whose metadata stands for its release: served over HTTP, pure or for this
    interpreter, advertised (so with a digest to verify) first."""
    wheels = []
    for item in files:
        try:
            tags = parse_wheel_filename(item.filename)[3]
        except InvalidWheelFilename:
            continue  # an sdist, or a name no wheel has
        key = (
            not item.url.startswith(("http://", "https://")),
            not any(tag.platform == "any" for tag in tags),
            not tags & _host_tags(),
            item.core_metadata is None,
            item.filename,
            item.url,
        )
        wheels.append((key, item))
    return min(wheels, key=lambda pair: pair[0])[1] if wheels else None


@functools.cache
def _host_tags() -> frozenset[Tag]:
    return frozenset(sys_tags())


def _fetch(reader: IndexReader, wheel: DistFile) -> bytes | None:
    """The wheel's metadata as the index serves it: its PEP 658 file, else the METADATA
    inside it, by range requests; ``None`` (pip reads it) where neither can be had."""
    for read in (reader.core_metadata, reader.wheel_metadata):
        try:
            body = read(wheel)
        except IndexUnreachable as exc:
            log.debug("%s: %s", wheel.filename, exc)
            continue
        if body is not None:
            return body
    log.debug("%s: the index serves no metadata of it; pip reads it", wheel.filename)
    return None


def _wrong_digest(wheel: DistFile, body: bytes) -> str | None:
    """The first published digest of the metadata file that ``body`` does not match."""
    for algorithm, digest in wheel.core_metadata or ():
        if hashlib.new(algorithm, body, usedforsecurity=False).hexdigest() != digest:
            return algorithm
    return None


def _parse(body: bytes, line: RequirementLine, wheel: DistFile) -> ResolvedPackage | None:
    """``body`` as ``line``'s release's metadata; ``None`` (said) where it is not that."""
    raw, unparsed = parse_email(body)
    name, version = raw.get("name"), raw.get("version")
    problem = None
    if any(key in unparsed for key in _NEEDED):
        problem = "cannot be parsed"
    elif name is None or canonicalize_name(name) != canonicalize_name(str(line.name)):
        problem = f"names {name!r}"
    elif not _same_version(version, str(line.pinned_version)):
        problem = f"is of version {version!r}"
    if problem:
        log.warning(
            "%s: the metadata the index serves for %s %s; pip reads the metadata instead",
            pin(line),
            redact(wheel.url),
            problem,
        )
        return None
    return ResolvedPackage(
        str(line.name),
        str(line.pinned_version),
        wheel.url,
        requires_dist=tuple(raw.get("requires_dist", ())),
        requires_python=raw.get("requires_python") or None,
    )


def _same_version(found: str | None, pinned: str) -> bool:
    try:
        return found is not None and Version(found) == Version(pinned)
    except InvalidVersion:
        return found == pinned


def _from_pip(
    lines: Sequence[RequirementLine],
    resolver: Resolver,
    args: Sequence[str],
    python: str | None,
    environment: Sequence[str],
) -> dict[str, ResolvedPackage]:
    """The metadata of each line's release, by its pin, from pip."""
    if not lines:
        return {}
    with scratch_file([pin(line) for line in lines], "dephash-pins-") as path:
        request = ResolveRequest(("-r", path), (*args, *environment, "--no-deps"), (), python)
        resolution = resolver.resolve(request)
    by_name = {package.name: package for package in resolution.packages}
    return {pin(line): by_name[str(line.name)] for line in lines if line.name in by_name}
