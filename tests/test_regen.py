"""Regenerating without churn: existing pins kept, upgrades on request, changes said."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.builder import make_sdist, make_wheel
from tests.support.cli import run
from tests.support.jsonindex import JsonIndex
from tests.support.pypiserver import Publish, PyPIServer


def versions(path: Path) -> dict[str, str]:
    return {
        line.split("==")[0]: line.split("==")[1].split()[0]
        for line in path.read_text().splitlines()
        if "==" in line and not line.startswith("#")
    }


def test_pins_are_kept_upgraded_on_request_and_changes_said(
    pypiserver: PyPIServer, publish: Publish, workdir: Path
) -> None:
    publish("regen-lib", "1.0")
    publish("regen-app", "1.0", requires=["regen-lib"])
    index = pypiserver.url
    (workdir / "in.txt").write_text("regen-app\n")
    first = run("gen", "-i", index, "-o", "prod.txt", "in.txt")
    assert first.exit_code == 0, first.output
    assert first.stderr == ""  # no existing file: nothing to compare
    original = (workdir / "prod.txt").read_text()
    assert versions(workdir / "prod.txt") == {"regen-app": "1.0", "regen-lib": "1.0"}

    publish("regen-lib", "2.0")
    kept = run("gen", "-i", index, "-o", "prod.txt", "in.txt")
    assert kept.exit_code == 0, kept.output
    assert (workdir / "prod.txt").read_text() == original
    assert kept.stderr == (
        "dephash: changes against prod.txt:\n"
        "dephash:   no changes: every pin and every hash is as before\n"
    )

    dry = run("gen", "-i", index, "-o", "prod.txt", "--dry-run", "-P", "regen-lib", "in.txt")
    assert dry.exit_code == 0, dry.output
    assert dry.stdout.startswith("# upgraded: regen-lib 1.0 -> 2.0\n#\n# This file is")
    assert "regen-lib==2.0" in dry.stdout
    assert (workdir / "prod.txt").read_text() == original

    moved = run("gen", "-i", index, "-o", "prod.txt", "-P", "regen-lib", "in.txt")
    assert moved.exit_code == 0, moved.output
    assert "dephash:   upgraded: regen-lib 1.0 -> 2.0\n" in moved.stderr
    assert versions(workdir / "prod.txt")["regen-lib"] == "2.0"

    back = run("gen", "-i", index, "-o", "prod.txt", "-P", "Regen_Lib==1.0", "in.txt")
    assert "dephash:   downgraded: regen-lib 2.0 -> 1.0\n" in back.stderr
    assert versions(workdir / "prod.txt")["regen-lib"] == "1.0"

    fresh = run("gen", "-i", index, "-o", "prod.txt", "-U", "-q", "in.txt")
    assert fresh.exit_code == 0
    assert fresh.stderr == ""
    assert versions(workdir / "prod.txt")["regen-lib"] == "2.0"


def test_a_conflicting_pin_is_released_never_kept(
    pypiserver: PyPIServer, publish: Publish, workdir: Path
) -> None:
    publish("regen-conflict", "1.0")
    publish("regen-conflict", "2.0")
    publish("regen-other", "1.0")
    (workdir / "old.txt").write_text(
        "regen-conflict==1.0 --hash=sha512:00\nregen-gone==1.0 --hash=sha512:00\n"
    )
    (workdir / "in.txt").write_text("regen-conflict>=2\nregen-other\n")
    result = run("gen", "-v", "-i", pypiserver.url, "--existing", "old.txt", "in.txt")
    assert result.exit_code == 0, result.output
    assert "regen-conflict==2.0" in result.stdout
    assert "released regen-conflict=1.0: it conflicts with the input" in result.stderr
    assert "dephash: changes against old.txt:\n" in result.stderr
    assert "dephash:   added: regen-other 1.0\n" in result.stderr
    assert "dephash:   removed: regen-gone 1.0\n" in result.stderr
    assert "dephash:   upgraded: regen-conflict 1.0 -> 2.0\n" in result.stderr


def test_a_forced_version_that_cannot_be_had_is_an_input_error(
    pypiserver: PyPIServer, publish: Publish, workdir: Path
) -> None:
    publish("regen-forced", "1.0")
    (workdir / "in.txt").write_text("regen-forced\n")
    result = run("gen", "-i", pypiserver.url, "-P", "regen-forced==9.9", "in.txt")
    assert result.exit_code == 2
    assert "regen-forced" in result.stderr


@pytest.mark.parametrize("value", ["not a name!", "x==not.a.version!"])
def test_bad_upgrade_package_values_are_usage_errors(workdir: Path, value: str) -> None:
    result = run("gen", "-P", value, "in.txt")
    assert result.exit_code == 2
    assert "expected NAME or NAME==VERSION" in result.stderr


def test_a_missing_existing_file_is_an_input_error(workdir: Path) -> None:
    (workdir / "in.txt").write_text("x\n")
    result = run("gen", "--existing", "nope.txt", "in.txt")
    assert result.exit_code == 2
    assert "requirements file not found: nope.txt" in result.stderr


def test_new_and_replaced_files_of_an_unchanged_version(
    json_index: JsonIndex, workdir: Path
) -> None:
    dist = workdir.parent / "dist"
    sdist = make_sdist(dist, "regen-files", "1.0")
    json_index.add_file("regen-files", make_wheel(dist, "regen-files", "1.0"))
    json_index.add_file("regen-files", sdist)
    (workdir / "in.txt").write_text("regen-files\n")
    args = ("gen", "-i", json_index.url, "-o", "prod.txt", "--cache-dir", "../cache", "in.txt")
    assert run(*args).exit_code == 0

    json_index.add_file("regen-files", make_wheel(dist, "regen-files", "1.0", tag="py2-none-any"))
    grown = run(*args)
    assert "dephash:   new files hashed: regen-files 1.0 (+1 hash)\n" in grown.stderr

    json_index.add_file(
        "regen-files", make_sdist(dist / "again", "regen-files", "1.0", payload="#")
    )
    replaced = run(*args, "-q")
    assert replaced.exit_code == 0
    assert replaced.stderr.startswith(
        "dephash: warning: regen-files 1.0: 1 hash changed or vanished for an unchanged version"
    )
    assert "changes against" not in replaced.stderr  # -q: only the security warning
    assert sdist.exists()


def test_dry_run_without_an_existing_file_prints_the_file_only(
    pypiserver: PyPIServer, publish: Publish, workdir: Path
) -> None:
    publish("regen-dry", "1.0")
    (workdir / "in.txt").write_text("regen-dry\n")
    result = run("gen", "-i", pypiserver.url, "-o", "prod.txt", "--dry-run", "in.txt")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("#\n# This file is autogenerated by dephash")
    assert "regen-dry==1.0" in result.stdout
    assert not (workdir / "prod.txt").exists()


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"<<<<<<< HEAD\nregen-broken==1.0\n=======\n>>>>>>> theirs\n", "not a valid requirement"),
        (b"\x89PNG\r\n\x1a\n\xff\x00", "is not UTF-8 text"),
    ],
)
def test_an_existing_file_that_no_longer_parses_is_replaced_only_with_upgrade(
    json_index: JsonIndex, workdir: Path, content: bytes, problem: str
) -> None:
    json_index.add_file("regen-broken", make_wheel(workdir / "dist", "regen-broken", "1.0"))
    (workdir / "in.txt").write_text("regen-broken\n")
    (workdir / "out.txt").write_bytes(content)
    refused = run("gen", "-i", json_index.url, "-o", "out.txt", "in.txt")
    assert refused.exit_code == 2
    assert refused.stderr.startswith("dephash: error: ")
    assert problem in refused.stderr
    assert refused.stderr.endswith(" (-U ignores its pins and replaces it)\n")
    assert (workdir / "out.txt").read_bytes() == content
    replaced = run("gen", "-U", "-i", json_index.url, "-o", "out.txt", "in.txt")
    assert replaced.exit_code == 0, replaced.output
    assert replaced.stderr.startswith("dephash: warning: ")
    assert problem in replaced.stderr
    assert replaced.stderr.endswith(": its pins are ignored (-U); it is replaced\n")
    assert "regen-broken==1.0 \\\n" in (workdir / "out.txt").read_text()


def test_an_unreadable_existing_file_named_by_existing_is_ignored_with_upgrade(
    json_index: JsonIndex, workdir: Path
) -> None:
    json_index.add_file("regen-other", make_wheel(workdir / "dist", "regen-other", "1.0"))
    (workdir / "in.txt").write_text("regen-other\n")
    (workdir / "old.txt").write_text("not a requirement at all!\n")
    refused = run("gen", "-i", json_index.url, "--existing", "old.txt", "in.txt")
    assert refused.stderr.endswith(" (-U ignores its pins)\n")
    result = run("gen", "-U", "-i", json_index.url, "--existing", "old.txt", "in.txt")
    assert result.exit_code == 0, result.output
    assert "old.txt:1: not a valid requirement" in result.stderr
    assert result.stderr.endswith(": its pins are ignored (-U)\n")
    assert "regen-other==1.0" in result.stdout


def test_a_pin_one_platform_needs_is_kept_under_its_marker(
    pypiserver: PyPIServer, publish: Publish, workdir: Path
) -> None:
    publish("regen-winlib", "1.0")
    publish("regen-portable", "1.0", requires=["regen-winlib ; sys_platform == 'win32'"])
    index = pypiserver.url
    (workdir / "in.txt").write_text("regen-portable\n")
    first = run("gen", "-i", index, "-o", "prod.txt", "in.txt")
    assert first.exit_code == 0, first.output
    original = (workdir / "prod.txt").read_text()
    assert 'regen-winlib==1.0 ; sys_platform == "win32" \\\n' in original

    publish("regen-winlib", "2.0")
    kept = run("gen", "-i", index, "-o", "prod.txt", "in.txt")
    assert kept.exit_code == 0, kept.output
    assert (workdir / "prod.txt").read_text() == original
    assert "no changes: every pin and every hash is as before" in kept.stderr
