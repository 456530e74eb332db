"""Target environments: their marker values, the wheel tags they install, how to name a set of
them in a line a person reads, and the PEP 508 marker that holds in exactly that set."""

from __future__ import annotations

import itertools
import logging
import re
from collections.abc import Callable, Iterable, Sequence

from packaging.specifiers import InvalidSpecifier, SpecifierSet

from dephash.errors import InputError
from dephash.markers import applies, parse_python_version
from dephash.model import OS, Environment, Machine, MarkerEnvironment
from dephash.wheeltags import FileFilter, expand_platform

log = logging.getLogger(__name__)

# The newest platform tag of each OS and machine (older compatible tags are implied).
NEWEST_PLATFORM = {
    (OS.LINUX, Machine.X86_64): "manylinux_2_39_x86_64",
    (OS.LINUX, Machine.ARM64): "manylinux_2_39_aarch64",
    (OS.MACOS, Machine.X86_64): "macosx_15_0_x86_64",
    (OS.MACOS, Machine.ARM64): "macosx_15_0_arm64",
    (OS.WINDOWS, Machine.X86_64): "win_amd64",
    (OS.WINDOWS, Machine.ARM64): "win_arm64",
}
_SYS_PLATFORM = {OS.LINUX: "linux", OS.MACOS: "darwin", OS.WINDOWS: "win32"}
_SYSTEM = {OS.LINUX: "Linux", OS.MACOS: "Darwin", OS.WINDOWS: "Windows"}
_OS_NAME = {OS.LINUX: "posix", OS.MACOS: "posix", OS.WINDOWS: "nt"}
_MACHINE = {
    (OS.LINUX, Machine.X86_64): "x86_64",
    (OS.LINUX, Machine.ARM64): "aarch64",
    (OS.MACOS, Machine.X86_64): "x86_64",
    (OS.MACOS, Machine.ARM64): "arm64",
    (OS.WINDOWS, Machine.X86_64): "AMD64",
    (OS.WINDOWS, Machine.ARM64): "ARM64",
}
# The CPython minor versions dephash knows of (what "every Python" means).
KNOWN_PYTHONS = tuple((3, minor) for minor in range(8, 16))
_OS_LABEL = {OS.LINUX: "Linux", OS.MACOS: "macOS", OS.WINDOWS: "Windows"}
_OS_BY_LABEL = {label: os for os, label in _OS_LABEL.items()}


def environment(python: tuple[int, int], os: OS, machine: Machine) -> Environment:
    """The environment for ``python`` on ``os`` and ``machine``, with its newest platform tag."""
    return Environment(python, os, machine, NEWEST_PLATFORM[(os, machine)])


def every_environment(pythons: Iterable[tuple[int, int]]) -> tuple[Environment, ...]:
    """Every OS and machine, for each of ``pythons``."""
    return tuple(
        sorted(
            environment(python, os, machine)
            for python, os, machine in itertools.product(set(pythons), OS, Machine)
        )
    )


def from_platform(value: str, pythons: Iterable[tuple[int, int]]) -> tuple[Environment, ...]:
    """``--platform VALUE``: ``linux``, ``macos``, ``windows`` (each machine), or a wheel tag."""
    named = value.strip().lower()
    if named in {os.value for os in OS}:
        return tuple(
            sorted(environment(p, OS(named), m) for p, m in itertools.product(pythons, Machine))
        )
    tag = named.replace("-", "_").replace(".", "_")
    place = _place_of_tag(tag)
    if place is None:
        raise InputError(
            f"--platform {value!r}: expected linux, macos, windows or a wheel platform tag "
            "for x86_64 or arm64 (manylinux_2_17_x86_64, macosx_11_0_arm64, win_amd64, ...)"
        )
    return tuple(sorted(Environment(p, *place, tag) for p in set(pythons)))


