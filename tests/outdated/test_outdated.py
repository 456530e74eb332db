"""``dephash outdated`` end to end: real venvs, real pip, a real local index."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from packaging.version import Version

from dephash.errors import ExitCode
from tests.support.builder import make_sdist, make_wheel
from tests.support.cli import run as run_cli
from tests.support.jsonindex import JsonIndex

# Stand-ins for six, idna and certifi, with the releases of the "Done when" scenario,
# plus a yanked release, a pre-release and a Requires-Python bound on idna.
RELEASES: dict[str, list[tuple[str, dict[str, Any]]]] = {
    "od-six": [("1.15.0", {}), ("1.16.0", {}), ("1.17.0", {})],
    "od-idna": [
        ("3.6", {}),
        ("3.10", {}),
        ("3.11", {"yanked": "broken wheel"}),
        ("3.12", {"requires_python": ">=3.99"}),
        ("4.0rc1", {}),
    ],
    "od-certifi": [("2024.1.1", {}), ("2025.1.1", {})],
    "od-only-yanked": [("1.0", {"yanked": True})],
}


@dataclass
class World:
    index: JsonIndex
    venv: Path

    @property
    def url(self) -> str:
        return self.index.url


def pip(env: dict[str, str], *args: str) -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "pip", *args], env=env, capture_output=True, text=True, check=False
    )
    assert completed.returncode == 0, completed.stderr


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """A JSON index with the releases above, and a venv with the old ones installed."""
    root = tmp_path_factory.mktemp("outdated-world")
    env = {key: value for key, value in os.environ.items() if not key.startswith("PIP_")}
    env.update(PIP_CONFIG_FILE=os.devnull, PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_INPUT="1")
    env["PIP_CACHE_DIR"] = str(root / "pip-cache")
    with JsonIndex() as index:
        for project, releases in RELEASES.items():
            for version, details in releases:
                index.add_file(project, make_wheel(root / "dist", project, version), **details)
        index.add_file("od-six", make_sdist(root / "dist", "od-six", "1.17.0"))
        venv = root / "venv"
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
        pip(env, "--python", str(venv / "bin" / "python"), "install", "--index-url", index.url,
            "od-six==1.15.0", "od-idna==3.6", "od-certifi==2025.1.1")  # fmt: skip
        yield World(index, venv)


def run(*args: str) -> Result:
    return run_cli("outdated", *args)


PINNED = """\
# pinned by dephash gen
od-six==1.15.0 \\
    --hash=sha256:0000000000000000000000000000000000000000000000000000000000000000
