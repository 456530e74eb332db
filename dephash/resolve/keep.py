"""Resolving again, keeping earlier pins where they still fit: a wrapper around any resolver."""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Mapping

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from dephash.errors import ResolutionError
from dephash.model import Resolution
from dephash.resolve import Resolver, ResolveRequest

log = logging.getLogger(__name__)

ROUNDS = 5
# Where pip's explanation of a conflict names a requirement: the constraints it
# was given, and the requirements it could not satisfy.
_NAMED = (
    re.compile(r"The user requested \(constraint\) (.+)$", re.MULTILINE),
    re.compile(r"No matching distribution found for (\S+)"),
    re.compile(r"Could not find a version that satisfies the requirement (\S+)"),
)


def resolve_keeping(
    resolver: Resolver,
    request: ResolveRequest,
    pins: Mapping[str, str],
    rounds: int = ROUNDS,
) -> tuple[Resolution, list[str]]:
    """Resolve ``request``, keeping ``pins`` (name -> version) that still fit.

    The pins go to the resolver as constraints, beside the request's own. When
    it reports a conflict, the pins its explanation names are released and it
    runs again (at most ``rounds`` times); when it names none, or the rounds
    run out, every pin is released and it resolves once more, freely. An old
    pin alone never makes this fail: only an input that cannot be resolved at
    all does.

    Returns the resolution and the sorted names of the pins released.
    """
    held: dict[str, str] = {canonicalize_name(name): version for name, version in pins.items()}
    released: set[str] = set()
    for _ in range(rounds):
        if not held:
            break
        try:
            constrained = dataclasses.replace(
                request, constraints=(*request.constraints, *sorted(held.items()))
            )
            return resolver.resolve(constrained), sorted(released)
        except ResolutionError as exc:
            named = conflicting_pins(exc.pip_output, held)
            if not named:
                break
            log.debug("pins released after a conflict: %s", ", ".join(named))
            for name in named:
                del held[name]
            released.update(named)
    if held:
        log.debug("releasing every remaining pin: %s", ", ".join(sorted(held)))
        released.update(held)
    return resolver.resolve(request), sorted(released)


def conflicting_pins(pip_output: str, held: Mapping[str, str]) -> list[str]:
    """The held pins that pip's explanation of a failure names, sorted."""
    named: set[str] = set()
    for pattern in _NAMED:
        for match in pattern.finditer(pip_output):
            try:
                requirement = Requirement(match.group(1).strip())
            except InvalidRequirement:
                continue
            named.add(canonicalize_name(requirement.name))
    return sorted(named & set(held))
