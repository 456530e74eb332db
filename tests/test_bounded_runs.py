"""Whole runs bounded by --timeout and --retries, pip's part included, against a real index
that stalls or trickles."""

from __future__ import annotations

import time
from pathlib import Path

from dephash.errors import ExitCode
from tests.support.builder import make_wheel
from tests.support.cli import run
from tests.support.jsonindex import JsonIndex


def test_a_stalled_index_holds_gen_for_the_timeout_not_pips_defaults(
    json_index: JsonIndex, workdir: Path
) -> None:
    json_index.add_file("bounded-stall", make_wheel(workdir / "dist", "bounded-stall", "1.0"))
    # Every request for the page stalls (pip's and dephash's alike), for longer than the run.
    json_index.add_faults("/simple/bounded-stall/", *["stall:45"] * 6)
    (workdir / "in.txt").write_text("bounded-stall\n")
    started = time.monotonic()
    result = run("gen", "-i", json_index.url, "--timeout", "2", "--retries", "0", "in.txt")
    elapsed = time.monotonic() - started
    assert result.exit_code == ExitCode.ENVIRONMENT, result.output
    assert "timed out" in result.stderr or "Timeout" in result.stderr
    assert elapsed < 20  # pip's own 15 s and 5 retries would take 90 s


def test_a_page_that_trickles_in_holds_check_for_the_timeout(
    json_index: JsonIndex, workdir: Path
) -> None:
    json_index.add_file("bounded-drip", make_wheel(workdir / "dist", "bounded-drip", "1.0"))
    json_index.add_faults("/simple/bounded-drip/", "trickle:1")  # a byte a second
    (workdir / "pinned.txt").write_text("bounded-drip==1.0 --hash=sha256:" + "0" * 64 + "\n")
    started = time.monotonic()
    result = run("check", "-i", json_index.url, "--timeout", "2", "--retries", "0", "pinned.txt")
    elapsed = time.monotonic() - started
    assert result.exit_code == ExitCode.ENVIRONMENT, result.output
    assert "/simple/bounded-drip/: Timeout: " in result.stderr
    assert "too slow (the timeout bounds each MiB of a response)" in result.stderr
    assert elapsed < 10
