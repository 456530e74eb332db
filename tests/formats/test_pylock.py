"""pylock.toml (PEP 751): rendering a lock, validating it, reading it back."""

from __future__ import annotations

import contextlib
import logging
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from hypothesis import given, settings
from hypothesis import strategies as st
from packaging.markers import Marker
from packaging.pylock import Pylock

from dephash import __version__
from dephash.environments import describe, environment
from dephash.errors import InputError
from dephash.files import parse_toml
from dephash.formats import FORMATS, Format, LockFormat, format_of, read_pinned
from dephash.formats.pylock import PylockFormat, is_pylock_name, lock_document
from dephash.formats.requirements import RequirementsFormat
from dephash.inputs.reqfile import RequirementLine
from dephash.model import (
    OS,
    Lock,
    LockedFile,
    LockedPackage,
    Machine,
    MarkerEnvironment,
    Provenance,
)

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10 has the backport
    import tomli as tomllib

SHA256 = "a" * 64
SHA512 = "b" * 128


def wheel(
    name: str = "demo", version: str = "1.0", tag: str = "py3-none-any", **kw: Any
) -> LockedFile:
    filename = f"{name}-{version}-{tag}.whl"
    return LockedFile(
        filename,
        f"https://files.example/{filename}",
        (("sha256", SHA256), ("sha512", SHA512)),
        **kw,
    )


def sdist(filename: str, **kw: Any) -> LockedFile:
    return LockedFile(filename, f"https://files.example/{filename}", (("sha256", SHA256),), **kw)


def lock(*packages: LockedPackage, **kw: Any) -> Lock:
    provenance = kw.pop("provenance", Provenance("in.txt", "dephash gen -o pylock.toml in.txt"))
    return Lock(packages, kw.pop("algorithm", "sha512"), provenance, **kw)


def package(*files: LockedFile, **kw: Any) -> LockedPackage:
    return LockedPackage(kw.pop("name", "demo"), kw.pop("version", "1.0"), files, **kw)


def rendered(value: Lock, annotate: bool = True) -> dict[str, Any]:
    document = parse_toml(PylockFormat().render(value, annotate), "pylock.toml")
    Pylock.from_dict(document)  # what pip and uv read
    return document


def test_a_lock_names_every_file_with_its_url_size_upload_time_and_digests() -> None:
    files = (
        wheel(tag="py3-none-win_amd64", size=10, upload_time="2024-05-28T17:01:53.112046Z"),
        wheel(size=11),
        sdist("demo-1.0.tar.gz", size=12),
    )
    document = rendered(
        lock(
            package(
                *files,
                marker='sys_platform == "win32"',
                requires_python=">=3.9",
                index="https://user:secret@index.example/simple/",
                via=("-r in.txt",),
            ),
            resolved_with=MarkerEnvironment.of({"python_version": "3.12"}),
        )
    )
    assert document["lock-version"] == "1.0"
    assert document["created-by"] == "dephash"
    (entry,) = document["packages"]
    assert entry["name"] == "demo"
    assert entry["version"] == "1.0"
    assert entry["marker"] == 'sys_platform == "win32"'
    assert entry["requires-python"] == ">=3.9"
    assert entry["index"] == "https://index.example/simple/"  # never credentials
    assert [w["name"] for w in entry["wheels"]] == [
        "demo-1.0-py3-none-any.whl",
        "demo-1.0-py3-none-win_amd64.whl",
    ]
    assert entry["wheels"][1] == {
        "name": "demo-1.0-py3-none-win_amd64.whl",
        "url": "https://files.example/demo-1.0-py3-none-win_amd64.whl",
        "size": 10,
        "upload-time": datetime(2024, 5, 28, 17, 1, 53, 112046, tzinfo=timezone.utc),
        "hashes": {"sha256": SHA256, "sha512": SHA512},
    }
    assert "upload-time" not in entry["wheels"][0]
    assert entry["sdist"]["name"] == "demo-1.0.tar.gz"
    assert entry["sdist"]["size"] == 12
    assert entry["tool"] == {"dephash": {"via": ["-r in.txt"]}}
    assert document["requires-python"] == ">=3.12"
    assert document["environments"] == ['python_version == "3.12"']
    assert document["tool"]["dephash"] == {
        "version": __version__,
        "input": "in.txt",
        "algorithm": "sha512",
        "resolved-with-python": "3.12",
        "files": "every distribution file",
        "covers": "the interpreter that resolved it only",
        "command": "dephash gen -o pylock.toml in.txt",
    }


