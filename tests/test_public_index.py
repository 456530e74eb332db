"""Invariants against the public index (skipped with NO_TESTS_OVER_WIRE=1)."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner
from packaging.pylock import Pylock
from packaging.utils import canonicalize_name, parse_sdist_filename, parse_wheel_filename
from packaging.version import Version

from dephash.cli import main
from dephash.index.pages import JSON_TYPE
from tests.support.pinned import install_with_hashes, pinned

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10 has the backport
    import tomli as tomllib

PYPI = "https://pypi.org/simple/"
pytestmark = pytest.mark.network


def served_sha512(project: str, version: str) -> set[str]:
    """sha512 of every file the index serves for project==version, computed here."""
    page = requests.get(f"{PYPI}{project}/", headers={"Accept": JSON_TYPE}, timeout=60)
    page.raise_for_status()
    digests = set()
    for entry in page.json()["files"]:
        filename = entry["filename"]
        if filename.endswith(".whl"):
            _, found, _, _ = parse_wheel_filename(filename)
        else:
            _, found = parse_sdist_filename(filename)
        if found != Version(version):
            continue
        url = requests.compat.urljoin(page.url, entry["url"])
        digests.add("sha512:" + hashlib.sha512(requests.get(url, timeout=60).content).hexdigest())
    return digests


def test_sha512_hashes_are_those_of_the_served_files_and_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, isolated_pip: dict[str, str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "in.txt").write_text("six\nidna\n")
    result = CliRunner().invoke(main, ["gen", "-i", PYPI, "-o", "prod.txt", "in.txt"])
    assert result.exit_code == 0, result.output
    pins = pinned((tmp_path / "prod.txt").read_text())
    assert set(pins) == {"six", "idna"}
    for name, (version, hashes) in pins.items():
        assert set(hashes) == served_sha512(name, version)
    installed = install_with_hashes(tmp_path / "venv", PYPI, "prod.txt", isolated_pip)
    assert installed.returncode == 0, installed.stderr


def test_a_pylock_for_platform_conditional_dependencies_is_complete_and_pip_reads_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, isolated_pip: dict[str, str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "in.txt").write_text("click\npytest\nkeyring\n")
    result = CliRunner().invoke(main, ["gen", "-q", "-i", PYPI, "-o", "pylock.toml", "in.txt"])
    assert result.exit_code == 0, result.output
    written = (tmp_path / "pylock.toml").read_bytes()
    document = tomllib.loads(written.decode())
    Pylock.from_dict(document)
    packages = document["packages"]
    assert any("marker" in entry for entry in packages)  # colorama on Windows, at least
    for entry in packages:
        assert entry["index"] == PYPI
        for item in [*entry.get("wheels", ()), *([entry["sdist"]] if "sdist" in entry else ())]:
            assert item["url"].startswith("https://")
            assert item["size"] > 0
            assert set(item["hashes"]) == {"sha256", "sha512"}
    again = CliRunner().invoke(main, ["gen", "-q", "-i", PYPI, "-o", "pylock.toml", "in.txt"])
    assert again.exit_code == 0, again.output
    assert (tmp_path / "pylock.toml").read_bytes() == written
    dry_run = ["--dry-run", "--ignore-installed", "--report", "r.json"]
    installed = subprocess.run(
        [sys.executable, "-m", "pip", "install", *dry_run, "-r", "pylock.toml"],
        capture_output=True,
        text=True,
        env=isolated_pip,
        check=False,
    )
    assert installed.returncode == 0, installed.stderr
    report = json.loads((tmp_path / "r.json").read_text())
    names = {canonicalize_name(item["metadata"]["name"]) for item in report["install"]}
    assert {"click", "pytest", "keyring"} <= names
