"""Audit step 3: no pin on a release no index serves, or one yanked (PEP 592) everywhere."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from dephash.check.lines import location_of
from dephash.check.model import Finding, FindingKind
from dephash.check.releases import Listing
from dephash.inputs.reqfile import RequirementLine
from dephash.model import DistFile

NAME = "yanked"
CLAIM = "no yanked release"


def yanked(
    lines: Sequence[RequirementLine], listings: Mapping[tuple[str, str], Listing]
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
                    location=location_of(line),
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
                    location=location_of(line),
                )
            )
        else:
            findings += _yanked_files(line, files)
    return findings


def _yanked_files(line: RequirementLine, served: Sequence[DistFile]) -> list[Finding]:
    """A lock that names each file: the files it names that are yanked, one by one."""
    named = {locked.filename for locked in line.files}
    return [
        Finding(
            str(line.name),
            line.pinned_version,
            FindingKind.YANKED,
            f"{item.filename} is yanked from its index ({item.yanked or 'no reason given'}), "
            "though the release has other files: regenerate, or pin another release",
            location=location_of(line),
        )
        for item in served
        if item.yanked is not None and item.filename in named
    ]
