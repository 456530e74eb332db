"""Distribution file names: the one table of archive suffixes, and the versions names carry."""

from __future__ import annotations

import pytest
from packaging.version import Version

from dephash.distributions import (
    ARCHIVE_SUFFIXES,
    SDIST_SUFFIXES,
    file_version,
    is_archive,
    parsed_version,
    split_version,
    url_filename,
    version_text,
)

# Every archive pip installs from: a wheel, and each kind of source archive.
SDISTS = [".tar.gz", ".zip", ".tar.bz2", ".tgz", ".tar.xz", ".tar"]


def test_the_table_holds_every_archive_pip_installs_from() -> None:
    assert sorted(SDIST_SUFFIXES) == sorted(SDISTS)
    assert sorted(ARCHIVE_SUFFIXES) == sorted([".whl", *SDISTS])


@pytest.mark.parametrize("suffix", [".whl", *SDISTS])
def test_every_archive_is_an_archive_in_any_case(suffix: str) -> None:
    assert is_archive(f"pkg-1.0{suffix}")
    assert is_archive(f"PKG-1.0{suffix.upper()}")


@pytest.mark.parametrize("name", ["pkg-1.0.egg", "pkg-1.0.exe", "pkg-1.0.rar", "pkg", "tar"])
def test_other_files_are_not_archives(name: str) -> None:
    assert not is_archive(name)


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("https://h.example/files/pkg-1.0.tar.gz", "pkg-1.0.tar.gz"),
        ("https://h.example/a/b/pkg%2B1-1.0.whl?x=1#sha256=ab", "pkg+1-1.0.whl"),
        ("file:///srv/dist/pkg-1.0.zip", "pkg-1.0.zip"),
        ("pkg-1.0.tgz", "pkg-1.0.tgz"),
    ],
)
def test_the_file_name_of_a_url_is_its_last_path_part_unquoted(url: str, name: str) -> None:
    assert url_filename(url) == name


@pytest.mark.parametrize("suffix", SDISTS)
def test_every_source_archive_carries_its_name_and_version(suffix: str) -> None:
    assert version_text(f"my_pkg-1.10{suffix}") == "1.10"
    assert split_version(f"my_pkg-1.10{suffix}") == Version("1.10")
    if suffix in (".tar.gz", ".zip"):  # the two PEP 625 allows (and packaging parses)
        assert file_version(f"My_Pkg-1.10{suffix}") == ("my-pkg", Version("1.10"))


def test_a_wheel_carries_its_name_and_version() -> None:
    wheel = "My_Pkg-2.0.post1-1-py3-none-any.whl"
    assert file_version(wheel) == ("my-pkg", Version("2.0.post1"))
    assert version_text(wheel) == "2.0.post1"
    assert version_text("pkg-2.0-py3-none-any.whl") == "2.0"
    assert split_version("pkg-2.0-py3-none-any.whl") == Version("2.0")


@pytest.mark.parametrize(
    "name", ["pkg-1.0-any.whl", "pkg-1.0-1-2-py3-none-any.whl", "pkg-1.0.exe", "pkg.egg"]
)
def test_names_that_carry_no_version_by_splitting(name: str) -> None:
    assert version_text(name) is None
    assert split_version(name) is None


@pytest.mark.parametrize("name", ["pkg-1.0-broken.whl", "pkg-notaversion.tar.gz", "pkg.exe"])
def test_names_that_carry_no_valid_version(name: str) -> None:
    assert file_version(name) is None


def test_a_version_text_that_is_no_version_parses_to_none() -> None:
    assert parsed_version("1.0rc1") == Version("1.0rc1")
    assert parsed_version("latest") is None
    assert split_version("pkg-latest.tar.gz") is None
