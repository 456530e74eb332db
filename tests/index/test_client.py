"""The simple-API client against real servers: JSON, HTML, file:// and find-links."""

from __future__ import annotations

import json
import socket
import time
from pathlib import Path

import pytest
import requests
from packaging.version import Version

from dephash.distributions import file_version
from dephash.errors import IndexUnreachable
from dephash.http import NetworkSettings, make_session
from dephash.index.client import IndexClient
from dephash.index.files import files_for_version
from dephash.index.pages import (
    JSON_TYPE,
    RawPage,
    parse_html,
    parse_json,
    parse_page,
    parse_page_by_version,
)
from dephash.model import DistFile
from tests.support.builder import make_sdist, make_wheel, sha
from tests.support.jsonindex import JsonIndex
from tests.support.pypiserver import Publish, PyPIServer
from tests.support.static import always, serving

FAST = NetworkSettings(connect_timeout=2, read_timeout=2, retries=0)


@pytest.fixture
def client() -> IndexClient:
    return IndexClient(make_session(FAST), FAST)


def test_html_links_resolve_against_the_page_and_its_base() -> None:
    digest = "AB" * 32
    page = f"""<html><head><base href="https://files.example.org/root/"></head><body>
    <a href="../pkgs/a-1.0.tar.gz#sha256={digest}" data-requires-python="&gt;=3.8">a-1.0.tar.gz</a>
    <a href="a-1.0-py3-none-any.whl" data-yanked="">a-1.0-py3-none-any.whl</a>
    <a href="a-2.0-py3-none-any.whl#md5" data-yanked="broken build">a-2.0</a>
    <a>no href</a></body></html>"""
    files = parse_html(page, "https://index.example.org/simple/a/")
    assert files == [
        DistFile(
            "a-1.0.tar.gz",
            "https://files.example.org/pkgs/a-1.0.tar.gz",
            (("sha256", "ab" * 32),),
            None,
            ">=3.8",
        ),
        DistFile(
            "a-1.0-py3-none-any.whl",
            "https://files.example.org/root/a-1.0-py3-none-any.whl",
            (),
            "",
        ),
        DistFile(
            "a-2.0-py3-none-any.whl",
            "https://files.example.org/root/a-2.0-py3-none-any.whl",
            (),
            "broken build",
        ),
    ]


def test_json_files_resolve_relative_urls() -> None:
    data = {
        "files": [
            {
                "filename": "a-1.0.tar.gz",
                "url": "../../f/a-1.0.tar.gz",
                "hashes": {"SHA256": "AB" * 32},
            },
            {"filename": "a-1.1.tar.gz", "url": "/f/a-1.1.tar.gz", "hashes": {}, "yanked": True},
            {"filename": "a-1.2.tar.gz", "url": "x", "yanked": "bad", "requires-python": ">=3"},
        ]
    }
    files = parse_json(data, "https://host/simple/a/")
    assert [(f.url, f.hashes, f.yanked, f.requires_python) for f in files] == [
        ("https://host/f/a-1.0.tar.gz", (("sha256", "ab" * 32),), None, None),
        ("https://host/f/a-1.1.tar.gz", (), "", None),
        ("https://host/simple/a/x", (), "bad", ">=3"),
    ]


@pytest.mark.parametrize(
    ("filename", "expected"),
    [
        ("Foo_Bar-1.0-py3-none-any.whl", ("foo-bar", "1.0")),
        ("foo-bar-1.0.tar.gz", ("foo-bar", "1.0")),
        ("foo-1.0.zip", ("foo", "1.0")),
        ("foo-1.0.exe", None),
        ("foo.whl", None),
        ("foo-not_a_version.tar.gz", None),
    ],
)
def test_file_version(filename: str, expected: tuple[str, str] | None) -> None:
    parsed = file_version(filename)
    assert (None if parsed is None else (parsed[0], str(parsed[1]))) == expected


def test_files_for_version_compares_normalised_versions() -> None:
    files = [
        DistFile("a-1.0-py3-none-any.whl", "u1"),
        DistFile("a-1.0.0.tar.gz", "u2"),
        DistFile("a-1.1.tar.gz", "u3"),
        DistFile("b-1.0.tar.gz", "u4"),
        DistFile("README.txt", "u5"),
        DistFile("a-not_a_version.tar.gz", "u6"),
        DistFile("a-1.0.whl", "u7"),
        DistFile("a_b-1.0-py3-none-any.whl", "u8"),
    ]
    assert [f.url for f in files_for_version(files, "A", "1.0")] == ["u1", "u2"]


_NAMES = (
    "a-1.0-py3-none-any.whl",
    "a-1.0.0.tar.gz",
    "a-2.0b1.zip",
    "b-1.0.tar.gz",
    "README.txt",
    "a-not_a_version.tar.gz",
)