-r more.txt
od-certifi==2025.1.1 ; python_version >= "3"  # current
"""


@pytest.fixture
def pinned(workdir: Path) -> Path:
    (workdir / "more.txt").write_text("od-idna==3.6\n")
    (workdir / "requirements.txt").write_text(PINNED)
    return workdir / "requirements.txt"


def rows(stdout: str) -> dict[str, tuple[str, ...]]:
    """name -> the other cells, from the first table of the report."""
    lines = stdout.splitlines()
    table = []
    for line in lines[3:]:
        if not line:
            break
        table.append(line.split())
    return {cells[0]: tuple(cells[1:]) for cells in table}


# -- the "Done when" scenario -------------------------------------------------


def test_a_venv_reports_old_six_and_idna_but_not_certifi(world: World, workdir: Path) -> None:
    result = run("--index-url", world.url, str(world.venv))
    assert result.exit_code == ExitCode.FINDINGS, result.output
    assert result.stdout == (
        "Found outdated packages in venv:\n"
        "Package  Current  Latest  Type\n"
        "-------  -------  ------  -----\n"
        "od-idna  3.6      3.10    wheel\n"
        "od-six   1.15.0   1.17.0  wheel\n"
    )
    assert result.stderr == ""


def test_a_pinned_file_reports_the_same_without_installing(world: World, pinned: Path) -> None:
    result = run("--index-url", world.url, "requirements.txt")
    assert result.exit_code == ExitCode.FINDINGS, result.output
    assert result.stdout.startswith("Found outdated packages in requirements.txt:\n")
    assert rows(result.stdout) == {
        "od-idna": ("3.6", "3.10", "wheel"),
        "od-six": ("1.15.0", "1.17.0", "wheel"),
    }
    assert result.stderr == ""


def test_an_allowlist_silences_six_and_then_both(world: World, pinned: Path) -> None:
    (pinned.parent / "allow.txt").write_text("od-six  # waiting for a vendor\n")
    result = run("-i", world.url, "--allowlist", "allow.txt", "requirements.txt")
    assert result.exit_code == ExitCode.FINDINGS, result.output
    assert rows(result.stdout) == {"od-idna": ("3.6", "3.10", "wheel")}
    assert result.stdout.endswith(
        "\nAllowed to stay outdated:\n"
        "Package  Current  Latest  Allowed by   Reason\n"
        "-------  -------  ------  -----------  --------------------\n"
        "od-six   1.15.0   1.17.0  allow.txt:1  waiting for a vendor\n"
    )
    (pinned.parent / "allow.txt").write_text("od-six  # waiting for a vendor\nod-idna==3.6\n")
    for path in ("requirements.txt", str(world.venv)):
        result = run("-i", world.url, "--allowlist", "allow.txt", path)
        assert result.exit_code == ExitCode.OK, result.output
        assert result.stdout.splitlines()[0].endswith(" (2 allowed by the allowlist).")
        assert result.stderr == ""


def test_json_output_parses(world: World, pinned: Path) -> None:
    result = run("-i", world.url, "--format", "json", "--ignore", "od-six", "requirements.txt")
    assert result.exit_code == ExitCode.FINDINGS, result.output
    report = json.loads(result.stdout)
    assert report["path"] == "requirements.txt"
    assert report["kind"] == "requirements"
    assert report["outdated"] == [
        {
            "name": "od-idna",
            "current": "3.6",
            "latest": "3.10",
            "latest_filetype": "wheel",
            "where": ["more.txt:1"],
        }
    ]
    assert [(a["name"], a["allowed_by"], a["entry"]) for a in report["allowed"]] == [
        ("od-six", "--ignore", "od-six")
    ]
    assert report["allowed"][0]["where"] == ["requirements.txt:2"]
    assert report["ahead"] == report["skipped"] == report["missing"] == []
    assert report["stale_allowlist"] == []
    venv = run("-i", world.url, "--format", "json", str(world.venv / "bin" / "python"))
    assert venv.exit_code == ExitCode.FINDINGS, venv.output
    data = json.loads(venv.stdout)
    assert data["kind"] == "virtualenv"
    assert data["path"] == "python"
    assert [(p["name"], p["current"], p["latest"]) for p in data["outdated"]] == [
        ("od-idna", "3.6", "3.10"),
        ("od-six", "1.15.0", "1.17.0"),
    ]


def test_a_missing_path_is_a_clean_usage_error(workdir: Path) -> None:
    result = run("nowhere/requirements.txt")
    assert result.exit_code == ExitCode.BAD_INPUT
    assert result.stdout == ""
    assert result.stderr == (
        "dephash: error: no such virtualenv or requirements file: nowhere/requirements.txt\n"
    )


# -- the requirements file: which releases count -----------------------------


def test_yanked_pre_releases_and_requires_python_are_honoured(world: World, workdir: Path) -> None:
    (workdir / "r.txt").write_text("od-idna==3.6\n")
    assert rows(run("-i", world.url, "r.txt").stdout) == {"od-idna": ("3.6", "3.10", "wheel")}
    assert rows(run("-i", world.url, "--pre", "r.txt").stdout)["od-idna"][1] == "4.0rc1"
    newer = run("-i", world.url, "--python-version", "3.99", "r.txt")
    assert rows(newer.stdout)["od-idna"][1] == "3.12"
    (workdir / "r.txt").write_text("--pre\nod-idna==3.6\n")
    assert rows(run("-i", world.url, "r.txt").stdout)["od-idna"][1] == "4.0rc1"


def test_a_venv_honours_pre(world: World, workdir: Path) -> None:
    result = run("-i", world.url, "--pre", str(world.venv))
    assert rows(result.stdout)["od-idna"] == ("3.6", "4.0rc1", "wheel")


def test_lines_that_cannot_be_checked_are_reported(world: World, workdir: Path) -> None:
    (workdir / "r.txt").write_text(
        "od-six>=1.0 --hash=sha256:00\n"
        "od-certifi===weird\n"
        "od-idna @ https://example.org/od_idna-3.6-py3-none-any.whl\n"
        "-e ./src\n"
        "od-only-yanked==1.0\n"
        "od-certifi==2024.1.1 ; sys_platform == 'no-such-platform'\n"
        "od-certifi==2025.1.1 ; platform_machine ~= 'x'\n"
    )
    result = run("-i", world.url, "r.txt")
    assert result.exit_code == ExitCode.OK, result.output
    assert result.stdout == "No outdated packages in r.txt.\n"
    assert result.stderr.splitlines() == [
        "dephash: warning: r.txt:1: od-six>=1.0 is not pinned with ==VERSION, "
        "so it cannot be outdated",
        "dephash: warning: r.txt:2: od-certifi===weird is not pinned with ==VERSION, "
        "so it cannot be outdated",
        "dephash: warning: r.txt:3: od-idna @ https://example.org/od_idna-3.6-py3-none-any.whl "
        "is not a package from an index, so it is not checked",
        "dephash: warning: r.txt:4: -e ./src is not a package from an index, so it is not checked",
        "dephash: note: r.txt:6: od-certifi==2024.1.1 ; sys_platform == 'no-such-platform' "
        "does not apply to this environment (marker)",
        f"dephash: warning: r.txt:5: od-only-yanked==1.0 no release is usable with Python "
        f"{sys.version_info.major}.{sys.version_info.minor}.{sys.version_info.micro} "
        "(all yanked, or Requires-Python)",
    ]
    quiet = run("-i", world.url, "-q", "r.txt")
    assert quiet.exit_code == ExitCode.OK
    assert quiet.stderr == ""


def test_pins_newer_than_the_index_are_noted(world: World, workdir: Path) -> None:
    (workdir / "r.txt").write_text("od-idna==4.0rc1\nod-six==9.0\nOD_Six==9.0.0\n")
    result = run("-i", world.url, "r.txt")
    assert result.exit_code == ExitCode.OK, result.output
    assert result.stderr.splitlines() == [
        "dephash: note: r.txt:1: od-idna==4.0rc1 is newer than the latest release the indexes "
        "offer (3.10) (a pre-release: --pre compares it with pre-releases)",
        "dephash: note: r.txt:2, r.txt:3: od-six==9.0 is newer than the latest release "
        "the indexes offer (1.17.0)",
    ]
    assert run("-i", world.url, "--pre", "r.txt").stderr.count("dephash: note:") == 1


# -- the allowlist --------------------------------------------------------------


def test_an_exact_version_entry_stops_applying_once_the_pin_moves(
    world: World, workdir: Path
) -> None:
    (workdir / "r.txt").write_text("od-six==1.16.0\nod-certifi==2025.1.1\n")
    (workdir / "allow.txt").write_text(
        "od-six==1.15.0  # old pin\nod-certifi\nod-certifi==2025.1.1\nod-gone\n"
    )
    result = run("-i", world.url, "--allowlist", "allow.txt", "--ignore", "od-idna", "r.txt")
    assert result.exit_code == ExitCode.FINDINGS, result.output
    assert rows(result.stdout) == {"od-six": ("1.16.0", "1.17.0", "wheel")}
    assert result.stderr.splitlines() == [
        "dephash: warning: allow.txt:1: stale allowlist entry 'od-six==1.15.0': "
        "od-six is at 1.16.0, not 1.15.0",
        "dephash: warning: allow.txt:2: stale allowlist entry 'od-certifi': "
        "od-certifi is up to date",
        "dephash: warning: allow.txt:3: stale allowlist entry 'od-certifi==2025.1.1': "
        "od-certifi is up to date",
        "dephash: warning: allow.txt:4: stale allowlist entry 'od-gone': "
        "no pin of od-gone in r.txt",
        "dephash: warning: --ignore: stale allowlist entry 'od-idna': no pin of od-idna in r.txt",
    ]
    data = json.loads(
        run("-i", world.url, "--allowlist", "allow.txt", "--format", "json", "r.txt").stdout
    )
    assert data["stale_allowlist"][0] == {
        "entry": "od-six==1.15.0",
        "where": "allow.txt:1",
        "detail": "od-six is at 1.16.0, not 1.15.0",
    }


def test_stale_entries_for_a_venv(world: World, workdir: Path) -> None:
    (workdir / "allow.txt").write_text("od-six==1.0\nod-certifi\n")
    result = run("-i", world.url, "--allowlist", "allow.txt", str(world.venv))
    assert result.exit_code == ExitCode.FINDINGS
    assert result.stderr.splitlines() == [
        "dephash: warning: allow.txt:1: stale allowlist entry 'od-six==1.0': "
        "od-six is at 1.15.0, not 1.0",
        "dephash: warning: allow.txt:2: stale allowlist entry 'od-certifi': "
        "no outdated od-certifi in venv",
    ]


def test_a_malformed_allowlist_is_a_usage_error_quoting_the_line(workdir: Path) -> None:
    (workdir / "r.txt").write_text("od-six==1.15.0\n")
    (workdir / "allow.txt").write_text("od-six\nod-idna >= 3  # newer is fine\n")
    result = run("--allowlist", "allow.txt", "r.txt")
    assert result.exit_code == ExitCode.BAD_INPUT
    assert result.stderr == (
        "dephash: error: allow.txt:2: not an allowlist entry: 'od-idna >= 3  # newer is fine' "
        "(expected NAME or NAME==VERSION, optionally followed by '# reason')\n"
    )
    assert run("--allowlist", "none.txt", "r.txt").stderr == (
        "dephash: error: allowlist not found: none.txt\n"
    )
    assert run("--ignore", "a b", "r.txt").stderr == (
        "dephash: error: --ignore 'a b': not a project name\n"
    )


# -- indexes --------------------------------------------------------------------


def test_a_package_on_no_index_is_a_clear_usage_error(world: World, workdir: Path) -> None:
    (workdir / "r.txt").write_text("od-six==1.15.0\nod-private==1.0\n")
    result = run("-i", world.url, "r.txt")
    assert result.exit_code == ExitCode.BAD_INPUT
    assert rows(result.stdout) == {"od-six": ("1.15.0", "1.17.0", "wheel")}
    assert result.stderr == (
        f"dephash: error: not found on any index: od-private (searched {world.url}); "
        "check the index options, or ignore them in the allowlist\n"
    )
    (workdir / "allow.txt").write_text("od-private  # only on the intranet\n")
    ignored = run("-i", world.url, "--allowlist", "allow.txt", "r.txt")
    assert ignored.exit_code == ExitCode.FINDINGS
    assert ignored.stderr == ""
    nothing = run("--no-index", "r.txt")
    assert nothing.exit_code == ExitCode.BAD_INPUT
    assert "(searched no index (--no-index and no --find-links))" in nothing.stderr


def test_find_links_folders_and_html_indexes(world: World, workdir: Path) -> None:
    links = workdir / "wheels"
    make_wheel(links, "od-local", "1.0")
    make_wheel(links, "od-local", "2.0")
    make_sdist(links, "od-local", "2.1")
    (workdir / "r.txt").write_text("od-local==1.0\nod-six==1.17.0\n")
    result = run("--no-index", "-f", "wheels", "r.txt")
    assert result.exit_code == ExitCode.BAD_INPUT, result.output
    assert rows(result.stdout) == {"od-local": ("1.0", "2.1", "sdist")}
    assert "dephash: error: not found on any index: od-six (searched wheels);" in result.stderr
    world.index.json_enabled = False
    try:
        html = run("-i", world.url, "-f", "wheels", "r.txt")
    finally:
        world.index.json_enabled = True
    assert html.exit_code == ExitCode.FINDINGS, html.output
    assert rows(html.stdout) == {"od-local": ("1.0", "2.1", "sdist")}


def test_pip_configuration_and_file_options_are_honoured(
    world: World, workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = workdir / "pip.conf"
    config.write_text(f"[global]\nindex-url = {world.url}\n")
    monkeypatch.setenv("PIP_CONFIG_FILE", str(config))
    (workdir / "r.txt").write_text("od-six==1.15.0\n")
    assert rows(run("r.txt").stdout) == {"od-six": ("1.15.0", "1.17.0", "wheel")}
    assert set(rows(run(str(world.venv)).stdout)) == {"od-idna", "od-six"}
    monkeypatch.setenv("PIP_CONFIG_FILE", os.devnull)
    (workdir / "r.txt").write_text(f"--index-url {world.url}\nod-six==1.15.0\n")
    assert rows(run("r.txt").stdout) == {"od-six": ("1.15.0", "1.17.0", "wheel")}


def test_pip_configuration_adds_to_and_takes_away_named_indexes(
    world: World,
    workdir: Path,
    monkeypatch: pytest.MonkeyPatch,
    json_index: JsonIndex,
    tmp_path: Path,
) -> None:
    # Pages of a named index are fetched while pip's configuration is read: what the
    # configuration adds must still be searched, what it takes away must not count, and
    # its failure is the error.
    json_index.add_file("od-extra", make_wheel(tmp_path / "dist", "od-extra", "2.0"))
    config = workdir / "pip.conf"
    config.write_text(f"[global]\nextra-index-url = {json_index.url}\n")
    monkeypatch.setenv("PIP_CONFIG_FILE", str(config))
    (workdir / "r.txt").write_text("od-six==1.15.0\nod-extra==1.0\n")
    both = run("-i", world.url, "r.txt")
    assert both.exit_code == ExitCode.FINDINGS, both.output
    assert rows(both.stdout) == {
        "od-extra": ("1.0", "2.0", "wheel"),
        "od-six": ("1.15.0", "1.17.0", "wheel"),
    }
    config.write_text("[global]\nno-index = true\n")
    none = run("-i", world.url, "r.txt")
    assert none.exit_code == ExitCode.BAD_INPUT, none.output
    assert "not found on any index: od-extra, od-six (searched no index" in none.stderr
    config.write_text("[global\n")  # pip cannot read it: its error wins over any page
    broken = run("-i", world.url, "r.txt")
    assert broken.exit_code == ExitCode.ENVIRONMENT, broken.output
    assert broken.stdout == ""
    assert broken.stderr.startswith("dephash: error: pip config list failed: ")


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_an_unreachable_index_is_an_environment_failure(world: World, workdir: Path) -> None:
    dead = f"http://user:secret@127.0.0.1:{closed_port()}/simple/"
    (workdir / "r.txt").write_text("od-six==1.15.0\n")
    for path in ("r.txt", str(world.venv)):
        result = run("-i", dead, "--retries", "0", "--timeout", "2", path)
        assert result.exit_code == ExitCode.ENVIRONMENT, result.output
        assert result.stdout == ""
        assert result.stderr.startswith("dephash: error: ")
        assert "Connection refused" in result.stderr
        assert "secret" not in result.stderr
        assert len(result.stderr.splitlines()) == 1


# -- what PATH is ---------------------------------------------------------------


def test_what_path_is(world: World, workdir: Path) -> None:
    (workdir / "folder").mkdir()
    result = run("folder")
    assert result.exit_code == ExitCode.BAD_INPUT
    assert result.stderr == (
        "dephash: error: folder is a directory but not a virtualenv (it has no bin/python); "
        "give a virtualenv, its Python, or a requirements file\n"
    )
    # Named like an interpreter but not executable: read as a requirements file.
    (workdir / "python3").write_text("od-six==1.17.0\n")
    assert run("-i", world.url, "python3").stdout == "No outdated packages in python3.\n"
    wrong = run("--python-version", "3.12", str(world.venv))
    assert wrong.exit_code == ExitCode.BAD_INPUT
    assert wrong.stderr == (
        "dephash: error: --python-version applies to requirements files: "
        "a virtualenv is checked for its own Python\n"
    )
    bad = run("--python-version", "3", "python3")
    assert bad.exit_code == ExitCode.BAD_INPUT
    assert bad.stderr == (
        "dephash: error: --python-version '3': expected MAJOR.MINOR or MAJOR.MINOR.MICRO\n"
    )


def test_a_broken_interpreter_is_an_environment_failure(workdir: Path) -> None:
    python = workdir / "python"
    python.write_text("#!/bin/sh\necho 'not a python' >&2\nexit 7\n")
    python.chmod(0o755)
    result = run(str(python))
    assert result.exit_code == ExitCode.ENVIRONMENT
    assert result.stderr.startswith("dephash: error: pip list --outdated failed: ")


def test_an_empty_venv_has_nothing_outdated(world: World, workdir: Path) -> None:
    venv = workdir / "empty"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    result = run("-i", world.url, "empty")
    assert result.exit_code == ExitCode.OK, result.output
    assert result.stdout == "No outdated packages in empty.\n"


def test_help_documents_the_command() -> None:
    result = run("--help")
    assert result.exit_code == 0
    for text in (
        "Usage: dephash outdated [OPTIONS] PATH",
        "--allowlist FILE",
        "--ignore NAME",
        "--format [table|json]",
        "--python-version X.Y[.Z]",
        "1  something is outdated",
    ):
        assert text in result.stdout


@pytest.mark.network
def test_the_public_index_reports_old_six_and_idna(workdir: Path) -> None:
    (workdir / "r.txt").write_text("six==1.15.0\nidna==3.6\n")
    result = run("--index-url", "https://pypi.org/simple/", "--format", "json", "r.txt")
    assert result.exit_code == ExitCode.FINDINGS, result.output
    found = {item["name"]: item for item in json.loads(result.stdout)["outdated"]}
    assert set(found) == {"idna", "six"}
    assert Version(found["six"]["latest"]) > Version("1.15.0")
    assert Version(found["idna"]["latest"]) > Version("3.6")
