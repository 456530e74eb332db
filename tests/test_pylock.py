"""pylock.toml end to end: written by gen, installed by pip, checked, outdated, regenerated."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from packaging.markers import Marker
from packaging.pylock import Pylock

from dephash.errors import ExitCode
from dephash.files import parse_toml
from dephash.formats import read_pinned
from tests.support.builder import make_sdist, make_wheel, sha
from tests.support.cli import run
from tests.support.jsonindex import JsonIndex

UPLOADED = "2026-01-02T03:04:05.000006Z"
PIP_INSTALL = (sys.executable, "-m", "pip", "install")


@dataclass
class World:
    index: JsonIndex
    files: dict[str, Path]


@pytest.fixture
def world(json_index: JsonIndex, workdir: Path) -> World:
    dist = workdir / "dist"
    files = {
        "app": make_wheel(
            dist, "pl-app", "1.0", requires=["pl-lib", 'pl-win; sys_platform == "win32"']
        ),
        "lib": make_wheel(dist, "pl-lib", "1.0"),
        "lib-sdist": make_sdist(dist, "pl-lib", "1.0"),
        "win": make_wheel(dist, "pl-win", "1.0"),
        "direct": make_wheel(dist, "pl-direct", "0.5"),
    }
    json_index.add_file("pl-app", files["app"])
    json_index.add_file("pl-lib", files["lib"], upload_time=UPLOADED)
    json_index.add_file("pl-lib", files["lib-sdist"])
    json_index.add_file("pl-win", files["win"])
    direct = json_index.add_file("pl-direct", files["direct"], absolute_url=True)
    (workdir / "in.txt").write_text(f"pl-app\npl-direct @ {direct}\n")
    return World(json_index, files)


def gen(world: World, *args: str) -> Any:
    result = run("gen", "-i", world.index.url, *args)
    assert "Traceback" not in result.output
    return result


def check(world: World, *args: str) -> tuple[int, dict[str, Any]]:
    result = run("check", "--format", "json", "-i", world.index.url, *args)
    assert "Traceback" not in result.output
    return result.exit_code, json.loads(result.stdout)


def packages(path: str = "pylock.toml") -> dict[str, dict[str, Any]]:
    document = parse_toml(Path(path).read_text(), path)
    Pylock.from_dict(document)
    return {entry["name"]: entry for entry in document["packages"]}


def test_a_pylock_names_every_file_and_pip_installs_from_it(
    world: World, workdir: Path, isolated_pip: dict[str, str]
) -> None:
    result = gen(world, "-q", "-o", "pylock.toml", "in.txt")
    assert result.exit_code == 0, result.output
    locked = packages()
    assert sorted(locked) == ["pl-app", "pl-direct", "pl-lib", "pl-win"]
    assert locked["pl-win"]["marker"] == 'sys_platform == "win32"'
    lib = locked["pl-lib"]
    assert lib["index"] == world.index.url
    wheel, sdist = world.files["lib"], world.files["lib-sdist"]
    assert lib["wheels"] == [
        {
            "name": wheel.name,
            "url": world.index.file_url(wheel.name),
            "size": wheel.stat().st_size,
            "upload-time": lib["wheels"][0]["upload-time"],
            "hashes": {"sha256": sha(wheel), "sha512": sha(wheel, "sha512")},
        }
    ]
    assert lib["wheels"][0]["upload-time"].isoformat() == "2026-01-02T03:04:05.000006+00:00"
    assert lib["sdist"]["hashes"] == {"sha256": sha(sdist), "sha512": sha(sdist, "sha512")}
    assert lib["sdist"]["size"] == sdist.stat().st_size
    direct = locked["pl-direct"]
    assert direct["archive"]["url"] == world.index.file_url(world.files["direct"].name)
    assert direct["archive"]["hashes"]["sha256"] == sha(world.files["direct"])
    assert "index" not in direct
    assert all("index" in entry for name, entry in locked.items() if name != "pl-direct")

    # For the resolving interpreter: the packages and sha256 sets of the requirements format.
    plain = gen(world, "-q", "--algorithm", "sha256", "-o", "req.txt", "in.txt")
    assert plain.exit_code == 0, plain.output
    assert sha256_sets("pylock.toml") == sha256_sets("req.txt")

    installed = subprocess.run(
        [
            *PIP_INSTALL,
            "--dry-run",
            "--ignore-installed",
            "--report",
            "r.json",
            "-r",
            "pylock.toml",
        ],
        capture_output=True,
        text=True,
        env=isolated_pip,
        check=False,
    )
    assert installed.returncode == 0, installed.stderr
    report = json.loads(Path("r.json").read_text())
    assert {entry["metadata"]["name"] for entry in report["install"]} == {
        "pl-app",
        "pl-direct",
        "pl-lib",
    }


def sha256_sets(path: str) -> dict[tuple[str | None, str | None], set[str]]:
    return {
        (line.name, line.pinned_version or line.url): {h for h in line.hashes if "sha256" in h}
        for line in read_pinned(path).requirements
        if line.marker is None or Marker(line.marker).evaluate()
    }


def test_regeneration_keeps_a_pylocks_pins_and_says_what_changed(
    world: World, workdir: Path
) -> None:
    assert gen(world, "-q", "-o", "pylock.toml", "in.txt").exit_code == 0
    before = Path("pylock.toml").read_bytes()
    world.index.add_file("pl-lib", make_wheel(workdir / "dist", "pl-lib", "2.0"))
    again = gen(world, "-o", "pylock.toml", "in.txt")
    assert again.exit_code == 0, again.output
    assert Path("pylock.toml").read_bytes() == before
    no_changes = (
        "dephash: changes against pylock.toml:\n"
        "dephash:   no changes: every pin and every hash is as before\n"
    )
    assert again.stderr == no_changes

    as_requirements = gen(world, "--existing", "pylock.toml", "-o", "req.txt", "in.txt")
    assert as_requirements.exit_code == 0, as_requirements.output
    assert as_requirements.stderr == no_changes
    assert "pl-lib==1.0 " in Path("req.txt").read_text()

    outdated = run("outdated", "-i", world.index.url, "--format", "json", "pylock.toml")
    assert outdated.exit_code == ExitCode.FINDINGS, outdated.output
    report = json.loads(outdated.stdout)
    assert report["kind"] == "pylock"
    assert [(e["name"], e["current"], e["latest"]) for e in report["outdated"]] == [
        ("pl-lib", "1.0", "2.0")
    ]

    moved = gen(world, "-o", "pylock.toml", "-P", "pl-lib", "in.txt")
    assert moved.exit_code == 0, moved.output
    assert "dephash:   upgraded: pl-lib 1.0 -> 2.0\n" in moved.stderr
    assert packages()["pl-lib"]["version"] == "2.0"


def test_a_fresh_pylock_passes_check_and_keeps_in_sync(world: World, workdir: Path) -> None:
    assert gen(world, "-q", "-o", "pylock.toml", "in.txt").exit_code == 0
    code, document = check(world, "--input", "in.txt", "pylock.toml")
    assert code == ExitCode.OK, document
    assert document["findings"] == []
    assert document["checked"] == ["hash-mode", "integrity", "yanked", "portable", "sync"]
    assert document["requirements"] == 4

    # The environments [tool.dephash] names are audited: Windows needs pl-win.
    document = parse_toml(Path("pylock.toml").read_text(), "pylock.toml")
    document["packages"] = [p for p in document["packages"] if p["name"] != "pl-win"]
    Path("pylock.toml").write_text(tomli_w.dumps(document))
    code, document = check(world, "pylock.toml")
    assert code == ExitCode.FINDINGS
    assert [(f["package"], f["kind"]) for f in document["findings"]] == [("pl-win", "not-portable")]
    assert "Windows" in document["findings"][0]["message"]


def edit(change: Any) -> None:
    """Change the written lock through its tables, as a careless hand or an attacker would."""
    document = parse_toml(Path("pylock.toml").read_text(), "pylock.toml")
    change({entry["name"]: entry for entry in document["packages"]})
    Path("pylock.toml").write_text(tomli_w.dumps(document))


def findings(document: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [(f["package"], f["kind"], f["message"]) for f in document["findings"]]


def test_check_names_the_file_whose_digest_or_size_changed(world: World, workdir: Path) -> None:
    assert gen(world, "-q", "-o", "pylock.toml", "in.txt").exit_code == 0
    wheel = world.files["lib"].name

    def tamper(locked: dict[str, Any]) -> None:
        locked["pl-lib"]["wheels"][0]["hashes"]["sha256"] = "0" * 64
        locked["pl-lib"]["sdist"]["size"] += 1

    edit(tamper)
    code, document = check(world, "pylock.toml")
    assert code == ExitCode.FINDINGS
    sdist = world.files["lib-sdist"].name
    size = world.files["lib-sdist"].stat().st_size
    assert findings(document) == [
        (
            "pl-lib",
            "hash-mismatch",
            f"{wheel}: sha256:0000000000000000… is not the digest of the file served "
            "(tampered with, or the file was replaced): find out why, then regenerate",
        ),
        (
            "pl-lib",
            "size-mismatch",
            f"{sdist}: the lock says {size + 1} bytes, the index serves {size} "
            "(the file was replaced?): find out why, then regenerate",
        ),
    ]
    header = Path("pylock.toml").read_text().splitlines().index('name = "pl-lib"')
    assert {f["location"] for f in document["findings"]} == {f"pylock.toml:{header}"}


def test_check_finds_files_missing_from_the_lock_gone_from_the_index_or_yanked(
    world: World, workdir: Path
) -> None:
    assert gen(world, "-q", "-o", "pylock.toml", "in.txt").exit_code == 0
    dist = workdir / "dist"

    def drop_and_rename(locked: dict[str, Any]) -> None:
        del locked["pl-lib"]["sdist"]
        locked["pl-app"]["wheels"][0]["name"] = "pl_app-1.0-py3-none-win_amd64.whl"
        locked["pl-app"]["wheels"][0]["url"] = "https://elsewhere.example/app.whl"

    edit(drop_and_rename)
    world.index.add_file("pl-win", world.files["win"], yanked="broken build")
    world.index.add_file("pl-win", make_sdist(dist, "pl-win", "1.0"))
    code, document = check(world, "pylock.toml")
    assert code == ExitCode.FINDINGS
    sdist = world.files["lib-sdist"].name
    app = world.files["app"].name
    assert findings(document) == [
        (
            "pl-app",
            "not-found",
            "pl_app-1.0-py3-none-win_amd64.whl is in the lock, but no index serves it for "
            "this release (removed, or renamed?): find out why, then regenerate",
        ),
        (
            "pl-app",
            "uncovered-file",
            f"{app} is served for this release but no hash covers it: pip may choose it on "
            "some platform and fail; regenerate",
        ),
        (
            "pl-lib",
            "uncovered-file",
            f"{sdist} is served for this release but no hash covers it: pip may choose it on "
            "some platform and fail; regenerate",
        ),
        (
            "pl-win",
            "uncovered-file",
            "pl_win-1.0.tar.gz is served for this release but no hash covers it: pip may "
            "choose it on some platform and fail; regenerate",
        ),
        (
            "pl-win",
            "yanked",
            f"{world.files['win'].name} is yanked from its index (broken build), though the "
            "release has other files: regenerate, or pin another release",
        ),
    ]


def test_the_format_follows_the_name_or_the_option(world: World, workdir: Path) -> None:
    shown = gen(world, "-q", "--format", "pylock", "in.txt")
    assert shown.exit_code == 0, shown.output
    document = parse_toml(shown.stdout, "stdout")
    Pylock.from_dict(document)
    assert document["tool"]["dephash"]["command"] == (
        f"dephash gen --index-url {world.index.url} --format pylock in.txt"
    )
    assert document["tool"]["dephash"]["input"] == "in.txt"
    for args, message in [
        (("--format", "pylock", "-o", "lock.toml"), "-o lock.toml: a pylock.toml lock must be"),
        (("--format", "requirements", "-o", "pylock.dev.toml"), "that name is for a pylock"),
    ]:
        asked = len(world.index.requests)
        refused = gen(world, *args, "in.txt")
        assert refused.exit_code == ExitCode.BAD_INPUT
        assert message in refused.stderr
        assert not Path(args[-1]).exists()
        assert len(world.index.requests) == asked  # refused before any work
    named = gen(world, "-q", "-o", "pylock.dev.toml", "in.txt")
    assert named.exit_code == 0, named.output
    command = parse_toml(Path("pylock.dev.toml").read_text(), "")["tool"]["dephash"]["command"]
    assert command.endswith(" -o pylock.dev.toml in.txt")
    assert "--format" not in command
