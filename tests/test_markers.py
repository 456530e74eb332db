"""The one marker policy, and the one --python-version parser."""

from __future__ import annotations

import platform

import pytest
from packaging.markers import Marker, default_environment
from packaging.version import Version

from dephash.errors import InputError
from dephash.markers import (
    applies,
    parse_python_version,
    python_allows,
    python_environment,
    running_python,
)
from dephash.model import MarkerEnvironment

LINUX_311 = {"python_version": "3.11", "sys_platform": "linux", "platform_machine": "x86_64"}


@pytest.mark.parametrize(
    ("marker", "holds"),
    [
        (None, True),
        ('python_version >= "3.10"', True),
        ('python_version < "3.10"', False),
        ('sys_platform == "win32" or platform_machine == "x86_64"', True),
        ('sys_platform == "win32" and platform_machine == "x86_64"', False),
        (Marker('sys_platform == "linux"'), True),
        (Marker('sys_platform == "darwin"'), False),
        # Undecidable: an invalid marker, a comparison that is not defined.
        ("python_version >>", True),
        ('python_version ~= "1"', True),
    ],
)
def test_a_marker_holds_or_not(marker: str | Marker | None, holds: bool) -> None:
    assert applies(marker, LINUX_311) is holds
    assert applies(marker, MarkerEnvironment.of(LINUX_311)) is holds


def test_a_marker_on_extras_holds_for_any_of_them_or_none() -> None:
    assert applies('extra == "socks"', LINUX_311, ["socks"])
    assert applies('extra == "socks"', LINUX_311, ["security", "socks"])
    assert not applies('extra == "socks"', LINUX_311, ["security"])
    assert not applies('extra == "socks"', LINUX_311)
    assert applies('extra != "socks"', LINUX_311, ["socks"])  # true with no extra
    assert not applies('extra == "socks" and python_version < "3"', LINUX_311, ["socks"])


@pytest.mark.parametrize(
    ("text", "micro", "parsed"),
    [
        ("3.12", False, (3, 12)),
        (" 3.9 ", False, (3, 9)),
        ("3.12.1", True, (3, 12, 1)),
        ("3.12", True, (3, 12)),
    ],
)
def test_python_versions_are_read(text: str, micro: bool, parsed: tuple[int, ...]) -> None:
    assert parse_python_version(text, micro=micro) == parsed


@pytest.mark.parametrize(
    ("text", "micro", "message"),
    [
        ("3", False, "--python-version '3': expected MAJOR.MINOR, like 3.12"),
        ("3.12.1", False, "--python-version '3.12.1': expected MAJOR.MINOR, like 3.12"),
        ("12.1", False, "--python-version '12.1': expected MAJOR.MINOR, like 3.12"),
        ("123.1", True, "--python-version '123.1': expected MAJOR.MINOR or MAJOR.MINOR.MICRO"),
        ("3.x", True, "--python-version '3.x': expected MAJOR.MINOR or MAJOR.MINOR.MICRO"),
    ],
)
def test_other_python_versions_are_refused_saying_what_is_expected(
    text: str, micro: bool, message: str
) -> None:
    with pytest.raises(InputError) as caught:
        parse_python_version(text, micro=micro)
    assert str(caught.value) == message


def test_the_marker_environment_of_another_python_on_this_machine() -> None:
    values = python_environment(Version("3.9.18"))
    here = default_environment()
    assert values == {
        **{key: str(value) for key, value in here.items()},
        "python_version": "3.9",
        "python_full_version": "3.9.18",
    }
    assert values["sys_platform"] == here["sys_platform"]


@pytest.mark.parametrize(
    ("requires_python", "allowed"),
    [
        (None, True),
        ("", True),
        (">=3.10", True),
        (">=3.12", False),
        ("<3.11,>=3.8", False),
        (">=3.11.0rc1", True),
        ("not a specifier", True),  # pip ignores an invalid one
    ],
)
def test_requires_python_admits_a_python_or_not(requires_python: str | None, allowed: bool) -> None:
    assert python_allows(requires_python, Version("3.11.4")) is allowed


def test_a_prerelease_python_is_admitted_by_what_admits_its_version() -> None:
    assert python_allows(">=3.12", Version("3.13.0rc2"))
    assert not python_allows(">=3.13", Version("3.13.0rc2"))


def test_the_running_python_is_this_interpreter() -> None:
    assert running_python() == Version(platform.python_version())
