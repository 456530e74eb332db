"""The release cooldown on the public index (skipped with NO_TESTS_OVER_WIRE=1): invariants
of releases long past, which no later upload can change."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from dephash.errors import ExitCode
from tests.support.cli import run
from tests.support.pinned import pinned

PYPI = "https://pypi.org/simple/"
pytestmark = pytest.mark.network


def test_requests_before_2024_is_2_31_0_and_check_judges_the_cutoff(workdir: Path) -> None:
    Path("in.txt").write_text("requests\n")
    cutoff = "2024-01-01T00:00:00Z"
    args = ["-i", PYPI, "--algorithm", "sha256", "--host-only"]
    result = run("gen", *args, "--uploaded-prior-to", cutoff, "-o", "out.txt", "in.txt")
    assert result.exit_code == 0, result.output
    text = Path("out.txt").read_text()
    assert pinned(text)["requests"][0] == "2.31.0"
    assert f"# Only files uploaded before {cutoff} (--uploaded-prior-to).\n" in text
    assert f"--uploaded-prior-to {cutoff} " in text
    passed = run("check", "-i", PYPI, "--uploaded-prior-to", cutoff, "out.txt")
    assert passed.exit_code == 0, passed.output
    assert f"no hashed file uploaded on or after {cutoff}" in passed.stdout
    failed = run("check", "-i", PYPI, "--uploaded-prior-to", "2023-05-01T00:00:00Z", "out.txt")
    assert failed.exit_code == ExitCode.FINDINGS
    # requests 2.31.0 was uploaded on 2023-05-22.
    assert re.search(
        r"error: requests==2\.31\.0: requests-2\.31\.0\S* .*uploaded 2023-05-22T", failed.stdout
    )


def test_a_cutoff_in_days_is_recorded_as_an_absolute_date(workdir: Path) -> None:
    Path("in.txt").write_text("six\n")
    start = datetime.now(timezone.utc)
    result = run(
        "gen", "-i", PYPI, "--algorithm", "sha256", "--uploaded-prior-to", "P30D", "in.txt"
    )
    end = datetime.now(timezone.utc)
    assert result.exit_code == 0, result.output
    days = {f"{moment - timedelta(days=30):%Y-%m-%d}T00:00:00Z" for moment in (start, end)}
    assert any(f"--uploaded-prior-to {day} in.txt" in result.stdout for day in days)
    assert "P30D" not in result.stdout