def test_environments_are_markers_of_every_environment_covered() -> None:
    covered = (
        environment((3, 12), OS.LINUX, Machine.X86_64),
        environment((3, 11), OS.WINDOWS, Machine.X86_64),
    )
    provenance = Provenance(
        "in.txt", "dephash gen in.txt", files_for="CPython 3.11", covers="two places"
    )
    document = rendered(lock(package(wheel()), environments=covered, provenance=provenance))
    assert document["environments"] == [
        'python_version == "3.12" and sys_platform == "linux" and platform_machine == "x86_64"',
        'python_version == "3.11" and sys_platform == "win32" and platform_machine == "AMD64"',
    ]
    assert document["requires-python"] == ">=3.11"
    assert document["tool"]["dephash"]["files"] == "CPython 3.11"
    assert document["tool"]["dephash"]["covers"] == "two places"


@pytest.mark.parametrize(
    ("stated", "resolved", "expected"),
    [
        (">=3.10,<4", {"python_version": "3.12"}, "<4,>=3.10"),
        ("not a specifier", {"python_version": "3.12"}, ">=3.12"),
        (None, {"python_version": "3.x"}, None),
        (None, {}, None),
    ],
)
def test_requires_python_is_the_inputs_else_the_oldest_python_covered(
    stated: str | None, resolved: dict[str, str], expected: str | None
) -> None:
    provenance = Provenance("in.txt", "dephash gen in.txt", requires_python=stated)
    value = lock(
        package(wheel()), provenance=provenance, resolved_with=MarkerEnvironment.of(resolved)
    )
    document = rendered(value)
    assert document.get("requires-python") == expected
    assert ("environments" in document) is bool(resolved)


def test_a_direct_url_is_an_archive_and_annotations_can_be_dropped() -> None:
    archive = LockedFile(
        "demo-1.0.tar.gz",
        "https://token@host.example/demo-1.0.tar.gz",
        (("sha256", SHA256),),
        size=5,
    )
    entry = rendered(
        lock(package(archive, url="https://host.example/demo-1.0.tar.gz", via=("-r in.txt",))),
        annotate=False,
    )["packages"][0]
    assert entry["archive"] == {
        "url": "https://host.example/demo-1.0.tar.gz",
        "size": 5,
        "hashes": {"sha256": SHA256},
    }
    assert "tool" not in entry
    assert "wheels" not in entry
    assert "index" not in entry


def test_one_sdist_is_kept_tar_gz_first_and_the_others_said(
    caplog: pytest.LogCaptureFixture,
) -> None:
    files = (sdist("demo-1.0.zip"), sdist("demo-1.0.tar.gz"), sdist("demo-1.0.tar.bz2"))
    caplog.set_level(logging.WARNING, logger="dephash")
    entry = rendered(lock(package(*files, requires_python="not >= valid")))["packages"][0]
    assert entry["sdist"]["name"] == "demo-1.0.tar.gz"
    assert "requires-python" not in entry
    assert "wheels" not in entry
    assert "demo==1.0: pylock.toml records one sdist (.tar.gz or .zip); left out: " in caplog.text
    assert "demo-1.0.tar.bz2, demo-1.0.zip" in caplog.text


def test_a_zip_sdist_alone_is_kept(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="dephash")
    entry = rendered(lock(package(wheel(), sdist("demo-1.0.zip"))))["packages"][0]
    assert entry["sdist"]["name"] == "demo-1.0.zip"
    assert caplog.text == ""


