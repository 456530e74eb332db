"""How a pinned line is named in findings, and the order findings are reported in."""

from __future__ import annotations

from collections.abc import Iterable

from dephash.check.model import Finding, FindingKind
from dephash.distributions import url_filename
from dephash.inputs.reqfile import RequirementLine


def sort_findings(findings: Iterable[Finding]) -> tuple[Finding, ...]:
    """Findings by package, version, kind (in the order of the checks), then place."""
    order = list(FindingKind)
    return tuple(
        sorted(
            findings,
            key=lambda f: (f.package, f.version or "", order.index(f.kind), f.location, f.message),
        )
    )


def location_of(line: RequirementLine) -> str:
    """``file:line`` of a pinned line."""
    return f"{line.source}:{line.lineno}"


def package_of(line: RequirementLine) -> str:
    """The package a line pins: its name, else its archive's file name, else its text."""
    if line.name:
        return line.name
    if line.url:
        return url_filename(line.url)
    return line.text
