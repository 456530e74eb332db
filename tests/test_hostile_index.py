"""A broken or hostile index against gen, check and outdated: real local servers, real files.

Nothing an index serves may become a live line of a pinned file, a malformed page is an
environment error naming the page, and credentials work where pip's would and show nowhere.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dephash.errors import ExitCode
from dephash.http import make_session
from dephash.index.client import IndexClient
from tests.support.builder import make_sdist, make_wheel, sha
from tests.support.cli import run
from tests.support.jsonindex import JsonIndex
from tests.support.pinned import pinned

HOSTILE = "abcd\n--extra-index-url https://evil.example/simple/"


def live_lines(text: str) -> list[str]:
    """The lines pip reads as something other than a comment (str.splitlines, as pip does)."""
    return [
        line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")
    ]


@pytest.mark.parametrize("published", [HOSTILE, "abcd", "A" * 127, 12], ids=repr)
def test_a_published_digest_that_is_not_one_is_never_used_nor_written(
    json_index: JsonIndex, workdir: Path, published: object
) -> None:
    wheel = make_wheel(workdir / "dist", "hostile-digest", "1.0")
    json_index.add_file(
        "hostile-digest",
        wheel,
        hashes={"sha256": sha(wheel), "sha512": published},  # type: ignore[dict-item]
    )
    (workdir / "in.txt").write_text("hostile-digest\n")
    result = run("gen", "-i", json_index.url, "in.txt")
    assert result.exit_code == 0, result.output
    # The sha512 was computed from a download, verified against the published sha256.
    assert pinned(result.stdout) == {"hostile-digest": ("1.0", [f"sha512:{sha(wheel, 'sha512')}"])}
    assert json_index.count(f"/files/{wheel.name}") >= 1
    assert "evil" not in result.stdout
    assert all(
        line.startswith(("hostile-digest==", "    --hash=sha512:"))
        for line in live_lines(result.stdout)
    )
    assert (
        f"warning: {wheel.name}: index page {json_index.url}hostile-digest/ publishes a sha512 "
        "digest that is not one (not hex of the right length); ignored"
    ) in result.stderr


MALFORMED = {
    "a list": "[]",
    "files a string": '{"files": "x"}',
    "files null": '{"files": null}',
    "no files": '{"meta": {"api-version": "1.1"}}',
    "an entry not an object": '{"files": ["x"]}',
    "no filename": '{"files": [{"url": "x"}]}',
    "hashes a list": '{"files": [{"filename": "%s", "url": "x", "hashes": []}]}',
    "url a number": '{"files": [{"filename": "%s", "url": 5, "hashes": {}}]}',
    "no url": '{"files": [{"filename": "%s", "hashes": {}}]}',
    "yanked a number": '{"files": [{"filename": "%s", "url": "x", "yanked": 1}]}',
    "requires-python a list": '{"files": [{"filename": "%s", "url": "x", "requires-python": []}]}',
    "upload-time an object": '{"files": [{"filename": "%s", "url": "x", "upload-time": {}}]}',
}
EXPLAINED = {
    "a list": "a JSON array instead of an object",
    "files a string": "'files' is a JSON string, not a list",
    "files null": "'files' is null or missing, not a list",
    "no files": "'files' is null or missing, not a list",
    "an entry not an object": "file entry 1 is a JSON string, not an object",
    "no filename": "file entry 1 has no 'filename'",
    "hashes a list": "'hashes' is a JSON array",
    "url a number": "'url' is a JSON number",
    "no url": "'url' is null or missing",
    "yanked a number": "'yanked' is a JSON number",
    "requires-python a list": "'requires-python' is a JSON array",
    "upload-time an object": "'upload-time' is a JSON object",
}


def _serve_malformed(json_index: JsonIndex, project: str, case: str, filename: str) -> None:
    """pip reads the real page; dephash gets the malformed one."""
    body = MALFORMED[case].replace("%s", filename)
    json_index.serve_raw(f"/simple/{project}/", body, user_agent="dephash/")


@pytest.mark.parametrize("case", list(MALFORMED))
@pytest.mark.parametrize("command", ["gen", "check", "outdated"])
def test_a_malformed_json_page_is_an_environment_error_naming_it(
    json_index: JsonIndex, workdir: Path, case: str, command: str
) -> None:
    project = f"malformed-{command}"
    wheel = make_wheel(workdir / "dist", project, "1.0")
    json_index.add_file(project, wheel)
    pin = f"{project}==1.0 --hash=sha256:{sha(wheel)}\n"
    (workdir / "in.txt").write_text(project + "\n" if command == "gen" else pin)
    _serve_malformed(json_index, project, case, wheel.name)
    result = run(command, "-i", f"http://user:secret@127.0.0.1:{json_index.port}/simple/", "in.txt")
    assert result.exit_code == ExitCode.ENVIRONMENT, result.output
    # The credentials go in a header: the page as fetched has none in its URL.
    page = f"http://127.0.0.1:{json_index.port}/simple/{project}/"
    assert result.stderr.startswith(f"dephash: error: index page {page} is not a PEP 691 page: "), (
        result.stderr
    )
    assert EXPLAINED[case] in result.stderr
    assert "Traceback" not in result.output
    assert "secret" not in result.output
    assert len(result.stderr.splitlines()) <= 2


def test_a_malformed_entry_of_another_version_is_found_when_that_version_is_read(
    json_index: JsonIndex, workdir: Path
) -> None:
    """outdated parses only the newest versions' entries: a bad one among them is an error."""
    old = make_wheel(workdir / "dist", "malformed-later", "1.0")
    json_index.add_file("malformed-later", old)
    page = {
        "files": [
            {"filename": old.name, "url": f"../../files/{old.name}", "hashes": {}},
            {"filename": "malformed_later-2.0-py3-none-any.whl", "url": 7},
        ]
    }
    json_index.serve_raw("/simple/malformed-later/", json.dumps(page))
    (workdir / "in.txt").write_text(f"malformed-later==1.0 --hash=sha256:{sha(old)}\n")
    result = run("outdated", "-i", json_index.url, "in.txt")
    assert result.exit_code == ExitCode.ENVIRONMENT
    assert "malformed_later-2.0-py3-none-any.whl: 'url' is a JSON number" in result.stderr


