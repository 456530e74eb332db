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


def test_python_tags_are_exactly_what_cpython_accepts() -> None:
    abi3 = {(f"cp3{minor}", "abi3") for minor in range(2, 13)}
    pure = {("py3", "none")} | {(f"py3{minor}", "none") for minor in range(13)}
    assert python_tags((3, 12)) == {("cp312", "cp312"), ("cp312", "none"), *abi3, *pure}


@pytest.mark.parametrize(
    ("platform", "expanded"),
    [
        # Every glibc minor version down to 2_0, and the legacy alias of 2_5.
        (
            "manylinux_2_5_x86_64",
            {*(f"manylinux_2_{m}_x86_64" for m in range(6)), "manylinux1_x86_64"},
        ),
        ("manylinux_2_4_x86_64", {f"manylinux_2_{m}_x86_64" for m in range(5)}),
        (
            "musllinux_1_2_x86_64",
            {"musllinux_1_2_x86_64", "musllinux_1_1_x86_64", "musllinux_1_0_x86_64"},
        ),
        ("musllinux_1_1_x86_64", {"musllinux_1_1_x86_64", "musllinux_1_0_x86_64"}),
        ("linux_x86_64", {"linux_x86_64"}),
    ],
)
def test_a_platform_accepts_exactly_the_older_tags(platform: str, expanded: set[str]) -> None:
    assert expand_platform(platform) == expanded


# The legacy manylinux names are aliases of a glibc version: manylinux1 = 2_5,
# manylinux2010 = 2_12, manylinux2014 = 2_17 (PEP 600).
@pytest.mark.parametrize(
    ("legacy", "glibc"), [("manylinux1", 5), ("manylinux2010", 12), ("manylinux2014", 17)]
)
def test_each_legacy_manylinux_tag_is_its_glibc_version(legacy: str, glibc: int) -> None:
    assert f"{legacy}_aarch64" in expand_platform(f"manylinux_2_{glibc}_aarch64")
    assert f"{legacy}_aarch64" not in expand_platform(f"manylinux_2_{glibc - 1}_aarch64")
    assert expand_platform(f"{legacy}_aarch64") == expand_platform(f"manylinux_2_{glibc}_aarch64")
    assert f"manylinux_2_{glibc + 1}_aarch64" not in expand_platform(f"{legacy}_aarch64")


def test_a_platform_is_read_in_the_spellings_pip_and_sysconfig_give() -> None:
    assert expand_platform(" macosx-11.0-ARM64 ") == expand_platform("macosx_11_0_arm64")
    assert "macosx_10_9_universal2" in expand_platform("macosx-11.0-arm64")


def test_the_header_names_every_python_and_platform() -> None:
    targets = FileFilter(("3.11",), ("win_amd64", "macosx_11_0_arm64"))
    assert targets.describe() == "Python 3.11; platform win_amd64, macosx_11_0_arm64"
    assert FileFilter(platforms=("win_amd64",)).describe() == "platform win_amd64"


@pytest.mark.parametrize(
    "suffix", [".tar.gz", ".zip", ".tar.bz2", ".tgz", ".tar.xz", ".tar", ".TAR.GZ"]
)
def test_every_kind_of_source_archive_is_kept_when_filtering(suffix: str) -> None:
    files = [
        DistFile(f"pkg-1.0{suffix}", "u"),
        DistFile("pkg-1.0.egg", "u"),
        DistFile("pkg-1.0.exe", "u"),
    ]
    kept = FileFilter(platforms=("win_amd64",)).select(files, "pkg")
    assert [item.filename for item in kept] == [f"pkg-1.0{suffix}"]
