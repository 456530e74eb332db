"""Command line: click only. Option groups build dataclasses, a command calls its use case,
a format renders the result, and errors become exit codes.

Each command imports its use case when it runs: start-up pays only for the one it needs.
"""

from __future__ import annotations

import click

from dephash import __version__
from dephash.cli.check import check_command
from dephash.cli.gen import gen
from dephash.cli.outdated import outdated


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="dephash")
def main() -> None:
    """Pin Python dependencies by version and by the hash of every distribution file."""


main.add_command(gen)
main.add_command(outdated)
main.add_command(check_command)
