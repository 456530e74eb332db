"""Audit step: the release cooldown. No file a pin's hashes cover was uploaded after the
cutoff (``--uploaded-prior-to``), by the PEP 700 upload times its index publishes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path

from dephash.check.integrity import Digests, covered
from dephash.check.lines import location_of
from dephash.check.model import Finding, FindingKind
from dephash.check.releases import Listing
from dephash.guards.cutoff import cutoff_text, is_local, parse_time, uploaded_before
from dephash.inputs.reqfile import RequirementLine

NAME = "cooldown"
CLAIM = "no hashed file uploaded on or after {cutoff}"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def cooldown(
    lines: Sequence[RequirementLine],
    listings: Mapping[tuple[str, str], Listing],
    base: Path,
    digests: Digests,
    cutoff: datetime,
) -> tuple[list[Finding], list[str]]:
    """(the hashed files uploaded on or after ``cutoff``, one finding each; the releases
    whose index publishes no upload time for a hashed file).

    Files on this machine (a find-links folder) have no upload time and pass, as pip's
    ``--uploaded-prior-to`` lets them. Pins by URL name no release and are not judged.
    """
    shown = cutoff_text(cutoff)
    findings: list[Finding] = []
    unknown: list[str] = []
    for line in lines:
        key = (str(line.name), str(line.pinned_version))
        if line.url or key not in listings:
            continue
        name, version = key
        remote = [item for item in covered(line, listings, base, digests) if not is_local(item)]
        late = sorted(
            (item for item in remote if uploaded_before(item, cutoff) is False),
            key=lambda item: (str(parse_time(str(item.upload_time))), item.filename),
        )
        undated = [item.filename for item in remote if uploaded_before(item, cutoff) is None]
        if late:
            more = f" (and {_plural(len(late) - 1, 'more file')})" if len(late) > 1 else ""
            findings.append(
                Finding(
                    name,
                    version,
                    FindingKind.UPLOADED_LATE,
                    f"{late[0].filename}{more} was uploaded {late[0].upload_time}, not before "
                    f"the cutoff {shown}: pin an older release (gen --uploaded-prior-to "
                    f"{shown} leaves out later files)",
                    location=location_of(line),
                )
            )
        if undated:
            unknown.append(f"{name}=={version}: its index gives no upload time for {undated[0]}")
    return findings, sorted(set(unknown))
