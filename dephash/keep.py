"""Resolving a requirements file again while keeping earlier pins where they still fit."""

from __future__ import annotations

import logging
import re
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from dephash.errors import ResolutionError
from dephash.models import Resolution
from dephash.pip import PipRunner

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
    runner: PipRunner,
    requirements_path: Path,
    pins: Mapping[str, str],
    args: Sequence[str] = (),
    target: str | None = None,
    rounds: int = ROUNDS,
) -> tuple[Resolution, list[str]]:
    """Resolve ``requirements_path`` with pip, keeping ``pins`` (name -> version) that still fit.

    The pins go to pip as constraints. When pip reports a conflict, the pins
    its explanation names are released and pip runs again (at most ``rounds``
    times); when it names none, or the rounds run out, every pin is released
    and pip resolves once more, freely. An old pin alone never makes this
    fail: only an input that cannot be resolved at all does.

    Returns the resolution and the sorted names of the pins released.
    """
    held: dict[str, str] = {canonicalize_name(name): version for name, version in pins.items()}
    released: set[str] = set()
    for _ in range(rounds):
        if not held:
            break
        try:
            return _resolve_constrained(runner, requirements_path, held, args, target), sorted(
                released
            )
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
    return runner.resolve(requirements_path, args, target), sorted(released)


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


def _resolve_constrained(
    runner: PipRunner,
    requirements_path: Path,
    held: Mapping[str, str],
    args: Sequence[str],
    target: str | None,
) -> Resolution:
    with tempfile.TemporaryDirectory(prefix="dephash-keep-") as scratch:
        constraints = Path(scratch) / "pins.txt"
        constraints.write_text(
            "".join(f"{name}=={version}\n" for name, version in sorted(held.items())),
            encoding="utf-8",
        )
        return runner.resolve(requirements_path, [*args, "-c", str(constraints)], target)
