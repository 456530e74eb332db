"""The release cooldown against a real local index that publishes PEP 700 upload times."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from dephash.errors import ExitCode
from tests.support.builder import make_wheel
from tests.support.cli import run
from tests.support.jsonindex import JsonIndex

OLD = "2024-03-01T10:00:00.123456Z"
NEW = "2025-06-01T10:00:00Z"
LATER = "2025-07-01T10:00:00Z"


@pytest.fixture
def released(json_index: JsonIndex, workdir: Path) -> JsonIndex:
    """cool-lib 1.0 (early), 2.0 (later), and a wheel added to 1.0 later still."""
    dist = workdir / "dist"
    json_index.add_file("cool-lib", make_wheel(dist, "cool-lib", "1.0"), upload_time=OLD)
    json_index.add_file("cool-lib", make_wheel(dist, "cool-lib", "2.0"), upload_time=NEW)
    late = make_wheel(dist, "cool-lib", "1.0", tag="py2.py3-none-any")
    json_index.add_file("cool-lib", late, upload_time=LATER)
    Path("in.txt").write_text("cool-lib\n")
    return json_index


def test_gen_pins_and_hashes_only_what_was_uploaded_before_the_cutoff(released: JsonIndex) -> None:
    result = run("gen", "-i", released.url, "--uploaded-prior-to", "2025-01-01", "in.txt")
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert "cool-lib==1.0 \\\n" in text
    assert text.count("--hash=") == 1  # not the wheel added to 1.0 after the cutoff
    assert "# Only files uploaded before 2025-01-01T00:00:00Z (--uploaded-prior-to).\n" in text
    assert f"--index-url {released.url} --uploaded-prior-to 2025-01-01T00:00:00Z in.txt" in text
    # Without a cutoff: the newest release.
    result = run("gen", "-i", released.url, "in.txt")
    assert "cool-lib==2.0 \\\n" in result.stdout
    assert "uploaded" not in result.stdout


def test_a_cutoff_in_days_is_recorded_as_a_utc_date(
    released: JsonIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DEPHASH_UPLOADED_PRIOR_TO", "P30D")
    before = datetime.now(timezone.utc)
    result = run("gen", "-i", released.url, "in.txt")
    after = datetime.now(timezone.utc)
    assert result.exit_code == 0, result.output
    days = {f"{(moment - timedelta(days=30)):%Y-%m-%d}T00:00:00Z" for moment in (before, after)}
    recorded = [day for day in days if f"--uploaded-prior-to {day} in.txt" in result.stdout]
    assert len(recorded) == 1, result.stdout
    assert f"# Only files uploaded before {recorded[0]} (--uploaded-prior-to).\n" in result.stdout


@pytest.mark.parametrize("value", ["yesterday", "P3W", "2024-13-01", "P-1D"])
def test_a_bad_cutoff_is_bad_input(released: JsonIndex, value: str) -> None:
    result = run("gen", "-i", released.url, "--uploaded-prior-to", value, "in.txt")
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "expected an ISO 8601 date or time (2024-01-01, 2024-01-01T00:00:00Z) or P<n>D" in (
        result.stderr
    )
    assert "Traceback" not in result.output


def test_regeneration_under_an_earlier_cutoff_releases_a_later_pin(released: JsonIndex) -> None:
    assert run("gen", "-i", released.url, "-o", "out.txt", "in.txt").exit_code == 0
    assert "cool-lib==2.0 \\\n" in Path("out.txt").read_text()
    result = run(
        "gen", "-i", released.url, "--uploaded-prior-to", "2025-01-01", "-o", "out.txt", "in.txt"
    )
    assert result.exit_code == 0, result.output
    assert "cool-lib==1.0 \\\n" in Path("out.txt").read_text()
    assert "dephash:   downgraded: cool-lib 2.0 -> 1.0\n" in result.stderr


def test_check_fails_a_file_uploaded_after_the_cutoff(released: JsonIndex) -> None:
    assert run("gen", "-i", released.url, "-o", "out.txt", "in.txt").exit_code == 0
    result = run("check", "-i", released.url, "--uploaded-prior-to", "2026-01-01", "out.txt")
    assert result.exit_code == 0, result.output
    assert result.stdout.endswith("; no hashed file uploaded on or after 2026-01-01T00:00:00Z\n")
    result = run("check", "-i", released.url, "--uploaded-prior-to", "2025-01-01", "out.txt")
    assert result.exit_code == ExitCode.FINDINGS
    assert result.stdout.startswith(
        "out.txt:9: error: cool-lib==2.0: cool_lib-2.0-py3-none-any.whl was uploaded "
        f"{NEW}, not before the cutoff 2025-01-01T00:00:00Z: pin an older release "
        "(gen --uploaded-prior-to 2025-01-01T00:00:00Z leaves out later files) [uploaded-late]\n"
    )
    result = run(
        "check",
        "-i",
        released.url,
        "--uploaded-prior-to",
        "2025-01-01",
        "--format",
        "json",
        "out.txt",
    )
    document = json.loads(result.stdout)
    assert document["uploaded_prior_to"] == "2025-01-01T00:00:00Z"
    assert [f["kind"] for f in document["findings"]] == ["uploaded-late"]


def test_check_names_the_first_late_file_and_counts_the_others(
    json_index: JsonIndex, workdir: Path
) -> None:
    dist = workdir / "dist"
    json_index.add_file("cool-two", make_wheel(dist, "cool-two", "1.0"), upload_time=LATER)
    wheel = make_wheel(dist, "cool-two", "1.0", tag="py2.py3-none-any")
    json_index.add_file("cool-two", wheel, upload_time=NEW)
    Path("in.txt").write_text("cool-two\n")
    assert run("gen", "-i", json_index.url, "-o", "out.txt", "in.txt").exit_code == 0
    result = run("check", "-i", json_index.url, "--uploaded-prior-to", "2025-01-01", "out.txt")
    assert result.exit_code == ExitCode.FINDINGS
    assert (
        f"cool_two-1.0-py2.py3-none-any.whl (and 1 more file) was uploaded {NEW}, not before"
        in result.stdout
    )


def test_an_index_without_upload_times_is_unavailable_never_clean(
    json_index: JsonIndex, workdir: Path
) -> None:
    json_index.add_file("cool-undated", make_wheel(workdir / "dist", "cool-undated", "1.0"))
    Path("in.txt").write_text("cool-undated\n")
    assert run("gen", "-i", json_index.url, "-o", "out.txt", "in.txt").exit_code == 0
    result = run("check", "-i", json_index.url, "--uploaded-prior-to", "2025-01-01", "out.txt")
    assert result.exit_code == ExitCode.ENVIRONMENT
    assert result.stdout == (
        "\nNo upload times could be had for (the cooldown is not checked):\n"
        "  cool-undated==1.0: its index gives no upload time for "
        "cool_undated-1.0-py3-none-any.whl\n\n"
        "out.txt: 0 errors, 0 warnings, upload times unavailable for 1 pinned release "
        "(1 requirement, 1 hash, 1 file served; checked: hash-mode, integrity, yanked, "
        "portable, cooldown)\n"
    )
    assert result.stderr == (
        "dephash: error: upload times are unavailable for 1 pinned release (listed in the "
        "report); the cooldown is not claimed for them\n"
    )


def test_local_files_have_no_upload_time_and_pass(workdir: Path) -> None:
    make_wheel(workdir / "wheels", "cool-local", "1.0")
    Path("in.txt").write_text("cool-local\n")
    links = ["--no-index", "-f", "wheels"]
    result = run("gen", *links, "--uploaded-prior-to", "2025-01-01", "-o", "out.txt", "in.txt")
    assert result.exit_code == 0, result.output
    result = run("check", *links, "--uploaded-prior-to", "2025-01-01", "out.txt")
    assert result.exit_code == 0, result.output


def test_offline_reads_no_upload_times(workdir: Path) -> None:
    Path("out.txt").write_text("")
    result = run("check", "--offline", "--uploaded-prior-to", "2025-01-01", "out.txt")
    assert result.exit_code == ExitCode.BAD_INPUT
    assert result.stderr == (
        "dephash: error: --offline reads no upload times: drop --uploaded-prior-to\n"
    )


def test_pip_refuses_a_cutoff_on_an_index_without_upload_times(
    json_index: JsonIndex, workdir: Path
) -> None:
    json_index.add_file("cool-nodate", make_wheel(workdir / "dist", "cool-nodate", "1.0"))
    Path("in.txt").write_text("cool-nodate\n")
    result = run("gen", "-i", json_index.url, "--uploaded-prior-to", "2025-01-01", "in.txt")
    assert result.exit_code == ExitCode.ENVIRONMENT
    assert "does not provide upload-time metadata" in result.stderr
    assert result.stdout == ""


def test_a_pin_by_url_names_no_release_to_judge(released: JsonIndex, workdir: Path) -> None:
    wheel = make_wheel(workdir / "direct", "cool-direct", "1.0")
    Path("in.txt").write_text(f"cool-direct @ {wheel.as_uri()}\ncool-lib==1.0\n")
    assert run("gen", "-i", released.url, "-o", "out.txt", "in.txt").exit_code == 0
    result = run("check", "-i", released.url, "--uploaded-prior-to", "2025-01-01", "out.txt")
    assert "cool-direct" not in result.stdout
    assert "cool_lib-1.0-py2.py3-none-any.whl was uploaded" in result.stdout