def python_versions(value: str) -> list[str]:
    """``--python-version VALUE``: ``X.Y``, or a range such as ``>=3.10`` (every CPython minor
    version dephash knows of that it admits), as ``X.Y`` values."""
    text = value.strip()
    if text[:1].isdigit():
        return [".".join(map(str, parse_python_version(text)))]
    try:
        admits = SpecifierSet(text)
    except InvalidSpecifier:
        admits = None
    found = [
        f"{major}.{minor}"
        for major, minor in KNOWN_PYTHONS
        if admits and f"{major}.{minor}" in admits
    ]
    if not found:
        first, last = KNOWN_PYTHONS[0], KNOWN_PYTHONS[-1]
        raise InputError(
            f"--python-version {value!r}: expected MAJOR.MINOR, like 3.12, or a range of the "
            f"CPython versions dephash knows ({first[0]}.{first[1]} to {last[0]}.{last[1]}), "
            "like '>=3.10'"
        )
    return found


def targets(python_versions: Sequence[str], platforms: Sequence[str]) -> tuple[Environment, ...]:
    """The environments ``--python-version`` (``X.Y`` values) and ``--platform`` name; no
    platform means every OS and machine."""
    pythons = [_minor(text) for text in python_versions]
    if not platforms:
        return every_environment(pythons)
    return tuple(sorted({env for value in platforms for env in from_platform(value, pythons)}))


def chosen_environments(
    python_versions: Sequence[str],
    platforms: Sequence[str],
    requires_python: str | None,
    host_python: str,
) -> tuple[Environment, ...]:
    """What gen resolves for: the Pythons named, else every CPython ``requires_python``
    admits, else ``host_python``; on the platforms named, else on every OS and machine."""
    return targets(python_versions or _supported(requires_python) or (host_python,), platforms)


def _supported(requires_python: str | None) -> tuple[str, ...]:
    """Every CPython minor version dephash knows that ``requires_python`` admits."""
    if not requires_python:
        return ()
    try:
        return tuple(python_versions(requires_python))
    except InputError:
        log.warning(
            "requires-python %r admits no CPython version dephash knows: resolving for the "
            "resolving interpreter's",
            requires_python,
        )
        return ()


def files_for(
    python_versions: Sequence[str], platforms: Sequence[str], only_binary: Sequence[str]
) -> FileFilter:
    """The files to hash: every file of each pinned version, unless ``--python-version`` or
    ``--platform`` name where the lock installs (then the files that install there)."""
    tags: list[str] = []
    for value in platforms:
        if value.strip().lower() in {os.value for os in OS}:
            tags += sorted({env.platform for env in from_platform(value, [(3, 0)])})
        else:
            tags.append(value)
    return FileFilter(tuple(python_versions), tuple(tags), tuple(only_binary))


def _minor(text: str) -> tuple[int, int]:
    major, minor, *_ = parse_python_version(text)
    return major, minor


def _place_of_tag(tag: str) -> tuple[OS, Machine] | None:
    machines = {"x86_64": Machine.X86_64, "amd64": Machine.X86_64}
    machines.update({"aarch64": Machine.ARM64, "arm64": Machine.ARM64})
    if tag.startswith("win_"):
        machine = machines.get(tag.removeprefix("win_"))
        return None if machine is None else (OS.WINDOWS, machine)
    os = OS.MACOS if tag.startswith("macosx_") else OS.LINUX
    if os is OS.LINUX and not tag.startswith(("manylinux", "musllinux", "linux_")):
        return None
    machine = next((m for suffix, m in machines.items() if tag.endswith("_" + suffix)), None)
    return None if machine is None else (os, machine)


def overlap(left: str | None, right: str | None) -> bool:
    """Whether some environment dephash knows of satisfies both markers (``None``: always)."""
    return any(
        applies(left, values) and applies(right, values)
        for values in (marker_values(env) for env in every_environment(KNOWN_PYTHONS))
    )


