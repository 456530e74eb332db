"""Smoke tests for tests/support: the builders, pypiserver and JsonIndex are real."""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import os
import subprocess
import sys
import tarfile
import threading
import time
import urllib.request
import zipfile
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.support.builder import make_sdist, make_wheel, sha
from tests.support.jsonindex import JSON_TYPE, JsonIndex
from tests.support.pypiserver import Publish, PyPIServer

PIP_ACCEPT = (
    "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, "
    "text/html; q=0.01"
)


def _pip_report(index_url: str, env: dict[str, str], tmp_path: Path, *reqs: str) -> Any:
    report = tmp_path / "report.json"
    command = [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--dry-run",
        "--ignore-installed",
        "--quiet",
        "--report",
        str(report),
        "--index-url",
        index_url,
        *reqs,
    ]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(report.read_text())


def _resolved(report: Any) -> dict[str, str]:
    return {
        item["metadata"]["name"].lower(): item["metadata"]["version"] for item in report["install"]
    }


# -- builder ------------------------------------------------------------------


def test_make_wheel_is_deterministic_valid_and_complete(tmp_path: Path) -> None:
    kwargs: dict[str, Any] = {
        "requires": ["dep-a>=1", 'dep-b; python_version >= "3"'],
        "requires_python": ">=3.8",
        "extras": {"fast": ['speedup; sys_platform == "linux"'], "cli": ["click"]},
        "payload": "X = 1",
    }
    first = make_wheel(tmp_path / "one", "My.Pkg", "1.0", **kwargs)
    second = make_wheel(tmp_path / "two", "My.Pkg", "1.0", **kwargs)
    assert first.name == "my_pkg-1.0-py3-none-any.whl"
    assert first.read_bytes() == second.read_bytes()
    other = make_wheel(tmp_path / "three", "My.Pkg", "1.0", **{**kwargs, "payload": "X = 2"})
    assert other.name == first.name
    assert other.read_bytes() != first.read_bytes()
    assert sha(first) == hashlib.sha256(first.read_bytes()).hexdigest()
    assert sha(first, "sha512") == hashlib.sha512(first.read_bytes()).hexdigest()

    with zipfile.ZipFile(first) as archive:
        names = archive.namelist()
        assert names == [
            "my_pkg/__init__.py",
            "my_pkg-1.0.dist-info/METADATA",
            "my_pkg-1.0.dist-info/WHEEL",
            "my_pkg-1.0.dist-info/RECORD",
        ]
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        module = archive.read("my_pkg/__init__.py").decode()
        assert module == '__version__ = "1.0"\nX = 1\n'
        metadata = archive.read("my_pkg-1.0.dist-info/METADATA").decode()
        wheel = archive.read("my_pkg-1.0.dist-info/WHEEL").decode()
        record = archive.read("my_pkg-1.0.dist-info/RECORD").decode().splitlines()
        for line in record:
            name, digest, size = line.rsplit(",", 2)
            if name.endswith("RECORD"):
                assert (digest, size) == ("", "")
                continue
            data = archive.read(name)
            expected = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
            assert digest == "sha256=" + expected.decode()
            assert int(size) == len(data)
        assert len(record) == len(names)
    assert "Metadata-Version: 2.1\nName: My.Pkg\nVersion: 1.0\n" in metadata
    assert "Requires-Python: >=3.8" in metadata
    assert "Requires-Dist: dep-a>=1" in metadata
    assert 'Requires-Dist: dep-b; python_version >= "3"' in metadata
    assert "Provides-Extra: cli\nProvides-Extra: fast" in metadata
    assert 'Requires-Dist: click; extra == "cli"' in metadata
    assert 'Requires-Dist: speedup; (sys_platform == "linux") and extra == "fast"' in metadata
    assert "Wheel-Version: 1.0" in wheel
    assert "Root-Is-Purelib: true" in wheel
    assert "Tag: py3-none-any" in wheel

    multi = make_wheel(tmp_path, "multi", "2.0", tag="py2.py3-none-any")
    with zipfile.ZipFile(multi) as archive:
        wheel = archive.read("multi-2.0.dist-info/WHEEL").decode()
    assert "Tag: py2-none-any\nTag: py3-none-any\n" in wheel


