"""Resolving for every target environment: the walk, pip's runs where the host falls short, the
merge into one set of pins with markers. pip is a fake here; tests/test_gen.py runs the real one."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from dephash.environments import environment, every_environment, marker_values
from dephash.errors import InputError, ResolutionError
from dephash.inputs.reqfile import RequirementLine, RequirementsFile
from dephash.model import OS, DistFile, Environment, Machine, Resolution, ResolvedPackage
from dephash.resolve import ResolveRequest
from dephash.resolve.environments import place
from dephash.resolve.merge import merge
from dephash.resolve.pipinput import environment_arguments
from dephash.resolve.walk import Placement, walk
from tests.support.fakes import FakeResolver

LINUX = environment((3, 11), OS.LINUX, Machine.X86_64)
WINDOWS = environment((3, 11), OS.WINDOWS, Machine.X86_64)
OLD = environment((3, 10), OS.LINUX, Machine.X86_64)
REQUEST = ResolveRequest(("-r", "in.txt"), ("--index-url", "https://index/simple/"))


def line(text: str, name: str | None, **extra: object) -> RequirementLine:
    return RequirementLine(text, "in.txt", 1, name, **extra)  # type: ignore[arg-type]


def package(
    name: str,
    version: str = "1.0",
    *requires: str,
    direct: bool = False,
    requires_python: str | None = None,
) -> ResolvedPackage:
    url = f"https://files/{name}-{version}.whl"
    return ResolvedPackage(
        name,
        version,
        url,
        direct=direct,
        requires_dist=requires,
        requires_python=requires_python,
    )


def pure(name: str, version: str) -> list[DistFile]:
    wheel = f"{name.replace('-', '_')}-{version}-py3-none-any.whl"
    return [DistFile(wheel, f"https://files/{wheel}")]


def by_name(*packages: ResolvedPackage) -> dict[str, ResolvedPackage]:
    return {item.name: item for item in packages}


ROOTS = RequirementsFile(
    requirements=[
        line("app[cli]", "app", extras=("cli",)),
        line("posix-only ; os_name != 'nt'", "posix-only", marker='os_name != "nt"'),
        line("pinned<2", "pinned", constraint=True, specifier="<2"),
        line("https://files/direct.whl", None, url="https://files/direct.whl"),
    ],
    index_options=[("index_url", "https://other/simple/"), ("no_index", "")],
    pre=True,
)
HOST = by_name(
    package(
        "app",
        "1.0",
        "lib>=1",
        "colorama ; sys_platform == 'win32'",
        "click ; extra == 'cli'",
        "broken requirement ((",
    ),
    package("lib", "2.0"),
    package("click", "8.0"),
    package("posix-only", "1.0"),
    package("direct", "1.0", direct=True),
)


def test_the_walk_follows_the_environment_s_markers_and_extras() -> None:
    walked = walk(HOST, ROOTS, LINUX, pure)
    assert set(walked.reached) == {"app", "lib", "click", "posix-only", "direct"}
    assert walked.reached["app"] == {"cli"}
    assert walked.gaps == ()
    windows = walk(HOST, ROOTS, WINDOWS, pure)
    assert "posix-only" not in windows.reached
    assert windows.gaps == ("colorama",)


def test_versions_that_do_not_fit_are_gaps() -> None:
    packages = by_name(
        package("app", "1.0", "lib>=3", "modern", "native", "sdist-only"),
        package("lib", "2.0"),
        package("modern", "2.0", requires_python=">=3.11"),
        package("native", "1.0"),
        package("sdist-only", "1.0"),
    )
    files = {
        ("native", "1.0"): [DistFile("native-1.0-cp311-cp311-manylinux_2_17_x86_64.whl", "u")],
        ("sdist-only", "1.0"): [DistFile("sdist_only-1.0.tar.gz", "u")],
    }

    def files_of(name: str, version: str) -> list[DistFile]:
        return files.get((name, version), pure(name, version))

    roots = RequirementsFile(requirements=[line("app", "app")])
    assert walk(packages, roots, LINUX, files_of).gaps == ("lib>=3",)
    assert walk(packages, roots, OLD, files_of).gaps == ("lib>=3", "modern", "native")
    assert walk(packages, roots, WINDOWS, files_of, (":all:",)).gaps == (
        "lib>=3",
        "native",
        "sdist-only",
    )


def test_environments_the_host_serves_need_no_pip_run() -> None:
    resolver = FakeResolver([])
    placements = place(
        Resolution(tuple(HOST.values())), ROOTS, [LINUX], resolver, REQUEST, pure, lambda env: {}
    )
    assert resolver.requests == []
    assert placements == (
        Placement(LINUX, {name: HOST[name] for name in walk(HOST, ROOTS, LINUX, pure).reached}),
    )


class Reading(FakeResolver):
    """A fake that also keeps the requirements files pip would have read."""

    def __init__(self, answers: list[Resolution | Exception]) -> None:
        super().__init__(answers)
        self.files: list[list[str]] = []

    def resolve(self, request: ResolveRequest) -> Resolution:
        args = request.input_arguments
        self.files.append(
            [Path(args[i + 1]).read_text() for i, arg in enumerate(args) if arg in ("-r", "-c")]
        )
        return super().resolve(request)


def test_what_environments_lack_is_asked_of_the_host_first(workdir: Path) -> None:
    widened = Resolution((package("colorama", "0.4"),))
    resolver = Reading([widened])
    host = Resolution(tuple(HOST.values()))
    placements = place(
        host, ROOTS, [LINUX, WINDOWS], resolver, REQUEST, pure, lambda env: {"x": "1"}
    )
    assert [set(placement.packages) for placement in placements] == [
        {"app", "lib", "click", "posix-only", "direct"},
        {"app", "lib", "click", "direct", "colorama"},
    ]
    (request,) = resolver.requests  # one run on the host serves both environments
    assert request.arguments == REQUEST.arguments
    held = {(name, item.version) for name, item in HOST.items() if not item.direct}
    assert set(request.constraints) == {("x", "1"), *held}
    assert resolver.files == [["--index-url https://other/simple/\n--no-index\n--pre\ncolorama\n"]]


def test_pip_resolves_again_for_an_environment_the_host_does_not_serve(
    workdir: Path,
) -> None:
    windows = Resolution(
        (*(HOST[name] for name in ("app", "lib", "click", "direct")), package("colorama", "0.4"))
    )
    resolver = Reading([ResolutionError("the host cannot have colorama"), windows])
    (placement,) = place(
        Resolution(tuple(HOST.values())),
        ROOTS,
        [WINDOWS],
        resolver,
        REQUEST,
        pure,
        lambda env: {"lib": "2.0"},
    )
    assert set(placement.packages) == {"app", "lib", "click", "direct", "colorama"}
    _, request = resolver.requests
    assert request.arguments[:2] == ("--index-url", "https://index/simple/")
    assert request.arguments[2:] == tuple(environment_arguments(WINDOWS))
    assert request.constraints == (("lib", "2.0"),)
    assert request.python is None
    constraints, requirements = resolver.files[1]
    assert constraints == "pinned<2\n"
    assert requirements == (
        "--index-url https://other/simple/\n--no-index\n--pre\napp[cli]\ncolorama\n"
    )
    assert list(workdir.iterdir()) == []  # the scratch files are gone


def test_pip_runs_again_until_nothing_is_missing(workdir: Path) -> None:
    first = Resolution((package("app", "1.0", "later ; sys_platform == 'win32'"),))
    second = Resolution((*first.packages, package("later", "1.0")))
    resolver = FakeResolver([first, second])
    roots = RequirementsFile(requirements=[line("app", "app")])
    host = Resolution((package("app", "1.0", "early ; sys_platform == 'win32'"),))
    (placement,) = place(host, roots, [WINDOWS], resolver, REQUEST, pure, lambda env: {})
    assert set(placement.packages) == {"app", "later"}
    assert len(resolver.requests) == 2


def test_an_environment_pip_cannot_resolve_for_is_an_error_naming_it(workdir: Path) -> None:
    host = Resolution((package("app", "1.0", "winonly ; sys_platform == 'win32'"),))
    roots = RequirementsFile(requirements=[line("app", "app")])
    failing = FakeResolver([ResolutionError("pip could not resolve the requirements: no winonly")])
    with pytest.raises(
        InputError, match=r"cannot resolve for CPython 3\.11 on Windows on x86_64: pip"
    ):
        place(host, roots, [WINDOWS], failing, REQUEST, pure, lambda env: {})
    stuck = FakeResolver([host])
    with pytest.raises(InputError, match=r"pip's answer still lacks winonly"):
        place(host, roots, [WINDOWS], stuck, REQUEST, pure, lambda env: {})


def test_a_real_interpreter_of_the_environment_resolves_for_it(workdir: Path) -> None:
    host = Resolution((package("app", "1.0", "backport ; python_version < '3.11'"),))
    roots = RequirementsFile(requirements=[line("app", "app")])
    old = Resolution((*host.packages, package("backport", "1.0")))
    resolver = FakeResolver([ResolutionError("the host's Python cannot have it"), old])
    (placement,) = place(
        host, roots, [OLD], resolver, REQUEST, pure, lambda env: {},
        interpreter_for=lambda env: "/opt/python3.10",
    )  # fmt: skip
    assert set(placement.packages) == {"app", "backport"}
    _, request = resolver.requests
    assert (request.python, request.arguments) == ("/opt/python3.10", REQUEST.arguments)


def test_without_one_the_error_says_which_interpreter_would_serve(workdir: Path) -> None:
    host = Resolution(
        (package("app", "1.0", "backport ; python_version < '3.11'"),), marker_values(LINUX)
    )
    roots = RequirementsFile(requirements=[line("app", "app")])
    failing = FakeResolver([ResolutionError("no wheel of backport")])
    with pytest.raises(InputError) as raised:
        place(host, roots, [OLD], failing, REQUEST, pure, lambda env: {})
    assert str(raised.value) == (
        "cannot resolve for CPython 3.10 on Linux on x86_64: no wheel of backport (runs for "
        "another Python take wheels only; a python3.10 on PATH lets pip build sdists for it "
        "on this machine)"
    )
    old_windows = environment((3, 10), OS.WINDOWS, Machine.X86_64)
    with pytest.raises(InputError) as raised:
        place(host, roots, [old_windows], failing, REQUEST, pure, lambda env: {})
    assert str(raised.value) == (
        "cannot resolve for CPython 3.10 on Windows on x86_64: no wheel of backport (runs for "
        "another platform take wheels only; --platform and --python-version narrow the file "
        "to the environments that install)"
    )
    real = FakeResolver([ResolutionError("pip says no")])
    with pytest.raises(InputError) as raised:
        place(host, roots, [OLD], real, REQUEST, pure, lambda env: {},
              interpreter_for=lambda env: "/opt/python3.10")  # fmt: skip
    assert str(raised.value) == "cannot resolve for CPython 3.10 on Linux on x86_64: pip says no"


NEW = environment((3, 12), OS.LINUX, Machine.X86_64)
NEW_WINDOWS = environment((3, 12), OS.WINDOWS, Machine.X86_64)
NEW_ARM = environment((3, 12), OS.LINUX, Machine.ARM64)


def only_new_pythons(name: str, version: str) -> list[DistFile]:
    """lib 2.0 requires Python 3.12: the host, on 3.11, resolved 1.0."""
    if name != "lib":
        return []
    return [
        DistFile("lib-2.0-py3-none-any.whl", "https://files/lib-2.0.whl", requires_python=">=3.12")
    ]


def test_each_python_gets_the_newest_release_it_admits(workdir: Path) -> None:
    host = Resolution(
        (package("app", "1.0", "lib"), package("lib", "1.0")),
        marker_values(replace(LINUX, patch=7)),
    )
    roots = RequirementsFile(requirements=[line("app", "app")])
    newer = Resolution((package("app", "1.0", "lib"), package("lib", "2.0")))
    resolver = FakeResolver([newer])
    placements = place(
        host, roots, [LINUX, NEW_WINDOWS, NEW_ARM, NEW], resolver, REQUEST, pure,
        lambda env: {}, newer_files=only_new_pythons,
    )  # fmt: skip
    assert [p.packages["lib"].version for p in placements] == ["1.0", "2.0", "2.0", "2.0"]
    (request,) = resolver.requests  # one run for 3.12, on the host's OS and machine
    assert request.arguments[2:] == tuple(environment_arguments(NEW))


def test_a_kept_pin_needs_no_run_and_the_lead_s_answer_is_widened_for_the_rest(
    workdir: Path,
) -> None:
    host = Resolution(
        (package("app", "1.0", "lib"), package("lib", "1.0")),
        marker_values(replace(LINUX, patch=7)),
    )
    roots = RequirementsFile(requirements=[line("app", "app")])
    kept = FakeResolver([ResolutionError("must not run")])
    placements = place(
        host, roots, [LINUX, NEW], kept, REQUEST, pure, lambda env: {"lib": "1.0"},
        newer_files=only_new_pythons,
    )  # fmt: skip
    assert [p.packages["lib"].version for p in placements] == ["1.0", "1.0"]
    linux = Resolution((package("app", "1.0", "lib", "win ; sys_platform == 'win32'"),
                        package("lib", "2.0")))  # fmt: skip
    windows = Resolution((*linux.packages, package("win", "1.0")))
    resolver = FakeResolver([linux, windows])
    placements = place(
        host, roots, [NEW_WINDOWS, NEW], resolver, REQUEST, pure, lambda env: {},
        newer_files=only_new_pythons,
    )  # fmt: skip
    assert set(placements[0].packages) == {"app", "lib", "win"}
    # What Windows lacks is asked as for 3.12 on Linux, with that answer's versions held.
    lead, widened = resolver.requests
    assert lead.arguments[2:] == widened.arguments[2:] == tuple(environment_arguments(NEW))
    assert ("lib", "2.0") in widened.constraints
    # Where the widened answer does not serve it, Windows gets a run of its own.
    own = FakeResolver([linux, ResolutionError("no win for Linux"), windows])
    placements = place(
        host, roots, [NEW_WINDOWS, NEW], own, REQUEST, pure, lambda env: {},
        newer_files=only_new_pythons,
    )  # fmt: skip
    assert set(placements[0].packages) == {"app", "lib", "win"}
    assert own.requests[-1].arguments[2:] == tuple(environment_arguments(NEW_WINDOWS))
    stuck = FakeResolver([linux])
    with pytest.raises(InputError, match=r"cannot resolve for CPython 3\.12 on Windows"):
        place(
            host, roots, [NEW_WINDOWS, NEW], stuck, REQUEST, pure, lambda env: {},
            newer_files=only_new_pythons,
        )  # fmt: skip
    assert [r.arguments[2:] for r in stuck.requests][-1] == tuple(
        environment_arguments(NEW_WINDOWS)
    )


def test_environment_arguments_choose_files_for_the_environment() -> None:
    args = environment_arguments(OLD)
    assert args[args.index("--python-version") + 1] == "3.10"
    assert args[-8:-2] == ["--abi", "cp310", "--abi", "abi3", "--abi", "none"]
    assert args[-2:] == ["--only-binary", ":all:"]
    assert "manylinux2014_x86_64" in args


def test_versions_that_differ_by_environment_get_disjoint_markers() -> None:
    world = every_environment([(3, 10), (3, 11)])
    old = {env for env in world if env.python == (3, 10)}
    placements = [
        Placement(
            env,
            by_name(
                package("numpy", "1.0" if env in old else "2.0"),
                *([package("colorama", "0.4")] if env.os is OS.WINDOWS else []),
                package("six", "1.16"),
            ),
        )
        for env in world
    ]
    merged = [(item.name, item.version, marker) for item, marker in merge(placements, world)]
    assert merged == [
        ("colorama", "0.4", 'sys_platform == "win32"'),
        ("numpy", "1.0", 'python_version < "3.11"'),
        ("numpy", "2.0", 'python_version >= "3.11"'),
        ("six", "1.16", None),
    ]


def test_versions_that_are_not_pep_440_sort_last() -> None:
    world: list[Environment] = [LINUX, WINDOWS]
    placements = [
        Placement(LINUX, by_name(package("odd", "2.0"))),
        Placement(WINDOWS, by_name(package("odd", "weird"))),
    ]
    assert [item.version for item, _ in merge(placements, world)] == ["2.0", "weird"]
    assert marker_values(LINUX).python_version == "3.11"


def test_a_gap_two_packages_share_is_named_once_and_odd_versions_are_not_judged() -> None:
    packages = by_name(
        package("app", "1.0", "one", "two", "odd>=1"),
        package("one", "1.0", "shared>=1"),
        package("two", "1.0", "shared>=1"),
        package("odd", "weird"),
    )
    roots = RequirementsFile(requirements=[line("app", "app")])
    walked = walk(packages, roots, LINUX, lambda name, version: pure(name, "1.0"))
    assert walked.gaps == ("shared>=1",)
    assert "odd" in walked.reached


def test_pip_gives_up_after_its_rounds(workdir: Path) -> None:
    answers: list[Resolution | Exception] = [
        ResolutionError("not on the host"),
        *(
            Resolution((package("app", "1.0", f"dep{round} ; sys_platform == 'win32'"),))
            for round in range(10)
        ),
    ]
    resolver = FakeResolver(answers)
    roots = RequirementsFile(requirements=[line("app", "app")])
    host = Resolution((package("app", "1.0", "first ; sys_platform == 'win32'"),))
    with pytest.raises(InputError, match=r"still lacks dep5"):
        place(host, roots, [WINDOWS], resolver, REQUEST, pure, lambda env: {})
    assert len(resolver.requests) == 7  # once on the host, then six rounds for Windows


def test_a_dependency_some_patch_releases_need_keeps_their_marker(workdir: Path) -> None:
    roots = RequirementsFile(
        requirements=[
            line("app", "app"),
            line(
                "old ; python_full_version < '3.11.2'",
                "old",
                marker='python_full_version < "3.11.2"',
            ),
        ]
    )
    host = by_name(
        package(
            "app",
            "1.0",
            "backport ; python_full_version < '3.11.3'",
            "shared ; python_full_version < '3.11.3'",
            "other ; extra == 'x' and python_full_version < '3.11.3'",
        ),
        package("lib", "1.0", "shared"),
        package("backport", "1.0"),
        package("shared", "1.0"),
        package("old", "1.0"),
    )
    walked = walk(host, roots, LINUX, pure)
    assert walked.conditional == {
        "backport": {'python_full_version < "3.11.3"'},
        "old": {'python_full_version < "3.11.2"'},
        "shared": {'python_full_version < "3.11.3"'},
    }
    world = [LINUX, WINDOWS]
    placements = [
        Placement(LINUX, host, walked.conditional),
        Placement(
            WINDOWS,
            by_name(host["backport"], host["shared"]),
            {"backport": frozenset({"a", "b or c"})},
        ),
    ]
    markers = {item.name: marker for item, marker in merge(placements, world)}
    # Each environment keeps the markers of its own patch releases.
    assert markers["backport"] == (
        '(sys_platform == "win32" and (a or (b or c))) or '
        '(sys_platform == "linux" and python_full_version < "3.11.3")'
    )
    # Windows needs it on every patch release, Linux on some only.
    assert markers["shared"] == (
        'sys_platform == "win32" or (sys_platform == "linux" and python_full_version < "3.11.3")'
    )
    assert markers["old"] == 'sys_platform == "linux" and python_full_version < "3.11.2"'
    assert markers["lib"] == 'sys_platform == "linux"'
