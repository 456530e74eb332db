#!/usr/bin/env python3
"""The benchmark's entry script: ``python3 bench/run.py --help`` (the README's "Benchmark").

The benchmark itself is the ``bench`` package beside this file; ``python3 -m bench``, from
the repository root, runs the same.
"""

from __future__ import annotations

import sys
from pathlib import Path


def main() -> int:
    here = Path(__file__).resolve().parent
    # Run as a script, Python puts bench/ itself first on sys.path, where the package's
    # modules would stand as top-level ones: the package is imported from the root instead.
    sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != here]
    sys.path.insert(0, str(here.parent))
    from bench.cli import main as run

    return run(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
