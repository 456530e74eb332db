"""The guards' pure parts: the cutoff's parser and the comparison of what sources serve."""

from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dephash.errors import InputError
from dephash.guards.cutoff import before_cutoff, cutoff_text, parse_cutoff, parse_time
from dephash.guards.sources import Source, by_project, confusion, recorded_assignments
from dephash.model import DistFile

NOW = datetime(2026, 3, 10, 17, 45, 12, 999, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-01-01", "2024-01-01T00:00:00Z"),
        ("2024-01-01T00:00:00Z", "2024-01-01T00:00:00Z"),
        ("2024-01-01T02:30:00+02:00", "2024-01-01T00:30:00Z"),
        ("2024-01-01T12:00:00.987654", "2024-01-01T12:00:00Z"),
        ("P0D", "2026-03-10T00:00:00Z"),
        ("P30D", "2026-02-08T00:00:00Z"),
        (" P1D ", "2026-03-09T00:00:00Z"),
        ("0999-05-01", "0999-05-01T00:00:00Z"),
    ],
)
def test_a_cutoff_is_one_absolute_utc_time(value: str, expected: str) -> None:
    assert cutoff_text(parse_cutoff(value, NOW)) == expected


@given(st.text() | st.from_regex(r"\AP[0-9]{1,6}D\Z"))
def test_any_text_is_a_cutoff_or_bad_input(value: str) -> None:
    if parse_time(value) is None and not re.fullmatch(r"P[0-9]{1,5}D", value.strip()):
        with pytest.raises(InputError, match=re.escape(repr(value))):
            parse_cutoff(value, NOW)
        return
    parsed = parse_cutoff(value, NOW)
    assert parsed.tzinfo is not None
    assert parse_cutoff(cutoff_text(parsed), NOW) == parsed


@pytest.mark.parametrize(
    "value",
    ["", "soon", "2024-02-30", "P1.5D", "PT1H", "0001-01-01T00:00:00+01:00"],
)
def test_malformed_times_are_none(value: str) -> None:
    assert parse_time(value) is None


def test_files_before_the_cutoff() -> None:
    cutoff = parse_cutoff("2024-01-01", NOW)
    early = DistFile("a-1.0.tar.gz", "https://x/a-1.0.tar.gz", upload_time="2023-12-31T23:59:59Z")
    exact = DistFile("a-1.0-py3-none-any.whl", "https://x/w", upload_time="2024-01-01T00:00:00Z")
    undated = DistFile("a-1.0-py2-none-any.whl", "https://x/u")
    garbled = DistFile("a-1.0-py1-none-any.whl", "https://x/g", upload_time="yesterday")
    local = DistFile("a-1.0-py0-none-any.whl", "file:///wheels/a-1.0-py0-none-any.whl")
    files = [early, exact, undated, garbled, local]
    assert before_cutoff(files, cutoff) == [early, local]
    assert before_cutoff(files, None) == files


def served(location: str, *files: DistFile) -> Source:
    return Source(location, files)


def test_confusion_compares_names_and_digests_of_every_source_serving_the_name() -> None:
    wheel = DistFile("a-1.0-py3-none-any.whl", "https://one/w", (("sha256", "aa"),))
    copy = DistFile("a-1.0-py3-none-any.whl", "https://two/w", (("sha256", "aa"), ("md5", "m")))
    other = DistFile("a-1.0-py3-none-any.whl", "https://two/w", (("sha256", "bb"),))
    sdist = DistFile("a-1.0.tar.gz", "https://two/s", (("sha256", "cc"),))

    def never(item: DistFile) -> str:
        raise AssertionError("published digests decide")

    absent = Source("https://three/", None)
    assert confusion("a", "1.0", [served("one", wheel), absent, served("two", copy)], never) is None
    found = confusion("a", "1.0", [served("one", wheel), served("two", other)], never)
    assert found is not None
    assert found.second.location == "two"
    assert confusion("a", "1.0", [served("one", wheel), served("two", copy, sdist)], never)
    assert confusion("a", "1.0", [served("one", wheel), served("two")], never)
    assert confusion("a", "1.0", [served("one"), served("two")], never) is None


def test_files_without_a_common_digest_are_compared_by_their_own() -> None:
    wheel = DistFile("a-1.0-py3-none-any.whl", "https://one/w", (("sha256", "aa"),))
    folder = DistFile("a-1.0-py3-none-any.whl", "file:///wheels/a-1.0-py3-none-any.whl")
    digests = {wheel.url: "d1", folder.url: "d1"}
    sources = [served("one", wheel), served("wheels", folder)]
    assert confusion("a", "1.0", sources, lambda item: digests[item.url]) is None
    digests[folder.url] = "d2"
    assert confusion("a", "1.0", sources, lambda item: digests[item.url]) is not None


def test_the_from_lines_of_a_pinned_file_are_its_assignments() -> None:
    text = (
        "#\n# from in.txt, with sha256 hashes\n#    # from nowhere\n"
        "    # from before-any-requirement\n"
        "Acme_Utils==1.0 \\\n    --hash=sha256:aa\n    # from https://****@internal/simple/\n"
        "    # via -r in.txt\n"
        "other==2.0 \\\n    --hash=sha256:bb\n    # via acme-utils\n"
        "wheels-pkg @ file:///w/x.whl \\\n    --hash=sha256:cc\n    # from ./wheels dir\n"
    )
    assert recorded_assignments(text) == {
        "acme-utils": "https://****@internal/simple/",
        "wheels-pkg": "./wheels dir",
    }


def test_find_links_archives_are_grouped_by_project() -> None:
    wheel = DistFile("A_b-1.0-py3-none-any.whl", "file:///w/A_b-1.0-py3-none-any.whl")
    sdist = DistFile("a-b-2.0.tar.gz", "file:///w/a-b-2.0.tar.gz")
    stray = DistFile("notes.tar.gz", "file:///w/notes.tar.gz")
    assert by_project([("w", [wheel, stray, sdist])]) == [("w", {"a-b": [wheel, sdist]})]
