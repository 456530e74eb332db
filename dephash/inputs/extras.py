"""A project's requirements with its extras chosen: the ``extra`` of each marker decided.

A requirement of a project's metadata holds for an extra through its marker
(``name; extra == "docs"``). pip reads a requirements file with no extra, so
before one is written the extras chosen are decided in each marker: a clause
that holds becomes ``python_version >= "0"`` and one that fails becomes
``python_version < "0"`` (true and false in every environment). A marker that
holds whatever its other clauses say is dropped, and a requirement whose
marker cannot hold whatever they say is left out.
"""

from __future__ import annotations

import copy
import itertools
import re
from collections.abc import Iterable, Set

from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

# packaging writes markers in one form: double quotes, one space around operators.
_OPERATOR = r"(?:===|==|!=|<=|>=|~=|<|>|not in|in)"
_OPERAND = r'(?:[a-z_.]+|"[^"]*")'
_CLAUSE = re.compile(rf"({_OPERAND}) ({_OPERATOR}) ({_OPERAND})")
_HOLDS = 'python_version >= "0"'
_FAILS = 'python_version < "0"'
# Past this many clauses on the environment, a marker is taken to hold somewhere.
_MOST_CLAUSES = 8


def for_extra(requirement: Requirement, extra: str) -> Requirement:
    """``requirement`` as a project's metadata holds it for ``extra`` (a valid name)."""
    marked = copy.copy(requirement)
    clause = f'extra == "{canonicalize_name(extra)}"'
    marked.marker = Marker(f"({requirement.marker}) and {clause}" if requirement.marker else clause)
    return marked


def decide(requirement: Requirement, chosen: Set[str]) -> Requirement | None:
    """``requirement`` with its ``extra`` clauses decided for the ``chosen`` extras (canonical
    names): ``None`` where it holds in no environment, no marker where it holds in all."""
    if requirement.marker is None:
        return requirement
    text = str(requirement.marker)
    others: list[str] = []

    def decided(match: re.Match[str]) -> str:
        left, operator, right = match.groups()
        if "extra" in (left, right) and operator in ("==", "!="):
            value = canonicalize_name((right if left == "extra" else left).strip('"'))
            return _HOLDS if (value in chosen) == (operator == "==") else _FAILS
        # The clause as written: the braces escaped for format() are not part of it.
        others.append(match.group(0).replace("{{", "{").replace("}}", "}"))
        return "{}"

    template = _CLAUSE.sub(decided, text.replace("{", "{{").replace("}", "}}"))
    # "and" binds tighter than "or": a clause that holds adds nothing beside an "and".
    template = template.replace(f" and {_HOLDS}", "").replace(f"{_HOLDS} and ", "")
    result = copy.copy(requirement)
    result.marker = Marker(template.format(*others))
    if len(others) > _MOST_CLAUSES:
        return result
    outcomes = {
        Marker(template.format(*values)).evaluate()
        for values in itertools.product((_HOLDS, _FAILS), repeat=len(others))
    }
    if True not in outcomes:
        return None
    if False not in outcomes:
        result.marker = None
    return result


def select(
    requirements: Iterable[Requirement], project: str, chosen: Set[str]
) -> tuple[list[tuple[int, Requirement]], frozenset[str]]:
    """The requirements that hold for ``chosen`` extras, with their positions, decided.

    A requirement on the project itself (``project[a]``, a common way to make an
    ``all`` extra) is not a dependency: it chooses its extras too, wherever its
    marker may hold.
    Returns them and every extra chosen in the end.
    """
    listed = list(requirements)
    extras = frozenset(chosen)
    grown = True
    while grown:
        grown = False
        for requirement in listed:
            if canonicalize_name(requirement.name) != project:
                continue
            wanted = {canonicalize_name(extra) for extra in requirement.extras}
            if not wanted <= extras and decide(requirement, extras) is not None:
                extras |= wanted
                grown = True
    selected = []
    for position, requirement in enumerate(listed):
        if canonicalize_name(requirement.name) == project:
            continue
        kept = decide(requirement, extras)
        if kept is not None:
            selected.append((position, kept))
    return selected, extras
