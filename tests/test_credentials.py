"""Credentials: the ones pip would use work for dephash's own requests, and none is ever shown.

An index that requires HTTP Basic auth (the JSON index with ``auth`` set) serves files under
absolute URLs, which carry no credentials: only a session that knows them per host gets them.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dephash.http import Credentials, make_session, remember_credentials
from tests.support.builder import make_wheel, sha
from tests.support.cli import run
from tests.support.jsonindex import JsonIndex
from tests.support.pinned import pinned


@pytest.mark.parametrize(
    ("userinfo", "auth"),
    [
        ("tok3n", ("tok3n", "")),
        ("user:sec@ret", ("user", "sec@ret")),
        ("u%40x:p%2Fw", ("u@x", "p/w")),
    ],
    ids=["token", "at-sign-in-password", "percent-encoded"],
)
def test_index_credentials_reach_every_file_on_its_host_and_show_nowhere(
    json_index: JsonIndex, workdir: Path, userinfo: str, auth: tuple[str, str]
) -> None:
    wheel = make_wheel(workdir / "dist", "private-pkg", "1.0")
    json_index.add_file("private-pkg", wheel, absolute_url=True)
    json_index.auth = auth
    (workdir / "in.txt").write_text("private-pkg\n")
    index = f"http://{userinfo}@127.0.0.1:{json_index.port}/simple/"
    # sha512: the index publishes only sha256, so every file is downloaded.
    result = run("gen", "-v", "-i", index, "-o", "out.txt", "in.txt")
    assert result.exit_code == 0, result.output
    text = (workdir / "out.txt").read_text()
    assert pinned(text) == {"private-pkg": ("1.0", [f"sha512:{sha(wheel, 'sha512')}"])}
    assert json_index.count(f"/files/{wheel.name}") >= 2  # pip's download and dephash's
    assert f"--index-url 'http://****@127.0.0.1:{json_index.port}/simple/'" in text
    for shown in (text, result.stderr):
        assert userinfo not in shown
        assert "ret@" not in shown
    page = f"fetching index page http://****@127.0.0.1:{json_index.port}/simple/private-pkg/"
    assert page in result.stderr


def test_credentials_in_a_direct_url_reach_dephash_s_download(
    json_index: JsonIndex, workdir: Path
) -> None:
    wheel = make_wheel(workdir / "dist", "private-direct", "1.0")
    json_index.add_file("private-direct", wheel)
    json_index.auth = ("user", "hunter2")
    url = f"http://user:hunter2@127.0.0.1:{json_index.port}/files/{wheel.name}"
    (workdir / "in.txt").write_text(f"private-direct @ {url}\n")
    result = run("gen", "--no-index", "in.txt")
    assert result.exit_code == 0, result.output
    assert f"--hash=sha512:{sha(wheel, 'sha512')}" in result.stdout
    assert "hunter2" not in result.output


def test_without_credentials_the_index_refuses(json_index: JsonIndex, workdir: Path) -> None:
    """The guard of the tests above: the index really requires them."""
    wheel = make_wheel(workdir / "dist", "private-refused", "1.0")
    json_index.add_file("private-refused", wheel)
    json_index.auth = ("user", "hunter2")
    session = make_session()
    assert session.get(json_index.url + "private-refused/").status_code == 401
    wrong = f"http://user:wrong@127.0.0.1:{json_index.port}/simple/private-refused/"
    assert session.get(wrong).status_code == 401
    remember_credentials(session, [f"http://user:hunter2@127.0.0.1:{json_index.port}/"])
    assert session.get(json_index.url + "private-refused/").status_code == 200


def test_credentials_are_installed_on_a_session_made_elsewhere(json_index: JsonIndex) -> None:
    import requests

    json_index.auth = ("token", "")
    session = requests.Session()
    remember_credentials(session, [f"http://token@127.0.0.1:{json_index.port}/simple/"])
    assert isinstance(session.auth, Credentials)
    response = session.get(json_index.url)
    assert response.status_code == 200
    assert response.url == json_index.url  # the credentials went in the header, not the URL


def test_what_is_not_a_url_carries_no_credentials() -> None:
    credentials = Credentials()
    credentials.learn(["http://[::1/x", "./local/file.tar.gz"])
    assert credentials._known == {}


def test_check_and_outdated_reports_carry_no_credentials(workdir: Path) -> None:
    (workdir / "pinned.txt").write_text(
        "-e git+https://user:secret@example.invalid/x.git#egg=x\n"
        "foo @ https://user:p@ss@example.invalid/foo-1.0.tar.gz\n"
    )
    reports = [
        run("check", "--offline", "pinned.txt"),
        run("check", "--offline", "--format", "json", "pinned.txt"),
        run("outdated", "--no-index", "--format", "json", "pinned.txt"),
        run("outdated", "--no-index", "pinned.txt"),
    ]
    for result in reports:
        assert "git+https://****@example.invalid/x.git" in result.output
        for secret in ("secret", "p@ss", "ss@"):
            assert secret not in result.output
    assert json.loads(reports[2].stdout)["skipped"][1]["requirement"] == (
        "foo @ https://****@example.invalid/foo-1.0.tar.gz"
    )