@pytest.mark.parametrize(
    ("given_time", "written"),
    [
        ("2024-01-02T03:04:05", datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc)),
        ("2024-01-02T05:04:05+02:00", datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc)),
        ("yesterday", None),
        ("", None),
    ],
)
def test_upload_times_are_written_in_utc_and_nonsense_is_left_out(
    given_time: str, written: datetime | None
) -> None:
    entry = rendered(lock(package(wheel(upload_time=given_time))))["packages"][0]
    assert entry["wheels"][0].get("upload-time") == written


def test_a_lock_packaging_refuses_is_never_written() -> None:
    with pytest.raises(InputError, match=r"not a valid pylock\.toml \(PEP 751\): .*other-1\.0"):
        PylockFormat().render(lock(package(wheel(name="other"))))


def test_packages_are_sorted_by_name_and_names_normalised() -> None:
    document = rendered(
        lock(
            package(wheel(name="zope"), name="zope"),
            package(wheel(name="Foo_Bar"), name="Foo_Bar"),
        )
    )
    assert [entry["name"] for entry in document["packages"]] == ["foo-bar", "zope"]


def test_a_rendered_lock_is_read_back_with_its_files_and_lines(tmp_path: Path) -> None:
    files = (wheel(size=3, upload_time="2024-01-02T03:04:05.000006Z"), sdist("demo-1.0.tar.gz"))
    archive = LockedFile(
        "direct-2.0.tar.gz", "https://host/direct-2.0.tar.gz", (("sha256", SHA256),)
    )
    value = lock(
        package(*files, marker='os_name == "nt"', index="https://index.example/simple/"),
        package(archive, name="direct", version="2.0", url="https://host/direct-2.0.tar.gz"),
        provenance=Provenance("in.txt", "dephash gen in.txt", requires_python=">=3.10"),
    )
    path = tmp_path / "pylock.toml"
    text = PylockFormat().render(value)
    path.write_text(text)
    parsed = read_pinned(str(path))
    demo, direct = parsed.requirements
    headers = [n for n, line in enumerate(text.splitlines(), 1) if line == "[[packages]]"]
    assert (demo.lineno, direct.lineno) == tuple(headers)
    assert demo.text == 'demo==1.0 ; os_name == "nt"'
    assert demo.pinned_version == "1.0"
    assert demo.marker == 'os_name == "nt"'
    assert demo.files == files
    assert demo.hashes == (f"sha256:{SHA256}", f"sha512:{SHA512}")
    assert direct.url == "https://host/direct-2.0.tar.gz"
    assert direct.pinned_version is None
    assert direct.files == (archive,)
    assert parsed.index_options == [("extra_index_url", "https://index.example/simple/")]
    assert parsed.requires_python == ">=3.10"


def write_lock(path: Path, packages: list[dict[str, Any]], **top: Any) -> str:
    document = {"lock-version": "1.0", "created-by": "hand", "packages": packages, **top}
    path.write_text(tomli_w.dumps(document))
    return str(path)


def test_what_cannot_be_pinned_by_hash_says_why(tmp_path: Path) -> None:
    path = write_lock(
        tmp_path / "pylock.dev.toml",
        [
            {"name": "vcs-one", "vcs": {"type": "git", "url": "https://g/x", "commit-id": "ab"}},
            {"name": "here", "directory": {"path": "."}, "marker": "python_version > '3'"},
            {
                "name": "nover",
                "wheels": [{"path": "w/nover-1-py3-none-any.whl", "hashes": {"md5": "00"}}],
            },
        ],
    )
    vcs, directory, nover = read_pinned(path).requirements
    assert vcs.problem == (
        f"pylock.dev.toml:{vcs.lineno}: VCS package cannot be pinned by hash: vcs-one "
        "(publish it to an index, or lock an archive)"
    )
    assert directory.text == "here (local directory)"
    assert directory.marker == 'python_version > "3"'
    assert nover.pinned_version is None
    assert nover.text == "nover"
    assert nover.files[0].url == "w/nover-1-py3-none-any.whl"
    assert nover.files[0].filename == "nover-1-py3-none-any.whl"


