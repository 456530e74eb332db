"""``dephash check`` end to end: real pip, real local indexes, files written by gen."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from dephash.errors import ExitCode
from tests.support.builder import make_sdist, make_wheel, sha
from tests.support.cli import run
from tests.support.jsonindex import JsonIndex
from tests.support.pypiserver import PyPIServer, publish_to

ADVISORY = {
    "id": "GHSA-chk1-chk2-chk3",
    "aliases": ["CVE-2099-0001"],
    "summary": "Remote code execution through crafted input",
    "details": "...",
    "fixed_in": ["1.1"],
    "link": "https://osv.dev/vulnerability/GHSA-chk1-chk2-chk3",
    "withdrawn": None,
}


@dataclass
class World:
    index: str
    files: dict[str, list[Path]]


@pytest.fixture(scope="module")
def world(pypiserver: PyPIServer) -> World:
    files = {
        "chk-dep-1": publish_to(pypiserver, "chk-dep", "1.0"),
        "chk-dep-2": publish_to(pypiserver, "chk-dep", "2.0"),
        "chk-top-1": publish_to(pypiserver, "chk-top", "1.0", requires=["chk-dep>=1"]),
        "chk-top-2": publish_to(pypiserver, "chk-top", "2.0", requires=["chk-dep>=2"]),
        "chk-extra": publish_to(pypiserver, "chk-extra", "1.0"),
        "chk-new": publish_to(pypiserver, "chk-new", "1.0", sdist=False),
    }
    return World(pypiserver.url, files)


def generate(world: World, requirements: str, output: str = "prod.txt") -> str:
    Path("in.txt").write_text(requirements)
    result = run("gen", "-q", "-i", world.index, "-o", output, "in.txt")
    assert result.exit_code == 0, result.output
    return Path(output).read_text()


def report(*args: str) -> tuple[int, dict[str, Any]]:
    result = run("check", "--format", "json", *args)
    assert "Traceback" not in result.output
    return result.exit_code, json.loads(result.stdout)


def kinds(document: dict[str, Any]) -> list[tuple[str, str | None, str]]:
    return [(f["package"], f["version"], f["kind"]) for f in document["findings"]]


def hash_lines(paths: list[Path], algorithm: str = "sha256") -> str:
    return "".join(f" --hash={algorithm}:{sha(path, algorithm)}" for path in sorted(paths))


CLEAN = (
    "complete for pip's hash-checking mode; every hash matches a file the index serves, "
    "and every file that installs where it covers has a hash; no yanked release; "
    "every dependency pinned for each environment it covers"
)


def test_a_freshly_generated_file_passes(world: World, workdir: Path) -> None:
    generate(world, "chk-top==1.0\n")
    Path("in.txt").write_text("chk-top\n")  # the pins still fit: kept, not upgraded
    result = run("check", "-i", world.index, "prod.txt")
    assert result.exit_code == 0, result.output
    assert result.stdout == (f"prod.txt: OK (2 requirements, 4 hashes, 4 files served): {CLEAN}\n")
    assert result.stderr == ""
    result = run("check", "-i", world.index, "--input", "in.txt", "prod.txt")
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        f"prod.txt: OK (2 requirements, 4 hashes, 4 files served): {CLEAN}; in sync with in.txt\n"
    )
    code, document = report("-i", world.index, "--input", "in.txt", "prod.txt")
    assert code == 0
    assert document == {
        "file": "prod.txt",
        "input": "in.txt",
        "checked": ["hash-mode", "integrity", "yanked", "portable", "sync"],
        "requirements": 2,
        "hashes": 4,
        "files": 4,
        "errors": 0,
        "warnings": 0,
        "findings": [],
        "drift": [],
        "vulnerability_data_unavailable": [],
        "portability_unjudged": [],
        "allowlisted": [],
        "exit_code": 0,
    }


def test_a_tampered_hash(world: World, workdir: Path) -> None:
    text = generate(world, "chk-top==1.0\nchk-dep==1.0\n")
    wheel = world.files["chk-dep-1"][0]
    digest = sha(wheel, "sha512")
    tampered = digest[:-1] + ("0" if digest[-1] != "0" else "1")
    Path("prod.txt").write_text(text.replace(digest, tampered))
    result = run("check", "-i", world.index, "prod.txt")
    assert result.exit_code == ExitCode.FINDINGS
    line = text[: text.index(digest)].count("\n") - 1  # the requirement, above its hashes
    assert result.stdout.splitlines()[:2] == [
        f"prod.txt:{line}: error: chk-dep==1.0: --hash=sha512:{tampered[:16]}… matches no "
        "file served for this release (tampered with, or a file was replaced): find out why, "
        "then regenerate [hash-mismatch]",
        f"prod.txt:{line}: warning: chk-dep==1.0: {wheel.name} is served for this release but "
        "no hash covers it: pip may choose it on some platform and fail; regenerate "
        "[uncovered-file]",
    ]
    assert result.stdout.endswith(
        "prod.txt: 1 error, 1 warning (2 requirements, 4 hashes, 4 files served; "
        "checked: hash-mode, integrity, yanked, portable)\n"
    )


def test_a_line_stripped_of_its_hashes(world: World, workdir: Path) -> None:
    text = generate(world, "chk-top==1.0\n", output="full.txt")
    stripped = re.sub(
        r"chk-dep==2.0 \\\n(    --hash=\S+ \\\n)*    --hash=\S+\n", "chk-dep==2.0\n", text
    )
    assert "chk-dep==2.0\n" in stripped
    Path("prod.txt").write_text(stripped)
    code, document = report("-i", world.index, "prod.txt")
    assert code == ExitCode.FINDINGS
    assert kinds(document) == [("chk-dep", "2.0", "missing-hash")]
    assert document["findings"][0]["message"].startswith("no --hash: in hash-checking mode")


def test_files_without_a_hash_are_warnings_that_fail_only_when_strict(
    world: World, workdir: Path
) -> None:
    wheel, sdist = world.files["chk-extra"]
    Path("prod.txt").write_text(f"chk-extra==1.0{hash_lines([wheel])}\n")
    result = run("check", "-i", world.index, "prod.txt")
    assert result.exit_code == 0
    assert f"warning: chk-extra==1.0: {sdist.name} is served for this release" in result.stdout
    assert "prod.txt: 0 errors, 1 warning" in result.stdout
    assert run("check", "--strict", "-i", world.index, "prod.txt").exit_code == 1


def test_every_kind_of_incomplete_line_at_once(world: World, workdir: Path) -> None:
    top = world.files["chk-top-1"]
    Path("prod.txt").write_text(
        f"chk-top==1.0{hash_lines(top)}\n"
        f"chk-dep>=1{hash_lines(world.files['chk-dep-1'])}\n"
        f"chk-top==1.0{hash_lines(top)}\n"
        "-e ./somewhere\n"
        f"chk-extra==1.0 --hash=md5:{'0' * 32} --hash=sha256:{'A' * 64}\n"
    )
    Path("in.txt").write_text("chk-top\n")
    code, document = report("-i", world.index, "--input", "in.txt", "prod.txt")
    assert code == ExitCode.FINDINGS
    assert kinds(document) == [
        ("-e ./somewhere", None, "unhashable"),
        ("chk-dep", None, "unpinned"),
        ("chk-dep", "2.0", "missing"),
        ("chk-extra", "1.0", "bad-hash"),
        ("chk-extra", "1.0", "bad-hash"),
        ("chk-extra", "1.0", "unneeded"),
        ("chk-top", "1.0", "duplicate"),
    ]
    messages = [f["message"] for f in document["findings"]]
    assert messages[0] == (
        "editable requirement cannot be pinned by hash: '-e ./somewhere' "
        "(pip install --require-hashes refuses editables)"
    )
    assert messages[1].startswith("not pinned with '==' ('chk-dep>=1'): ")
    assert (
        messages[6]
        == "pinned twice (also at prod.txt:1): keep one line, so that the two cannot drift apart"
    )
    assert document["findings"][6]["location"] == "prod.txt:3"


@dataclass
class Offline:
    text: str
    findings: list[tuple[str, str | None, str]]


@pytest.mark.parametrize(
    "case",
    [
        Offline(f"a==1.0 --hash=sha256:{'a' * 64}\n", []),
        Offline("a==1.0\n", [("a", "1.0", "missing-hash")]),
        Offline(f"a>1 --hash=sha256:{'a' * 64}\n", [("a", None, "unpinned")]),
        Offline("a\n", [("a", None, "unpinned"), ("a", None, "missing-hash")]),
        Offline(
            f"a==1 --hash=sha256:{'a' * 64}\nA==1 --hash=sha256:{'a' * 64}\n",
            [("a", "1", "duplicate")],
        ),
        Offline(
            f"a==1 --hash=sha256:{'a' * 64}\na==2 --hash=sha256:{'b' * 64}\n",
            [("a", "2", "duplicate")],
        ),
        Offline(
            f"a==1 ; python_version < '3.11' --hash=sha256:{'a' * 64}\n"
            f"a==2 ; python_version >= '3.11' --hash=sha256:{'b' * 64}\n",
            [],
        ),
        Offline(
            f"a==1 ; sys_platform == 'win32' --hash=sha256:{'a' * 64}\n"
            f"a==2 ; python_version >= '3.11' --hash=sha256:{'b' * 64}\n",
            [("a", "2", "duplicate")],
        ),
        Offline(
            "git+https://example.org/a.git#egg=a\n",
            [("git+https://example.org/a.git#egg=a", None, "unhashable")],
        ),
        Offline(f"a==1 --hash=sha384:{'a' * 64}\n", [("a", "1", "bad-hash")]),
        Offline(f"a==1 --hash=sha256{'a' * 64}\n", [("a", "1", "bad-hash")]),
        Offline(f"https://example.org/a-1.0.tar.gz --hash=sha512:{'a' * 128}\n", []),
        Offline("a @ https://example.org/a-1.0.tar.gz\n", [("a", None, "missing-hash")]),
        Offline(f"-c other.txt\na===1.0 --hash=sha256:{'a' * 64}\n", []),
    ],
)
def test_hash_mode_completeness_needs_no_network(workdir: Path, case: Offline) -> None:
    (workdir / "other.txt").write_text("b>1\n")
    (workdir / "prod.txt").write_text(case.text)
    code, document = report("--offline", "-i", "http://127.0.0.1:9/simple/", "prod.txt")
    assert code == (ExitCode.FINDINGS if case.findings else ExitCode.OK)
    assert kinds(document) == case.findings
    assert document["checked"] == ["hash-mode"]
    result = run("check", "--offline", "prod.txt")
    if not case.findings:
        assert result.stdout.endswith(
            "complete for pip's hash-checking mode; "
            "offline: integrity and yanked releases not checked\n"
        )


def test_yanked_and_vanished_releases(json_index: JsonIndex, workdir: Path) -> None:
    dist = workdir / "dist"
    yanked = make_wheel(dist, "chk-yanked", "1.0")
    silent = make_wheel(dist, "chk-silent", "1.0")
    live = make_wheel(dist, "chk-live", "2.0")
    json_index.add_file("chk-yanked", yanked, yanked="broke the API")
    json_index.add_file("chk-live", live)
    json_index.add_file("chk-silent", silent, yanked=True)
    Path("prod.txt").write_text(
        f"chk-yanked==1.0{hash_lines([yanked])}\n"
        f"chk-silent==1.0{hash_lines([silent])}\n"
        f"chk-live==3.0 --hash=sha256:{'0' * 64}\n"
        f"chk-nowhere==1.0 --hash=sha256:{'0' * 64}\n"
    )
    result = run("check", "-i", json_index.url, "prod.txt")
    assert result.exit_code == ExitCode.FINDINGS
    assert result.stdout.splitlines()[:4] == [
        "prod.txt:3: error: chk-live==3.0: no index or find-links location serves a file "
        "of this release (removed, or another index?): pip cannot install it; pin a release "
        "that exists [not-found]",
        "prod.txt:4: error: chk-nowhere==1.0: no index or find-links location serves a file "
        "of this release (removed, or another index?): pip cannot install it; pin a release "
        "that exists [not-found]",
        "prod.txt:2: error: chk-silent==1.0: yanked from its index (no reason given): "
        "pin another release [yanked]",
        "prod.txt:1: error: chk-yanked==1.0: yanked from its index (broke the API): "
        "pin another release [yanked]",
    ]


@dataclass
class Stale:
    before: str
    after: str
    findings: list[tuple[str, str | None, str]]
    diff: list[str]


@pytest.mark.parametrize(
    "case",
    [
        Stale(
            "chk-top==1.0\nchk-dep<2\n",
            "chk-top==1.0\nchk-dep>=2\n",
            [("chk-dep", "1.0", "unsatisfied")],
            ["-chk-dep==1.0", "+chk-dep==2.0"],
        ),
        Stale(
            "chk-top==1.0\n",
            "chk-top==1.0\nchk-new\n",
            [("chk-new", "1.0", "missing")],
            ["+chk-new==1.0"],
        ),
        Stale(
            "chk-top==1.0\nchk-extra\n",
            "chk-top==1.0\n",
            [("chk-extra", "1.0", "unneeded")],
            ["-chk-extra==1.0"],
        ),
    ],
    ids=["unsatisfied", "missing", "unneeded"],
)
def test_a_file_stale_against_its_input(world: World, workdir: Path, case: Stale) -> None:
    generate(world, case.before)
    Path("in.txt").write_text(case.after)
    result = run("check", "-i", world.index, "--input", "in.txt", "prod.txt")
    assert result.exit_code == ExitCode.FINDINGS, result.output
    diff = result.stdout.split("+++ in.txt (resolved now)\n")[1].split("\n\n")[0]
    assert diff.splitlines() == case.diff
    assert "prod.txt is out of sync with in.txt:\n--- prod.txt (pinned)\n" in result.stdout
    code, document = report("-i", world.index, "--input", "in.txt", "prod.txt")
    assert kinds(document) == case.findings
    assert code == ExitCode.FINDINGS


def test_drift_of_every_kind_names_what_needs_it(world: World, workdir: Path) -> None:
    generate(world, "chk-top==1.0\nchk-dep<2\nchk-extra\n")
    Path("in.txt").write_text("chk-top>=2\nchk-new\n")
    result = run("check", "-i", world.index, "--input", "in.txt", "prod.txt")
    assert result.exit_code == ExitCode.FINDINGS
    lines = result.stdout.splitlines()
    assert [line.split(": ")[2] for line in lines[:4]] == [
        "chk-dep==1.0",
        "chk-extra==1.0",
        "chk-new==1.0",
        "chk-top==1.0",
    ]
    assert lines[0].endswith(
        "no longer fits in.txt, which now resolves to chk-dep==2.0 (via chk-top): "
        "regenerate [changed]"
    )
    assert lines[1].endswith(
        "nothing in in.txt needs it any more: remove it (regenerate) [unneeded]"
    )
    assert lines[2] == (
        "prod.txt: error: chk-new==1.0: in.txt now needs chk-new==1.0 (via -r in.txt), "
        "but the file does not pin it: regenerate [missing]"
    )
    assert lines[3].endswith(
        "in.txt:1 asks for chk-top>=2, which this pin does not satisfy: regenerate [unsatisfied]"
    )
    assert lines[5:13] == [
        "prod.txt is out of sync with in.txt:",
        "--- prod.txt (pinned)",
        "+++ in.txt (resolved now)",
        "-chk-dep==1.0",
        "+chk-dep==2.0",
        "-chk-extra==1.0",
        "+chk-new==1.0",
        "-chk-top==1.0",
    ]
    assert lines[13] == "+chk-top==2.0"


def test_markers_the_environment_excludes(world: World, workdir: Path) -> None:
    text = generate(world, "chk-top==1.0\n")
    extra = world.files["chk-extra"]
    Path("prod.txt").write_text(
        text + f'chk-extra==1.0 ; sys_platform == "win32"{hash_lines(extra)}\n'
    )
    Path("in.txt").write_text(
        'chk-top\nchk-extra>=5 ; sys_platform == "win32"\nchk-dep ; python_version >= "3"\n'
    )
    result = run("check", "-i", world.index, "--input", "in.txt", "prod.txt")
    assert result.exit_code == 0, result.output
    assert result.stdout.endswith("; in sync with in.txt\n")


def test_options_inside_the_pinned_file_are_honoured(world: World, workdir: Path) -> None:
    text = generate(world, "chk-top==1.0\n")
    Path("c.txt").write_text("chk-dep<3\n")
    Path("prod.txt").write_text(f"--index-url {world.index}\n-c c.txt\n{text}")
    Path("in.txt").write_text("chk-top\n")
    assert run("check", "--input", "in.txt", "prod.txt").exit_code == 0
    links = workdir / "links"
    wheel = make_wheel(links, "chk-local", "1.0")
    sdist = make_sdist(links, "chk-local", "1.0")
    Path("prod.txt").write_text(
        f"--no-index\n--find-links links\n--extra-index-url {world.index}\n"
        f"chk-local==1.0{hash_lines([wheel, sdist], 'sha512')}\n"
    )
    Path("in.txt").write_text("chk-local\n")
    result = run("check", "--pre", "--only-binary", ":all:", "--input", "in.txt", "prod.txt")
    assert result.exit_code == 0, result.output
    assert "(1 requirement, 2 hashes, 2 files served)" in result.stdout


def test_direct_urls_and_local_archives(json_index: JsonIndex, workdir: Path) -> None:
    dist = workdir / "dist"
    remote = make_wheel(dist, "chk-url", "1.0")
    url = json_index.add_file("chk-url", remote, absolute_url=True)
    local = make_wheel(workdir / "sub" / "dist", "chk-path", "1.0")
    (workdir / "sub" / "prod.txt").write_text(
        f"chk-url @ {url}{hash_lines([remote])}\n"
        f"./dist/{local.name}{hash_lines([local], 'sha384')}\n"
    )
    (workdir / "sub" / "in.txt").write_text(f"chk-url @ {url}\n")
    result = run("check", "-i", json_index.url, "--input", "sub/in.txt", "sub/prod.txt")
    assert result.exit_code == 0, result.output
    assert "(2 requirements, 2 hashes, 0 files served)" in result.stdout
    (workdir / "sub" / "prod.txt").write_text(f"chk-url @ {url} --hash=sha256:{'1' * 64}\n")
    code, document = report("-i", json_index.url, "sub/prod.txt")
    assert code == ExitCode.FINDINGS
    assert kinds(document) == [
        ("chk-url", None, "hash-mismatch"),
        ("chk-url", None, "uncovered-file"),
    ]
    (workdir / "sub" / "in.txt").write_text(f"chk-url @ {url}?moved\n")
    (workdir / "sub" / "prod.txt").write_text(f"chk-url @ {url}{hash_lines([remote])}\n")
    result = run("check", "-i", json_index.url, "--input", "sub/in.txt", "sub/prod.txt")
    assert result.exit_code == ExitCode.FINDINGS
    assert f"-chk-url @ {url}\n+chk-url @ {url}?moved\n" in result.stdout


@pytest.fixture
def vulnerable(json_index: JsonIndex, workdir: Path) -> JsonIndex:
    wheel = make_wheel(workdir / "dist", "chk-vuln", "1.0")
    json_index.add_file("chk-vuln", wheel)
    Path("prod.txt").write_text(f"chk-vuln==1.0{hash_lines([wheel])}\n")
    return json_index


def test_known_vulnerabilities_are_findings(vulnerable: JsonIndex) -> None:
    vulnerable.set_vulnerabilities("chk-vuln", "1.0", [ADVISORY])
    result = run("check", "--vulns", "-i", vulnerable.url, "prod.txt")
    assert result.exit_code == ExitCode.FINDINGS
    assert result.stdout.splitlines()[0] == (
        "prod.txt:1: error: chk-vuln==1.0: GHSA-chk1-chk2-chk3 (CVE-2099-0001): Remote code "
        "execution through crafted input; fixed in 1.1: upgrade [vulnerable]"
    )
    code, document = report("--vulns", "-i", vulnerable.url, "prod.txt")
    assert code == ExitCode.FINDINGS
    assert document["findings"][0]["vulnerability"] == {
        "id": "GHSA-chk1-chk2-chk3",
        "aliases": ["CVE-2099-0001"],
        "summary": "Remote code execution through crafted input",
        "fixed_in": ["1.1"],
        "link": "https://osv.dev/vulnerability/GHSA-chk1-chk2-chk3",
    }
    unfixed = {"id": "PYSEC-2099-2"}
    vulnerable.set_vulnerabilities("chk-vuln", "1.0", [unfixed])
    result = run("check", "--vulns", "-i", vulnerable.url, "prod.txt")
    assert "chk-vuln==1.0: PYSEC-2099-2; no fixed release is known [vulnerable]" in result.stdout


def test_an_allowlist_silences_accepted_ids(vulnerable: JsonIndex) -> None:
    vulnerable.set_vulnerabilities("chk-vuln", "1.0", [ADVISORY])
    Path("allow.txt").write_text("# accepted\nCVE-2099-0001  # we never parse input\n")
    args = ("check", "--vulns", "--allowlist", "allow.txt", "-i", vulnerable.url, "prod.txt")
    result = run(*args)
    assert result.exit_code == 0, result.output
    assert result.stdout.endswith(
        "; no yanked release; no known vulnerabilities (allowlisted: GHSA-chk1-chk2-chk3)\n"
    )
    Path("allow.txt").write_text("CVE-2099-0001 we never parse input\n")
    result = run(*args)
    assert result.exit_code == ExitCode.BAD_INPUT
    assert result.stderr == (
        "dephash: error: allow.txt:1: not a vulnerability id (write 'ID' or 'ID  # reason'): "
        "'CVE-2099-0001 we never parse input'\n"
    )
    assert result.stdout == ""


def test_no_known_vulnerabilities_only_with_data(vulnerable: JsonIndex) -> None:
    result = run("check", "--vulns", "-i", vulnerable.url, "prod.txt")
    assert result.exit_code == 0
    assert result.stdout.endswith("; no yanked release; no known vulnerabilities\n")
    vulnerable.pypi_json_enabled = False
    result = run("check", "--vulns", "-i", vulnerable.url, "prod.txt")
    assert result.exit_code == ExitCode.ENVIRONMENT
    assert result.stdout == (
        "\nNo vulnerability data could be had for:\n"
        f"  chk-vuln==1.0: {vulnerable.base}/pypi/chk-vuln/1.0/json answers 404\n\n"
        "prod.txt: 0 errors, 0 warnings, vulnerability data unavailable for 1 pinned release "
        "(1 requirement, 1 hash, 1 file served; checked: hash-mode, integrity, yanked, "
        "vulnerabilities)\n"
    )
    assert result.stderr == (
        "dephash: error: vulnerability data is unavailable for 1 pinned release "
        "(listed in the report); nothing is claimed about them\n"
    )
    code, document = report("--vulns", "-i", vulnerable.url, "prod.txt")
    assert code == ExitCode.ENVIRONMENT
    assert document["exit_code"] == 3
    assert document["vulnerability_data_unavailable"] == [
        f"chk-vuln==1.0: {vulnerable.base}/pypi/chk-vuln/1.0/json answers 404"
    ]


def test_no_vulnerability_data_without_an_index(world: World, workdir: Path) -> None:
    """pypiserver has no /pypi/ API; find-links and URLs have none at all."""
    links = workdir / "links"
    wheel = make_wheel(links, "chk-linked", "1.0")
    top = world.files["chk-extra"]
    Path("prod.txt").write_text(
        f"chk-linked==1.0{hash_lines([wheel])}\n"
        f"chk-extra==1.0{hash_lines(top)}\n"
        f"chk-url @ {wheel.as_uri()}{hash_lines([wheel])}\n"
    )
    code, document = report("--vulns", "-i", world.index, "-f", "links", "prod.txt")
    assert code == ExitCode.ENVIRONMENT
    assert document["vulnerability_data_unavailable"] == [
        f"chk-extra==1.0: {world.index[: -len('simple/')]}pypi/chk-extra/1.0/json answers 404",
        "chk-linked==1.0: no index lists it",
        "chk-url: pinned by URL, no release to look up",
    ]
    assert document["errors"] == 0
    result = run("check", "--vulns", "-i", world.index, "-f", "links", "prod.txt")
    assert result.stderr == (
        "dephash: error: vulnerability data is unavailable for 3 pinned releases "
        "(listed in the report); nothing is claimed about them\n"
    )


OFFLINE_ONLY = "--offline checks only hash-checking completeness: drop --input/--vulns"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("nope.txt",), "requirements file not found: nope.txt"),
        (("--offline", "--input", "in.txt", "prod.txt"), OFFLINE_ONLY),
        (("--offline", "--vulns", "prod.txt"), OFFLINE_ONLY),
        (
            ("--allowlist", "allow.txt", "prod.txt"),
            "--allowlist applies to --vulns: add --vulns, or drop the allowlist",
        ),
        (("--vulns", "--allowlist", "nope.txt", "prod.txt"), "allowlist not found: nope.txt"),
        (("--input", "nope.txt", "prod.txt"), "requirements file not found: nope.txt"),
        (("bad.txt",), "bad.txt:2: not a valid requirement: 'this is not a requirement'"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    workdir: Path, args: tuple[str, ...], message: str
) -> None:
    Path("prod.txt").write_text(f"a==1 --hash=sha256:{'a' * 64}\n")
    Path("in.txt").write_text("a\n")
    Path("bad.txt").write_text("a==1\nthis is not a requirement\n")
    result = run("check", *args)
    assert result.exit_code == ExitCode.BAD_INPUT
    assert result.stderr == f"dephash: error: {message}\n"
    assert result.stdout == ""


def test_an_input_that_cannot_be_resolved(world: World, workdir: Path) -> None:
    generate(world, "chk-top==1.0\n")
    Path("in.txt").write_text("chk-top>=2\nchk-dep<2\n")
    result = run("check", "-i", world.index, "--input", "in.txt", "prod.txt")
    assert result.exit_code == ExitCode.BAD_INPUT
    assert result.stderr.startswith("dephash: error: pip could not resolve the requirements")


def test_an_unreachable_index_is_an_environment_failure(workdir: Path) -> None:
    Path("prod.txt").write_text(f"a==1 --hash=sha256:{'a' * 64}\n")
    result = run(
        "check", "--retries", "0", "-i", "http://user:hunter2@127.0.0.1:9/simple/", "prod.txt"
    )
    assert result.exit_code == ExitCode.ENVIRONMENT
    assert result.stderr.startswith("dephash: error: cannot fetch http://****@127.0.0.1:9/")
    assert "hunter2" not in result.output
    assert result.stdout == ""


def test_help_documents_the_checks_and_exit_codes() -> None:
    result = run("check", "--help")
    assert result.exit_code == 0
    for text in (
        "--input FILE",
        "--vulns",
        "--format [text|json]",
        "1  findings",
        "3  environment",
    ):
        assert text in result.stdout


@pytest.mark.network
def test_a_pin_on_a_yanked_release_of_the_public_index(workdir: Path) -> None:
    """requests 2.32.0 was yanked for good; its files' digests never change."""
    Path("prod.txt").write_text(
        "requests==2.32.0"
        " --hash=sha256:f2c3881dddb70d056c5bd7600a4fae312b2a300e39be6a118d30b90bd27262b5"
        " --hash=sha256:fa5490319474c82ef1d2c9bc459d3652e3ae4ef4c4ebdd18a21145a47ca4b6b8\n"
    )
    code, document = report("-i", "https://pypi.org/simple/", "prod.txt")
    assert code == ExitCode.FINDINGS
    found = kinds(document)
    assert ("requests", "2.32.0", "yanked") in found
    assert ("requests", "2.32.0", "hash-mismatch") not in found
    assert all(f["package"] == "requests" for f in document["findings"])
