"""The answers of every environment merged into one set of pins: a version per environment,
under the marker of the environments that install it, and what requires each package."""

from __future__ import annotations

from collections.abc import Sequence

from packaging.version import InvalidVersion, Version

from dephash.environments import marker_for, marker_values
from dephash.inputs.reqfile import RequirementsFile
from dephash.model import Environment, Resolution, ResolvedPackage
from dephash.resolve.graph import via_annotations
from dephash.resolve.walk import Placement

# Per environment: the markers that name the patch releases needing a version there, or
# ``None`` where every patch release does.
_Needs = dict[Environment, frozenset[str] | None]


def merge(
    placements: Sequence[Placement], universe: Sequence[Environment]
) -> list[tuple[ResolvedPackage, str | None]]:
    """One entry per package version, with the marker of the environments that install it
    (``None`` where every environment does), sorted by name and version. An environment
    placed in parts (from a patch release on) gives each part's versions that part's
    ``python_full_version`` range."""
    needs: dict[tuple[str, str], _Needs] = {}
    chosen: dict[tuple[str, str], ResolvedPackage] = {}
    parts: dict[Environment, list[Placement]] = {}
    for placement in placements:
        parts.setdefault(placement.environment, []).append(placement)
    for env, split in parts.items():
        for placement in split:
            segment = _segment(placement) if len(split) > 1 else None
            for name, package in placement.packages.items():
                key = (name, package.version)
                chosen.setdefault(key, package)
                own = placement.conditional.get(name)
                if segment is not None and not _everywhere(name, package.version, split):
                    own = frozenset(
                        {segment} if own is None else {_both(text, segment) for text in own}
                    )
                found = needs.setdefault(key, {})
                known = found.get(env, frozenset())
                found[env] = None if own is None or known is None else known | own
    return [
        (chosen[key], _marker(needs[key], universe))
        for key in sorted(chosen, key=lambda key: (key[0], _version_key(key[1])))
    ]


def _everywhere(name: str, version: str, split: Sequence[Placement]) -> bool:
    """Whether every part installs ``version`` of ``name`` on all its patch releases."""
    return all(
        name in part.packages
        and part.packages[name].version == version
        and name not in part.conditional
        for part in split
    )


def _segment(placement: Placement) -> str:
    """The ``python_full_version`` range of one part of an environment."""
    major, minor = placement.environment.python
    since, until = placement.environment.patch, placement.until
    bounds = [f'python_full_version >= "{major}.{minor}.{since}"'] if since else []
    bounds += [] if until is None else [f'python_full_version < "{major}.{minor}.{until}"']
    return " and ".join(bounds)


def _both(condition: str, segment: str) -> str:
    return f"({condition}) and {segment}" if " or " in condition else f"{condition} and {segment}"


def _marker(needs: _Needs, universe: Sequence[Environment]) -> str | None:
    """The environments that always install a version, or (for each set of patch-release
    markers, the environments some of whose releases install it, and one of those markers)."""
    always = {env for env, conditions in needs.items() if conditions is None}
    groups: dict[frozenset[str], set[Environment]] = {}
    for env, conditions in needs.items():
        if conditions is not None:
            groups.setdefault(conditions, set()).add(env)
    if not groups:
        return marker_for(always, universe)
    partly = [
        _and_any(marker_for(envs, universe), set(conditions))
        for conditions, envs in sorted(groups.items(), key=lambda item: sorted(item[0]))
    ]
    if not always and len(partly) == 1:
        return partly[0]
    whole = [_wrapped(str(marker_for(always, universe)))] if always else []
    return " or ".join([*whole, *(f"({text})" for text in partly)])


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
