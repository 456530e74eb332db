"""Audit step: every environment the file covers finds each dependency it needs pinned.

pip installs a portable file's lines by their markers, and in hash-checking mode it
refuses a dependency that no line pins for the environment it runs in. For each
environment the file covers, this step takes the lines whose markers hold there,
follows the requirements of each pinned release (its metadata: check/metadata.py) with
that environment's markers, and names what is missing, in a version its dependants
exclude, or pinned in a release whose Requires-Python excludes the environment.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from dephash.check.lines import location_of
from dephash.check.metadata import Metadata, pin, pinned_lines
from dephash.check.model import Finding, FindingKind
from dephash.environments import describe
from dephash.inputs.reqfile import RequirementLine
from dephash.markers import applies, python_allows
from dephash.model import DistFile, Environment, MarkerEnvironment, ResolvedPackage
from dephash.resolve.walk import FilesOf, patch_ends
from dephash.wheeltags import FileFilter

log = logging.getLogger(__name__)

# Where a message names the environments it holds in, once they are all known.
_WHERE = "{environments}"

NAME = "portable"
CLAIM = "every dependency pinned for each environment it covers"


def portability(
    lines: Sequence[RequirementLine],
    environments: Sequence[Environment],
    metadata: Metadata,
    files_of: FilesOf,
    only_binary: Sequence[str] = (),
) -> tuple[list[Finding], tuple[str, ...]]:
    """What each of ``environments`` lacks in ``lines``, and the environments not judged.

    ``files_of(name, version)`` are the files the indexes serve for a pinned release; a
    release with an sdist only for an environment installs there (pip builds it) unless
    ``only_binary`` (pip's ``--only-binary`` values) names it.
    """
    pins = pinned_lines(lines)
    missing: dict[tuple[str, str, str], tuple[RequirementLine, list[Environment]]] = {}
    wrong: dict[tuple[str, str, str, str], tuple[RequirementLine, list[Environment]]] = {}
    unread: dict[Environment, set[str]] = {}
    for env in environments:
        if env in metadata.unavailable:
            continue
        for point in patch_ends(env):
            for problem in _walk(pins, point, metadata.by_pin, env, files_of, only_binary):
                if problem.unread:
                    unread.setdefault(env, set()).add(problem.key[1])
                elif problem.missing:
                    missing.setdefault(problem.key, (problem.line, []))[1].append(env)
                else:
                    wrong.setdefault((*problem.key, problem.why), (problem.line, []))[1].append(env)
    findings = [
        Finding(
            needed,
            None,
            FindingKind.NOT_PORTABLE,
            f"{by} requires {wanted!r} on {describe(_distinct(envs))}, and no line pins it "
            "there: pip's hash-checking mode refuses the file there; regenerate it with "
            "dephash gen",
            location=location_of(line),
        )
        for (needed, by, wanted), (line, envs) in missing.items()
    ]
    findings += [
        Finding(
            str(line.name),
            line.pinned_version,
            FindingKind.NOT_PORTABLE,
            f"{why.replace(_WHERE, describe(_distinct(envs)))}; regenerate the file with "
            "dephash gen",
            location=location_of(line),
        )
        for (_, _, _, why), (line, envs) in wrong.items()
    ]
    unjudged = tuple(f"{describe([env])}: {why}" for env, why in metadata.unavailable.items())
    # Never clean without having read it: a release no path had metadata for is not judged.
    unjudged += tuple(
        f"{describe([env])}: no metadata could be read for {', '.join(sorted(names))}"
        for env, names in unread.items()
    )
    return findings, unjudged


@dataclass(frozen=True)
class _Problem:
    key: tuple[str, str, str]  # the package needed, what needs it, the requirement
    line: RequirementLine  # the line that needs it where none pins it, else the unfit pin
    why: str = ""
    unread: bool = False  # no metadata of the pin was read: the environment is not judged

    @property
    def missing(self) -> bool:
        return not self.why


def _walk(
    pins: Sequence[RequirementLine],
    point: MarkerEnvironment,
    metadata: Mapping[str, ResolvedPackage],
    env: Environment,
    files_of: FilesOf,
    only_binary: Sequence[str],
) -> Iterator[_Problem]:
    """The problems of the lines that hold at ``point``, one patch release of ``env``."""
    there = {str(line.name): line for line in reversed(pins) if applies(line.marker, point)}
    python = Version(point.as_dict()["python_full_version"])
    fits = FileFilter((f"{env.python[0]}.{env.python[1]}",), (env.platform,), tuple(only_binary))
    queue = [(name, frozenset[str]()) for name in sorted(there)]
    seen: dict[str, frozenset[str]] = {}
    while queue:
        name, extras = queue.pop(0)
        known = seen.get(name)
        if known is not None and extras <= known:
            continue
        seen[name] = extras = (known or frozenset()) | extras
        line = there[name]
        pinned = pin(line)
        package = metadata.get(pinned)
        if package is None:
            yield _Problem((name, pinned, ""), line, unread=True)
            continue
        if known is None and not python_allows(package.requires_python, python):
            yield _Problem(
                (name, pinned, ""),
                line,
                f"requires Python {package.requires_python}, which excludes {_WHERE}",
            )
        elif known is None and not line.url:
            files = files_of(name, str(line.pinned_version))
            # No file listed at all is the index's failing: integrity names it.
            if files and not fits.select(files, name):
                yield _Problem((name, pinned, ""), line, _no_file(files, name, fits))
        for spec in package.requires_dist:
            try:
                requirement = Requirement(spec)
            except InvalidRequirement:
                continue
            if not applies(requirement.marker, point, extras):
                continue
            needed = canonicalize_name(requirement.name)
            requirement.marker = None
            target = there.get(needed)
            if target is None:
                yield _Problem((needed, pinned, str(requirement)), line)
                continue
            if not target.url and not _contains(requirement, str(target.pinned_version)):
                yield _Problem(
                    (needed, pinned, str(requirement)),
                    target,
                    f"{pinned} requires {str(requirement)!r} on {_WHERE}, which excludes "
                    "the version pinned there",
                )
            queue.append((needed, frozenset(requirement.extras)))


def _no_file(files: Sequence[DistFile], name: str, fits: FileFilter) -> str:
    if fits.only_binary and replace(fits, only_binary=()).select(files, name):
        return f"no wheel of it installs on {_WHERE}, and --only-binary forbids its sdist"
    return f"no file of it installs on {_WHERE}"


def _contains(requirement: Requirement, version: str) -> bool:
    try:
        return requirement.specifier.contains(Version(version), prereleases=True)
    except InvalidVersion:
        return True  # a version PEP 440 cannot order is not judged here


def _distinct(environments: Sequence[Environment]) -> list[Environment]:
    return sorted(set(environments))
