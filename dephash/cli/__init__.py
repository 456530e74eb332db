"""Command line: click only. Option groups build dataclasses, a command calls its use case,
a format renders the result, and errors become exit codes.

Each command imports its use case when it runs: start-up pays only for the one it needs.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from typing import IO, Any

import click

from dephash import __version__
from dephash.cli.check import check_command
from dephash.cli.gen import gen
from dephash.cli.outdated import outdated
from dephash.cli.output import INTERRUPTED, TERMINATED


class _ShortUsageError(click.UsageError):
    """click's usage error in two lines: the error, then the usage and where help is."""

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"dephash: error: {self.format_message()}", err=True)
        if self.ctx is not None:
            usage = self.ctx.get_usage().removeprefix("Usage: ")
            path = self.ctx.command_path
            click.echo(f"usage: {usage} ('{path} --help' says more)", err=True)


@contextmanager
def _short_usage() -> Iterator[None]:
    try:
        yield
    except click.UsageError as exc:
        raise _ShortUsageError(exc.format_message(), exc.ctx) from None


class _Group(click.Group):
    """The command group: usage errors of the group and of its commands are two lines."""

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        with _short_usage():
            return super().make_context(info_name, args, parent, **extra)

    def invoke(self, ctx: click.Context) -> Any:
        with _short_usage():
            return super().invoke(ctx)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="dephash")
def main() -> None:
    """Pin Python dependencies by version and by the hash of every distribution file."""


main.add_command(gen)
main.add_command(outdated)
main.add_command(check_command)


def run(args: Sequence[str] | None = None) -> None:
    """The ``dephash`` program: :func:`main`; an interrupted run then exits at once.

    A worker thread may be blocked on a server that stalls; exiting normally would
    wait for it, so an interrupted run, its clean-up done, ends the process directly.
    """
    try:
        main(args)
    except SystemExit as exc:
        if exc.code not in (INTERRUPTED, TERMINATED):
            raise
        for stream in (sys.stdout, sys.stderr):
            with suppress(OSError):
                stream.flush()
        os._exit(exc.code)
