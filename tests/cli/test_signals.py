"""Ctrl-C and SIGTERM, sent for real to a real ``dephash`` process stalled on a real index:
it ends within a second or two, says so, and leaves nothing behind."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import pytest

from tests.support.builder import make_wheel
from tests.support.jsonindex import JsonIndex
from tests.support.process import dephash_process

PREVIOUS = "signal-pkg==1.0\n"


def wait_for(condition: object, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "the run never got there"
        time.sleep(0.05)


@pytest.mark.parametrize(
    ("signum", "code", "message"),
    [(signal.SIGINT, 130, "interrupted"), (signal.SIGTERM, 143, "terminated")],
)
def test_a_signal_ends_a_stalled_run_at_once_and_cleans_up(
    json_index: JsonIndex,
    workdir: Path,
    tmp_path: Path,
    isolated_pip: dict[str, str],
    signum: int,
    code: int,
    message: str,
) -> None:
    json_index.add_file("signal-pkg", make_wheel(tmp_path / "dist", "signal-pkg", "1.0"))
    json_index.add_faults("/simple/signal-pkg/", *["stall:60"] * 6)
    (workdir / "out.txt").write_text(PREVIOUS)
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    env = dict(isolated_pip, TMPDIR=str(scratch))
    (tmp_path / "in.txt").write_text("signal-pkg\n")
    args = ["gen", "-i", json_index.url, "-o", "out.txt", "-"]
    process = dephash_process(args, workdir, env, stdin=tmp_path / "in.txt")
    # pip and dephash have both asked for the page, and both wait on it.
    wait_for(lambda: json_index.count("/simple/signal-pkg/") >= 2)
    assert len(list(workdir.glob(".dephash-stdin-*"))) == 1
    assert len(list(scratch.glob("dephash-*"))) == 2  # the constraints, pip's report
    started = time.monotonic()
    process.send_signal(signum)
    stdout, stderr = process.communicate(timeout=30)
    assert time.monotonic() - started < 2.5
    assert process.returncode == code
    assert stderr == f"dephash: {message}; nothing was written\n"
    assert stdout == ""
    assert (workdir / "out.txt").read_text() == PREVIOUS
    assert sorted(path.name for path in workdir.iterdir()) == ["out.txt"]
    assert sorted(path.name for path in scratch.iterdir()) == []
