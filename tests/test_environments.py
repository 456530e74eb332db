"""Target environments: marker values, platform tags, names, and the marker of a set of them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dephash.environments import (
    KNOWN_PYTHONS,
    NEWEST_PLATFORM,
    describe,
    environment,
    every_environment,
    files_for,
    from_platform,
    marker_for,
    marker_values,
    overlap,
    parse_description,
    platform_tags,
    python_versions,
    targets,
)
from dephash.errors import InputError
from dephash.markers import applies
from dephash.model import OS, Environment, Machine
from dephash.wheeltags import FileFilter

PY311 = [(3, 11)]
WORLD = every_environment([(3, 10), (3, 11), (3, 12), (3, 13)])


def chosen(marker: str | None, world: tuple[Environment, ...] = WORLD) -> set[Environment]:
    return {env for env in world if applies(marker, marker_values(env))}


@given(st.sets(st.sampled_from(WORLD), min_size=1))
def test_the_marker_holds_in_exactly_the_chosen_environments(picked: set[Environment]) -> None:
    assert chosen(marker_for(picked, WORLD)) == picked


@given(
    st.sets(st.sampled_from([(3, minor) for minor in range(8, 15)]), min_size=1),
    st.data(),
)
def test_any_universe_of_pythons_works(pythons: set[tuple[int, int]], data: st.DataObject) -> None:
    world = every_environment(pythons)
    picked = data.draw(st.sets(st.sampled_from(world), min_size=1))
    assert chosen(marker_for(picked, world), world) == picked


@pytest.mark.parametrize(
    ("keep", "marker"),
    [
        (lambda env: env.os is OS.WINDOWS, 'sys_platform == "win32"'),
        (lambda env: env.os is not OS.WINDOWS, 'sys_platform != "win32"'),
        (lambda env: env.python < (3, 11), 'python_version < "3.11"'),
        (lambda env: env.python >= (3, 12), 'python_version >= "3.12"'),
        (lambda env: env.python == (3, 11), 'python_version == "3.11"'),
        (
            lambda env: env.python in ((3, 11), (3, 12)),
            'python_version >= "3.11" and python_version < "3.13"',
        ),
        (
            lambda env: env.python in ((3, 10), (3, 12)),
            'python_version == "3.10" or python_version == "3.12"',
        ),
        (
            lambda env: env.os is OS.WINDOWS and env.python < (3, 11),
            'python_version < "3.11" and sys_platform == "win32"',
        ),
        (
            lambda env: env.os is OS.LINUX and env.machine is Machine.ARM64,
            'sys_platform == "linux" and platform_machine == "aarch64"',
        ),
        (
            lambda env: env.os is OS.WINDOWS or env.python == (3, 10),
            '(sys_platform == "linux" and python_version < "3.11") or '
            '(sys_platform == "darwin" and python_version < "3.11") or sys_platform == "win32"',
        ),
    ],
)
def test_markers_read_as_the_set_they_name(keep: object, marker: str) -> None:
    picked = {env for env in WORLD if keep(env)}  # type: ignore[operator]
    assert marker_for(picked, WORLD) == marker
    assert chosen(marker) == picked


def test_every_environment_needs_no_marker_and_none_is_refused() -> None:
    assert marker_for(WORLD, WORLD) is None
    with pytest.raises(ValueError, match="no environment chosen"):
        marker_for((), WORLD)


def test_machines_alone_can_tell_environments_apart() -> None:
    world = every_environment(PY311)
    windows = [env for env in world if env.os is OS.WINDOWS]
    arm = {env for env in windows if env.machine is Machine.ARM64}
    assert marker_for(arm, windows) == 'platform_machine == "ARM64"'


def test_marker_values_are_those_of_the_platform() -> None:
    values = marker_values(environment((3, 12), OS.WINDOWS, Machine.ARM64)).as_dict()
    assert values["sys_platform"] == "win32"
    assert values["platform_system"] == "Windows"
    assert values["os_name"] == "nt"
    assert values["platform_machine"] == "ARM64"
    assert (values["python_version"], values["python_full_version"]) == ("3.12", "3.12.0")
    mac = marker_values(environment((3, 11), OS.MACOS, Machine.ARM64)).as_dict()
    assert (mac["sys_platform"], mac["platform_machine"]) == ("darwin", "arm64")
    linux = marker_values(environment((3, 11), OS.LINUX, Machine.ARM64)).as_dict()
    assert (linux["os_name"], linux["platform_machine"]) == ("posix", "aarch64")


def test_platform_tags_include_the_older_compatible_ones() -> None:
    tags = platform_tags(environment((3, 11), OS.LINUX, Machine.X86_64))
    assert {"manylinux_2_39_x86_64", "manylinux_2_17_x86_64", "manylinux2014_x86_64"} <= set(tags)
    assert tags == sorted(tags)
    assert platform_tags(environment((3, 11), OS.WINDOWS, Machine.X86_64)) == ["win_amd64"]


@pytest.mark.parametrize(
    ("value", "places"),
    [
        ("linux", {(OS.LINUX, Machine.X86_64), (OS.LINUX, Machine.ARM64)}),
        ("Windows", {(OS.WINDOWS, Machine.X86_64), (OS.WINDOWS, Machine.ARM64)}),
        ("win_amd64", {(OS.WINDOWS, Machine.X86_64)}),
        ("win-arm64", {(OS.WINDOWS, Machine.ARM64)}),
        ("manylinux_2_17_x86_64", {(OS.LINUX, Machine.X86_64)}),
        ("musllinux_1_2_aarch64", {(OS.LINUX, Machine.ARM64)}),
        ("linux_x86_64", {(OS.LINUX, Machine.X86_64)}),
        ("macosx_11_0_arm64", {(OS.MACOS, Machine.ARM64)}),
        ("macosx.10.9.x86_64", {(OS.MACOS, Machine.X86_64)}),
    ],
)
def test_platforms_name_an_os_or_a_tag(value: str, places: set[tuple[OS, Machine]]) -> None:
    found = from_platform(value, PY311)
    assert {(env.os, env.machine) for env in found} == places
    assert {env.python for env in found} == {(3, 11)}


def test_a_tag_is_kept_as_the_platform_to_judge_wheels_for() -> None:
    (env,) = from_platform("manylinux_2_17_x86_64", PY311)
    assert env.platform == "manylinux_2_17_x86_64"
    assert from_platform("linux", PY311)[0].platform in NEWEST_PLATFORM.values()


@pytest.mark.parametrize("value", ["solaris", "win32", "macosx_11_0_universal2", "any", ""])
def test_unknown_platforms_are_refused(value: str) -> None:
    with pytest.raises(InputError, match=r"expected linux, macos, windows or a wheel platform tag"):
        from_platform(value, PY311)


@pytest.mark.parametrize(
    ("environments", "text"),
    [
        (
            every_environment(PY311),
            "CPython 3.11 on Linux, macOS and Windows, each on x86_64 and arm64",
        ),
        (every_environment(PY311)[:1], "CPython 3.11 on Linux on arm64"),
        (
            [env for env in every_environment([(3, 10), (3, 12)]) if env.machine is Machine.X86_64],
            "CPython 3.10 and 3.12 on Linux, macOS and Windows on x86_64",
        ),
        (
            [
                environment((3, 11), OS.LINUX, Machine.ARM64),
                environment((3, 11), OS.MACOS, Machine.X86_64),
            ],
            "CPython 3.11 on Linux on arm64; macOS on x86_64",
        ),
        (from_platform("manylinux_2_17_x86_64", PY311), "CPython 3.11 on manylinux_2_17_x86_64"),
        (
            [
                *from_platform("win_amd64", [(3, 12)]),
                *from_platform("manylinux_2_17_x86_64", [(3, 12)]),
            ],
            "CPython 3.12 on manylinux_2_17_x86_64 and win_amd64",
        ),
        (
            [*from_platform("windows", PY311), *from_platform("manylinux_2_17_x86_64", PY311)],
            "CPython 3.11 on manylinux_2_17_x86_64, win_amd64 and win_arm64",
        ),
    ],
)
def test_environments_are_named_in_a_line_a_person_reads_and_read_back(
    environments: list[Environment], text: str
) -> None:
    assert describe(environments) == text
    assert parse_description(text) == tuple(sorted(set(environments)))


@pytest.mark.parametrize(
    "text",
    [
        "the interpreter that resolved it only",
        "CPython 3.11 on Mars",
        "CPython 3.11 on Linux on sparc",
        "CPython three on Linux on x86_64",
        "CPython 3.11 on solaris_2_x86_64",
        "CPython 3.11 on Linux",
    ],
)
def test_a_line_describe_did_not_write_is_not_read(text: str) -> None:
    assert parse_description(text) is None


def test_markers_overlap_where_one_environment_satisfies_both() -> None:
    assert overlap(None, None)
    assert overlap('sys_platform == "win32"', None)
    assert overlap('python_version < "3.11"', 'sys_platform == "win32"')
    assert not overlap('python_version < "3.11"', 'python_version >= "3.11"')
    assert not overlap('sys_platform == "win32"', 'sys_platform != "win32"')


def test_environments_no_marker_tells_apart_share_one() -> None:
    old, new = (
        from_platform(tag, PY311)[0] for tag in ("manylinux_2_17_x86_64", "manylinux_2_28_x86_64")
    )
    assert marker_for({old}, [old, new]) is None


def test_a_machine_an_os_has_alone_needs_no_clause() -> None:
    world = [
        *every_environment(PY311)[:4],  # Linux and macOS on both machines
        environment((3, 11), OS.WINDOWS, Machine.X86_64),
    ]
    windows = {env for env in world if env.os is OS.WINDOWS}
    assert marker_for(windows, world) == 'sys_platform == "win32"'


@pytest.mark.parametrize(
    ("value", "versions"),
    [
        ("3.11", ["3.11"]),
        (" 3.9 ", ["3.9"]),
        (">=3.13", ["3.13", "3.14", "3.15"]),
        ("<3.10", ["3.8", "3.9"]),
        ("==3.12.*", ["3.12"]),
        (">=3.10,<3.12", ["3.10", "3.11"]),
    ],
)
def test_python_versions_are_one_or_a_range(value: str, versions: list[str]) -> None:
    assert python_versions(value) == versions


@pytest.mark.parametrize("value", [">=4", "three", "3", "~=", "<3.8"])
def test_python_versions_dephash_cannot_name_are_refused(value: str) -> None:
    with pytest.raises(InputError, match=r"MAJOR\.MINOR"):
        python_versions(value)


# The marker values of each OS and machine, all of them: what pip's markers see there.
@pytest.mark.parametrize(
    ("os", "machine", "sys_platform", "system", "os_name", "platform_machine"),
    [
        (OS.LINUX, Machine.X86_64, "linux", "Linux", "posix", "x86_64"),
        (OS.LINUX, Machine.ARM64, "linux", "Linux", "posix", "aarch64"),
        (OS.MACOS, Machine.X86_64, "darwin", "Darwin", "posix", "x86_64"),
        (OS.MACOS, Machine.ARM64, "darwin", "Darwin", "posix", "arm64"),
        (OS.WINDOWS, Machine.X86_64, "win32", "Windows", "nt", "AMD64"),
        (OS.WINDOWS, Machine.ARM64, "win32", "Windows", "nt", "ARM64"),
    ],
)
def test_every_marker_value_of_every_platform(
    os: OS, machine: Machine, sys_platform: str, system: str, os_name: str, platform_machine: str
) -> None:
    env = Environment((3, 12), os, machine, NEWEST_PLATFORM[(os, machine)], patch=7)
    assert marker_values(env).as_dict() == {
        "implementation_name": "cpython",
        "implementation_version": "3.12.7",
        "os_name": os_name,
        "platform_machine": platform_machine,
        "platform_python_implementation": "CPython",
        "platform_release": "",
        "platform_system": system,
        "platform_version": "",
        "python_full_version": "3.12.7",
        "python_version": "3.12",
        "sys_platform": sys_platform,
    }


def test_the_newest_platform_of_every_os_and_machine() -> None:
    assert NEWEST_PLATFORM == {
        (OS.LINUX, Machine.X86_64): "manylinux_2_39_x86_64",
        (OS.LINUX, Machine.ARM64): "manylinux_2_39_aarch64",
        (OS.MACOS, Machine.X86_64): "macosx_15_0_x86_64",
        (OS.MACOS, Machine.ARM64): "macosx_15_0_arm64",
        (OS.WINDOWS, Machine.X86_64): "win_amd64",
        (OS.WINDOWS, Machine.ARM64): "win_arm64",
    }
    assert tuple((3, minor) for minor in range(8, 16)) == KNOWN_PYTHONS


def test_targets_are_every_platform_or_those_named() -> None:
    assert targets(["3.11", "3.12"], []) == every_environment([(3, 11), (3, 12)])
    named = targets(["3.11"], ["windows", "win_amd64", "manylinux_2_17_x86_64"])
    assert set(named) == {
        environment((3, 11), OS.WINDOWS, Machine.ARM64),
        environment((3, 11), OS.WINDOWS, Machine.X86_64),
        Environment((3, 11), OS.LINUX, Machine.X86_64, "manylinux_2_17_x86_64"),
    }
    assert list(named) == sorted(named)


def test_the_files_to_hash_are_those_of_the_named_places() -> None:
    assert files_for([], [], []) == FileFilter()
    assert files_for(["3.12"], ["macos", "linux_x86_64"], [":all:"]) == FileFilter(
        ("3.12",), ("macosx_15_0_arm64", "macosx_15_0_x86_64", "linux_x86_64"), (":all:",)
    )


def test_an_unknown_platform_is_refused_saying_what_is_expected() -> None:
    with pytest.raises(InputError) as caught:
        from_platform("solaris", PY311)
    assert str(caught.value) == (
        "--platform 'solaris': expected linux, macos, windows or a wheel platform tag "
        "for x86_64 or arm64 (manylinux_2_17_x86_64, macosx_11_0_arm64, win_amd64, ...)"
    )
    for value in ("win_x86", "manylinux_2_17_i686", "macosx_11_0_ppc"):
        with pytest.raises(InputError):
            from_platform(value, PY311)


def test_a_python_range_is_refused_naming_the_versions_dephash_knows() -> None:
    with pytest.raises(InputError) as caught:
        python_versions(">=4")
    assert str(caught.value) == (
        "--python-version '>=4': expected MAJOR.MINOR, like 3.12, or a range of the CPython "
        "versions dephash knows (3.8 to 3.15), like '>=3.10'"
    )
