"""One Python's answer for another's, and runs that start alongside the widened host run: the
number and kind of pip runs, and the placements they give. pip is a fake here."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

import pytest
from packaging.version import Version

from dephash.environments import environment, marker_values
from dephash.errors import InputError, ResolutionError
from dephash.inputs.reqfile import RequirementLine, RequirementsFile
from dephash.model import OS, DistFile, Environment, Machine, Resolution, ResolvedPackage
from dephash.resolve import ResolveRequest
from dephash.resolve.environments import place
from dephash.resolve.newer import outlook
from dephash.resolve.reuse import chains, in_turn, remembered, serves
from dephash.resolve.walk import Placement, Walk
from tests.support.fakes import ByPython

REQUEST = ResolveRequest(("-r", "in.txt"), ("--index-url", "https://index/simple/"))
LINUX = environment((3, 11), OS.LINUX, Machine.X86_64)
WINDOWS = environment((3, 11), OS.WINDOWS, Machine.X86_64)
OLD = environment((3, 10), OS.LINUX, Machine.X86_64)
PY312, PY313, PY314 = (environment((3, minor), OS.LINUX, Machine.X86_64) for minor in (12, 13, 14))
PY313_WINDOWS = environment((3, 13), OS.WINDOWS, Machine.X86_64)
HOST_VALUES = marker_values(replace(LINUX, patch=7))
ROOTS = RequirementsFile(requirements=[RequirementLine("app", "in.txt", 1, "app")])


def package(
    name: str, version: str, *requires: str, direct: bool = False, requires_python: str = ""
) -> ResolvedPackage:
    url = f"https://files/{name}-{version}.whl"
    return ResolvedPackage(
        name, version, url, direct=direct, requires_dist=requires,
        requires_python=requires_python or None,
    )  # fmt: skip


def pure(name: str, version: str) -> list[DistFile]:
    wheel = f"{name}-{version}-py3-none-any.whl"
    return [DistFile(wheel, f"https://files/{wheel}")]


def releases(*newer: tuple[str, str]) -> Callable[[str, str], list[DistFile]]:
    """``newer_files`` listing, for ``lib``, each ``(version, Requires-Python)`` newer than
    the version asked about."""

    def newer_files(name: str, version: str) -> list[DistFile]:
        return [
            DistFile(f"lib-{release}-py3-none-any.whl", "https://files/lib", requires_python=python)
            for release, python in newer
            if name == "lib" and Version(release) > Version(version)
        ]

    return newer_files


def host(*packages: ResolvedPackage) -> Resolution:
    return Resolution(packages, HOST_VALUES)


def versions(placements: Sequence[Placement]) -> list[dict[str, str]]:
    return [
        {name: item.version for name, item in placement.packages.items()}
        for placement in placements
    ]


NEWER = Resolution((package("app", "1.0", "lib"), package("lib", "2.0")))
HOSTED = host(package("app", "1.0", "lib"), package("lib", "1.0"))


def test_one_python_s_answer_serves_the_next_and_pip_runs_once() -> None:
    resolver = ByPython({"3.12": [NEWER]})
    placements = place(
        HOSTED, ROOTS, [LINUX, PY314, PY313, PY312, PY313_WINDOWS], resolver, REQUEST, pure,
        lambda env: {}, newer_files=releases(("2.0", ">=3.12")),
    )  # fmt: skip
    # The nearest Python first: 3.12's answer serves 3.13 and 3.14, 3.13's lead serves Windows.
    assert resolver.pythons() == ["3.12"]
    assert [item["lib"] for item in versions(placements)] == ["1.0", "2.0", "2.0", "2.0", "2.0"]
    assert [p.environment for p in placements] == [LINUX, PY314, PY313, PY312, PY313_WINDOWS]


def test_a_release_the_answering_python_excludes_gets_a_run_of_its_own() -> None:
    # lib 3.0 requires 3.13: 3.12's answer does not serve 3.13, whose own run goes alongside.
    newest = Resolution((package("app", "1.0", "lib"), package("lib", "3.0")))
    resolver = ByPython({"3.12": [NEWER], "3.13": [newest]})
    placements = place(
        HOSTED, ROOTS, [PY312, PY313, PY314], resolver, REQUEST, pure, lambda env: {},
        newer_files=releases(("2.0", ">=3.12"), ("3.0", ">=3.13")),
    )  # fmt: skip
    assert resolver.pythons() == ["3.12", "3.13"]
    assert [item["lib"] for item in versions(placements)] == ["2.0", "3.0", "3.0"]


def test_an_answer_that_lacks_what_the_next_python_needs_does_not_serve_it() -> None:
    # Both lack "extra" until the widened run; 3.13 needs "later" by its marker too, which
    # 3.12's answer has not: 3.13 runs on its own, after 3.12.
    app = package("app", "1.0", "lib", "extra ; python_version >= '3.12'",
                  "later ; python_version >= '3.13'")  # fmt: skip
    extra, later, lib = package("extra", "1.0"), package("later", "1.0"), package("lib", "2.0")
    resolver = ByPython({
        None: [Resolution((extra, later))],
        "3.12": [Resolution((app, lib, extra))],
        "3.13": [Resolution((app, lib, extra, later))],
    })  # fmt: skip
    placements = place(
        host(app, package("lib", "1.0")), ROOTS, [PY312, PY313], resolver, REQUEST, pure,
        lambda env: {}, newer_files=releases(("2.0", ">=3.12")),
    )  # fmt: skip
    assert [python for python, _ in resolver.runs] == [None, "3.12", "3.13"]
    assert versions(placements) == [
        {"app": "1.0", "lib": "2.0", "extra": "1.0"},
        {"app": "1.0", "lib": "2.0", "extra": "1.0", "later": "1.0"},
    ]


def test_a_python_whose_kept_pins_differ_is_not_served_by_another_s_answer() -> None:
    kept = Resolution((package("app", "1.0", "lib"), package("lib", "2.0"), package("x", "1")))
    resolver = ByPython({"3.12": [NEWER], "3.13": [kept]})
    placements = place(
        HOSTED, ROOTS, [PY312, PY313], resolver, REQUEST, pure,
        lambda env: {"x": "1"} if env.python == (3, 13) else {},
        newer_files=releases(("2.0", ">=3.12")),
    )  # fmt: skip
    assert resolver.pythons() == ["3.12", "3.13"]
    assert [set(p.packages) for p in placements] == [{"app", "lib"}, {"app", "lib"}]


OLD_APP = package("app", "1.0", "modern", "backport ; python_version < '3.11'")
OLD_HOST = host(OLD_APP, package("modern", "2.0", requires_python=">=3.11"))
OLD_ANSWER = Resolution((OLD_APP, package("modern", "1.0"), package("backport", "1.0", "modern<2")))


def test_a_lead_whose_widened_gaps_are_foreseen_runs_alongside_the_widened_run() -> None:
    # 3.10 lacks a version of "modern" that fits it (the widened run keeps the host's) and a
    # backport the widened run adds: its own run starts at once, asked for "modern".
    widened = Resolution((package("backport", "1.0"),))
    resolver = ByPython({None: [widened], "3.10": [OLD_ANSWER]}, after={None: "3.10"})
    (placement,) = place(OLD_HOST, ROOTS, [OLD], resolver, REQUEST, pure, lambda env: {})
    assert resolver.pythons() == ["3.10", None]
    assert resolver.overlapped == [True]
    assert versions([placement]) == [{"app": "1.0", "modern": "1.0", "backport": "1.0"}]
    assert [read for python, read in resolver.runs if python == "3.10"] == [["app\nmodern\n"]]


def test_a_lead_whose_gaps_turn_out_otherwise_is_asked_again() -> None:
    # What the widened run adds needs "modern<2" too: 3.10's gaps are not those foreseen.
    widened = Resolution((package("backport", "1.0", "modern<2"),))
    resolver = ByPython({None: [widened], "3.10": [OLD_ANSWER]})
    (placement,) = place(OLD_HOST, ROOTS, [OLD], resolver, REQUEST, pure, lambda env: {})
    old_runs = [read for python, read in resolver.runs if python == "3.10"]
    assert old_runs[-1] == ["app\nmodern\nmodern<2\n"]
    # The foreseen run is cancelled, or runs in vain; one on the host all the same.
    assert resolver.pythons() in (["3.10", None], ["3.10", "3.10", None])
    assert placement.packages["modern"].version == "1.0"


def test_a_url_the_widened_run_adds_reaches_every_walk_and_early_runs_are_asked_again() -> None:
    app = package("app", "1.0", "lib", "win ; sys_platform == 'win32'")
    plugin = package("plugin", "1.0", "lib", direct=True)
    resolver = ByPython({
        None: [Resolution((package("win", "1.0"), plugin))],
        "3.12": [Resolution((app, package("lib", "2.0"), plugin))],
    }, after={None: "3.12"})  # fmt: skip
    placements = place(
        host(app, package("lib", "1.0")), ROOTS, [WINDOWS, PY312], resolver, REQUEST, pure,
        lambda env: {}, newer_files=releases(("2.0", ">=3.12")),
    )  # fmt: skip
    assert resolver.pythons() == ["3.12", "3.12", None]
    assert resolver.overlapped == [True]  # the early run went alongside the widened one
    assert [set(p.packages) for p in placements] == [
        {"app", "lib", "win", "plugin"},
        {"app", "lib", "plugin"},
    ]


def test_an_early_run_pip_cannot_make_is_an_error_naming_its_environment() -> None:
    resolver = ByPython({"3.12": [ResolutionError("no wheel of lib")]})
    with pytest.raises(InputError, match=r"cannot resolve for CPython 3\.12 on Linux"):
        place(
            HOSTED, ROOTS, [PY312, PY313], resolver, REQUEST, pure, lambda env: {},
            newer_files=releases(("2.0", ">=3.12")),
        )  # fmt: skip


def test_a_requirement_that_does_not_parse_is_not_foreseen() -> None:
    roots = RequirementsFile(
        requirements=[RequirementLine("ghost((", "in.txt", 1, "ghost", specifier="((")]
    )
    resolver = ByPython({None: [ResolutionError("no ghost")], "3.11": [Resolution(())]})
    with pytest.raises(InputError, match=r"still lacks ghost\(\("):
        place(host(), roots, [LINUX], resolver, REQUEST, pure, lambda env: {})
    # Widened, then for the environment: nothing ran ahead of the widened run.
    assert [python for python, _ in resolver.runs] == [None, "3.11"]


def test_an_answer_serves_where_nothing_is_missing_and_nothing_newer_is_admitted() -> None:
    answer = {"app": package("app", "1.0", "lib"), "lib": package("lib", "2.0")}
    lacking = {"app": package("app", "1.0", "lib")}
    newer = releases(("3.0", ">=3.13"))

    def served(
        packages: dict[str, ResolvedPackage], python: int, env: Environment, keep: dict[str, str]
    ) -> Walk | None:
        return serves(packages, (3, python), env, ROOTS, pure, (), newer, keep)

    walked = served(answer, 13, PY314, {})
    assert walked is not None
    assert set(walked.reached) == {"app", "lib"}
    assert served(answer, 12, PY313, {}) is None  # 3.12 excludes lib 3.0, 3.13 admits it
    assert served(lacking, 12, PY313, {}) is None
    assert served(answer, 12, PY313, {"lib": "2.0"}) is not None  # a kept pin stays


def test_chains_put_likely_alike_pythons_together_nearest_first() -> None:
    outlooks: dict[Environment, str | None] = {PY314: "a", PY312: "a", OLD: None, PY313: "b"}
    assert chains([PY314, OLD, PY313, PY312], outlooks.get) == [
        [OLD], [PY312, PY314], [PY313],
    ]  # fmt: skip


def test_each_of_a_chain_takes_the_first_earlier_answer_that_serves_it() -> None:
    ran: list[Environment] = []

    def resolve(env: Environment) -> str:
        ran.append(env)
        return f"answer {env.python[1]}"

    def reuse(answer: str, env: Environment) -> str | None:
        return f"{answer} for {env.python[1]}" if env.python[1] % 2 == int(answer[-1]) % 2 else None

    placed = in_turn([OLD, LINUX, PY312, PY313], resolve, reuse)
    assert placed == ["answer 10", "answer 11", "answer 10 for 12", "answer 11 for 13"]
    assert ran == [OLD, LINUX]


def test_remembered_asks_once_for_each_project_and_version() -> None:
    asked: list[tuple[str, str]] = []

    def ask(name: str, version: str) -> str:
        asked.append((name, version))
        return f"{name}=={version}"

    once = remembered(ask)
    assert [once("a", "1"), once("a", "1"), once("a", "2")] == ["a==1", "a==1", "a==2"]
    assert asked == [("a", "1"), ("a", "2")]


def test_the_outlook_is_the_newest_release_each_python_admits() -> None:
    packages = {
        "lib": package("lib", "1.0"),
        "plugin": package("plugin", "1.0", direct=True),
        "other": package("other", "1.0"),
    }
    newer = releases(("2.0", ">=3.12"), ("3.0", ">=3.13"), ("4.0rc1", ">=3.12"))
    assert outlook(PY312, packages, packages, newer, False) == (("lib", "2.0"),)
    assert outlook(PY313, packages, packages, newer, False) == (("lib", "3.0"),)
    assert outlook(PY312, packages, packages, newer, True) == (("lib", "4.0rc1"),)
