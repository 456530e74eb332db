"""The answers of every environment merged into one set of pins: a version per environment,
under the marker of the environments that install it, and what requires each package."""

from __future__ import annotations

from collections.abc import Sequence

from packaging.version import InvalidVersion, Version

from dephash.environments import marker_for, marker_values
from dephash.inputs.reqfile import RequirementsFile
from dephash.model import Environment, Resolution, ResolvedPackage
from dephash.resolve.environments import Placement
from dephash.resolve.graph import via_annotations


def merge(
    placements: Sequence[Placement], universe: Sequence[Environment]
) -> list[tuple[ResolvedPackage, str | None]]:
    """One entry per package version, with the marker of the environments that install it
    (``None`` where every environment does), sorted by name and version."""
    where: dict[tuple[str, str], set[Environment]] = {}
    chosen: dict[tuple[str, str], ResolvedPackage] = {}
    # The patch-release markers a version is needed under, or None where it always is.
    needed: dict[tuple[str, str], set[str] | None] = {}
    for placement in placements:
        for name, package in placement.packages.items():
            key = (name, package.version)
            where.setdefault(key, set()).add(placement.environment)
            chosen.setdefault(key, package)
            conditions = placement.conditional.get(name)
            known = needed.get(key, set())
            needed[key] = None if conditions is None or known is None else known | conditions
    return [
        (chosen[key], _and_any(marker_for(where[key], universe), needed[key]))
        for key in sorted(where, key=lambda key: (key[0], _version_key(key[1])))
    ]


def _and_any(marker: str | None, conditions: set[str] | None) -> str | None:
    """``marker`` and at least one of ``conditions`` (no conditions: ``marker`` alone)."""
    if not conditions:
        return marker
    wrapped = [f"({text})" if " or " in text else text for text in sorted(conditions)]
    either = " or ".join(wrapped)
    if marker is None:
        return either
    grouped = f"({either})" if len(wrapped) > 1 else either
    return f"({marker}) and {grouped}" if " or " in marker else f"{marker} and {grouped}"


def _version_key(text: str) -> tuple[int, Version | str]:
    try:
        return (0, Version(text))
    except InvalidVersion:
        return (1, text)


def via_everywhere(
    placements: Sequence[Placement], roots: RequirementsFile
) -> dict[str, tuple[str, ...]]:
    """``# via`` sources per package, in every environment that installs it."""
    found: dict[str, set[str]] = {}
    for placement in placements:
        resolution = Resolution(
            tuple(placement.packages.values()), marker_values(placement.environment)
        )
        for name, sources in via_annotations(resolution, roots).items():
            found.setdefault(name, set()).update(sources)
    # Inputs (-r, -c) first, then the packages that require it, as for one environment.
    return {
        name: tuple(sorted(sources, key=lambda source: (not source.startswith("-"), source)))
        for name, sources in found.items()
    }
