"""Per Python: whether pip would choose a newer release in an environment than on the host,
and which environment of each Python is resolved first.

The host's packages serve an environment when they fit it; but a newer Python may admit a
newer release that the host's Python excludes (numpy 2.5 requires Python 3.12; a host on
3.11 resolves 2.4). pip in that environment would choose the newer one, so the
environment is resolved on its own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence

from packaging.version import Version

from dephash.distributions import split_version
from dephash.environments import same_place
from dephash.markers import python_allows
from dephash.model import DistFile, Environment, MarkerEnvironment, ResolvedPackage

# The files of every release of a project newer than a version, as the indexes list them.
NewerFiles = Callable[[str, str], Sequence[DistFile]]


def admitted(
    package: ResolvedPackage, python: Version, newer_files: NewerFiles, pre: bool
) -> Iterable[tuple[Version, str | None]]:
    """Each newer release of ``package`` pip would choose (not yanked, not a pre-release
    unless ``pre``) that ``python`` admits, with the Requires-Python of its file."""
    for item in newer_files(package.name, package.version):
        version = split_version(item.filename)
        if item.yanked is not None or version is None or (version.is_prerelease and not pre):
            continue
        if python_allows(item.requires_python, python):
            yield version, item.requires_python


def newer_release(
    package: ResolvedPackage,
    env: Environment,
    host_python: Version,
    newer_files: NewerFiles,
    pre: bool = False,
) -> str | None:
    """A release of ``package`` newer than the one resolved that ``env``'s Python admits and
    the host's excludes (by Requires-Python), or ``None``: yanked files and pre-releases
    (unless ``pre``) do not count, as pip would not choose them."""
    python = Version(f"{env.python[0]}.{env.python[1]}")
    if package.direct or (python.major, python.minor) == (host_python.major, host_python.minor):
        return None
    for version, requires_python in admitted(package, python, newer_files, pre):
        if not python_allows(requires_python, host_python):
            return str(version)
    return None


def newer_in(
    env: Environment,
    reached: Iterable[str],
    hosted: Mapping[str, ResolvedPackage],
    host_python: Version,
    newer_files: NewerFiles,
    keep: Mapping[str, str],
    pre: bool,
) -> str | None:
    """A package of ``reached`` pip would choose a newer release of in ``env`` (not one whose
    pin regeneration keeps), as ``name version``."""
    for name in reached:
        package = hosted[name]
        if keep.get(name) == package.version:
            continue
        newer = newer_release(package, env, host_python, newer_files, pre)
        if newer:
            return f"{name} {newer}"
    return None


def outlook(
    env: Environment,
    reached: Iterable[str],
    packages: Mapping[str, ResolvedPackage],
    newer_files: NewerFiles,
    pre: bool,
) -> tuple[tuple[str, str], ...]:
    """The newest release ``env``'s Python admits of each package of ``reached`` that has a
    newer one than in ``packages``: Pythons with the same outlook likely resolve alike."""
    python = Version(f"{env.python[0]}.{env.python[1]}")
    found = []
    for name in sorted(reached):
        package = packages[name]
        if package.direct:
            continue
        versions = [version for version, _ in admitted(package, python, newer_files, pre)]
        if versions:
            found.append((name, str(max(versions))))
    return tuple(found)


def lead_environments(
    pending: Mapping[Environment, object], host: MarkerEnvironment
) -> list[Environment]:
    """One environment of each Python among ``pending``: the host's OS and machine where
    pending, else the first."""
    leads: dict[tuple[int, int], Environment] = {}
    for env in sorted(pending, key=lambda env: not same_place(env, host)):
        leads.setdefault(env.python, env)
    return list(leads.values())