def test_a_lock_of_inline_tables_points_at_its_first_line(tmp_path: Path) -> None:
    path = tmp_path / "pylock.toml"
    path.write_text(
        'lock-version = "1.0"\ncreated-by = "hand"\n'
        'packages = [{name = "a", version = "1", archive = {url = "https://h/a-1.tar.gz", '
        'upload-time = 2024-01-02T03:04:05, hashes = {sha256 = "00"}}}]\n'
    )
    (line,) = read_pinned(str(path)).requirements
    assert line.lineno == 1
    assert line.files[0].upload_time == "2024-01-02T03:04:05Z"
    assert line.files[0].filename == "a-1.tar.gz"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("lock-version = ", "pylock.toml: not valid TOML: "),
        ('lock-version = "1.0"\n', "pylock.toml: not a valid pylock.toml .PEP 751.: "),
        ('lock-version = "7"\ncreated-by = "x"\npackages = []\n', "not supported"),
    ],
)
def test_a_file_that_is_no_pylock_is_bad_input(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("pylock.toml").write_text(text)
    with pytest.raises(InputError, match=message):
        read_pinned("pylock.toml")


@pytest.mark.parametrize(
    ("path", "chosen", "expected"),
    [
        (None, None, Format.REQUIREMENTS),
        (None, Format.PYLOCK, Format.PYLOCK),
        ("pylock.toml", None, Format.PYLOCK),
        ("out/pylock.prod.toml", None, Format.PYLOCK),
        ("pylock.toml", Format.PYLOCK, Format.PYLOCK),
        ("requirements.txt", None, Format.REQUIREMENTS),
        ("pylock.a.b.toml", Format.REQUIREMENTS, Format.REQUIREMENTS),
    ],
)
def test_the_format_follows_the_name_unless_chosen(
    path: str | None, chosen: Format | None, expected: Format
) -> None:
    assert format_of(path, chosen) is FORMATS[expected]


def test_a_lock_named_against_its_format_is_refused() -> None:
    with pytest.raises(InputError, match=r"-o lock\.toml: a pylock.toml lock must be named"):
        format_of("lock.toml", Format.PYLOCK)
    with pytest.raises(InputError, match=r"-o pylock.toml: that name is for a pylock.toml lock"):
        format_of("pylock.toml", Format.REQUIREMENTS)
    assert is_pylock_name("x/pylock.ci.toml")
    assert not is_pylock_name("pylock.toml.txt")


# Cheap to draw (regex strategies are slow): valid, normalised names and versions.
names = st.builds(
    lambda head, tail: head + (f"-{tail}" if tail else ""),
    st.text("abcdefgxyz", min_size=1, max_size=8),
    st.text("abc123", max_size=4),
)
versions = st.lists(st.integers(0, 999), min_size=1, max_size=4).map(
    lambda parts: ".".join(map(str, parts))
)
hex64 = st.binary(min_size=32, max_size=32).map(bytes.hex)
tags = st.sampled_from(
    ["py3-none-any", "cp312-cp312-win_amd64", "cp311-abi3-manylinux_2_17_x86_64"]
)
markers = st.sampled_from([None, 'sys_platform == "win32"', 'python_version < "3.12"'])
sizes = st.none() | st.integers(min_value=0, max_value=2**40)
times = st.none() | st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1)
).map(lambda value: value.isoformat() + "Z")