def test_typed_values_cannot_start_a_line_of_the_pinned_file(
    json_index: JsonIndex, workdir: Path
) -> None:
    wheel = make_wheel(workdir / "dist", "typed-values", "1.0")
    json_index.add_file("typed-values", wheel)
    shown = "in\n--extra-index-url file:evil\n.txt"
    (workdir / shown).write_text("typed-values\n")
    result = run("gen", "--algorithm", "sha256", "-i", json_index.url, shown)
    assert result.exit_code == 0, result.output
    assert live_lines(result.stdout) == [
        "typed-values==1.0 \\",
        f"    --hash=sha256:{sha(wheel)}",
    ]
    assert "# from in\\n--extra-index-url file:evil\\n.txt, with sha256 hashes" in result.stdout
    # An option value that is no platform never gets as far as the file.
    platform = "any\n--extra-index-url https://evil.example/simple/"
    refused = run("gen", "--platform", platform, "-i", json_index.url, "-o", "out.txt", shown)
    assert refused.exit_code == ExitCode.BAD_INPUT
    assert "Invalid value for '--platform'" in refused.stderr
    assert not (workdir / "out.txt").exists()


def test_a_page_dephash_cannot_parse_is_an_error_not_a_file_lacking_hashes(
    json_index: JsonIndex, workdir: Path
) -> None:
    dist = workdir / "dist"
    files = [make_wheel(dist, "garbage-page", "1.0"), make_sdist(dist, "garbage-page", "1.0")]
    for path in files:
        json_index.add_file("garbage-page", path)
    garbage = "<html><body>\x00\x01 <<<a hre= </div></b>\ufffd not a listing"
    json_index.serve_raw("/simple/garbage-page/", garbage, "text/html", user_agent="dephash/")
    (workdir / "in.txt").write_text("garbage-page\n")
    with JsonIndex() as other:  # an index without the project: it is named too
        result = run(
            "gen",
            "--algorithm",
            "sha256",
            "-i",
            json_index.url,
            "--extra-index-url",
            other.url,
            "-o",
            "out.txt",
            "in.txt",
        )
    assert result.exit_code == ExitCode.ENVIRONMENT, result.output
    warning, error = result.stderr.splitlines()
    assert warning == (
        f"dephash: warning: index page {json_index.url}garbage-page/ ends before its closing "
        "</html>: if it was cut short, files it lists after the cut are missing"
    )
    assert error.startswith(
        f"dephash: error: garbage-page==1.0: no index page lists a file of this version "
        f"(read: {json_index.url}garbage-page/, {other.url} (no page)), though pip chose "
        f"{json_index.base}/files/"
    )
    assert not (workdir / "out.txt").exists()


def test_a_page_cut_short_is_said_naming_the_package_and_the_page(
    json_index: JsonIndex, workdir: Path
) -> None:
    dist = workdir / "dist"
    wheel = make_wheel(dist, "short-page", "1.0")
    other = make_wheel(dist, "short-page", "1.0", tag="cp311-cp311-win_amd64")
    sdist = make_sdist(dist, "short-page", "1.0")
    for path in (wheel, other, sdist):
        json_index.add_file("short-page", path)
    cut = f'<a href="../../files/{sdist.name}#sha256={sha(sdist)}">{sdist.name}</a>\n<a hr'
    json_index.serve_raw("/simple/short-page/", cut, "text/html", user_agent="dephash/")
    (workdir / "in.txt").write_text("short-page\n")
    result = run("gen", "--algorithm", "sha256", "-i", json_index.url, "in.txt")
    assert result.exit_code == 0, result.output
    assert pinned(result.stdout) == {
        "short-page": ("1.0", sorted([f"sha256:{sha(wheel)}", f"sha256:{sha(sdist)}"]))
    }
    assert (
        f"warning: short-page==1.0: the file pip chose, {json_index.base}/files/{wheel.name}, "
        f"is not on the index pages read ({json_index.url}short-page/)"
    ) in result.stderr
    assert (
        f"warning: index page {json_index.url}short-page/ ends before its closing </html>: "
        "if it was cut short, files it lists after the cut are missing"
    ) in result.stderr


@pytest.mark.parametrize("grouped", [False, True])
def test_a_whole_html_page_is_not_said_to_be_cut_short(
    json_index: JsonIndex, tmp_path: Path, caplog: pytest.LogCaptureFixture, grouped: bool
) -> None:
    json_index.json_enabled = False
    json_index.add_file("whole-page", make_wheel(tmp_path, "whole-page", "1.0"))
    client = IndexClient(make_session())
    read = client.versioned_page if grouped else client.project_page
    assert read(json_index.url, "whole-page") is not None
    assert caplog.text == ""
    json_index.serve_raw("/simple/whole-page/", "<a href='x-1.0.tar.gz'>x</a>", "text/html")
    assert read(json_index.url, "whole-page") is not None
    assert "whole-page/ ends before its closing </html>" in caplog.text