def marker_values(env: Environment) -> MarkerEnvironment:
    """The PEP 508 marker values of ``env`` (its Python at patch release ``env.patch``)."""
    version = f"{env.python[0]}.{env.python[1]}"
    return MarkerEnvironment.of(
        {
            "implementation_name": "cpython",
            "implementation_version": f"{version}.{env.patch}",
            "os_name": _OS_NAME[env.os],
            "platform_machine": _MACHINE[(env.os, env.machine)],
            "platform_python_implementation": "CPython",
            "platform_release": "",
            "platform_system": _SYSTEM[env.os],
            "platform_version": "",
            "python_full_version": f"{version}.{env.patch}",
            "python_version": version,
            "sys_platform": _SYS_PLATFORM[env.os],
        }
    )


def same_place(env: Environment, host: MarkerEnvironment) -> bool:
    """Whether ``env`` is on ``host``'s OS and machine (its marker values say which)."""
    values, here = marker_values(env).as_dict(), host.as_dict()
    return all(values[key] == here.get(key) for key in ("sys_platform", "platform_machine"))


def platform_tags(env: Environment) -> list[str]:
    """Every platform tag a wheel may carry and install in ``env``, sorted."""
    return sorted(expand_platform(env.platform))


def describe(environments: Sequence[Environment]) -> str:
    """The environments in a line a person reads: ``CPython 3.11 on Linux, macOS and Windows,
    each on x86_64 and arm64``."""
    pythons = sorted({env.python for env in environments})
    names = _and([f"{major}.{minor}" for major, minor in pythons])
    places = _places(environments)
    return f"CPython {names} on {places}"


def _places(environments: Sequence[Environment]) -> str:
    by_os: dict[OS, set[Machine]] = {}
    for env in environments:
        by_os.setdefault(env.os, set()).add(env.machine)
    machine_sets = {frozenset(machines) for machines in by_os.values()}
    tags = {env.platform for env in environments} - set(NEWEST_PLATFORM.values())
    oses = [os for os in OS if os in by_os]
    if tags:
        # A tag names what no OS and machine alone would: name every environment by its tag.
        return _and(sorted({env.platform for env in environments}))
    if len(machine_sets) == 1:
        machines = [m.value for m in Machine if m in next(iter(machine_sets))]
        on = f", each on {_and(machines)}" if len(machines) > 1 else f" on {machines[0]}"
        return f"{_and([_OS_LABEL[os] for os in oses])}{on}"
    return "; ".join(
        f"{_OS_LABEL[os]} on {_and([m.value for m in Machine if m in by_os[os]])}" for os in oses
    )


