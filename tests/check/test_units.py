"""The pure parts of ``dephash check``, and its library API."""

from __future__ import annotations

from pathlib import Path

import pytest

from dephash.check import check
from dephash.check.completeness import hash_problem
from dephash.check.model import CheckOptions, CheckResult, Drift, Finding, FindingKind, Severity
from dephash.check.report import check_text, summary
from dephash.check.sync import satisfies
from dephash.diff import same_requirement as _same
from dephash.http import make_session
from dephash.markers import applies as _marker_holds
from dephash.options import IndexOptions
from tests.support.builder import make_wheel, sha
from tests.support.jsonindex import JsonIndex


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (f"sha256:{'0' * 64}", None),
        (f"sha384:{'a' * 96}", None),
        (f"sha512:{'f' * 128}", None),
        (f"md5:{'0' * 32}", "is not 'sha256:', 'sha384:' or 'sha512:' followed by a digest"),
        ("sha256", "is not 'sha256:', 'sha384:' or 'sha512:' followed by a digest"),
        (f"sha256:{'0' * 63}", "is not a sha256 digest (64 lowercase hex digits)"),
        (f"sha256:{'A' * 64}", "is not a sha256 digest (64 lowercase hex digits)"),
        (f"sha512:{'g' * 128}", "is not a sha512 digest (128 lowercase hex digits)"),
    ],
)
def test_hash_problems(value: str, problem: str | None) -> None:
    found = hash_problem(value)
    if problem is None:
        assert found is None
    else:
        assert found is not None
        assert found.startswith(f"--hash={value} {problem}")


@pytest.mark.parametrize(
    ("specifier", "version", "expected"),
    [
        (">=2", "2.0", True),
        (">=2", "1.0", False),
        (">=2", "3.0rc1", True),  # an explicit pin of a pre-release satisfies
        (">=2", "not-a-version", False),
    ],
)
def test_satisfies(specifier: str, version: str, expected: bool) -> None:
    assert satisfies(specifier, version) is expected


def test_markers_that_cannot_be_judged_count_the_line_in() -> None:
    environment = {"python_version": "3.11", "sys_platform": "linux"}
    assert _marker_holds(None, environment)
    assert _marker_holds('sys_platform == "linux"', environment)
    assert not _marker_holds('sys_platform == "win32"', environment)
    assert _marker_holds('python_version ~= "1"', environment)


@pytest.mark.parametrize(
    ("pinned", "resolved", "same"),
    [
        ("a==1.0", "a==1", True),
        ("a==1.0", "a==1.1", False),
        ("a==weird", "a==weird", True),
        ("a==weird", "a==1.0", False),
        ("a @ https://x/a.whl", "a @ https://x/a.whl", True),
        ("a @ https://x/a.whl", "a==1.0", False),
    ],
)
def test_versions_compare_normalised_and_urls_literally(
    pinned: str, resolved: str, same: bool
) -> None:
    assert _same(pinned, resolved) is same


def test_the_library_api_uses_a_session_it_is_given(json_index: JsonIndex, tmp_path: Path) -> None:
    wheel = make_wheel(tmp_path / "dist", "api-pkg", "1.0")
    json_index.add_file("api-pkg", wheel)
    pinned = tmp_path / "prod.txt"
    pinned.write_text(f"api-pkg==1.0 --hash=sha512:{sha(wheel, 'sha512')}\n")
    with make_session() as session:
        result = check(
            CheckOptions(str(pinned), index=IndexOptions(json_index.url)), session=session
        )
        assert session.get(json_index.url).status_code == 200  # still open
    assert result == CheckResult(
        file="prod.txt",
        input=None,
        checked=("hash-mode", "integrity", "yanked"),
        requirements=1,
        hashes=1,
        files=1,
    )


def test_the_summary_counts_in_words() -> None:
    finding = Finding("a", "1", FindingKind.YANKED, "yanked", Severity.ERROR, "p.txt:1")
    warning = Finding("a", "1", FindingKind.UNCOVERED_FILE, "x", Severity.WARNING, "p.txt:1")
    result = CheckResult(
        "p.txt",
        "in.txt",
        ("hash-mode", "integrity", "yanked", "sync"),
        2,
        1,
        3,
        (finding, warning, warning),
        (Drift("b", "b==1", None),),
    )
    assert summary(result) == (
        "p.txt: 1 error, 2 warnings (2 requirements, 1 hash, 3 files served; "
        "checked: hash-mode, integrity, yanked, sync)"
    )
    assert check_text(result).splitlines()[3:8] == [
        "",
        "p.txt is out of sync with in.txt:",
        "--- p.txt (pinned)",
        "+++ in.txt (resolved now)",
        "-b==1",
    ]
