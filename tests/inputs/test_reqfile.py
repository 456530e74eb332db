"""Reading requirements files the way pip does, refusing what hashes cannot pin."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dephash.errors import InputError
from dephash.files import display_path, write_atomic
from dephash.inputs.reqfile import (
    UnhashableRequirement,
    logical_lines,
    parse_requirements,
)


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_logical_lines_join_continuations_and_drop_comments() -> None:
    text = "# header\nrequests \\\n  >=2.0 # why\n\n  \nclick  \\\n"
    assert list(logical_lines(text)) == [(2, "requests   >=2.0"), (6, "click")]


def test_a_comment_ends_a_continuation() -> None:
    assert list(logical_lines("six \\\n# note\nidna\n")) == [(1, "six"), (3, "idna")]


def test_hash_without_leading_space_is_not_a_comment() -> None:
    assert list(logical_lines("pkg @ https://h/x.tar.gz#sha256=ab\n")) == [
        (1, "pkg @ https://h/x.tar.gz#sha256=ab")
    ]


@given(st.text())
def test_arbitrary_text_never_crashes_the_line_reader(text: str) -> None:
    for number, line in logical_lines(text):
        assert number >= 1
        assert line == line.strip()
        assert line


def test_requirements_options_and_includes(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    write(tmp_path / "sub" / "base.txt", "idna==3.0\n-c ../constraints.txt\n")
    write(tmp_path / "constraints.txt", "urllib3<3\n")
    main = write(
        tmp_path / "main.txt",
        "--index-url https://example.org/simple\n"
        "--extra-index-url=https://extra.example.org/simple\n"
        "-f ./wheels\n"
        "-f https://example.org/links/\n"
        "--no-index\n"
        "--pre\n"
        "--prefer-binary\n"
        "--only-binary :all:\n"
        "--trusted-host example.org\n"
        "-r sub/base.txt\n"
        "-r sub/base.txt\n"
        "Requests[socks,security] >= 2.0 ; python_version >= '3'\n"
        "six==1.16 --hash=sha256:abc\n",
    )
    parsed = parse_requirements(main)
    assert parsed.pre is True
    assert parsed.index_options == [
        ("index_url", "https://example.org/simple"),
        ("extra_index_url", "https://extra.example.org/simple"),
        ("find_links", str(tmp_path / "wheels")),
        ("find_links", "https://example.org/links/"),
        ("no_index", ""),
    ]
    by_name = {line.name: line for line in parsed.requirements}
    assert set(by_name) == {"idna", "urllib3", "requests", "six"}
    assert by_name["requests"].extras == ("security", "socks")
    assert by_name["urllib3"].constraint is True
    assert by_name["idna"].constraint is False
    assert by_name["idna"].source.endswith("sub/base.txt")
    assert by_name["six"].lineno == 13


def test_environment_variables_are_expanded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DEPHASH_TEST_INDEX", "https://example.org/simple")
    parsed = parse_requirements(
        write(tmp_path / "r.txt", "-i ${DEPHASH_TEST_INDEX}\n-i ${DEPHASH_UNSET_VARIABLE}\n")
    )
    assert parsed.index_options == [
        ("index_url", "https://example.org/simple"),
        ("index_url", "${DEPHASH_UNSET_VARIABLE}"),
    ]


def test_text_is_read_relative_to_the_current_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "more.txt", "six\n")
    parsed = parse_requirements("-", text="-r more.txt\nidna\n", display="-")
    assert [(line.name, line.source) for line in parsed.requirements] == [
        ("six", "more.txt"),
        ("idna", "-"),
    ]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("-e ./project", "editable requirement"),
        ("--editable=git+https://h/r.git#egg=x", "editable requirement"),
        ("git+https://github.com/pypa/pip.git#egg=pip", "VCS requirement"),
        ("pip @ git+https://github.com/pypa/pip.git", "VCS requirement"),
        ("./project", "local directory requirement"),
        ("local @ file:///srv/project", "local directory requirement"),
        ("--frobnicate", "unknown option"),
        ("-r", "needs a value"),
        ("-r https://example.org/r.txt", "remote includes"),
        ("-i 'unclosed", "cannot parse"),
        ("requests[", "not a valid requirement"),
        ("-r missing.txt", "not found"),
    ],
)
def test_refused_lines_quote_the_line(tmp_path: Path, line: str, message: str) -> None:
    (tmp_path / "project").mkdir()
    path = write(tmp_path / "r.txt", f"six\n{line}\n")
    with pytest.raises(InputError, match=message) as caught:
        parse_requirements(path)
    assert "r.txt:2" in str(caught.value)


@pytest.mark.parametrize(
    "line",
    [
        "pkg @ https://example.org/pkg-1.0.tar.gz",
        "https://example.org/pkg-1.0-py3-none-any.whl",
        "./dist/pkg-1.0-py3-none-any.whl",
        "pkg @ file:///srv/dist/pkg-1.0.tar.gz",
    ],
)
def test_archive_urls_and_files_are_accepted(tmp_path: Path, line: str) -> None:
    parsed = parse_requirements(write(tmp_path / "r.txt", line + "\n"))
    assert [item.text for item in parsed.requirements] == [line]


@pytest.mark.parametrize(
    ("content", "message"),
    [(None, "not found"), (b"\xff\xfe\x00", "not UTF-8"), ("dir", "is a directory")],
)
def test_unreadable_files(tmp_path: Path, content: bytes | str | None, message: str) -> None:
    path = tmp_path / "r.txt"
    if content == "dir":
        path.mkdir()
    elif isinstance(content, bytes):
        path.write_bytes(content)
    with pytest.raises(InputError, match=message):
        parse_requirements(path)


def test_an_unreadable_file_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "loop.txt"
    path.symlink_to(path)  # reading it fails with ELOOP, whoever runs the tests
    with pytest.raises(InputError, match="cannot read"):
        parse_requirements(path)


def test_display_path_never_shows_an_absolute_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert display_path("-") == "-"
    assert display_path("a/b.txt") == "a/b.txt"
    assert display_path(tmp_path / "a" / "b.txt") == "a/b.txt"
    assert display_path("/somewhere/else/req.txt") == "req.txt"


def test_write_atomic_replaces_whole_files_and_keeps_the_mode(tmp_path: Path) -> None:
    target = write(tmp_path / "out.txt", "old\n")
    target.chmod(0o640)
    write_atomic(target, "new\n")
    assert target.read_text() == "new\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    fresh = tmp_path / "fresh.txt"
    write_atomic(fresh, "x\n")
    assert fresh.read_text() == "x\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fresh.txt", "out.txt"]


def test_write_atomic_into_a_missing_folder_fails_cleanly(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot write"):
        write_atomic(tmp_path / "missing" / "out.txt", "x\n")


def test_write_atomic_failure_leaves_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.mkdir()  # a folder where the file should go: the rename fails
    with pytest.raises(InputError, match="cannot write"):
        write_atomic(target, "x\n")
    assert target.is_dir()
    assert list(tmp_path.iterdir()) == [target]


def test_pinned_files_are_read_with_hashes_markers_and_urls(tmp_path: Path) -> None:
    path = write(
        tmp_path / "prod.txt",
        "six==1.16.0 ; python_version >= '3' \\\n"
        "    --hash=sha256:aa \\\n"
        "    --hash sha512:bb\n"
        "idna===3.7\n"
        "certifi>=2020\n"
        "urllib3==2.*\n"
        "pkg @ https://example.org/pkg-1.0.tar.gz --hash=sha256:cc\n",
    )
    lines = parse_requirements(path).requirements
    six, idna, certifi, urllib3, pkg = lines
    assert (six.name, six.pinned_version, six.hashes) == (
        "six",
        "1.16.0",
        ("sha256:aa", "sha512:bb"),
    )
    assert six.marker == 'python_version >= "3"'
    assert idna.pinned_version == "3.7"
    assert certifi.pinned_version is None
    assert urllib3.pinned_version is None
    assert (pkg.url, pkg.hashes) == ("https://example.org/pkg-1.0.tar.gz", ("sha256:cc",))


def test_lenient_parsing_keeps_unhashable_lines_with_their_problem(tmp_path: Path) -> None:
    path = write(tmp_path / "prod.txt", "-e ./here\ngit+https://h/r.git#egg=r\nsix==1.0\n")
    editable, vcs, six = parse_requirements(path, lenient=True).requirements
    assert editable.problem is not None
    assert "editable" in editable.problem
    assert vcs.problem is not None
    assert "VCS" in vcs.problem
    assert (vcs.lineno, vcs.text) == (2, "git+https://h/r.git#egg=r")
    assert six.problem is None


def test_a_byte_order_mark_and_require_hashes_are_accepted_as_pip_accepts_them(
    tmp_path: Path,
) -> None:
    path = tmp_path / "r.txt"
    path.write_bytes("\ufeff--require-hashes\nsix\n".encode())
    assert [line.name for line in parse_requirements(path).requirements] == ["six"]
    parsed = parse_requirements("-", text="\ufeffidna\n", display="-")
    assert [line.name for line in parsed.requirements] == ["idna"]


def test_includes_in_a_loop_are_bad_input(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", "six\n-r b.txt\n")
    write(tmp_path / "b.txt", "-r a.txt\n")
    with pytest.raises(
        InputError, match=r"^b.txt:1: requirements files include each other in a loop: "
    ) as caught:
        parse_requirements(tmp_path / "a.txt", display="a.txt")
    assert str(caught.value).endswith("a.txt -> b.txt -> a.txt")
    write(tmp_path / "self.txt", "-r self.txt\n")
    with pytest.raises(InputError, match=r"loop: self.txt -> self.txt$"):
        parse_requirements(tmp_path / "self.txt", display="self.txt")


def test_a_file_included_twice_but_not_in_a_loop_is_read_once(tmp_path: Path) -> None:
    write(tmp_path / "top.txt", "-r a.txt\n-r b.txt\n")
    write(tmp_path / "a.txt", "-r common.txt\n")
    write(tmp_path / "b.txt", "-r common.txt\n")
    write(tmp_path / "common.txt", "six\n")
    assert [line.name for line in parse_requirements(tmp_path / "top.txt").requirements] == ["six"]


def test_includes_nested_too_deep_are_bad_input_not_a_crash(tmp_path: Path) -> None:
    depth = 1200
    for number in range(depth):
        write(tmp_path / f"r{number}.txt", f"-r r{number + 1}.txt\n")
    write(tmp_path / f"r{depth}.txt", "six\n")
    with pytest.raises(InputError, match=r"r100.txt:1: requirements files nested more than 100"):
        parse_requirements(tmp_path / "r0.txt", display="r0.txt")
    # As deep as allowed is read.
    write(tmp_path / "r100.txt", "six\n")
    parsed = parse_requirements(tmp_path / "r0.txt", display="r0.txt")
    assert [line.name for line in parsed.requirements] == ["six"]


def test_a_token_too_long_for_a_file_name_is_not_a_valid_requirement(tmp_path: Path) -> None:
    token = "a" * 150 + "!" + "b" * 150
    path = write(tmp_path / "r.txt", f"{token}\n")
    with pytest.raises(InputError, match=f"r.txt:1: not a valid requirement: '{token}'"):
        parse_requirements(path, display="r.txt")


# Every option pip accepts in a requirements file, by every spelling, and what dephash takes
# from it: the tables of the parser are the list of what pip's files may say.
@pytest.mark.parametrize(
    ("line", "index_options"),
    [
        ("-i https://i.example/simple", [("index_url", "https://i.example/simple")]),
        ("--index-url https://i.example/simple", [("index_url", "https://i.example/simple")]),
        ("--index-url=https://i.example/simple", [("index_url", "https://i.example/simple")]),
        ("--extra-index-url https://x.example/", [("extra_index_url", "https://x.example/")]),
        ("-f https://f.example/", [("find_links", "https://f.example/")]),
        ("--find-links https://f.example/", [("find_links", "https://f.example/")]),
        ("--no-index", [("no_index", "")]),
        ("--only-binary :all:", []),
        ("--only-binary=:none:", []),
        ("--no-binary :all:", []),
        ("--no-binary=six", []),
        ("--trusted-host i.example", []),
        ("--use-feature truststore", []),
        ("--config-settings key=value", []),
        ("--global-option=--quiet", []),
        ("--prefer-binary", []),
        ("--require-hashes", []),
    ],
)
def test_every_option_of_a_requirements_file_is_understood(
    tmp_path: Path, line: str, index_options: list[tuple[str, str]]
) -> None:
    parsed = parse_requirements(write(tmp_path / "r.txt", f"{line}\nsix\n"))
    assert parsed.index_options == index_options
    assert parsed.pre is False
    assert [item.name for item in parsed.requirements] == ["six"]


@pytest.mark.parametrize("option", ["-r", "--requirement", "--requirement=", "-c", "--constraint"])
def test_every_spelling_of_an_include(tmp_path: Path, option: str) -> None:
    write(tmp_path / "more.txt", "idna\n")
    separator = "" if option.endswith("=") else " "
    parsed = parse_requirements(write(tmp_path / "r.txt", f"{option}{separator}more.txt\n"))
    (idna,) = parsed.requirements
    assert (idna.name, idna.source) == ("idna", "more.txt")
    assert idna.constraint is option.startswith(("-c", "--constraint"))


@pytest.mark.parametrize("option", ["-e", "--editable", "--editable="])
def test_every_spelling_of_an_editable_is_refused(tmp_path: Path, option: str) -> None:
    separator = "" if option.endswith("=") else " "
    path = write(tmp_path / "r.txt", f"{option}{separator}./here\n")
    with pytest.raises(UnhashableRequirement, match=r"^r.txt:1: editable requirement"):
        parse_requirements(path, display="r.txt")


def test_pre_is_a_flag_of_the_whole_input(tmp_path: Path) -> None:
    assert parse_requirements(write(tmp_path / "r.txt", "--pre\n")).pre is True


def test_a_quoted_value_is_the_value_without_its_quotes(tmp_path: Path) -> None:
    write(tmp_path / "my reqs.txt", "six\n")
    parsed = parse_requirements(
        write(tmp_path / "r.txt", "-r \"my reqs.txt\"\n-i 'https://i.example/a b'\n")
    )
    assert [(line.name, line.source) for line in parsed.requirements] == [("six", "my reqs.txt")]
    assert parsed.index_options == [("index_url", "https://i.example/a b")]


def test_a_find_links_folder_is_relative_to_the_file_that_names_it(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    write(tmp_path / "sub" / "links.txt", "--find-links ../wheels\n-f ~/wheels\n")
    parsed = parse_requirements(write(tmp_path / "r.txt", "-r sub/links.txt\n"))
    assert parsed.index_options == [
        ("find_links", str(tmp_path / "sub" / "../wheels")),
        ("find_links", str(Path("~/wheels").expanduser())),
    ]


def test_an_include_is_named_relative_to_the_file_that_includes_it(tmp_path: Path) -> None:
    (tmp_path / "sub" / "deeper").mkdir(parents=True)
    write(tmp_path / "sub" / "in.txt", "-r base.txt\n-r deeper/../deeper/more.txt\n")
    write(tmp_path / "sub" / "base.txt", "six\n")
    write(tmp_path / "sub" / "deeper" / "more.txt", "idna\n")
    write(tmp_path / "top.txt", "-r sub/in.txt\n")
    parsed = parse_requirements(tmp_path / "top.txt", display="top.txt")
    assert [(line.name, line.source, line.lineno) for line in parsed.requirements] == [
        ("six", "sub/base.txt", 1),
        ("idna", "sub/deeper/more.txt", 1),
    ]


def test_an_include_by_absolute_path_is_named_without_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sub").mkdir()
    write(tmp_path / "sub" / "base.txt", "six\n")
    parsed = parse_requirements("-", text=f"-r {tmp_path / 'sub' / 'base.txt'}\n", display="-")
    assert [line.source for line in parsed.requirements] == ["sub/base.txt"]


def test_a_file_included_twice_gives_its_requirements_once(tmp_path: Path) -> None:
    write(tmp_path / "base.txt", "six\n")
    parsed = parse_requirements(write(tmp_path / "r.txt", "-r base.txt\nidna\n-r ./base.txt\n"))
    assert [line.name for line in parsed.requirements] == ["six", "idna"]


@pytest.mark.parametrize("comment", ["# a note \\", "   # indented \\", "#\\"])
def test_a_comment_line_ending_in_a_backslash_continues_nothing(comment: str) -> None:
    assert list(logical_lines(f"six\n{comment}\nidna\n")) == [(1, "six"), (3, "idna")]


def test_a_continued_line_is_numbered_by_its_first_line() -> None:
    text = "a\n\nb \\\n c \\\n d\ne\n"
    assert list(logical_lines(text)) == [(1, "a"), (3, "b  c  d"), (6, "e")]


def test_a_backslash_on_the_last_line_ends_it() -> None:
    assert list(logical_lines("a\nb \\")) == [(1, "a"), (2, "b")]


@pytest.mark.parametrize(
    "suffix", [".whl", ".tar.gz", ".zip", ".tar.bz2", ".tgz", ".tar.xz", ".tar"]
)
def test_every_archive_kind_can_be_pinned(tmp_path: Path, suffix: str) -> None:
    for name in (f"./dist/pkg-1.0{suffix}", f"./dist/PKG-1.0{suffix.upper()}"):
        parsed = parse_requirements(write(tmp_path / "r.txt", f"{name}\n"))
        assert [(line.name, line.url) for line in parsed.requirements] == [(None, name)]
        url = f"pkg @ file:///srv/pkg-1.0{suffix}"
        parsed = parse_requirements(write(tmp_path / "r.txt", f"{url}\n"))
        assert [line.url for line in parsed.requirements] == [f"file:///srv/pkg-1.0{suffix}"]


@pytest.mark.parametrize(
    "line",
    ["./dist/pkg-1.0.rar", "pkg @ file:///srv/pkg-1.0.egg", "~/project", "sub/project"],
)
def test_a_local_path_that_is_no_archive_is_refused(tmp_path: Path, line: str) -> None:
    with pytest.raises(UnhashableRequirement, match="local directory requirement"):
        parse_requirements(write(tmp_path / "r.txt", f"{line}\n"))


@pytest.mark.parametrize(
    "line",
    [
        "hg+https://h/r#egg=r",
        "svn+https://h/r#egg=r",
        "bzr+https://h/r#egg=r",
        "git+ssh://git@h/r.git#egg=r",
        "r @ hg+https://h/r",
    ],
)
def test_every_version_control_scheme_is_refused(tmp_path: Path, line: str) -> None:
    with pytest.raises(UnhashableRequirement, match="VCS requirement cannot be pinned"):
        parse_requirements(write(tmp_path / "r.txt", f"{line}\n"))


def test_a_bare_word_naming_a_folder_is_that_folder(tmp_path: Path) -> None:
    (tmp_path / "a!b").mkdir()
    with pytest.raises(UnhashableRequirement, match="local directory"):
        parse_requirements(write(tmp_path / "r.txt", "a!b\n"))
    with pytest.raises(InputError, match="not a valid requirement"):
        parse_requirements(write(tmp_path / "r.txt", "c!d\n"))


def test_an_http_archive_url_alone_is_a_url_requirement(tmp_path: Path) -> None:
    for url in ("http://h.example/pkg-1.0.tar.gz", "https://h.example/pkg-1.0.zip"):
        (line,) = parse_requirements(
            write(tmp_path / "r.txt", f"{url} --hash=sha256:ab\n")
        ).requirements
        assert (line.name, line.url, line.hashes) == (None, url, ("sha256:ab",))


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            "git+https://h/r.git#egg=r",
            "r.txt:1: VCS requirement cannot be pinned by hash: 'git+https://h/r.git#egg=r' "
            "(publish it to an index, or point to an archive URL)",
        ),
        (
            "./project",
            "r.txt:1: local directory requirement cannot be pinned by hash: './project' "
            "(build it into a wheel and publish it)",
        ),
        ("-r missing.txt", "r.txt:1: requirements file not found: missing.txt"),
    ],
)
def test_refusals_say_where_what_and_what_to_do(tmp_path: Path, line: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_requirements(write(tmp_path / "r.txt", f"{line}\n"), display="r.txt")
    assert str(caught.value) == message


def test_a_missing_top_level_file_is_named_as_shown(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        parse_requirements(tmp_path / "r.txt", display="shown.txt")
    assert str(caught.value) == "requirements file not found: shown.txt"
    parsed = parse_requirements(write(tmp_path / "r.txt", "six\n"), display="shown.txt")
    assert [line.source for line in parsed.requirements] == ["shown.txt"]


@pytest.mark.parametrize(
    ("line", "hashable"),
    [
        ("./dist/pkg-1.0-py3-none-any.whl#sha256=ab", True),
        ("./dist/pkg-1.0.tar.gz#egg=pkg#more", True),
        ("./dist/pkg#egg=pkg-1.0.tar.gz", False),
    ],
)
def test_a_url_fragment_is_not_part_of_the_file_name(
    tmp_path: Path, line: str, hashable: bool
) -> None:
    path = write(tmp_path / "r.txt", f"{line}\n")
    if hashable:
        assert [item.url for item in parse_requirements(path).requirements] == [line]
    else:
        with pytest.raises(UnhashableRequirement):
            parse_requirements(path)


def test_lenient_parsing_keeps_where_an_unhashable_constraint_stands(tmp_path: Path) -> None:
    write(tmp_path / "constraints.txt", "six\n-e ./here\n")
    path = write(tmp_path / "r.txt", "-c constraints.txt\n")
    six, editable = parse_requirements(path, lenient=True).requirements
    assert (six.constraint, six.problem) == (True, None)
    assert (editable.source, editable.lineno, editable.constraint) == ("constraints.txt", 2, True)
    assert editable.text == "-e ./here"


def test_a_url_requirement_knows_where_it_stands(tmp_path: Path) -> None:
    write(tmp_path / "c.txt", "\nhttps://h.example/pkg-1.0.zip\n")
    write(tmp_path / "r.txt", "six\n./pkg-2.0.whl --hash=sha256:ab\n-c c.txt\n")
    parsed = parse_requirements(tmp_path / "r.txt", display="r.txt")
    assert [
        (line.url, line.source, line.lineno, line.constraint) for line in parsed.requirements
    ] == [
        (None, "r.txt", 1, False),
        ("./pkg-2.0.whl", "r.txt", 2, False),
        ("https://h.example/pkg-1.0.zip", "c.txt", 2, True),
    ]


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_a_location_on_the_web_is_neither_a_local_file_nor_an_include(
    tmp_path: Path, scheme: str
) -> None:
    parsed = parse_requirements(write(tmp_path / "r.txt", f"-f {scheme}://h.example/links/\n"))
    assert parsed.index_options == [("find_links", f"{scheme}://h.example/links/")]
    with pytest.raises(InputError, match="remote includes are not supported"):
        parse_requirements(write(tmp_path / "r.txt", f"-r {scheme}://h.example/r.txt\n"))
