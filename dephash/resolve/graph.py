"""The dependency graph of a resolution: what requires each package (for ``# via``)."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterator, Mapping

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from dephash.inputs.reqfile import RequirementsFile
from dephash.markers import applies
from dephash.model import MarkerEnvironment, Resolution, ResolvedPackage

log = logging.getLogger(__name__)


def via_annotations(resolution: Resolution, parsed: RequirementsFile) -> dict[str, tuple[str, ...]]:
    """``# via`` sources per package: input files for top-level ones, then parents."""
    installed = {package.name: package for package in resolution.packages}
    direct: dict[str, set[str]] = defaultdict(set)
    extras: dict[str, set[str]] = {name: set(p.requested_extras) for name, p in installed.items()}
    for line in parsed.requirements:
        if line.name in installed and applies(line.marker, resolution.environment):
            label = f"{'-c' if line.constraint else '-r'} {line.source}"
            direct[line.name].add(line.via or label)
            if not line.constraint:
                extras[line.name].update(line.extras)
    parents = dependency_parents(resolution, extras)
    return {
        name: (*sorted(direct[name]), *sorted(parents[name]))
        for name in installed
        if direct[name] or parents[name]
    }


def dependency_parents(
    resolution: Resolution, extras: Mapping[str, set[str]]
) -> dict[str, set[str]]:
    """Which installed packages require each installed package, in this environment.

    Extras propagate: ``a`` requiring ``b[x]`` makes ``b``'s ``x`` dependencies count.
    """
    environment = resolution.environment
    installed = {package.name: package for package in resolution.packages}
    active_extras = {name: set(extras.get(name, ())) for name in installed}
    parents: dict[str, set[str]] = defaultdict(set)
    changed = True
    while changed:
        changed = False
        for package in resolution.packages:
            for dependency, dependency_extras in _active_requirements(
                package, active_extras[package.name], environment
            ):
                if dependency not in installed:
                    continue
                parents[dependency].add(package.name)
                missing = dependency_extras - active_extras[dependency]
                if missing:
                    active_extras[dependency] |= missing
                    changed = True
    return parents


def _active_requirements(
    package: ResolvedPackage, extras: set[str], environment: MarkerEnvironment
) -> Iterator[tuple[str, set[str]]]:
    for spec in package.requires_dist:
        try:
            requirement = Requirement(spec)
        except InvalidRequirement:
            log.debug("%s: ignoring unparsable requirement %r", package.name, spec)
            continue
        if applies(requirement.marker, environment, extras):
            yield canonicalize_name(requirement.name), set(requirement.extras)
