"""A project's ``pyproject.toml``: its dependencies (PEP 621), the extras chosen, and
dependency groups (PEP 735). The project itself is never pinned.

Static metadata is read from the file. Dynamic dependencies are what the
project's build backend says: pip builds the metadata (``BuildMetadata``).
pip gets the project's requirements as a scratch requirements file, and each
group as its own ``--group FILE:NAME``.
"""

from __future__ import annotations

import dataclasses
import functools
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from packaging.dependency_groups import CyclicDependencyGroup, DependencyGroupResolver
from packaging.errors import ExceptionGroup
from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import InvalidName, canonicalize_name

from dephash.errors import InputError
from dephash.files import display_path, parse_toml, read_text
from dephash.inputs.extras import for_extra, select
from dephash.inputs.reqfile import RequirementLine, RequirementsFile, parse_requirement
from dephash.model import ProjectMetadata
from dephash.options import Selection

BuildMetadata = Callable[[str], ProjectMetadata]
"""Builds the metadata of the project in a folder (through pip and its build backend)."""

# Fields whose value the build backend computes when ``dynamic`` names them.
_FROM_BACKEND = ("dependencies", "optional-dependencies", "requires-python")


@dataclass(frozen=True)
class _Chosen:
    """What the selection takes from the file: the project's requirements (as pip reads
    them), every top-level line, and the project's requires-python."""

    project: tuple[str, ...]
    lines: tuple[RequirementLine, ...]
    requires_python: str | None


class PyprojectInput:
    """The ``pyproject.toml`` at ``path``, with the extras and groups ``selection`` names."""

    def __init__(self, path: str, selection: Selection, build_metadata: BuildMetadata) -> None:
        self.path = path
        self.selection = selection
        self.build_metadata = build_metadata
        self.shown = display_path(path)

    def requirements(self) -> RequirementsFile:
        """The chosen requirements: the project's, its extras', its groups'."""
        chosen = self._chosen
        return RequirementsFile(list(chosen.lines), requires_python=chosen.requires_python)

    @contextmanager
    def pip_arguments(self) -> Iterator[list[str]]:
        """``-r SCRATCH`` for the project's requirements, ``--group FILE:NAME`` for each group."""
        groups = [
            arg for name in self.selection.groups for arg in ("--group", f"{self.path}:{name}")
        ]
        if not self._chosen.project:
            yield groups
            return
        with tempfile.TemporaryDirectory(prefix="dephash-project-") as scratch:
            listed = Path(scratch) / "requirements.txt"
            listed.write_text("".join(f"{r}\n" for r in self._chosen.project), encoding="utf-8")
            yield ["-r", str(listed), *groups]

    def command_arguments(self) -> list[str]:
        """The selection's options, then the file as shown."""
        return [*self.selection.command_arguments(), self.shown]

    @functools.cached_property
    def _chosen(self) -> _Chosen:
        text = read_text(self.path, self.shown, "pyproject.toml")
        return _Reader(self, text, parse_toml(text, self.shown)).choose()


