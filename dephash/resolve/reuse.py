"""One Python's answer for another's: pip runs for a lead environment only where no answer
already resolved for another Python serves it.

An answer pip gave for Python 3.12 serves 3.13 where the walk finds nothing missing there
and no newer release of a package it installs is admitted by 3.13 and excluded by 3.12
(then pip on 3.13 would choose it): each environment still gets the version pip would
choose there. The leads most likely to share an answer (same outlook) are placed in turn,
nearest Pythons first; the others in parallel.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import TypeVar

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from dephash.environments import describe
from dephash.inputs.reqfile import RequirementsFile
from dephash.model import Environment, ResolvedPackage
from dephash.resolve.newer import NewerFiles, newer_in
from dephash.resolve.walk import FilesOf, Placement, Walk, placement_of, walk

log = logging.getLogger(__name__)

Answer = TypeVar("Answer")
Asked = TypeVar("Asked")


def remembered(ask: Callable[[str, str], Asked]) -> Callable[[str, str], Asked]:
    """``ask`` (of a project and a version), asked once for each: every environment's walk
    and check asks the same of the same packages, and reading an index page costs."""
    known: dict[tuple[str, str], Asked] = {}

    def once(name: str, version: str) -> Asked:
        if (name, version) not in known:  # two threads at once may both ask: the same answer
            known[name, version] = ask(name, version)
        return known[name, version]

    return once


def serves(
    packages: Mapping[str, ResolvedPackage],
    python: tuple[int, int],
    env: Environment,
    roots: RequirementsFile,
    files_of: FilesOf,
    only_binary: Sequence[str],
    newer_files: NewerFiles,
    keep: Mapping[str, str],
) -> Walk | None:
    """``env``'s walk of ``packages`` (pip's answer for ``python``) where they serve it: nothing
    missing, no newer release ``env``'s Python admits and ``python`` excludes; else None."""
    walked = walk(packages, roots, env, files_of, only_binary)
    if walked.gaps:
        return None
    answered = Version(f"{python[0]}.{python[1]}")
    if newer_in(env, walked.reached, packages, answered, newer_files, keep, roots.pre):
        return None
    return walked


def reused(
    answer: Placement,
    env: Environment,
    roots: RequirementsFile,
    files_of: FilesOf,
    only_binary: Sequence[str],
    newer_files: NewerFiles,
    keep: Mapping[str, str],
) -> Placement | None:
    """``answer`` (pip's, for another Python's environment) as ``env``'s placement, where it
    serves ``env`` (as ``serves`` says); else None."""
    packages, by = answer.packages, answer.environment
    walked = serves(packages, by.python, env, roots, files_of, only_binary, newer_files, keep)
    if walked is None:
        return None
    log.debug("%s: the answer for %s serves it", describe([env]), describe([by]))
    return placement_of(env, packages, walked)


def lasting_gaps(walked: Walk, packages: Mapping[str, ResolvedPackage]) -> tuple[str, ...]:
    """The gaps of ``walked`` that name one of ``packages`` (in a version that does not fit):
    those a widened run that keeps ``packages``' versions leaves as they are."""
    return tuple(gap for gap in walked.gaps if _names_one_of(gap, packages))


def _names_one_of(gap: str, packages: Mapping[str, ResolvedPackage]) -> bool:
    try:
        return canonicalize_name(Requirement(gap).name) in packages
    except InvalidRequirement:
        return False


def chains(
    leads: Sequence[Environment], outlook: Callable[[Environment], Hashable | None]
) -> list[list[Environment]]:
    """``leads`` in chains to place in turn: those of the same ``outlook`` together (None: a
    chain of its own), each chain from its lowest Python up, the chains by their first."""
    together: dict[Hashable, list[Environment]] = {}
    alone: list[list[Environment]] = []
    for env in leads:
        key = outlook(env)
        if key is None:
            alone.append([env])
        else:
            together.setdefault(key, []).append(env)
    found = [sorted(chain, key=lambda env: env.python) for chain in together.values()]
    return sorted([*found, *alone], key=lambda chain: chain[0].python)


def in_turn(
    chain: Sequence[Environment],
    resolve: Callable[[Environment], Answer],
    reuse: Callable[[Answer, Environment], Answer | None],
) -> list[Answer]:
    """Each of ``chain`` placed in turn: by the first earlier answer ``reuse`` finds serving
    it, else by ``resolve`` (whose answer the later ones may then reuse)."""
    answers: list[Answer] = []
    placed: list[Answer] = []
    for env in chain:
        served = next(
            (found for found in (reuse(answer, env) for answer in answers) if found is not None),
            None,
        )
        if served is None:
            served = resolve(env)
            answers.append(served)
        placed.append(served)
    return placed