def _and(words: Sequence[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _words(text: str) -> list[str]:
    head, _, last = text.rpartition(" and ")
    return [*(head.split(", ") if head else ()), last]


def parse_description(text: str) -> tuple[Environment, ...] | None:
    """The environments a line :func:`describe` wrote names, or ``None`` if it is not one."""
    match = re.fullmatch(r"CPython ([0-9., and]+?) on (.+)", text.strip())
    if match is None:
        return None
    try:
        pythons = [_minor(word) for word in _words(match.group(1))]
        if "_" in match.group(2) and " on " not in match.group(2):
            found = [env for tag in _words(match.group(2)) for env in from_platform(tag, pythons)]
        else:
            found = [
                environment(python, _OS_BY_LABEL[os], Machine(machine))
                for part in match.group(2).split("; ")
                for oses, machines in [re.split(r",? each on | on ", part, maxsplit=1)]
                for os in _words(oses)
                for machine in _words(machines)
                for python in pythons
            ]
    except (InputError, KeyError, ValueError):
        return None
    return tuple(sorted(set(found)))


def marker_for(chosen: Iterable[Environment], universe: Iterable[Environment]) -> str | None:
    """A marker that holds in each ``chosen`` environment and in no other of ``universe``.

    ``None`` when every environment is chosen: no marker needed. The marker is built by
    dimension (Python version, OS, machine), so that a set that is a product of a few
    values reads as such (``sys_platform == "win32"``, ``python_version < "3.11"``).
    """
    picked = set(chosen)
    world = sorted(set(universe))
    if not picked:
        raise ValueError("no environment chosen")
    if picked >= set(world):
        return None
    return _expression(picked, world) or None


_Key = Callable[[Environment], object]


def _expression(picked: set[Environment], world: list[Environment]) -> str:
    if picked >= set(world):
        return ""
    pythons = {env.python for env in picked}
    oses = {env.os for env in picked}
    machines = {env.machine for env in picked}
    product = {e for e in world if e.python in pythons and e.os in oses and e.machine in machines}
    if product == picked:
        clauses = [
            _python_clause(pythons, sorted({env.python for env in world})),
            _choice(
                "sys_platform",
                [_SYS_PLATFORM[os] for os in OS if os in oses],
                [_SYS_PLATFORM[os] for os in OS if any(e.os is os for e in world)],
            ),
            _machine_clause(machines, oses, [env for env in world if env.os in oses]),
        ]
        present = [clause for clause in clauses if clause]
        if len(present) == 1:
            return present[0]
        return " and ".join(_wrapped(clause) for clause in present)
    splits: list[tuple[_Key, Callable[[Environment], str]]] = [
        (lambda env: env.os, lambda env: f'sys_platform == "{_SYS_PLATFORM[env.os]}"'),
        (lambda env: env.python, lambda env: f'python_version == "{_dotted(env.python)}"'),
    ]
    candidates = [
        text for key, head in splits if (text := _split(picked, world, key, head)) is not None
    ]
    if candidates:
        return min(candidates, key=lambda text: (len(text), text))
    # Environments that differ by platform tag alone: no marker tells them apart.
    return ""


def _split(
    picked: set[Environment],
    world: list[Environment],
    key: _Key,
    head: Callable[[Environment], str],
) -> str | None:
    """The environments grouped by one dimension, each group's own expression after its head."""
    groups: dict[object, list[Environment]] = {}
    for env in world:
        groups.setdefault(key(env), []).append(env)
    if len(groups) < 2:
        return None
    parts = []
    for members in groups.values():
        inside = picked & set(members)
        if inside:
            inner = _expression(inside, members)
            parts.append(f"{head(members[0])} and {_wrapped(inner)}" if inner else head(members[0]))
    if len(parts) == 1:
        return parts[0]
    return " or ".join(f"({part})" if " and " in part else part for part in parts)


def _python_clause(chosen: set[tuple[int, int]], every: list[tuple[int, int]]) -> str:
    if set(every) <= chosen:
        return ""
    ordered = [p for p in every if p in chosen]
    start, end = every.index(ordered[0]), every.index(ordered[-1])
    if start == end and 0 < start < len(every) - 1:
        return f'python_version == "{_dotted(ordered[0])}"'
    if every[start : end + 1] == ordered:
        low = "" if start == 0 else f'python_version >= "{_dotted(every[start])}"'
        last = every[end]
        high = "" if end == len(every) - 1 else f'python_version < "{last[0]}.{last[1] + 1}"'
        return " and ".join(part for part in (low, high) if part)
    return " or ".join(f'python_version == "{_dotted(p)}"' for p in ordered)


def _dotted(python: tuple[int, int]) -> str:
    return f"{python[0]}.{python[1]}"


def _choice(name: str, chosen: list[str], every: list[str]) -> str:
    if set(every) <= set(chosen):
        return ""
    rest = [value for value in every if value not in chosen]
    if len(rest) == 1 and len(chosen) > 1:
        return f'{name} != "{rest[0]}"'
    return " or ".join(f'{name} == "{value}"' for value in chosen)


def _machine_clause(machines: set[Machine], oses: set[OS], world: list[Environment]) -> str:
    every = {env.machine for env in world}
    if every <= machines:
        return ""
    values = sorted({_MACHINE[(os, machine)] for os in oses for machine in machines})
    others = sorted(
        {_MACHINE[(os, machine)] for os in oses for machine in every - machines} - set(values)
    )
    return _choice("platform_machine", values, [*values, *others])


def _wrapped(clause: str) -> str:
    return f"({clause})" if " or " in clause else clause
