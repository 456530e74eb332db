"""Allowlists: parsing (with properties), reading files, matching entries."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dephash.allowlist import (
    NAME,
    AllowEntry,
    format_entry,
    ignore_entries,
    matching_entry,
    parse_allowlist,
    read_allowlist,
)
from dephash.diff import same_version
from dephash.errors import ExitCode, InputError


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("six\n", [AllowEntry("six", None, "", "a.txt:1")]),
        ("Six_Pkg.X==1.0\n", [AllowEntry("six-pkg-x", "1.0", "", "a.txt:1")]),
        ("six == 1.0.0  # py2 users\n", [AllowEntry("six", "1.0.0", "py2 users", "a.txt:1")]),
        ("\n# comment\n   \nidna # a # b\n", [AllowEntry("idna", None, "a # b", "a.txt:4")]),
        ("idna==3.6 #\n", [AllowEntry("idna", "3.6", "", "a.txt:1")]),
        ("\tidna==03.06rc01\t# tabbed\n", [AllowEntry("idna", "3.6rc1", "tabbed", "a.txt:1")]),
        (
            "a\r\nb==2\r\n",
            [AllowEntry("a", None, "", "a.txt:1"), AllowEntry("b", "2", "", "a.txt:2")],
        ),
        ("", []),
    ],
)
def test_entries_are_parsed(text: str, expected: list[AllowEntry]) -> None:
    assert list(parse_allowlist(text, "a.txt")) == expected


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("six>=1.0", "a.txt:2: not an allowlist entry: 'six>=1.0' (expected NAME or NAME==VERSION"),
        ("six==1.0#x", "a.txt:2: not a valid version in allowlist entry: 'six==1.0#x'"),
        ("six==", "a.txt:2: not an allowlist entry: 'six=='"),
        ("six 1.0  # why", "a.txt:2: not an allowlist entry: 'six 1.0  # why'"),
        ("-six", "a.txt:2: not an allowlist entry: '-six'"),
        ("six[extra]==1", "a.txt:2: not an allowlist entry: 'six[extra]==1'"),
        ("six==not-a-version", "a.txt:2: not a valid version in allowlist entry"),
    ],
)
def test_a_malformed_line_is_quoted(line: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_allowlist(f"ok\n{line}\n", "a.txt")
    assert str(caught.value).startswith(message)
    assert caught.value.exit_code == ExitCode.BAD_INPUT


names = st.from_regex(NAME, fullmatch=True)
versions = st.lists(st.integers(0, 999), min_size=1, max_size=4).map(
    lambda parts: ".".join(map(str, parts))
)
reasons = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), max_size=30).map(
    str.strip
)
entries = st.builds(
    AllowEntry, name=names, version=st.none() | versions, reason=reasons, where=st.just("")
)


@given(st.lists(entries, max_size=8))
def test_formatted_entries_read_back_the_same(written: list[AllowEntry]) -> None:
    text = "".join(f"{format_entry(entry)}\n" for entry in written)
    read = parse_allowlist(text, "list")
    assert len(read) == len(written)
    for entry, back in zip(written, read, strict=True):
        assert matching_entry([back], entry.name, entry.version or "0") is not None
        assert (back.version is None) == (entry.version is None)
        assert back.reason == entry.reason
        if entry.version is not None and back.version is not None:
            assert same_version(back.version, entry.version)


@given(st.text(max_size=200))
def test_arbitrary_text_is_parsed_or_refused_cleanly(text: str) -> None:
    try:
        read = parse_allowlist(text, "list")
    except InputError as exc:
        message = str(exc)
    else:
        message = ""
        assert all(entry.where.startswith("list:") for entry in read)
    assert message == "" or message.startswith("list:")


def test_comments_and_blank_lines_only_make_an_empty_allowlist() -> None:
    assert parse_allowlist("# nothing allowed yet\n\n   # really\n", "a.txt") == ()


def test_a_file_is_read_with_its_displayed_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "allow.txt").write_text(
        "\ufeffsix==1.15.0  # pinned by a vendor\n", encoding="utf-8"
    )
    assert read_allowlist(tmp_path / "allow.txt") == (
        AllowEntry("six", "1.15.0", "pinned by a vendor", "allow.txt:1"),
    )


def test_unreadable_allowlists_are_usage_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "binary.txt").write_bytes(b"\xff\xfe\x00six")
    (tmp_path / "folder").mkdir()
    (tmp_path / "plain").write_text("six\n")
    for path, message in (
        ("missing.txt", "allowlist not found: missing.txt"),
        ("folder", "allowlist is a directory: folder"),
        ("binary.txt", "allowlist is not UTF-8 text: binary.txt"),
        ("plain/inside.txt", "cannot read allowlist plain/inside.txt: Not a directory"),
    ):
        with pytest.raises(InputError, match=message):
            read_allowlist(path)


def test_ignore_names_become_entries_for_any_version() -> None:
    assert ignore_entries(["Six", "zope.interface"]) == (
        AllowEntry("six", None, "", "--ignore"),
        AllowEntry("zope-interface", None, "", "--ignore"),
    )
    with pytest.raises(InputError, match=r"--ignore 'six==1\.0': not a project name"):
        ignore_entries(["six==1.0"])


def test_matching_honours_names_and_exact_versions() -> None:
    pinned = AllowEntry("six", "1.15.0")
    anything = AllowEntry("idna")
    entries = [pinned, anything]
    assert matching_entry(entries, "SIX", "1.15") is pinned
    assert matching_entry(entries, "six", "1.16.0") is None
    assert matching_entry(entries, "idna", "3.6") is anything
    assert matching_entry(entries, "certifi", "2024.1.1") is None


def test_versions_compare_normalised_and_odd_ones_as_text() -> None:
    assert same_version("1.0", "1.0.0")
    assert not same_version("1.0", "1.0.1")
    assert same_version("weird-1", "weird-1")
    assert not same_version("weird-1", "1.0")


def test_an_entry_is_written_with_its_reason_only_if_it_has_one() -> None:
    assert format_entry(AllowEntry("six", "1.16", "", "")) == "six==1.16"
    assert format_entry(AllowEntry("six", None, "old API", "")) == "six  # old API"
