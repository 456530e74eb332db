"""Allow ``python -m dephash``."""

from dephash.cli import run

run()
