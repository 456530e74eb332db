"""The pieces of ``outdated``: choosing the latest release, reading pip's answers."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from packaging.version import Version

from dephash.errors import PipError
from dephash.http import NetworkSettings, make_session
from dephash.index.pages import ProjectPage, parse_json_versions
from dephash.markers import python_allows
from dephash.model import DistFile
from dephash.options import IndexOptions
from dephash.outdated import check_outdated
from dephash.outdated import requested_python as target_python
from dephash.outdated.model import OutdatedOptions, PathKind
from dephash.outdated.releases import latest_release
from dephash.outdated.virtualenv import parse_outdated
from dephash.resolve.pip import PipRunner, index_failures
from tests.support.builder import make_wheel
from tests.support.jsonindex import JsonIndex

PY311 = Version("3.11.4")


def wheel(name: str, version: str, **details: str | None) -> DistFile:
    filename = f"{name.replace('-', '_')}-{version}-py3-none-any.whl"
    return DistFile(filename, f"https://files.example.org/{filename}", **details)  # type: ignore[arg-type]


def sdist(name: str, version: str) -> DistFile:
    return DistFile(
        f"{name}-{version}.tar.gz", f"https://files.example.org/{name}-{version}.tar.gz"
    )


def test_the_newest_final_release_with_a_usable_file_wins() -> None:
    page = ProjectPage(
        (
            wheel("a", "1.0"),
            sdist("a", "1.1"),
            wheel("a", "1.2", yanked=""),
            wheel("a", "1.3", requires_python=">=3.12"),
            wheel("a", "2.0b1"),
            wheel("b", "9.0"),  # another project's file on the page
            DistFile("a-latest.zip", "https://files.example.org/a-latest.zip"),
        )
    )
    release = latest_release([page], "a", PY311, pre=False)
    assert release is not None
    assert (release.version, release.filetype) == (Version("1.1"), "sdist")
    assert latest_release([page], "A", Version("3.12"), pre=False).version == Version("1.3")  # type: ignore[union-attr]
    assert latest_release([page], "a", PY311, pre=True).version == Version("2.0b1")  # type: ignore[union-attr]


def test_pre_releases_count_when_there_is_no_final_release() -> None:
    page = ProjectPage((wheel("a", "1.0a1"), wheel("a", "1.0a2")))
    assert latest_release([page], "a", PY311, pre=False).version == Version("1.0a2")  # type: ignore[union-attr]


def test_nothing_usable_is_none() -> None:
    page = ProjectPage((wheel("a", "1.0", yanked="bad"),))
    assert latest_release([page], "a", PY311, pre=True) is None
    assert latest_release([], "a", PY311, pre=True) is None


def test_pep_700_versions_bound_what_file_names_say_and_pages_merge() -> None:
    listed = ProjectPage(
        (wheel("a", "1.0"), wheel("a", "3.0")), versions=("1.0", "2.0", "not a version")
    )
    other = ProjectPage((wheel("a", "2.0"),))
    release = latest_release([listed, other], "a", PY311, pre=False)
    assert release is not None
    assert release.version == Version("2.0")
    assert latest_release([listed], "a", PY311, pre=False).version == Version("1.0")  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("requires_python", "allowed"),
    [
        (None, True),
        ("", True),
        (">=3.8", True),
        (">=3.12", False),
        ("<3.11.4", False),
        ("not a specifier", True),  # pip ignores an invalid Requires-Python too
    ],
)
def test_requires_python(requires_python: str | None, allowed: bool) -> None:
    assert python_allows(requires_python, PY311) is allowed


def test_target_python_is_padded_like_pips() -> None:
    assert target_python("3.12") == Version("3.12.0")
    assert target_python("3.9.1") == Version("3.9.1")
    running = sys.version_info
    assert target_python(None).release[:2] == (running.major, running.minor)


def test_json_pages_without_versions_have_none() -> None:
    assert parse_json_versions({"files": []}) is None
    assert parse_json_versions({"versions": "1.0"}) is None
    assert parse_json_versions({"versions": ["1.0", 2]}) == ("1.0", "2")


def test_pip_s_fetch_failures_other_than_404_are_found() -> None:
    log = (
        "2026-01-01T00:00:00,000 Could not fetch URL https://u:pw@a.example/simple/x/: "
        "connection error: refused - skipping\n"
        "2026-01-01T00:00:00,001 Could not fetch URL https://b.example/simple/x/: "
        "404 Client Error: Not Found for url: https://b.example/simple/x/ - skipping\n"
        "2026-01-01T00:00:00,002 Could not fetch URL https://u:pw@a.example/simple/x/: "
        "connection error: refused - skipping\n"
        "2026-01-01T00:00:00,003 Could not fetch URL https://c.example/simple/y/: "
        "401 Client Error: Unauthorized - skipping\n"
    )
    assert index_failures(log) == [
        "https://****@a.example/simple/x/: connection error: refused",
        "https://c.example/simple/y/: 401 Client Error: Unauthorized",
    ]
    assert index_failures("nothing to see\n") == []


def test_pip_s_json_list_is_read_and_sorted() -> None:
    text = (
        '[{"name": "Zope.Interface", "version": "5.0", "latest_version": "7.0", '
        '"latest_filetype": "wheel"}, {"name": "attrs", "version": "21.1", '
        '"latest_version": "24.2", "latest_filetype": "sdist", "editable_project_location": "x"}]'
    )
    packages = parse_outdated(text)
    assert [(p.name, p.current, p.latest, p.latest_filetype) for p in packages] == [
        ("attrs", "21.1", "24.2", "sdist"),
        ("zope-interface", "5.0", "7.0", "wheel"),
    ]


@pytest.mark.parametrize(
    "text", ["", "not json", '{"name": "x"}', '[{"name": "x"}]', "[1]", '[["x"]]']
)
def test_unreadable_pip_output_is_an_environment_failure(text: str) -> None:
    with pytest.raises(PipError, match="cannot read pip's list of outdated packages"):
        parse_outdated(text)


def test_a_pip_that_writes_no_log_cannot_vouch_for_its_indexes(tmp_path: Path) -> None:
    # Real pip always writes its --log; only a stand-in can skip it.
    fake = tmp_path / "python"
    fake.write_text("#!/bin/sh\necho '[]'\n")
    fake.chmod(0o755)
    with pytest.raises(PipError, match="pip wrote no log of its index requests"):
        PipRunner(python=str(fake)).list_outdated(str(fake))


def test_the_library_api_with_a_session_and_index_options(tmp_path: Path) -> None:
    """``check_outdated`` uses a given session (and leaves it open); pip gets every index option."""
    links = tmp_path / "wheels"
    make_wheel(links, "units-a", "2.0")
    with JsonIndex() as index:
        index.add_file("units-a", make_wheel(tmp_path / "dist", "units-a", "1.0"))
        venv = tmp_path / "venv"
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
        installed = subprocess.run(
            [sys.executable, "-m", "pip", "--python", str(venv), "install", "-q",
             "--index-url", index.url, "units-a==1.0"],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert installed.returncode == 0, installed.stderr
        (tmp_path / "r.txt").write_text("units-a==1.0\n")
        session = make_session(NetworkSettings(retries=0))
        report = check_outdated(
            OutdatedOptions(path=str(tmp_path / "r.txt"), index=IndexOptions(index.url)),
            session=session,
        )
        assert report.kind is PathKind.REQUIREMENTS
        assert report.outdated == ()
        # The session is still open: the caller owns it.
        assert session.get(index.url, timeout=5).status_code == 200
        session.close()
        report = check_outdated(
            OutdatedOptions(
                path=str(venv),
                index=IndexOptions(
                    index_url=index.url,
                    extra_index_urls=(index.url,),
                    find_links=(str(links),),
                ),
            )
        )
        assert report.kind is PathKind.VIRTUALENV
        assert [(p.name, p.latest) for p in report.outdated] == [("units-a", "2.0")]
        report = check_outdated(
            OutdatedOptions(
                path=str(venv), index=IndexOptions(no_index=True, find_links=(str(links),))
            )
        )
        assert [(p.name, p.latest) for p in report.outdated] == [("units-a", "2.0")]
