"""What one environment needs of a set of packages: dephash follows the input's requirements
and every dependency whose marker holds there, and names what the packages do not meet."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from packaging.markers import Marker
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from dephash.environments import marker_values
from dephash.inputs.reqfile import RequirementsFile
from dephash.markers import applies, python_allows
from dephash.model import DistFile, Environment, MarkerEnvironment, ResolvedPackage
from dephash.resolve.pipinput import requirement_text
from dephash.wheeltags import FileFilter

# The files of one version of a project, as the indexes list them.
FilesOf = Callable[[str, str], list[DistFile]]


# The patch release that stands for "the newest" when markers are judged for a whole X.Y.
LAST_PATCH = 999


def patch_ends(env: Environment) -> tuple[MarkerEnvironment, MarkerEnvironment]:
    """``env``'s marker values at its patch release and at its Python's newest."""
    return marker_values(env), marker_values(replace(env, patch=LAST_PATCH))


@dataclass(frozen=True)
class Walk:
    """What one environment needs of a set of packages.

    ``reached`` maps each package the environment installs to the extras asked of
    it; ``gaps`` are the requirements (without markers) that the packages do not
    meet there: missing, in a version the requirement excludes, or with no file or
    Requires-Python for the environment.
    """

    reached: Mapping[str, frozenset[str]]
    gaps: tuple[str, ...] = ()
    # Packages only some patch releases need, and the markers that name those releases.
    conditional: Mapping[str, frozenset[str]] = field(default_factory=dict)
    # Packages whose release is a gap because it requires a later patch release of the Python.
    late: tuple[str, ...] = ()


@dataclass(frozen=True)
class Placement:
    """The packages one environment installs, by name, from its patch release
    (``environment.patch``) up to ``until`` (``None``: its Python's newest)."""

    environment: Environment
    packages: Mapping[str, ResolvedPackage] = field(default_factory=dict)
    # As Walk.conditional: packages some patch releases of the environment's Python need.
    conditional: Mapping[str, frozenset[str]] = field(default_factory=dict)
    until: int | None = None


def placement_of(
    env: Environment, packages: Mapping[str, ResolvedPackage], walked: Walk
) -> Placement:
    """``env``'s placement: the ``packages`` its walk of them reached."""
    return Placement(env, {name: packages[name] for name in walked.reached}, walked.conditional)


def walk(
    packages: Mapping[str, ResolvedPackage],
    roots: RequirementsFile,
    env: Environment,
    files_of: FilesOf,
    only_binary: Sequence[str] = (),
) -> Walk:
    """Follow the input's requirements and every dependency whose marker holds in ``env``.

    ``env`` stands for every patch release of its Python from ``env.patch`` on: a
    requirement whose marker holds for some of them only (``python_full_version <
    "3.11.3"``) is followed, and where it alone brings a package in, the walk keeps its
    marker as that package's condition. Requires-Python is judged at ``env.patch``, as pip
    judges ``--python-version X.Y.Z``.
    """
    low, high = patch_ends(env)
    dotted = f"{env.python[0]}.{env.python[1]}"
    fits = FileFilter((dotted,), (env.platform,), tuple(only_binary))  # what installs there
    python = Version(f"{dotted}.{env.patch}")
    newest = Version(f"{dotted}.{LAST_PATCH}")
    queue: list[tuple[str, frozenset[str], str, str | None]] = []
    for line in roots.requirements:
        if line.constraint or line.name is None:
            continue
        holds, condition = _holds(line.marker, low, high, ())
        if holds:
            queue.append((line.name, frozenset(line.extras), requirement_text(line), condition))
    queue += [
        (p.name, frozenset(p.requested_extras), p.name, None) for p in packages.values() if p.direct
    ]
    reached: dict[str, frozenset[str]] = {}
    conditions: dict[str, set[str] | None] = {}
    gaps: list[str] = []
    late: list[str] = []
    while queue:
        name, extras, wanted, condition = queue.pop(0)
        package = packages.get(name)
        if (
            package is None
            or not _satisfies(wanted, package)
            or not _fits(package, python, fits, files_of)
        ):
            if wanted not in gaps:
                gaps.append(wanted)
            if package is not None and _late(package, python, newest) and name not in late:
                late.append(name)
            continue
        known_condition = conditions.get(name, set())
        conditions[name] = (
            None if condition is None or known_condition is None else known_condition | {condition}
        )
        known = reached.get(name)
        if known is not None and extras <= known:
            continue
        reached[name] = (known or frozenset()) | extras
        for spec in package.requires_dist:
            try:
                requirement = Requirement(spec)
            except InvalidRequirement:
                continue
            holds, edge = _holds(requirement.marker, low, high, reached[name])
            if holds:
                requirement.marker = None
                queue.append(
                    (
                        canonicalize_name(requirement.name),
                        frozenset(requirement.extras),
                        str(requirement),
                        edge,
                    )
                )
    conditional = {name: frozenset(found) for name, found in conditions.items() if found}
    return Walk(reached, tuple(gaps), conditional, tuple(late))


def _holds(
    marker: Marker | str | None,
    low: MarkerEnvironment,
    high: MarkerEnvironment,
    extras: Iterable[str],
) -> tuple[bool, str | None]:
    """Whether ``marker`` holds for some patch release, and the marker itself where it holds
    for some only (``None`` where it holds for all, or names an extra pip would not see)."""
    at_low, at_high = applies(marker, low, extras), applies(marker, high, extras)
    if at_low == at_high or "extra" in str(marker):
        return at_low or at_high, None
    return True, str(marker)


def _late(package: ResolvedPackage, python: Version, newest: Version) -> bool:
    return not python_allows(package.requires_python, python) and python_allows(
        package.requires_python, newest
    )


def _satisfies(wanted: str, package: ResolvedPackage) -> bool:
    if package.direct:
        return True
    try:
        version = Version(package.version)
    except InvalidVersion:
        return True  # pip chose it; a version PEP 440 cannot order is not judged here
    return Requirement(wanted).specifier.contains(version, prereleases=True)


def _fits(package: ResolvedPackage, python: Version, fits: FileFilter, files_of: FilesOf) -> bool:
    if package.direct:
        return True  # an archive named by URL: pip installs it wherever it is asked to
    if not python_allows(package.requires_python, python):
        return False
    files = files_of(package.name, package.version)
    # No file listed at all is the index's failing, not the environment's: the hashing says so.
    return not files or bool(fits.select(files, package.name))