class _Reader:
    """One reading of the file's tables, checked as it goes."""

    def __init__(self, source: PyprojectInput, text: str, data: dict[str, Any]) -> None:
        self.shown = source.shown
        self.selection = source.selection
        self.folder = str(Path(source.path).parent)
        self.build_metadata = source.build_metadata
        self.lines = text.splitlines()
        self.project = self._table(data, "project")
        self.groups = self._table(data, "dependency-groups")
        self.dynamic = set(self._strings(self.project, "dynamic", "[project]"))
        name = self.project.get("name")
        try:
            self.name = canonicalize_name(name, validate=True) if name is not None else ""
        except (InvalidName, TypeError):
            raise InputError(
                f"{self.shown}: [project] name is not a valid name: {name!r}"
            ) from None

    def choose(self) -> _Chosen:
        metadata = self._metadata()
        if metadata is None:
            requirements, positions, extras = self._static()
            requires_python = self.project.get("requires-python")
        else:
            requirements = [self._requirement(text, "dynamic") for text in metadata.requires_dist]
            positions = [self._line_of("dynamic")] * len(requirements)
            extras = {canonicalize_name(extra) for extra in metadata.provides_extra}
            requires_python = metadata.requires_python
        if not (requirements or extras or self.groups):
            raise InputError(
                f"{self.shown}: declares no dependencies: no [project] dependencies, "
                "optional-dependencies or [dependency-groups]"
            )
        wanted = self._extras(extras)
        selected, _ = select(requirements, self.name, wanted)
        via = f"{self.name} ({self.shown})" if self.name else self.shown
        lines = [self._line(positions[at], requirement, via) for at, requirement in selected]
        lines += self._group_lines()
        if not lines:
            raise InputError(
                f"{self.shown}: nothing to lock: the project has no dependencies; choose "
                f"with --extra or --group ({_listed('extras', extras)}; "
                f"{_listed('groups', self.groups)})"
            )
        project = tuple(str(requirement) for _, requirement in selected)
        return _Chosen(project, tuple(lines), _specifier(requires_python, self.shown))

    def _metadata(self) -> ProjectMetadata | None:
        """The backend's metadata, when a field this needs is dynamic."""
        if not self.dynamic.intersection(_FROM_BACKEND):
            return None
        return self.build_metadata(self.folder)

    def _static(self) -> tuple[list[Requirement], list[int], set[str]]:
        requirements: list[Requirement] = []
        positions: list[int] = []
        start = self._line_of("[project]")
        for text in self._strings(self.project, "dependencies", "[project]"):
            requirements.append(self._requirement(text, "[project] dependencies"))
            positions.append(self._line_of(text, start))
        optional = self._table(self.project, "optional-dependencies", "[project]")
        start = self._line_of("optional-dependencies")
        extras: set[str] = set()
        for extra in optional:
            try:
                canonical = canonicalize_name(extra, validate=True)
            except InvalidName:
                raise InputError(f"{self.shown}: not a valid extra name: {extra!r}") from None
            extras.add(canonical)
            where = f"[project.optional-dependencies] {extra}"
            for text in self._strings(optional, extra, "[project.optional-dependencies]"):
                requirements.append(for_extra(self._requirement(text, where), canonical))
                positions.append(self._line_of(text, start))
        return requirements, positions, extras

    def _extras(self, extras: set[str]) -> set[str]:
        """The extras chosen, each one the project has."""
        if self.selection.all_extras:
            return extras
        for extra in self.selection.extras:
            if extra not in extras:
                known = _listed("extras", extras)
                raise InputError(f"{self.shown}: the project has no extra {extra!r} ({known})")
        return set(self.selection.extras)

    def _group_lines(self) -> list[RequirementLine]:
        if not self.selection.groups:
            return []
        known = {canonicalize_name(name) for name in self.groups}
        start = self._line_of("dependency-groups")
        try:
            resolver = DependencyGroupResolver(self.groups)
            lines = []
            for group in self.selection.groups:
                if group not in known:
                    raise InputError(
                        f"{self.shown}: no dependency group {group!r} "
                        f"({_listed('groups', self.groups)})"
                    )
                via = (
                    f"{self.name} ({self.shown}:{group})" if self.name else f"{self.shown}:{group}"
                )
                for requirement in resolver.resolve(group):
                    lines.append(
                        self._line(self._line_of(str(requirement), start), requirement, via)
                    )
            return lines
        except ExceptionGroup as errors:
            first = errors.exceptions[0]
            what = "include cycle" if isinstance(first, CyclicDependencyGroup) else "error"
            raise InputError(f"{self.shown}: [dependency-groups] {what}: {first}") from None

    def _line(self, lineno: int, requirement: Requirement, via: str) -> RequirementLine:
        line = parse_requirement(str(requirement), self.shown, lineno, Path(self.folder))
        return dataclasses.replace(line, via=via)

    def _requirement(self, text: str, where: str) -> Requirement:
        try:
            return Requirement(text)
        except InvalidRequirement as exc:
            raise InputError(f"{self.shown}: {where}: not a valid requirement: {text!r}") from exc

    def _line_of(self, needle: str, start: int = 1) -> int:
        """The first line from ``start`` that holds ``needle`` (else ``start``)."""
        for number in range(start, len(self.lines) + 1):
            if needle in self.lines[number - 1]:
                return number
        return start

    def _table(self, data: Mapping[str, Any], key: str, within: str = "") -> dict[str, Any]:
        value = data.get(key, {})
        if not isinstance(value, dict):
            name = f"{within} {key}" if within else f"[{key}]"
            raise InputError(f"{self.shown}: {name} is not a table")
        return value

    def _strings(self, table: Mapping[str, Any], key: str, within: str) -> list[str]:
        value = table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise InputError(f"{self.shown}: {within} {key} is not a list of strings")
        return value


def _listed(what: str, names: Sequence[str] | Mapping[str, Any] | set[str]) -> str:
    known = sorted(canonicalize_name(name) for name in names)
    return f"its {what}: {', '.join(known)}" if known else f"it has no {what}"


def _specifier(value: object, shown: str) -> str | None:
    """requires-python, checked and written the way packaging writes it."""
    if value is None:
        return None
    if isinstance(value, str):
        try:
            return str(SpecifierSet(value))
        except InvalidSpecifier:
            pass
    raise InputError(f"{shown}: requires-python is not a version specifier: {value!r}")
