"""Where no wheel of a package fits an environment: pip builds its sdist there at install.

pip resolving for another platform or Python (``--platform``, ``--python-version``) takes
wheels only, so it cannot resolve for an environment where a package has no wheel, though
pip installing there would build the sdist. dephash then asks pip for the same Python on
a platform that has the wheels (a real interpreter on this machine, which builds sdists
itself, or a sibling environment's tags) and keeps that answer where the walk, which
counts sdists as installable, says it serves the environment. Every package an
environment builds from its sdist is named in a warning.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from dephash.distributions import SDIST_SUFFIXES
from dephash.environments import NEWEST_PLATFORM, describe, environment, same_place
from dephash.model import Environment, Machine, MarkerEnvironment, ResolvedPackage
from dephash.resolve.interpreters import OLDEST
from dephash.resolve.pipinput import environment_arguments
from dephash.resolve.walk import FilesOf
from dephash.wheeltags import FileFilter

log = logging.getLogger(__name__)

_NOT_FOUND = re.compile(
    r"(?:ERROR: )?Could not find a version that satisfies the requirement (?P<wanted>\S+) "
    r"\(from versions: (?P<versions>[^)]*)\)(?: ERROR: No matching distribution found for \S+)?"
)
_SCRATCH_LINE = r"-r {path} \(line (\d+)\)"
_IMPOSSIBLE = re.compile(r"\s*(?:ERROR: )?ResolutionImpossible: for help visit \S+")
# pip's full output, after a conflict: the packages no file of which it may take.
_UNAVAILABLE = re.compile(
    r"no matching distributions available for your environment:\n(?P<names>(?:[ \t]+\S+\n?)+)"
)


@dataclass(frozen=True)
class Run:
    """How pip runs for an environment's Python: with a real interpreter (``python``), or
    with the target options in ``arguments`` (wheels only)."""

    python: str | None
    arguments: tuple[str, ...] = ()

    @property
    def wheels_only(self) -> bool:
        return bool(self.arguments)

    @property
    def shown(self) -> str:
        return self.python or " ".join(self.arguments) or "the resolving interpreter"


def hint_for(env: Environment, python: str | None, at_home: bool, one_patch: bool) -> str:
    """What the error adds to pip's reason for ``env`` (run with ``python``, else by tags;
    ``one_patch``: judging one patch release of its Python by tags, as no interpreter is)."""
    if python:
        return ""
    major, minor = env.python
    if one_patch:
        return (
            f" (a release needs a later patch release of Python {major}.{minor}: pip judges "
            "each range of its patch releases by tags, which take wheels only)"
        )
    if at_home and env.python < OLDEST:
        return " (runs for another Python take wheels only)"
    if at_home:
        return (
            f" (runs for another Python take wheels only; a python{major}.{minor} on PATH "
            "lets pip build sdists for it on this machine)"
        )
    return (
        " (runs for another platform take wheels only; --platform and --python-version "
        "narrow the file to the environments that install)"
    )


def run_for(env: Environment, python: str | None) -> Run:
    """pip's run for ``env``: its real interpreter where there is one, else its tags."""
    # A real interpreter follows its own markers and tags; pip elsewhere takes the env's.
    return Run(python) if python else Run(None, tuple(environment_arguments(env)))


def sibling_runs(
    env: Environment,
    lead: Environment | None,
    host: MarkerEnvironment,
    host_python: str | None,
    interpreter_for: Callable[[Environment], str | None],
) -> list[Run]:
    """The runs for ``env``'s Python on other platforms, to try where no wheel fits ``env``:
    this machine's (the resolving interpreter ``host_python`` where it is that Python, a real
    ``pythonX.Y`` on PATH, else this machine's tags), then its OS's on other machines, then
    ``lead``'s."""
    own = run_for(env, interpreter_for(env))
    here = [
        environment(env.python, os, machine)
        for os, machine in NEWEST_PLATFORM
        if same_place(environment(env.python, os, machine), host)
    ]
    # The resolving interpreter, where it is that Python, takes every file this machine's does.
    if host.as_dict().get("python_version") == f"{env.python[0]}.{env.python[1]}":
        runs = [Run(host_python)]
    else:
        runs = [run_for(sibling, interpreter_for(sibling)) for sibling in here]
    # Its OS's markers pull in what only that OS installs (pywinpty on Windows).
    runs += [
        run_for(sibling, interpreter_for(sibling))
        for sibling in (environment(env.python, env.os, machine) for machine in Machine)
        if sibling.machine != env.machine
    ]
    if lead is not None:
        runs.append(run_for(lead, interpreter_for(lead)))
    return [run for run in dict.fromkeys(runs) if run != own]


