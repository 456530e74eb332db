"""Versions that differ between patch releases of one Python: where an environment splits,
what pip is asked for its later part, and the ``python_full_version`` markers of the parts."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from dephash.environments import environment, marker_values
from dephash.errors import InputError, ResolutionError
from dephash.inputs.reqfile import RequirementLine, RequirementsFile
from dephash.model import OS, DistFile, Environment, Machine, Resolution, ResolvedPackage
from dephash.resolve import ResolveRequest
from dephash.resolve.environments import place
from dephash.resolve.merge import merge
from dephash.resolve.nowheel import hint_for
from dephash.resolve.patches import SPLITS, split_by_patch, split_point
from dephash.resolve.pipinput import environment_arguments
from dephash.resolve.walk import Placement
from tests.support.fakes import ByPython, FakeResolver

HOST = environment((3, 11), OS.LINUX, Machine.X86_64)
HOST_ARM = environment((3, 11), OS.LINUX, Machine.ARM64)
NEW = environment((3, 12), OS.LINUX, Machine.X86_64)
REQUEST = ResolveRequest(("-r", "in.txt"), ("--index-url", "https://index/simple/"))
ROOTS = RequirementsFile(requirements=[RequirementLine("app", "in.txt", 1, "app")])


def package(
    name: str, version: str, *requires: str, requires_python: str | None = None
) -> ResolvedPackage:
    return ResolvedPackage(
        name,
        version,
        f"https://files/{name}-{version}.whl",
        requires_dist=requires,
        requires_python=requires_python,
    )


def wheel(name: str, version: str, requires_python: str | None = None, **extra: object) -> DistFile:
    filename = f"{name}-{version}-py3-none-any.whl"
    return DistFile(filename, f"https://files/{filename}", requires_python=requires_python, **extra)  # type: ignore[arg-type]


def files(name: str, version: str) -> list[DistFile]:
    return [wheel(name, version)]


def test_the_split_is_the_first_patch_release_a_newer_release_admits() -> None:
    def newer(name: str, version: str) -> list[DistFile]:
        return [
            wheel("lib", "2.0", ">=3.11.5"),
            wheel("lib", "3.0", ">=3.11.9, <3.12"),
            wheel("lib", "4.0", ">=3.13"),  # this Python never admits it
            wheel("lib", "5.0", ">=3.11.2", yanked=""),
            wheel("lib", "6.0rc1", ">=3.11.1"),
            DistFile("lib-odd.whl", "https://files/lib-odd.whl", requires_python=">=3.11.1"),
        ]

    lib = package("lib", "1.0")
    assert split_point(lib, HOST, newer) == 5
    assert split_point(lib, HOST, newer, pre=True) == 1  # a pre-release counts with --pre
    assert split_point(lib, replace(HOST, patch=5), newer) == 9
    assert split_point(lib, NEW, newer) is None
    direct = ResolvedPackage("lib", "1.0", "https://files/lib.whl", direct=True)
    assert split_point(direct, HOST, newer) is None


def test_an_environment_splits_where_the_host_s_release_needs_a_later_patch(
    workdir: Path,
) -> None:
    # The host, on 3.11.7, resolved lib 2.0, which needs 3.11.5: pip on 3.11.0 resolves 1.0.
    late = package("lib", "2.0", requires_python=">=3.11.5")
    host = Resolution((package("app", "1.0", "lib"), late), marker_values(replace(HOST, patch=7)))
    early = Resolution((package("app", "1.0", "lib"), package("lib", "1.0")))
    resolver = ByPython({None: [host], "3.11": [early]})  # the host's answer widened; 3.11.0's

    def newer(name: str, version: str) -> list[DistFile]:
        return [wheel("lib", "2.0", ">=3.11.5")] if (name, version) == ("lib", "1.0") else []

    placements = place(
        host, ROOTS, [HOST, HOST_ARM], resolver, REQUEST, files, lambda env: {},
        interpreter_for=lambda env: "/usr/bin/python3.11", newer_files=newer,
    )  # fmt: skip
    # X.Y.0 is not what the real interpreter is: pip judges the tags of 3.11(.0) instead.
    assert resolver.pythons() == ["3.11", None]
    (request,) = (asked for asked in resolver.requests if "--python-version" in asked.arguments)
    assert request.python is None
    assert request.arguments[2:] == tuple(environment_arguments(HOST))
    parts = [
        (p.environment, p.environment.patch, p.until, p.packages["lib"].version) for p in placements
    ]
    assert parts == [
        (HOST, 0, 5, "1.0"),
        (HOST, 5, None, "2.0"),
        (HOST_ARM, 0, 5, "1.0"),
        (HOST_ARM, 5, None, "2.0"),
    ]
    markers = {(p.name, p.version): marker for p, marker in merge(placements, [HOST, HOST_ARM])}
    assert markers == {
        ("app", "1.0"): None,
        ("lib", "1.0"): 'python_full_version < "3.11.5"',
        ("lib", "2.0"): 'python_full_version >= "3.11.5"',
    }


def test_another_python_s_later_part_is_resolved_for_its_patch_release(workdir: Path) -> None:
    host = Resolution(
        (package("app", "1.0", "lib"), package("lib", "1.0")),
        marker_values(replace(HOST, patch=7)),
    )
    later = Resolution((package("app", "1.0", "lib"), package("lib", "2.0")))
    resolver = FakeResolver([later])

    def newer(name: str, version: str) -> list[DistFile]:
        return [wheel("lib", "2.0", ">=3.12.4")] if (name, version) == ("lib", "1.0") else []

    placements = place(
        host, ROOTS, [HOST, NEW], resolver, REQUEST, files, lambda env: {}, newer_files=newer
    )
    (request,) = resolver.requests
    assert request.arguments[2:] == tuple(environment_arguments(replace(NEW, patch=4)))
    assert "3.12.4" in request.arguments
    markers = {(p.name, p.version): marker for p, marker in merge(placements, [HOST, NEW])}
    assert markers == {
        ("app", "1.0"): None,
        ("lib", "1.0"): (
            'python_version < "3.12" or '
            '(python_version >= "3.12" and python_full_version < "3.12.4")'
        ),
        ("lib", "2.0"): 'python_version >= "3.12" and python_full_version >= "3.12.4"',
    }


def test_a_kept_pin_of_the_newest_patch_release_does_not_split() -> None:
    lib = package("lib", "1.0")
    placed = [Placement(HOST, {"lib": lib})]

    def newer(name: str, version: str) -> list[DistFile]:
        return [wheel("lib", "2.0", ">=3.11.5")]

    def nowhere(env: Environment) -> Placement:
        raise AssertionError("no later part to place")

    kept = list(split_by_patch(placed, newer, lambda env: {"lib": "1.0"}, nowhere))
    assert kept == placed


def test_an_environment_splits_a_bounded_number_of_times() -> None:
    def newer(name: str, version: str) -> list[DistFile]:
        following = int(version) + 1
        return [wheel("lib", str(following), f">=3.11.{following}")]

    def from_patch(env: Environment) -> Placement:
        return Placement(env, {"lib": package("lib", str(env.patch))})

    start = [Placement(HOST, {"lib": package("lib", "0")})]
    parts = list(split_by_patch(start, newer, lambda env: {}, from_patch))
    assert [(p.environment.patch, p.until) for p in parts] == [
        *((patch, patch + 1) for patch in range(SPLITS)),
        (SPLITS, None),
    ]
    # Each part's pins under its range; the last keeps what its first patch release admits.
    markers = [marker for _, marker in merge(parts, [HOST])]
    assert markers[0] == 'python_full_version < "3.11.1"'
    assert markers[1] == 'python_full_version >= "3.11.1" and python_full_version < "3.11.2"'
    assert markers[-1] == f'python_full_version >= "3.11.{SPLITS}"'


def test_a_part_s_own_conditions_hold_within_its_range_only() -> None:
    condition = 'platform_release == "x"'
    first = Placement(
        HOST,
        {
            "app": package("app", "1.0"),
            "lib": package("lib", "1.0"),
            "x": package("x", "1"),
        },
        {"x": frozenset({condition, "a or b"})},
        until=5,
    )
    second = Placement(
        replace(HOST, patch=5),
        {
            "app": package("app", "1.0"),
            "lib": package("lib", "2.0"),
            "x": package("x", "1"),
        },
    )
    markers = {(p.name, p.version): marker for p, marker in merge([first, second], [HOST])}
    assert markers[("app", "1.0")] is None  # the same everywhere: no marker
    assert markers[("x", "1")] == (
        f'((a or b) and python_full_version < "3.11.5") or {condition} and '
        'python_full_version < "3.11.5" or python_full_version >= "3.11.5"'
    )


def test_a_real_interpreter_s_answer_for_a_later_patch_release_is_asked_again_by_tags(
    workdir: Path,
) -> None:
    # 3.11.0 needs "old"; the host lacks it and cannot add it; python3.11 (a 3.11.7) answers
    # with helper 2.0, which needs 3.11.5: pip is asked again with the tags of 3.11(.0).
    roots = RequirementsFile(
        requirements=[
            RequirementLine("app", "in.txt", 1, "app"),
            RequirementLine(
                "old ; python_full_version < '3.11.2'",
                "in.txt",
                2,
                "old",
                marker='python_full_version < "3.11.2"',
            ),
        ]
    )
    host = Resolution((package("app", "1.0"),), marker_values(replace(HOST, patch=7)))
    late = package("helper", "2.0", requires_python=">=3.11.5")
    real = Resolution((package("app", "1.0"), package("old", "1.0", "helper"), late))
    tags = Resolution(
        (package("app", "1.0"), package("old", "1.0", "helper"), package("helper", "1.0"))
    )
    # The interpreter answers helper 2.0 again when asked for it by name.
    resolver = FakeResolver([ResolutionError("cannot widen"), real, real, tags])

    def newer(name: str, version: str) -> list[DistFile]:
        return [wheel("helper", "2.0", ">=3.11.5")] if (name, version) == ("helper", "1.0") else []

    placements = place(
        host, roots, [HOST], resolver, REQUEST, files, lambda env: {},
        interpreter_for=lambda env: "/usr/bin/python3.11", newer_files=newer,
    )  # fmt: skip
    _, by_interpreter, again, by_tags = resolver.requests
    assert by_interpreter.python == again.python == "/usr/bin/python3.11"
    assert by_tags.python is None
    assert by_tags.arguments[2:] == tuple(environment_arguments(HOST))
    parts = [(p.environment.patch, p.until, sorted(p.packages)) for p in placements]
    assert parts == [(0, 5, ["app", "helper", "old"]), (5, None, ["app"])]


def test_where_pip_cannot_judge_x_y_0_by_tags_the_error_says_why(workdir: Path) -> None:
    late = package("lib", "2.0", requires_python=">=3.11.5")
    host = Resolution((package("app", "1.0", "lib"), late), marker_values(replace(HOST, patch=7)))
    resolver = FakeResolver([host, ResolutionError("pip could not resolve: jsmin")])
    with pytest.raises(InputError) as raised:
        place(
            host, ROOTS, [HOST], resolver, REQUEST, files, lambda env: {},
            interpreter_for=lambda env: "/usr/bin/python3.11",
        )  # fmt: skip
    message = str(raised.value)
    assert message.startswith("cannot resolve for CPython 3.11 on Linux on x86_64: pip could not")
    assert message.endswith(
        "(a release needs a later patch release of Python 3.11: pip judges each range of its "
        "patch releases by tags, which take wheels only)"
    )
    assert "on PATH" not in message


def test_the_hint_names_what_would_help() -> None:
    assert hint_for(HOST, "/usr/bin/python3.11", True, False) == ""
    assert "python3.11 on PATH" in hint_for(HOST, None, True, False)
    old = environment((3, 9), OS.LINUX, Machine.X86_64)
    assert hint_for(old, None, True, False) == " (runs for another Python take wheels only)"
    assert "--platform and --python-version narrow" in hint_for(HOST, None, False, False)
    assert "later patch release" in hint_for(HOST, None, True, True)
