"""``python3 -m bench``: the same as ``python3 bench/run.py``."""

from __future__ import annotations

import sys

from bench.cli import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