@pytest.mark.parametrize("content_type", [JSON_TYPE, "text/html"])
def test_pages_grouped_by_version_hold_the_same_files(content_type: str) -> None:
    if content_type == JSON_TYPE:
        entries = [{"filename": name, "url": f"../../f/{name}"} for name in _NAMES]
        text = json.dumps({"files": entries, "versions": ["1.0", "2.0b1"]})
    else:
        text = "".join(f'<a href="../../f/{name}">{name}</a>' for name in _NAMES)
    raw = RawPage("https://index.example.org/simple/a/", content_type, text)
    whole = parse_page(raw)
    grouped = parse_page_by_version(raw)
    assert grouped.versions == whole.versions
    # 1.0 and 1.0.0 are one version; names that carry none are left out.
    assert sorted(map(str, grouped.groups)) == ["1.0", "2.0b1"]
    by_version = [f for version in grouped.groups for f in grouped.files(version)]
    assert sorted(by_version, key=whole.files.index) == [
        f for f in whole.files if f.filename not in ("README.txt", "a-not_a_version.tar.gz")
    ]
    assert grouped.files(Version("3.0")) == []


def test_pep691_json_is_asked_for_and_used(
    client: IndexClient, json_index: JsonIndex, tmp_path: Path
) -> None:
    wheel = make_wheel(tmp_path, "Json.Pkg", "1.0")
    json_index.add_file("json-pkg", wheel, yanked="oops", requires_python=">=3.9")
    files = client.project_files(json_index.url, "JSON_pkg")
    assert files == [
        DistFile(
            wheel.name,
            f"{json_index.base}/files/{wheel.name}",
            (("sha256", sha(wheel)),),
            "oops",
            ">=3.9",
        )
    ]
    ((_, headers),) = json_index.requests
    accept = {k.lower(): v for k, v in headers.items()}["accept"]
    assert accept.startswith("application/vnd.pypi.simple.v1+json")


def test_html_is_the_fallback(client: IndexClient, json_index: JsonIndex, tmp_path: Path) -> None:
    json_index.json_enabled = False
    sdist = make_sdist(tmp_path, "html-pkg", "2.0")
    json_index.add_file("html-pkg", sdist)
    (found,) = client.project_files(json_index.url.rstrip("/"), "html-pkg") or []
    assert found.filename == sdist.name
    assert found.hashes == (("sha256", sha(sdist)),)


def test_pypiserver_pages_are_read(
    client: IndexClient, pypiserver: PyPIServer, publish: Publish
) -> None:
    paths = publish("index-pypiserver-pkg", "1.0")
    files = client.project_files(pypiserver.url, "index-pypiserver-pkg") or []
    assert sorted(f.filename for f in files) == sorted(p.name for p in paths)
    assert {f.filename: f.published("sha256") for f in files} == {p.name: sha(p) for p in paths}


def test_unknown_projects_are_none(client: IndexClient, json_index: JsonIndex) -> None:
    assert client.project_files(json_index.url, "nothing-here") is None


def test_server_errors_are_retried_then_reported(json_index: JsonIndex, tmp_path: Path) -> None:
    json_index.add_file("flaky", make_wheel(tmp_path, "flaky", "1.0"))
    json_index.add_faults("/simple/flaky/", "503")
    retrying = NetworkSettings(connect_timeout=2, read_timeout=2, retries=2, backoff=0)
    assert IndexClient(make_session(retrying), retrying).project_files(json_index.url, "flaky")
    json_index.add_faults("/simple/flaky/", "500", "500", "500")
    with pytest.raises(IndexUnreachable, match=r"/simple/flaky/: HTTP 500"):
        IndexClient(make_session(retrying), retrying).project_files(json_index.url, "flaky")


@pytest.mark.parametrize("grouped", [False, True])
@pytest.mark.parametrize(
    ("encoding", "message"), [("identity", "is not valid JSON"), ("gzip", "DecodeError")]
)
def test_corrupt_pages_are_reported(
    json_index: JsonIndex,
    tmp_path: Path,
    client: IndexClient,
    encoding: str,
    message: str,
    grouped: bool,
) -> None:
    json_index.add_file("broken-json", make_wheel(tmp_path, "broken-json", "1.0"))
    json_index.add_faults("/simple/broken-json/", "corrupt")
    client.session.headers["Accept-Encoding"] = encoding
    read = client.versioned_page if grouped else client.project_files
    with pytest.raises(IndexUnreachable, match=message):
        read(json_index.url, "broken-json")


def test_a_closed_port_is_unreachable(client: IndexClient) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(IndexUnreachable, match=rf"127.0.0.1:{port}/simple/x/: .*refused"):
        client.project_files(f"http://127.0.0.1:{port}/simple/", "x")


