"""Deciding a project's extras in its requirements' markers."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from packaging.markers import Marker
from packaging.requirements import Requirement

from dephash.inputs.extras import decide, for_extra, select

LINUX_311 = {"python_version": "3.11", "sys_platform": "linux"}
WINDOWS_313 = {"python_version": "3.13", "sys_platform": "win32"}


@pytest.mark.parametrize(
    ("requirement", "chosen", "expected"),
    [
        ("a>=1", set(), "a>=1"),
        ('a; extra == "x"', {"x"}, "a"),
        ('a; extra == "x"', {"y"}, None),
        ('a; extra == "x"', set(), None),
        ('a; extra != "x"', set(), "a"),
        ('a; extra != "x"', {"x"}, None),
        ('a; "x" == extra', {"x"}, "a"),
        ('a; extra == "X_Y"', {"x-y"}, "a"),
        ('a; extra == "x" or extra == "y"', {"y"}, "a"),
        ('a; (extra == "x") and extra == "y"', {"y"}, None),
        ('a; sys_platform == "linux"', set(), 'a; sys_platform == "linux"'),
    ],
)
def test_markers_that_name_only_extras_fold_away(
    requirement: str, chosen: set[str], expected: str | None
) -> None:
    decided = decide(Requirement(requirement), chosen)
    assert (None if decided is None else str(decided)) == expected


@pytest.mark.parametrize(
    ("marker", "chosen", "holds_on_linux_311", "holds_on_windows_313"),
    [
        ('python_version < "3.12" and extra == "x"', {"x"}, True, False),
        ('sys_platform == "win32" or extra == "x"', set(), False, True),
        (
            '(sys_platform == "win32" or extra != "x") and python_version >= "3.12"',
            {"x"},
            False,
            True,
        ),
    ],
)
def test_the_environment_part_of_a_marker_is_kept_for_pip(
    marker: str, chosen: set[str], holds_on_linux_311: bool, holds_on_windows_313: bool
) -> None:
    decided = decide(Requirement(f"a; {marker}"), chosen)
    assert decided is not None
    assert decided.marker is not None
    assert "extra" not in str(decided.marker)
    # pip evaluates a requirements file's markers with no extra.
    assert decided.marker.evaluate({**LINUX_311, "extra": ""}) is holds_on_linux_311
    assert decided.marker.evaluate({**WINDOWS_313, "extra": ""}) is holds_on_windows_313


@pytest.mark.parametrize(
    ("marker", "chosen", "expected"),
    [
        ('python_version < "3.12" and extra == "x"', set(), None),
        ('sys_platform == "win32" or extra == "x"', {"x"}, "a"),
    ],
)
def test_a_marker_decided_whatever_the_environment_says_folds_away(
    marker: str, chosen: set[str], expected: str | None
) -> None:
    decided = decide(Requirement(f"a; {marker}"), chosen)
    assert (None if decided is None else str(decided)) == expected


def test_a_marker_with_very_many_clauses_is_kept_as_it_may_hold() -> None:
    clauses = " and ".join(f'platform_release != "{number}"' for number in range(9))
    decided = decide(Requirement(f'a; {clauses} and extra == "x"'), set())
    assert decided is not None
    assert str(decided.marker).endswith('and python_version < "0"')


def test_an_optional_dependency_holds_for_its_extra_only() -> None:
    plain = for_extra(Requirement("a>=1"), "Docs")
    assert str(plain) == 'a>=1; extra == "docs"'
    marked = for_extra(Requirement('a; sys_platform == "linux" or sys_platform == "win32"'), "x")
    assert marked.marker == Marker(
        '(sys_platform == "linux" or sys_platform == "win32") and extra == "x"'
    )
    decided = decide(marked, {"x"})
    assert decided is not None
    assert decided.marker == Marker('(sys_platform == "linux" or sys_platform == "win32")')


def test_the_project_itself_chooses_more_extras() -> None:
    requirements = [
        Requirement("base"),
        for_extra(Requirement("fast"), "speed"),
        for_extra(Requirement("docs-tool"), "docs"),
        for_extra(Requirement("app[speed]"), "all"),
        for_extra(Requirement("App[docs]"), "all"),
        for_extra(Requirement("app[win]; sys_platform == 'win32'"), "all"),
    ]
    selected, extras = select(requirements, "app", {"all"})
    assert [(at, str(requirement)) for at, requirement in selected] == [
        (0, "base"),
        (1, "fast"),
        (2, "docs-tool"),
    ]
    # Where the project's own requirement may hold, its extras are chosen.
    assert extras == {"all", "speed", "docs", "win"}
    selected, extras = select(requirements, "app", set())
    assert [str(requirement) for _, requirement in selected] == ["base"]
    assert extras == frozenset()


ENVIRONMENTS = [
    {"python_version": version, "sys_platform": platform}
    for version in ("3.10", "3.13")
    for platform in ("linux", "win32")
]
_ENVIRONMENT_CLAUSES = st.sampled_from(
    ['python_version < "3.12"', 'python_version >= "3.11"', 'sys_platform == "win32"']
)
# "!=" is left out: there pip's "any one extra at a time" and a set of extras differ.
_EXTRA_CLAUSES = st.sampled_from(['extra == "x"', '"y" == extra'])


@st.composite
def markers(draw: st.DrawFn) -> str:
    """A marker of environment clauses with at most one clause on ``extra``."""
    clauses = draw(st.lists(_ENVIRONMENT_CLAUSES, max_size=3))
    if draw(st.booleans()) or not clauses:
        clauses.insert(draw(st.integers(0, len(clauses))), draw(_EXTRA_CLAUSES))
    text = clauses[0]
    for clause in clauses[1:]:
        text = f"({text}) {draw(st.sampled_from(['and', 'or']))} {clause}"
    return text


@given(markers(), st.sets(st.sampled_from(["x", "y", "z"])))
def test_a_decided_marker_holds_where_pip_would_install_for_the_chosen_extras(
    marker: str, chosen: set[str]
) -> None:
    decided = decide(Requirement(f"a; {marker}"), chosen)
    for environment in ENVIRONMENTS:
        wanted = any(
            Marker(marker).evaluate({**environment, "extra": extra}) for extra in {"", *chosen}
        )
        if decided is None:
            held = False
        elif decided.marker is None:
            held = True
        else:
            held = decided.marker.evaluate({**environment, "extra": ""})
        assert held is wanted, (marker, chosen, environment, decided)


def test_a_marker_with_as_many_clauses_as_are_judged_is_judged() -> None:
    clauses = " and ".join(f'platform_release != "{number}"' for number in range(8))
    assert decide(Requirement(f'a; {clauses} and extra == "x"'), set()) is None


def test_braces_in_a_marker_value_are_kept_as_they_are() -> None:
    decided = decide(Requirement('a; platform_version == "{x}" and extra == "x"'), {"x"})
    assert decided is not None
    assert str(decided.marker) == 'platform_version == "{x}"'


@pytest.mark.parametrize(
    "marker",
    ['extra == "x" and sys_platform == "linux"', 'sys_platform == "linux" and extra == "x"'],
)
def test_a_chosen_extra_beside_an_and_leaves_the_rest(marker: str) -> None:
    decided = decide(Requirement(f"a; {marker}"), {"x"})
    assert decided is not None
    assert str(decided.marker) == 'sys_platform == "linux"'


def test_extras_the_project_chooses_are_followed_to_the_end() -> None:
    requirements = [
        Requirement("app[all]"),  # the project itself, with every extra already chosen
        for_extra(Requirement("app[b]"), "c"),  # chosen only once c is
        for_extra(Requirement("app[c]"), "all"),
        for_extra(Requirement("bee"), "b"),
        Requirement("app[all]; python_version < '3'"),
        Requirement("base"),
    ]
    selected, extras = select(requirements, "app", {"all"})
    assert extras == {"all", "b", "c"}
    assert [(at, str(requirement)) for at, requirement in selected] == [(3, "bee"), (5, "base")]


@pytest.mark.parametrize("operator", ["===", "==", "!=", "<=", ">=", "~=", "<", ">"])
def test_a_clause_with_any_operator_is_judged_for_every_environment_not_this_one(
    operator: str,
) -> None:
    # A clause false on this machine may hold elsewhere: it is kept for pip to judge.
    clause = f'python_version {operator} "2.7"' if operator != "!=" else 'python_version != "3.11"'
    decided = decide(Requirement(f'a; {clause} and extra == "x"'), {"x"})
    assert decided is not None
    assert str(decided.marker) == clause


@pytest.mark.parametrize("operator", ["in", "not in"])
def test_a_clause_testing_a_substring_is_judged_for_every_environment_too(operator: str) -> None:
    clause = f'"nothing-here" {operator} platform_release'
    decided = decide(Requirement(f'a; {clause} and extra == "x"'), {"x"})
    assert decided is not None
    assert str(decided.marker) == clause
