"""Allow ``python -m dephash``."""

from dephash.cli import main

main()
