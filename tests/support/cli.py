"""Running the dephash command line in-process, as the tests do."""

from __future__ import annotations

from click.testing import CliRunner, Result

from dephash.cli import main


def run(*args: str, input: str | None = None) -> Result:
    """``dephash ARGS`` with click's runner; stdout and stderr kept apart; errors raised."""
    return CliRunner().invoke(
        main, list(args), input=input, catch_exceptions=False, prog_name="dephash"
    )
