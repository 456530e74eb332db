"""Versions that differ between patch releases of one Python.

An environment stands for every patch release of its Python, and pip resolves for it at
X.Y.0. Where a newer release requires a later patch release (``Requires-Python:
>=3.11.5``), pip on 3.11.5 and later would choose it: the environment is split there, the
later part resolved on its own, and each part's pins carry a ``python_full_version``
marker, as uv writes them.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import replace

from packaging.version import Version

from dephash.environments import describe
from dephash.markers import python_allows
from dephash.model import Environment, ResolvedPackage
from dephash.resolve.newer import NewerFiles, admitted
from dephash.resolve.walk import LAST_PATCH, Placement

log = logging.getLogger(__name__)

# How often one environment splits at most (each later part may take a pip run); past that,
# its last part keeps the releases its first patch release admits, which install there too.
SPLITS = 4

# The placement of an environment from its patch release on, given what it lacks (if known).
PlaceFrom = Callable[[Environment], Placement]


def split_point(
    package: ResolvedPackage,
    env: Environment,
    newer_files: NewerFiles,
    pre: bool = False,
) -> int | None:
    """The first patch release after ``env.patch`` of ``env``'s Python whose Requires-Python
    a release newer than ``package``'s admits where ``env.patch`` does not, or ``None``."""
    if package.direct:
        return None
    major, minor = env.python
    start = Version(f"{major}.{minor}.{env.patch}")
    newest = Version(f"{major}.{minor}.{LAST_PATCH}")
    found: int | None = None
    for _, needs in admitted(package, newest, newer_files, pre):
        if not python_allows(needs, start):
            first = _first_patch(needs or "", major, minor, env.patch)
            found = first if found is None else min(found, first)
    return found


@functools.cache
def _first_patch(requires_python: str, major: int, minor: int, after: int) -> int:
    """The first patch release past ``after`` that ``requires_python`` admits (one exists)."""
    return next(
        patch
        for patch in range(after + 1, LAST_PATCH + 1)
        if python_allows(requires_python, Version(f"{major}.{minor}.{patch}"))
    )


def split_by_patch(
    placements: Sequence[Placement],
    newer_files: NewerFiles,
    keep_for: Callable[[Environment], Mapping[str, str]],
    place_from: PlaceFrom,
    pre: bool = False,
) -> Iterator[Placement]:
    """Each placement, split where a later patch release of its Python admits a newer
    release of a package it installs (one its newest patch release's kept pins do not
    hold); ``place_from`` places an environment from a patch release on."""
    points: dict[tuple[str, str, tuple[int, int], int], int | None] = {}

    def first_split(placement: Placement) -> int | None:
        env = placement.environment
        kept = keep_for(replace(env, patch=LAST_PATCH))
        found: list[int] = []
        for name, package in placement.packages.items():
            key = (name, package.version, env.python, env.patch)
            if key not in points:
                points[key] = split_point(package, env, newer_files, pre)
            point = points[key]
            if point is not None and kept.get(name) != package.version:
                found.append(point)
        return min(found, default=None)

    for placement in placements:
        for _ in range(SPLITS):
            patch = first_split(placement)
            if patch is None:
                break
            log.debug(
                "%s: pip would choose otherwise from patch release %d on",
                describe([placement.environment]),
                patch,
            )
            yield replace(placement, until=patch)
            placement = place_from(replace(placement.environment, patch=patch))
        yield placement