def test_make_sdist_is_deterministic(tmp_path: Path) -> None:
    first = make_sdist(tmp_path / "one", "My.Pkg", "1.0", requires=["dep-a>=1"])
    second = make_sdist(tmp_path / "two", "My.Pkg", "1.0", requires=["dep-a>=1"])
    assert first.name == "my_pkg-1.0.tar.gz"
    assert first.read_bytes() == second.read_bytes()
    assert first.read_bytes()[4:8] == b"\0\0\0\0"  # gzip mtime
    other = make_sdist(tmp_path / "three", "My.Pkg", "1.0", payload="Y = 2")
    assert other.read_bytes() != first.read_bytes()
    with tarfile.open(first) as archive:
        members = archive.getmembers()
        assert [m.name for m in members] == sorted(m.name for m in members)
        assert {(m.mtime, m.uid, m.gid) for m in members} == {(0, 0, 0)}
        names = {m.name for m in members}
        assert {
            "my_pkg-1.0/PKG-INFO",
            "my_pkg-1.0/pyproject.toml",
            "my_pkg-1.0/my_pkg/__init__.py",
        } <= names
        pkg_info = archive.extractfile("my_pkg-1.0/PKG-INFO")
        pyproject = archive.extractfile("my_pkg-1.0/pyproject.toml")
        assert pkg_info is not None
        assert pyproject is not None
        assert "Metadata-Version: 2.1" in pkg_info.read().decode()
        pyproject_text = pyproject.read().decode()
    assert 'build-backend = "setuptools.build_meta"' in pyproject_text
    assert '"dep-a>=1"' in pyproject_text


