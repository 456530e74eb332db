"""Target filtering: which wheels install on the named Pythons and platforms."""

from __future__ import annotations

import pytest

from dephash.errors import InputError
from dephash.markers import parse_python_version
from dephash.model import DistFile
from dephash.wheeltags import FileFilter, expand_platform, python_tags

FILES = [
    "pkg-1.0-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
    "pkg-1.0-cp312-cp312-manylinux_2_28_x86_64.whl",
    "pkg-1.0-cp312-cp312-musllinux_1_1_x86_64.whl",
    "pkg-1.0-cp312-cp312-win_amd64.whl",
    "pkg-1.0-cp312-cp312-macosx_11_0_arm64.whl",
    "pkg-1.0-cp39-abi3-manylinux_2_17_aarch64.whl",
    "pkg-1.0-pp310-pypy310_pp73-manylinux_2_17_x86_64.whl",
    "pkg-1.0-py3-none-any.whl",
    "pkg-1.0-py2.py3-none-any.whl",
    "pkg-1.0-broken.whl",
    "pkg-1.0.tar.gz",
    "pkg-1.0.exe",
]


def select(targets: FileFilter, project: str = "pkg") -> list[str]:
    return [f.filename for f in targets.select([DistFile(name, name) for name in FILES], project)]


def test_no_targets_keep_everything() -> None:
    assert select(FileFilter()) == FILES
    assert FileFilter().describe() == "every platform"


def test_python_version_keeps_its_abi_abi3_and_pure_wheels() -> None:
    assert select(FileFilter(python_versions=("3.12",))) == [
        "pkg-1.0-cp312-cp312-manylinux_2_28_x86_64.whl",
        "pkg-1.0-cp312-cp312-musllinux_1_1_x86_64.whl",
        "pkg-1.0-cp312-cp312-win_amd64.whl",
        "pkg-1.0-cp312-cp312-macosx_11_0_arm64.whl",
        "pkg-1.0-cp39-abi3-manylinux_2_17_aarch64.whl",
        "pkg-1.0-py3-none-any.whl",
        "pkg-1.0-py2.py3-none-any.whl",
        "pkg-1.0.tar.gz",
    ]


def test_python_and_platform_together() -> None:
    targets = FileFilter(("3.11", "3.12"), ("manylinux_2_28_x86_64",))
    assert select(targets) == [
        "pkg-1.0-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
        "pkg-1.0-cp312-cp312-manylinux_2_28_x86_64.whl",
        "pkg-1.0-py3-none-any.whl",
        "pkg-1.0-py2.py3-none-any.whl",
        "pkg-1.0.tar.gz",
    ]
    assert targets.describe() == "Python 3.11, 3.12; platform manylinux_2_28_x86_64"


@pytest.mark.parametrize(
    ("only_binary", "project", "keeps_sdist"),
    [
        ((":all:",), "pkg", False),
        (("other,Pkg",), "pkg", False),
        (("pkg", ":none:"), "pkg", True),
        (("other",), "pkg", True),
    ],
)
def test_only_binary_drops_sdists(
    only_binary: tuple[str, ...], project: str, keeps_sdist: bool
) -> None:
    kept = select(FileFilter(platforms=("win_amd64",), only_binary=only_binary), project)
    assert ("pkg-1.0.tar.gz" in kept) is keeps_sdist
    assert "pkg-1.0-cp312-cp312-win_amd64.whl" in kept


def test_only_binary_alone_filters_nothing() -> None:
    assert select(FileFilter(only_binary=(":all:",))) == FILES


@pytest.mark.parametrize(
    ("platform", "included", "excluded"),
    [
        (
            "manylinux_2_28_x86_64",
            ["manylinux_2_17_x86_64", "manylinux1_x86_64", "manylinux2014_x86_64"],
            ["manylinux_2_29_x86_64", "manylinux_2_17_aarch64"],
        ),
        (
            "manylinux2014_x86_64",
            ["manylinux_2_17_x86_64", "manylinux2010_x86_64"],
            ["manylinux_2_28_x86_64"],
        ),
        (
            "manylinux_2_12_x86_64",
            ["manylinux2010_x86_64", "manylinux1_x86_64"],
            ["manylinux2014_x86_64"],
        ),
        ("musllinux_1_2_aarch64", ["musllinux_1_0_aarch64"], ["musllinux_1_3_aarch64"]),
        (
            "macosx_12_0_arm64",
            ["macosx_11_0_arm64", "macosx_12_0_universal2"],
            ["macosx_13_0_arm64"],
        ),
        ("Win-AMD64", ["win_amd64"], ["win32"]),
    ],
)
def test_platforms_expand_like_pip(platform: str, included: list[str], excluded: list[str]) -> None:
    expanded = expand_platform(platform)
    assert set(included) <= expanded
    assert not set(excluded) & expanded


def test_python_tags() -> None:
    pairs = python_tags((3, 12))
    assert {("cp312", "cp312"), ("cp39", "abi3"), ("py3", "none"), ("py312", "none")} <= pairs
    assert ("cp311", "cp311") not in pairs


@pytest.mark.parametrize("text", ["3", "3.x", "python3.11", "3.11.2", ""])
def test_bad_python_versions_are_usage_errors(text: str) -> None:
    with pytest.raises(InputError, match=r"MAJOR\.MINOR"):
        parse_python_version(text)
    assert parse_python_version(" 3.9 ") == (3, 9)
