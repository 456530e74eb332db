"""Running ``python -m dephash`` as a process of its own, for what only a process shows:
signals, and how long it takes to end."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

import coverage

ROOT = Path(__file__).resolve().parents[2]


def dephash_process(
    args: Sequence[str], cwd: Path, env: Mapping[str, str], stdin: Path | None = None
) -> subprocess.Popen[str]:
    """``python -m dephash ARGS`` in ``cwd``, importing this checkout's dephash, reading the
    file ``stdin`` on its standard input (else nothing); measured by coverage (its data
    beside the tests') when the tests are."""
    environment = dict(env, PYTHONPATH=str(ROOT))
    measuring = coverage.Coverage.current()
    if measuring is not None and measuring.config.config_file:
        config = Path(measuring.config.config_file)
        environment["COVERAGE_PROCESS_START"] = str(config)
        environment["COVERAGE_FILE"] = str(config.parent / measuring.config.data_file)
    with stdin.open("rb") if stdin else open(os.devnull, "rb") as source:
        return subprocess.Popen(
            [sys.executable, "-m", "dephash", *args],
            cwd=cwd,
            env=environment,
            stdin=source,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