def test_wheel_installs_with_pip(tmp_path: Path, isolated_pip: dict[str, str]) -> None:
    wheel = make_wheel(tmp_path / "dist", "Inst.Me", "3.1", payload="ANSWER = 42")
    target = tmp_path / "target"
    command = [sys.executable, "-m", "pip", "install", "--no-index", "--no-deps", "--quiet"]
    result = subprocess.run(
        [*command, "--target", str(target), str(wheel)],
        env=isolated_pip,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "ANSWER = 42" in (target / "inst_me" / "__init__.py").read_text()
    assert (target / "inst_me-3.1.dist-info" / "METADATA").is_file()


# -- isolation ------------------------------------------------------------------


def test_pip_is_isolated_from_machine_config(isolated_pip: dict[str, str]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pip", "config", "list"],
        env=isolated_pip,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    # Only what the fixture set, from the environment; no file is read.
    assert sorted(result.stdout.split()) == [
        f":env:.cache-dir='{isolated_pip['PIP_CACHE_DIR']}'",
        f":env:.config-file='{os.devnull}'",
        ":env:.disable-pip-version-check='1'",
        ":env:.no-input='1'",
    ]
    assert {k for k in isolated_pip if k.startswith("PIP_")} == {
        "PIP_CONFIG_FILE",
        "PIP_DISABLE_PIP_VERSION_CHECK",
        "PIP_NO_INPUT",
        "PIP_CACHE_DIR",
    }
    assert "DEPHASH_CACHE_DIR" in isolated_pip


# -- pypiserver ------------------------------------------------------------------


def test_pip_resolves_from_pypiserver(
    publish: Publish, pypiserver: PyPIServer, tmp_path: Path, isolated_pip: dict[str, str]
) -> None:
    publish("smoke-dep", "1.0")
    publish("smoke-dep", "1.1", sdist=False)
    published = publish("Smoke.App", "2.0", requires=["smoke-dep>=1"])
    assert [p.name for p in published] == ["smoke_app-2.0-py3-none-any.whl", "smoke_app-2.0.tar.gz"]
    assert publish("Smoke.App", "2.0", requires=["smoke-dep>=1"]) == published  # idempotent
    with pytest.raises(ValueError, match="unique"):
        publish("Smoke.App", "2.0", payload="different")

    report = _pip_report(pypiserver.url, isolated_pip, tmp_path, "smoke-app")
    assert _resolved(report) == {"smoke.app": "2.0", "smoke-dep": "1.1"}
    for item in report["install"]:
        assert item["download_info"]["url"].startswith(pypiserver.base + "/packages/")


def test_pypiserver_behaviour_as_documented(pypiserver: PyPIServer) -> None:
    """The facts written in tests/support/pypiserver.py's docstring."""
    wheel = make_wheel(pypiserver.root, "facts-pkg", "1.0", requires_python=">=3.8")
    # Added after start, no restart, no waiting: the next request lists it.
    request = urllib.request.Request(
        pypiserver.project_url("facts-pkg"), headers={"Accept": PIP_ACCEPT}
    )
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(request, timeout=5) as response:
        content_type = response.headers["Content-Type"]
        page = response.read().decode()
    assert content_type.startswith("text/html")  # no PEP 691 JSON
    assert f'href="/packages/{wheel.name}#sha256={sha(wheel)}"' in page
    assert "data-requires-python" not in page
    assert "data-yanked" not in page
    # An in-place change is seen too (new hash on the next request).
    changed = make_wheel(pypiserver.root, "facts-pkg", "1.0", payload="CHANGED = True")
    assert f"#sha256={sha(changed)}" in (pypiserver.project_page("Facts_Pkg") or "")


def test_pypiserver_restart_keeps_url(tmp_path: Path) -> None:
    with PyPIServer.start(tmp_path / "root") as server:
        url = server.url
        server.restart()
        assert server.url == url
        assert server.running
        assert server.project_page("nothing-here") is None
    assert not server.running


def test_pypiserver_start_failure_is_clear(tmp_path: Path) -> None:
    with PyPIServer.start(tmp_path / "root") as server, pytest.raises(RuntimeError) as excinfo:
        PyPIServer.start(tmp_path / "root", port=server.port, timeout=10)
    assert "Address already in use" in str(excinfo.value)


# -- JsonIndex ---------------------------------------------------------------------


@pytest.fixture
def wheels(tmp_path: Path) -> dict[str, Path]:
    dist = tmp_path / "dist"
    return {
        "1.0": make_wheel(dist, "Foo.Bar", "1.0"),
        "1.1": make_wheel(dist, "Foo.Bar", "1.1"),
        "2.0": make_wheel(dist, "Foo.Bar", "2.0"),
        "sdist": make_sdist(dist, "Foo.Bar", "1.0"),
    }


def test_json_index_content_negotiation(json_index: JsonIndex, wheels: dict[str, Path]) -> None:
    url_10 = json_index.add_file("Foo.Bar", wheels["1.0"], upload_time="2024-01-02T03:04:05Z")
    json_index.add_file(
        "foo-bar", wheels["1.1"], hashes={"sha512": "ab" * 64}, requires_python=">=3.8,<4"
    )
    json_index.add_file("foo_bar", wheels["2.0"], hashes={}, yanked="broken <b>", absolute_url=True)
    json_index.add_file("Foo.Bar", wheels["sdist"], yanked=True)
    assert url_10 == f"{json_index.base}/files/foo_bar-1.0-py3-none-any.whl"
    page_url = json_index.url + "foo-bar/"

    as_json = requests.get(page_url, headers={"Accept": PIP_ACCEPT}, timeout=5)
    assert as_json.status_code == 200
    assert as_json.headers["Content-Type"] == JSON_TYPE
    doc = as_json.json()
    assert doc["meta"] == {"api-version": "1.1"}
    assert doc["name"] == "foo-bar"
    assert doc["versions"] == ["1.0", "1.1", "2.0"]
    files = {f["filename"]: f for f in doc["files"]}
    first = files["foo_bar-1.0-py3-none-any.whl"]
    assert first == {
        "filename": "foo_bar-1.0-py3-none-any.whl",
        "url": "../../files/foo_bar-1.0-py3-none-any.whl",
        "hashes": {"sha256": sha(wheels["1.0"])},
        "yanked": False,
        "size": wheels["1.0"].stat().st_size,
        "upload-time": "2024-01-02T03:04:05Z",
    }
    assert files["foo_bar-1.1-py3-none-any.whl"]["requires-python"] == ">=3.8,<4"
    assert files["foo_bar-1.1-py3-none-any.whl"]["hashes"] == {"sha512": "ab" * 64}
    assert files["foo_bar-2.0-py3-none-any.whl"]["yanked"] == "broken <b>"
    assert files["foo_bar-2.0-py3-none-any.whl"]["url"].startswith(json_index.base)
    assert files["foo_bar-1.0.tar.gz"]["yanked"] is True

    as_html = requests.get(page_url, timeout=5)
    assert as_html.headers["Content-Type"].startswith("text/html")
    page = as_html.text
    assert f'href="../../files/{wheels["1.0"].name}#sha256={sha(wheels["1.0"])}"' in page
    assert f'href="../../files/{wheels["1.1"].name}#sha512={"ab" * 64}"' in page
    assert 'data-requires-python="&gt;=3.8,&lt;4"' in page
    assert (
        f'href="{json_index.base}/files/{wheels["2.0"].name}" data-yanked="broken &lt;b&gt;"'
        in (page)
    )
    assert 'data-yanked=""' in page  # the sdist, yanked without a reason

    root = requests.get(json_index.url, headers={"Accept": JSON_TYPE}, timeout=5).json()
    assert root == {"meta": {"api-version": "1.1"}, "projects": [{"name": "Foo.Bar"}]}
    assert 'href="foo-bar/"' in requests.get(json_index.url, timeout=5).text

    json_index.json_enabled = False
    html_only = requests.get(page_url, headers={"Accept": PIP_ACCEPT}, timeout=5)
    assert html_only.headers["Content-Type"].startswith("text/html")
    assert json_index.count(page_url) == 3
    assert json_index.requests[0][1]["Accept"] == PIP_ACCEPT


def test_json_index_redirects_404s_and_gzip(json_index: JsonIndex, wheels: dict[str, Path]) -> None:
    json_index.add_file("foo-bar", wheels["1.0"])
    for wrong in ("Foo.Bar/", "foo_bar/", "foo-bar"):
        response = requests.get(json_index.url + wrong, allow_redirects=False, timeout=5)
        assert response.status_code == 301, wrong
        assert response.headers["Location"] == json_index.url + "foo-bar/"
    assert requests.get(json_index.url + "Foo.Bar/", timeout=5).status_code == 200
    assert requests.get(json_index.url + "nope/", timeout=5).status_code == 404
    assert requests.get(json_index.base + "/files/nope.whl", timeout=5).status_code == 404

    zipped = requests.get(
        json_index.url + "foo-bar/", headers={"Accept-Encoding": "gzip"}, stream=True, timeout=5
    )
    assert zipped.headers["Content-Encoding"] == "gzip"
    raw = zipped.raw.read(decode_content=False)
    assert b"foo_bar-1.0" in gzip.decompress(raw)
    plain = requests.get(
        json_index.url + "foo-bar/", headers={"Accept-Encoding": "identity"}, timeout=5
    )
    assert "Content-Encoding" not in plain.headers
    download = requests.get(json_index.base + "/files/" + wheels["1.0"].name, timeout=5)
    assert "Content-Encoding" not in download.headers
    assert download.content == wheels["1.0"].read_bytes()


def test_json_index_pypi_json_api(json_index: JsonIndex, wheels: dict[str, Path]) -> None:
    json_index.add_file("Foo.Bar", wheels["1.0"])
    json_index.add_file("Foo.Bar", wheels["sdist"])
    json_index.add_file("Foo.Bar", wheels["2.0"], yanked="bad build")
    vulnerability = {"id": "PYSEC-0000-1", "aliases": ["CVE-0000-1"], "fixed_in": ["1.1"]}
    json_index.set_vulnerabilities("foo_bar", "1.0", [vulnerability])

    release = requests.get(json_index.base + "/pypi/foo-bar/1.0/json", timeout=5).json()
    assert release["info"]["name"] == "Foo.Bar"
    assert release["info"]["version"] == "1.0"
    assert release["info"]["yanked"] is False
    assert release["vulnerabilities"] == [vulnerability]
    assert sorted(u["filename"] for u in release["urls"]) == [
        "foo_bar-1.0-py3-none-any.whl",
        "foo_bar-1.0.tar.gz",
    ]
    assert release["urls"][0]["digests"] == {"sha256": sha(wheels["1.0"])}
    yanked = requests.get(json_index.base + "/pypi/Foo.Bar/2.0/json", timeout=5).json()
    assert (yanked["info"]["yanked"], yanked["info"]["yanked_reason"]) == (True, "bad build")
    latest = requests.get(json_index.base + "/pypi/foo-bar/json", timeout=5).json()
    assert latest["info"]["version"] == "1.0"  # 2.0 is yanked
    assert sorted(latest["releases"]) == ["1.0", "2.0"]
    assert requests.get(json_index.base + "/pypi/foo-bar/9.9/json", timeout=5).status_code == 404

    json_index.pypi_json_enabled = False
    assert requests.get(json_index.base + "/pypi/foo-bar/json", timeout=5).status_code == 404


def test_json_index_faults(json_index: JsonIndex, wheels: dict[str, Path]) -> None:
    url = json_index.add_file("foo-bar", wheels["1.0"])
    body = wheels["1.0"].read_bytes()
    with pytest.raises(ValueError, match="unknown fault"):
        json_index.add_faults(url, "404")
    json_index.add_faults(url, "500", "503", "429", "reset", "stall:2", "truncate", "corrupt")

    def get(timeout: float = 5) -> requests.Response:
        with requests.Session() as session:  # requests' default: no retries
            return session.get(url, timeout=timeout)

    assert [get().status_code for _ in range(3)] == [500, 503, 429]
    with pytest.raises(requests.ConnectionError):
        get()
    started = time.monotonic()
    with pytest.raises(requests.exceptions.ReadTimeout):
        get(timeout=0.5)
    assert time.monotonic() - started < 1.5
    try:
        truncated: bytes | None = get().content
    except requests.exceptions.ChunkedEncodingError:
        truncated = None
    assert truncated is None or len(truncated) < len(body)
    corrupt = get().content
    assert len(corrupt) == len(body)
    assert corrupt != body
    assert get().content == body  # queue empty: normal again
    assert json_index.count(url) == 8
    assert json_index.count("/files/" + wheels["1.0"].name) == 8
    assert not json_index.errors


def test_json_index_stop_does_not_hang_on_stall(wheels: dict[str, Path]) -> None:
    index = JsonIndex().start()
    url = index.add_file("foo-bar", wheels["1.0"])
    index.add_faults(url, "stall:60")
    errors: list[BaseException] = []

    def client() -> None:
        try:
            requests.get(url, timeout=30)
        except requests.RequestException as exc:
            errors.append(exc)

    thread = threading.Thread(target=client)
    thread.start()
    deadline = time.monotonic() + 5
    while index.count(url) == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    started = time.monotonic()
    index.stop()
    thread.join(timeout=10)
    assert time.monotonic() - started < 3
    assert not thread.is_alive()
    assert errors  # the stalled request was dropped, not answered


def test_pip_resolves_from_json_index(
    json_index: JsonIndex, tmp_path: Path, isolated_pip: dict[str, str]
) -> None:
    dist = tmp_path / "dist"
    json_index.add_file("jx-app", make_wheel(dist, "jx-app", "1.0", requires=["JX.Dep>=1"]))
    json_index.add_file("jx-dep", make_wheel(dist, "jx-dep", "1.0"))
    json_index.add_file("jx-dep", make_wheel(dist, "jx-dep", "2.0"), yanked="broken")
    json_index.add_file("jx-dep", make_wheel(dist, "jx-dep", "3.0"), requires_python="<3")

    report = _pip_report(json_index.url, isolated_pip, tmp_path, "jx-app")
    assert _resolved(report) == {"jx-app": "1.0", "jx-dep": "1.0"}
    pages = [h for path, h in json_index.requests if path.startswith("/simple/")]
    assert pages
    assert all(JSON_TYPE in h.get("Accept", "") for h in pages)
    assert json_index.count("/files/jx_dep-2.0-py3-none-any.whl") == 0
    assert json_index.count("/files/jx_dep-3.0-py3-none-any.whl") == 0
    assert json_index.count("/files/jx_dep-1.0-py3-none-any.whl") == 1
