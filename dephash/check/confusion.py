"""Audit step: dependency confusion. With more than one index or find-links location in
use, no pinned release is served differently by two of them (other files, or the version on
one only while the other serves the name), unless the file (``# from``) or ``--index-for``
says which one it comes from."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence

from dephash.check.lines import location_of
from dephash.check.model import Finding, FindingKind
from dephash.check.releases import Listing
from dephash.guards.sources import Source, confusion, same_location
from dephash.inputs.reqfile import RequirementLine
from dephash.model import DistFile
from dephash.redact import redact

NAME = "confusion"
CLAIM = "no pinned name served differently by two indexes"


def confusions(
    lines: Sequence[RequirementLine],
    listings: Mapping[tuple[str, str], Listing],
    assigned: Mapping[str, str],
    digest: Callable[[DistFile], str],
) -> list[Finding]:
    """A finding per pinned release two sources serve differently; per name ``assigned``
    (canonical name -> location) to a source not in use."""
    findings: list[Finding] = []
    for line in lines:
        key = (str(line.name), str(line.pinned_version))
        if line.url or key not in listings:
            continue
        name, version = key
        sources = listings[key].sources
        location = assigned.get(name)
        if location is not None:
            if _source(sources, location) is None:
                findings.append(
                    Finding(
                        name,
                        version,
                        FindingKind.CONFUSION,
                        f"taken from {redact(location)}, which is not in use here: pip takes "
                        "it from the others; add that index, or regenerate",
                        location=location_of(line),
                    )
                )
            continue
        found = confusion(name, version, sources, digest)
        if found is not None:
            findings.append(
                Finding(
                    name,
                    version,
                    FindingKind.CONFUSION,
                    f"{found.differs()}: pip may install either; say where it comes from "
                    f"(gen --index-for {name}=URL), or stop using the index that should not "
                    "serve it",
                    location=location_of(line),
                )
            )
    return findings


def assigned_listings(
    listings: Mapping[tuple[str, str], Listing], assigned: Mapping[str, str]
) -> dict[tuple[str, str], Listing]:
    """``listings`` with each assigned name's files narrowed to its source's."""
    narrowed = dict(listings)
    for (name, version), listing in listings.items():
        location = assigned.get(name)
        source = _source(listing.sources, location) if location is not None else None
        if source is not None:
            files = tuple(sorted(source.files or (), key=lambda item: (item.filename, item.url)))
            narrowed[(name, version)] = dataclasses.replace(listing, files=files)
    return narrowed


def _source(sources: Sequence[Source], location: str) -> Source | None:
    return next((s for s in sources if same_location(s.location, location)), None)