@st.composite
def packages(draw: st.DrawFn) -> LockedPackage:
    name, version = draw(names), draw(versions)
    files = [
        LockedFile(
            f"{name.replace('-', '_')}-{version}-{tag}.whl",
            f"https://files.example/{name}/{tag}.whl",
            (("sha256", draw(hex64)), ("sha512", draw(hex64) * 2)),
            size=draw(sizes),
            upload_time=draw(times),
        )
        for tag in draw(st.lists(tags, min_size=0, max_size=3, unique=True))
    ]
    if not files or draw(st.booleans()):
        files.append(
            LockedFile(
                f"{name}-{version}.tar.gz",
                f"https://files.example/{name}/{version}.tar.gz",
                (("sha256", draw(hex64)),),
                size=draw(sizes),
                upload_time=draw(times),
            )
        )
    return LockedPackage(name, version, tuple(files), marker=draw(markers))


@settings(deadline=None)  # render, validate, write and read a file: slow on a busy machine
@given(st.lists(packages(), max_size=6, unique_by=lambda value: value.name))
def test_rendered_locks_read_back_as_the_same_pins_and_files(pins: list[LockedPackage]) -> None:
    text = PylockFormat().render(lock(*pins))
    assert text == PylockFormat().render(lock(*reversed(pins)))  # one order, whatever came in
    parsed = FORMATS[Format.PYLOCK]
    document = tomllib.loads(text)
    Pylock.from_dict(document)
    read_back = {
        (line.name, line.pinned_version, line.marker): set(line.files)
        for line in _lines(parsed, text)
    }
    assert read_back == {
        (pin.name, pin.version, str(_marker(pin.marker)) if pin.marker else None): set(pin.files)
        for pin in pins
    }


def _marker(text: str) -> Marker:
    return Marker(text)


def _lines(parsed: LockFormat, text: str) -> list[RequirementLine]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "pylock.toml"
        path.write_text(text)
        return list(parsed.read(str(path)).requirements)


def test_the_document_is_what_is_rendered() -> None:
    value = lock(package(wheel()))
    assert PylockFormat().render(value) == tomli_w.dumps(lock_document(value))
    assert RequirementsFormat().name == "requirements"
    assert PylockFormat().name == "pylock"


# What an index serves or a user types, with every character that could end a line or a string.
hostile = st.text(
    st.sampled_from(["\n", "\r", '"', "'", "\\", "]", "[", "=", "#", "\u2028", "a"]), min_size=1
)


@given(hostile, hostile, hostile)
def test_no_value_can_become_a_key_or_a_table_of_its_own(via: str, shown: str, url: str) -> None:
    value = lock(
        package(
            wheel(),
            sdist("demo-1.0.tar.gz"),
            via=(via, shown),
            index=f"https://{url}/simple/",
        ),
        provenance=Provenance(shown, f"dephash gen {shown}", files_for=via, covers=url),
    )
    document = tomllib.loads(PylockFormat().render(value))
    assert sorted(document) == ["created-by", "lock-version", "packages", "tool"]
    (entry,) = document["packages"]
    assert entry["tool"]["dephash"]["via"] == [via, shown]
    assert entry["index"] == f"https://{url}/simple/"
    provenance = document["tool"]["dephash"]
    assert (provenance["input"], provenance["files"], provenance["covers"]) == (shown, via, url)


@given(st.text(max_size=300))
def test_arbitrary_text_is_bad_input_never_a_crash(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "pylock.toml"
        path.write_text(text, encoding="utf-8")
        with contextlib.suppress(InputError):
            read_pinned(str(path))


def test_a_lock_says_which_environments_it_covers() -> None:
    covered = (
        environment((3, 12), OS.LINUX, Machine.X86_64),
        environment((3, 12), OS.LINUX, Machine.ARM64),
    )
    provenance = Provenance("in.txt", "dephash gen in.txt", covers=describe(covered))
    text = PylockFormat().render(
        lock(package(wheel()), environments=covered, provenance=provenance)
    )
    assert PylockFormat().covers(text) == tuple(sorted(covered))
    host_only = PylockFormat().render(lock(package(wheel())))
    assert PylockFormat().covers(host_only) == ()
    for unsaid in ("lock-version = ", "tool = 1", "[tool.dephash]\ncovers = 1", "[tool.other]"):
        assert PylockFormat().covers(unsaid) is None