def test_credentials_never_reach_messages(client: IndexClient) -> None:
    with pytest.raises(IndexUnreachable) as caught:
        client.project_files("http://user:secret@127.0.0.1:9/simple/", "x")
    assert "secret" not in str(caught.value)
    assert "****@127.0.0.1" in str(caught.value)


def test_file_indexes_are_read_from_disk(client: IndexClient, tmp_path: Path) -> None:
    project = tmp_path / "simple" / "disk-pkg"
    project.mkdir(parents=True)
    (project / "index.html").write_text(
        f'<a href="../../files/disk_pkg-1.0.tar.gz#sha256={"00" * 32}">disk_pkg-1.0.tar.gz</a>'
    )
    files = client.project_files((tmp_path / "simple").as_uri(), "Disk.Pkg") or []
    assert [(f.url, f.hashes) for f in files] == [
        ((tmp_path / "files" / "disk_pkg-1.0.tar.gz").as_uri(), (("sha256", "00" * 32),))
    ]
    assert client.project_files((tmp_path / "simple").as_uri(), "absent") is None


def test_find_links_folders_pages_and_files(
    client: IndexClient, json_index: JsonIndex, tmp_path: Path
) -> None:
    links = tmp_path / "links"
    wheel = make_wheel(links, "linked", "1.0")
    (links / "notes.txt").write_text("not an archive")
    (links / "sub.tar.gz").mkdir()
    assert client.find_links_files(str(links)) == [DistFile(wheel.name, wheel.as_uri())]
    assert client.find_links_files(links.as_uri()) == [DistFile(wheel.name, wheel.as_uri())]
    page = tmp_path / "links.html"
    page.write_text(f'<a href="links/{wheel.name}">{wheel.name}</a>')
    assert client.find_links_files(str(page)) == [DistFile(wheel.name, wheel.as_uri())]
    json_index.add_file("linked", wheel)
    (remote,) = client.find_links_files(json_index.url + "linked/")
    assert remote.url == f"{json_index.base}/files/{wheel.name}"


def test_missing_find_links_locations_are_skipped_with_a_warning(
    client: IndexClient, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    assert client.find_links_files(str(tmp_path / "nowhere")) == []
    assert "does not exist" in caplog.text


def test_a_failing_find_links_page_is_reported(client: IndexClient, json_index: JsonIndex) -> None:
    with pytest.raises(IndexUnreachable, match="HTTP 404"):
        client.find_links_files(json_index.url + "missing/")


def test_sessions_pool_connections_and_identify_themselves() -> None:
    session = make_session(NetworkSettings(pool_size=3))
    adapter = session.get_adapter("https://pypi.org/")
    assert isinstance(adapter, requests.adapters.HTTPAdapter)
    assert adapter._pool_maxsize == 3  # type: ignore[attr-defined]
    assert adapter.max_retries.status_forcelist == (429, 500, 502, 503, 504)
    assert str(session.headers["User-Agent"]).startswith("dephash/")


def test_a_missing_file_index_is_unreachable_not_empty(client: IndexClient, tmp_path: Path) -> None:
    (tmp_path / "simple").mkdir()
    assert client.project_files((tmp_path / "simple").as_uri(), "absent") is None
    with pytest.raises(
        IndexUnreachable, match=r"cannot read index file:///.*/gone/: no such folder"
    ):
        client.project_files((tmp_path / "gone").as_uri(), "absent")


def test_a_page_that_trickles_in_is_a_timeout_not_a_hang(
    client: IndexClient, json_index: JsonIndex, tmp_path: Path
) -> None:
    json_index.add_file("slow-page", make_wheel(tmp_path, "slow-page", "1.0"))
    json_index.add_faults("/simple/slow-page/", "trickle:0.2")  # minutes for the whole page
    started = time.monotonic()
    with pytest.raises(IndexUnreachable, match=r"/slow-page/: Timeout: .* bytes in 2 s: too slow"):
        client.project_files(json_index.url, "slow-page")
    assert time.monotonic() - started < 5  # the timeout (2 s) and one read past it at most
    json_index.add_faults("/simple/slow-page/", "trickle:0.001")  # slow, but within the timeout
    assert client.project_files(json_index.url, "slow-page")


@pytest.mark.parametrize(
    ("content_type", "body", "text"),
    [
        ("text/html; charset=x-unknown-charset", "caf\u00e9".encode(), "caf\u00e9"),
        ("text/html; charset=latin-1", "caf\u00e9".encode("latin-1"), "caf\u00e9"),
        ("text/html", "caf\u00e9".encode(), "caf\u00e9"),
    ],
)
def test_pages_are_decoded_in_their_charset_else_utf8(
    client: IndexClient, content_type: str, body: bytes, text: str
) -> None:
    with serving(always(body, {"Content-Type": content_type})) as base:
        page = client.fetch_page(base, "x")
    assert page is not None
    assert page.text == text
