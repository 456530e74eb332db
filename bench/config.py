"""Where the benchmark's files are, the one index every tool is given, and the progress log."""

from __future__ import annotations

import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
INPUTS = BENCH / "inputs"
RESULTS = BENCH / "results"
DEFAULT_VENV = BENCH / ".venv"
SCRIPT = BENCH / "run.py"  # the entry script: the bench venv re-runs it, the baseline runs it
INDEX = "https://pypi.org/simple/"
# The portable scenario's Pythons: dephash's range, and the lowest for uv's --universal.
PORTABLE_PYTHONS = ">=3.10,<3.15"
PORTABLE_LOWEST = "3.10"
# Its platforms: Linux and macOS on x86_64 and arm64, Windows on x86_64. Not dephash's
# default (Windows on arm64 too): pandas, in the medium and large inputs, has no Windows
# arm64 wheel for Python 3.10, and dephash refuses an environment it cannot resolve.
PORTABLE_PLATFORMS = ("linux", "macos", "win_amd64")


def log(message: str) -> None:
    """Progress goes to stderr; the report goes to stdout."""
    print(f"bench: {message}", file=sys.stderr, flush=True)
