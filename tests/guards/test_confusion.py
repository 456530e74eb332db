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
        "dephash: error: dependency confusion: conf-app==1.0 is served differently by "
        f"{json_index.url} (conf_app-1.0-py3-none-any.whl) and {other_index.url} "
        "(conf_app-1.0-py3-none-any.whl); say where it comes from with --index-for "
        "conf-app=URL, or stop using the index that should not serve it\n"
    )
    assert not Path("out.txt").exists()

    result = run("gen", *indexes, "--index-for", f"conf-app={json_index.url}", "-o", "out.txt", "in.txt")
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