def wheelless(
    packages: Iterable[ResolvedPackage], env: Environment, files_of: FilesOf
) -> list[ResolvedPackage]:
    """The ``packages`` whose files for ``env`` are sdists only (pip builds them there)."""
    fits = FileFilter((f"{env.python[0]}.{env.python[1]}",), (env.platform,))
    found = []
    for package in packages:
        if package.direct:
            continue  # an archive named by URL: the input chose it
        files = fits.select(files_of(package.name, package.version), package.name)
        if files and all(item.filename.lower().endswith(SDIST_SUFFIXES) for item in files):
            found.append(package)
    return found


def warn_about_sdists(
    placements: Iterable[tuple[Environment, Iterable[ResolvedPackage]]], files_of: FilesOf
) -> None:
    """One warning for each package some environment builds from its sdist."""
    building: dict[tuple[str, str], list[Environment]] = {}
    for env, packages in placements:
        for package in wheelless(packages, env, files_of):
            building.setdefault((package.name, package.version), []).append(env)
    for (name, version), environments in sorted(building.items()):
        log.warning(
            "%s %s on %s: no wheel; pip builds it from the sdist at install",
            name,
            version,
            _described(environments),
        )


def forbidden(
    packages: Iterable[ResolvedPackage],
    env: Environment,
    files_of: FilesOf,
    only_binary: Sequence[str],
) -> str | None:
    """Why ``packages`` do not serve ``env`` where only ``--only-binary`` stands in the way:
    the first package with no wheel there whose sdist it forbids; else ``None``."""
    refuses = FileFilter(only_binary=tuple(only_binary))
    for package in wheelless(packages, env, files_of):
        if refuses.binary_only(package.name):
            return (
                f"{package.name} {package.version} has no wheel there, and --only-binary "
                "forbids building it from its sdist"
            )
    return None


def plain_reason(
    message: str, pip_output: str, input_arguments: Sequence[str], wheels_only: bool
) -> str:
    """pip's reason as a person reads it: the requirement instead of a line of dephash's
    scratch input, "no release has a wheel there" where pip says "(from versions: none)",
    and the packages pip's full output says have no file there."""
    for option, path in zip(input_arguments[::2], input_arguments[1::2], strict=False):
        if option == "-r":
            lines = Path(path).read_text(encoding="utf-8").splitlines()
            message = re.sub(
                _SCRATCH_LINE.format(path=re.escape(path)),
                functools.partial(_line, lines),
                message,
            )
    kind = "wheel" if wheels_only else "file"

    def not_found(match: re.Match[str]) -> str:
        wanted, versions = match["wanted"], match["versions"].strip()
        if versions == "none":
            return f"no release of {wanted} has a {kind} there"
        return f"no release of {wanted} with a {kind} there matches (those with one: {versions})"

    message = _IMPOSSIBLE.sub("", _NOT_FOUND.sub(not_found, message)).strip()
    unavailable = _UNAVAILABLE.search(pip_output)
    if unavailable:
        names = ", ".join(unavailable["names"].split())
        message = f"{message.rstrip('.')}; no release of {names} they admit has a {kind} there"
    return message.replace("ERROR: ", "")


def _line(lines: Sequence[str], match: re.Match[str]) -> str:
    number = int(match[1])
    return lines[number - 1] if 0 < number <= len(lines) else match[0]


def _described(environments: Sequence[Environment]) -> str:
    """The environments, Pythons on the same platforms together (describe alone would name
    every combination of their Pythons and platforms)."""
    places: dict[tuple[int, int], set[str]] = {}
    for env in environments:
        places.setdefault(env.python, set()).add(env.platform)
    groups: dict[frozenset[str], list[Environment]] = {}
    for env in sorted(set(environments)):
        groups.setdefault(frozenset(places[env.python]), []).append(env)
    return "; ".join(describe(group) for group in groups.values())
