"""``dephash outdated``: which pins of a virtualenv or a pinned file fell behind."""

from __future__ import annotations

import sys
from enum import Enum
from typing import TYPE_CHECKING

import click

from dephash.cli.options import Seconds, index_options
from dephash.cli.output import configure_logging, reports_errors, verbosity
from dephash.errors import ExitCode, InputError
from dephash.redact import redact

if TYPE_CHECKING:
    from dephash.options import IndexOptions

OUTDATED_EXIT_CODES = """\b
Exit codes:
  0  nothing is outdated beyond the allowlist
  1  something is outdated
  2  bad input: missing PATH, unreadable file, malformed allowlist,
     a pinned package that no index has
  3  environment: pip missing or too old, index unreachable, timeout
"""


class OutputFormat(str, Enum):
    """How ``dephash outdated`` prints its report."""

    TABLE = "table"
    JSON = "json"


@click.command(epilog=OUTDATED_EXIT_CODES)
@click.argument("path", type=click.Path())
@click.option(
    "--allowlist",
    "allowlist_file",
    metavar="FILE",
    type=click.Path(dir_okay=False),
    help="Packages outdated on purpose: one 'name' (any version) or 'name==version' "
    "(only while pinned there) a line, optionally followed by '# reason'.",
)
@click.option("--ignore", metavar="NAME", multiple=True, help="Ignore this package (repeatable).")
@click.option(
    "--format",
    "output_format",
    type=click.Choice([f.value for f in OutputFormat]),
    default=OutputFormat.TABLE.value,
    show_default=True,
    help="A readable table, or JSON for machines.",
)
@index_options
@click.option("--pre", is_flag=True, help="Count pre-releases and development versions.")
@click.option(
    "--python-version",
    metavar="X.Y[.Z]",
    help="For a requirements file: the Python whose Requires-Python and markers count "
    "(default: the running one).",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(1, 64),
    default=8,
    show_default=True,
    help="Index pages to fetch at once (requirements files).",
)
@click.option(
    "--timeout",
    type=Seconds(),
    help="Seconds to wait for a server: to connect, to read, and for a whole page "
    "[default: 60; for a virtualenv, pip's setting].",
)
@click.option(
    "--retries",
    type=click.IntRange(0, 20),
    help="Retries of a failed request, with backoff [default: 5; for a virtualenv, pip's setting].",
)
@verbosity
@reports_errors
def outdated(
    path: str,
    allowlist_file: str | None,
    ignore: tuple[str, ...],
    output_format: str,
    index: IndexOptions,
    pre: bool,
    python_version: str | None,
    jobs: int,
    timeout: float | None,
    retries: int | None,
    verbose: int,
    quiet: bool,
) -> None:
    """Report the packages of PATH that are behind their index's latest version.

    PATH is a virtualenv (its folder or its Python), asked with
    'pip --python PATH list --outdated', or a pinned requirements file, whose
    'name==version' pins are compared with the indexes' versions without
    installing anything: yanked releases and, without --pre, pre-releases do
    not count, nor files whose Requires-Python excludes the target Python.
    Unpinned lines are reported on stderr; lines whose marker excludes this
    environment are skipped.
    """
    from dephash.allowlist import ignore_entries, read_allowlist
    from dephash.outdated import check_outdated
    from dephash.outdated.model import OutdatedOptions
    from dephash.outdated.report import missing_message, notes, render_json, render_table

    configure_logging(verbose, quiet)
    entries = read_allowlist(allowlist_file) if allowlist_file else ()
    options = OutdatedOptions(
        path=path,
        index=index,
        pre=pre,
        python_version=python_version,
        allowlist=entries + ignore_entries(ignore),
        jobs=jobs,
        timeout=timeout,
        retries=retries,
    )
    report = check_outdated(options)
    json_wanted = output_format == OutputFormat.JSON.value
    click.echo(render_json(report) if json_wanted else render_table(report), nl=False)
    if not quiet:
        for level, message in notes(report):
            click.echo(f"dephash: {level}: {redact(message)}", err=True)
    if report.missing:
        raise InputError(missing_message(report))
    if report.outdated:
        sys.exit(int(ExitCode.FINDINGS))
