"""Dependency confusion against two real local indexes (PEP 691 JSON servers)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from dephash.errors import ExitCode
from tests.support.builder import make_wheel
from tests.support.cli import run
from tests.support.jsonindex import JsonIndex


@pytest.fixture
def other_index() -> Iterator[JsonIndex]:
    """A second index beside ``json_index``."""
    with JsonIndex() as index:
        yield index


def publish(index: JsonIndex, folder: Path, name: str, version: str, payload: str = "") -> Path:
    wheel = make_wheel(folder, name, version, payload=payload)
    index.add_file(name, wheel)
    return wheel


def test_a_name_two_indexes_serve_with_other_files_is_refused_until_assigned(
    json_index: JsonIndex, other_index: JsonIndex, workdir: Path
) -> None:
    publish(json_index, workdir / "ours", "conf-app", "1.0", payload="ours")
    publish(other_index, workdir / "theirs", "conf-app", "1.0", payload="theirs")
    Path("in.txt").write_text("conf-app\n")
    indexes = ["-i", json_index.url, "--extra-index-url", other_index.url]
    result = run("gen", *indexes, "-o", "out.txt", "in.txt")
    assert result.exit_code == ExitCode.BAD_INPUT
    assert result.stderr == (
        f"dephash: error: dependency confusion: conf-app==1.0 is served by {json_index.url} "
        f"and {other_index.url} as files of the same names with other contents "
        "(conf_app-1.0-py3-none-any.whl); say where it comes from with --index-for "
        "conf-app=URL, or stop using the index that should not serve it\n"
    )
    assert not Path("out.txt").exists()

    result = run(
        "gen", *indexes, "--index-for", f"conf-app={json_index.url}", "-o", "out.txt", "in.txt"
    )
    assert result.exit_code == 0, result.output
    text = Path("out.txt").read_text()
    assert f"    # from {json_index.url}\n" in text
    assert f"--index-for conf-app={json_index.url}" in text
    assert text.count("--hash=") == 1
    # The file says where conf-app comes from: check takes it from there alone.
    result = run("check", *indexes, "--strict", "out.txt")
    assert result.exit_code == 0, result.output
    assert "no pinned name served differently by two indexes" in result.stdout


def test_a_mirror_passes(json_index: JsonIndex, other_index: JsonIndex, workdir: Path) -> None:
    wheel = publish(json_index, workdir / "dist", "conf-mirrored", "1.0")
    other_index.add_file("conf-mirrored", wheel)
    Path("in.txt").write_text("conf-mirrored\n")
    indexes = ["-i", json_index.url, "--extra-index-url", other_index.url]
    result = run("gen", *indexes, "-o", "out.txt", "in.txt")
    assert result.exit_code == 0, result.output
    assert "    # from" not in Path("out.txt").read_text()
    result = run("check", *indexes, "out.txt")
    assert result.exit_code == 0, result.output
    assert "no pinned name served differently by two indexes" in result.stdout


def test_check_fails_a_file_pinned_from_one_while_the_other_serves_other_files(
    json_index: JsonIndex, other_index: JsonIndex, workdir: Path
) -> None:
    publish(json_index, workdir / "ours", "conf-late", "1.0", payload="ours")
    Path("in.txt").write_text("conf-late\n")
    assert run("gen", "-i", json_index.url, "-o", "out.txt", "in.txt").exit_code == 0
    # Someone publishes the name elsewhere: a higher version, and none of the pinned one.
    publish(other_index, workdir / "theirs", "conf-late", "9.0", payload="theirs")
    result = run("check", "-i", json_index.url, "--extra-index-url", other_index.url, "out.txt")
    assert result.exit_code == ExitCode.FINDINGS
    assert (
        "out.txt:9: error: conf-late==1.0: served differently by "
        f"{json_index.url} (conf_late-1.0-py3-none-any.whl) and {other_index.url} "
        "(no file of this version): pip may install either; say where it comes from "
        "(gen --index-for conf-late=URL), or stop using the index that should not serve it "
        "[confusion]"
    ) in result.stdout


def test_an_assignment_to_an_index_not_in_use_is_bad_input(
    json_index: JsonIndex, other_index: JsonIndex, workdir: Path
) -> None:
    publish(json_index, workdir / "dist", "conf-where", "1.0")
    Path("in.txt").write_text("conf-where\n")
    result = run(
        "gen", "-i", json_index.url, "--index-for", f"conf-where={other_index.url}", "in.txt"
    )
    assert result.exit_code == ExitCode.BAD_INPUT
    assert result.stderr == (
        f"dephash: error: --index-for conf-where={other_index.url}: not an index or "
        f"find-links location in use (in use: {json_index.url})\n"
    )


@pytest.mark.parametrize("value", ["conf-x", "=http://x/", "conf-x=", "-bad-=http://x/"])
def test_a_malformed_assignment_is_a_usage_error(value: str) -> None:
    result = run("gen", "--index-for", value, "in.txt")
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "expected NAME=URL" in result.stderr


def test_an_assignment_for_a_name_not_pinned_is_a_warning(
    json_index: JsonIndex, other_index: JsonIndex, workdir: Path
) -> None:
    publish(json_index, workdir / "dist", "conf-only", "1.0")
    Path("in.txt").write_text("conf-only\n")
    indexes = ["-i", json_index.url, "--extra-index-url", other_index.url]
    result = run("gen", *indexes, "--index-for", f"Conf_Other={other_index.url}", "in.txt")
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        "dephash: warning: --index-for conf-other: not pinned, nothing to take from that index\n"
    )
    assert "    # from" not in result.stdout


def test_an_assigned_index_must_serve_the_version_pip_chose(
    json_index: JsonIndex, other_index: JsonIndex, workdir: Path
) -> None:
    publish(json_index, workdir / "ours", "conf-higher", "1.0", payload="ours")
    publish(other_index, workdir / "theirs", "conf-higher", "9.0", payload="theirs")
    Path("in.txt").write_text("conf-higher\n")
    indexes = ["-i", json_index.url, "--extra-index-url", other_index.url]
    result = run("gen", *indexes, "--index-for", f"conf-higher={json_index.url}", "in.txt")
    assert result.exit_code == ExitCode.BAD_INPUT
    assert result.stderr == (
        f"dephash: error: conf-higher==9.0: pip chose this version, of which {json_index.url} "
        "(--index-for) serves no file: pin a version it serves in the input\n"
    )
    Path("in.txt").write_text("conf-higher<9\n")
    result = run("gen", *indexes, "--index-for", f"conf-higher={json_index.url}", "in.txt")
    assert result.exit_code == 0, result.output
    assert "conf-higher==1.0 \\\n" in result.stdout


def test_a_find_links_folder_is_a_source_too(json_index: JsonIndex, workdir: Path) -> None:
    publish(json_index, workdir / "dist", "conf-local", "1.0")
    make_wheel(workdir / "wheels", "conf-local", "1.0+cpu", payload="local build")
    Path("in.txt").write_text("conf-local==1.0+cpu\n")
    sources = ["-i", json_index.url, "-f", "wheels"]
    result = run("gen", *sources, "in.txt")
    assert result.exit_code == ExitCode.BAD_INPUT
    assert (
        f"conf-local==1.0+cpu is served differently by {json_index.url} (no file of this "
        "version) and wheels (conf_local-1.0+cpu-py3-none-any.whl)"
    ) in result.stderr
    result = run("gen", *sources, "--index-for", "conf-local=wheels/", "-o", "out.txt", "in.txt")
    assert result.exit_code == 0, result.output
    assert "    # from wheels/\n" in Path("out.txt").read_text()
    assert run("check", *sources, "out.txt").exit_code == 0


def test_check_names_an_assigned_index_no_longer_in_use(
    json_index: JsonIndex, other_index: JsonIndex, workdir: Path
) -> None:
    publish(json_index, workdir / "ours", "conf-moved", "1.0", payload="ours")
    publish(other_index, workdir / "theirs", "conf-moved", "1.0", payload="theirs")
    Path("in.txt").write_text("conf-moved\n")
    indexes = ["-i", json_index.url, "--extra-index-url", other_index.url]
    result = run("gen", *indexes, "--index-for", f"conf-moved={other_index.url}", "in.txt")
    Path("out.txt").write_text(result.stdout)
    result = run("check", "-i", json_index.url, "-f", "nowhere", "out.txt")
    assert result.exit_code == ExitCode.FINDINGS
    assert (
        f"error: conf-moved==1.0: taken from {other_index.url}, which is not in use here: pip "
        "takes it from the others; add that index, or regenerate [confusion]"
    ) in result.stdout
    # --index-for on check's command line says the same as the file's annotation.
    pinned = [line for line in Path("out.txt").read_text().splitlines() if "    # from" not in line]
    Path("plain.txt").write_text("\n".join(pinned) + "\n")
    assert run("check", *indexes, "plain.txt").exit_code == ExitCode.FINDINGS
    result = run("check", *indexes, "--index-for", f"conf-moved={other_index.url}", "plain.txt")
    assert result.exit_code == 0, result.output


def test_a_find_links_folder_holding_the_index_s_files_is_a_mirror(
    json_index: JsonIndex, workdir: Path
) -> None:
    served = publish(json_index, workdir / "dist", "conf-copied", "1.0")
    wheel = workdir / "wheels" / served.name
    wheel.parent.mkdir()
    wheel.write_bytes(served.read_bytes())
    Path("in.txt").write_text("conf-copied\n")
    sources = ["-i", json_index.url, "-f", "wheels"]
    result = run("gen", *sources, "-o", "out.txt", "in.txt")
    assert result.exit_code == 0, result.output  # the folder's copy is hashed: the same bytes
    assert run("check", *sources, "out.txt").exit_code == 0
    wheel.write_bytes(make_wheel(workdir / "other", "conf-copied", "1.0", payload="x").read_bytes())
    result = run("check", *sources, "--no-cache", "out.txt")
    assert result.exit_code == ExitCode.FINDINGS
    assert "[confusion]" in result.stdout


def test_credentials_show_nowhere(
    json_index: JsonIndex, other_index: JsonIndex, workdir: Path
) -> None:
    publish(json_index, workdir / "ours", "conf-secret", "1.0", payload="ours")
    publish(other_index, workdir / "theirs", "conf-secret", "1.0", payload="theirs")
    json_index.auth = ("user", "hunter2")
    Path("in.txt").write_text("conf-secret\n")
    ours = f"http://user:hunter2@127.0.0.1:{json_index.port}/simple/"
    indexes = ["-i", ours, "--extra-index-url", other_index.url]
    refused = run("gen", *indexes, "in.txt")
    assert refused.exit_code == ExitCode.BAD_INPUT
    assert f"served by http://****@127.0.0.1:{json_index.port}/simple/ and" in refused.stderr
    result = run("gen", *indexes, "--index-for", f"conf-secret={ours}", "-o", "out.txt", "in.txt")
    assert result.exit_code == 0, result.output
    text = Path("out.txt").read_text()
    assert f"    # from http://****@127.0.0.1:{json_index.port}/simple/\n" in text
    assert f"'conf-secret=http://****@127.0.0.1:{json_index.port}/simple/'" in text
    checked = run("check", *indexes, "--strict", "out.txt")
    assert checked.exit_code == 0, checked.output
    for shown in (text, refused.stderr, result.stderr, checked.stdout, checked.stderr):
        assert "hunter2" not in shown
