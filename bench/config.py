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


def log(message: str) -> None:
    """Progress goes to stderr; the report goes to stdout."""
    print(f"bench: {message}", file=sys.stderr, flush=True)
