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
    # Per version: the environments that always need it, those some patch releases of whose
    # Python need it, and the patch-release markers that name those releases.
    always: dict[tuple[str, str], set[Environment]] = {}
    sometimes: dict[tuple[str, str], set[Environment]] = {}
    conditions: dict[tuple[str, str], set[str]] = {}
    chosen: dict[tuple[str, str], ResolvedPackage] = {}
    for placement in placements:
        for name, package in placement.packages.items():
            key = (name, package.version)
            chosen.setdefault(key, package)
            needed = placement.conditional.get(name)
            if needed is None:
                always.setdefault(key, set()).add(placement.environment)
            else:
                sometimes.setdefault(key, set()).add(placement.environment)
                conditions.setdefault(key, set()).update(needed)
    return [
        (chosen[key], _marker(always.get(key), sometimes.get(key), conditions.get(key), universe))
        for key in sorted(chosen, key=lambda key: (key[0], _version_key(key[1])))
    ]


def _marker(
    always: set[Environment] | None,
    sometimes: set[Environment] | None,
    conditions: set[str] | None,
    universe: Sequence[Environment],
) -> str | None:
    """The environments that always install a version, or (those some patch releases
    install it in, and one of those releases' markers)."""
    if not sometimes:
        return marker_for(always or set(), universe)
    partly = _and_any(marker_for(sometimes, universe), conditions or set())
    if not always:
        return partly
    whole = marker_for(always, universe)
    return f"{_wrapped(str(whole))} or ({partly})"


def _wrapped(text: str) -> str:
    return f"({text})" if " or " in text else text


def _and_any(marker: str | None, conditions: set[str]) -> str:
    """``marker`` and at least one of ``conditions``."""
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
