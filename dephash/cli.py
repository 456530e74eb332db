"""Command line: parse options, call a use case, print, and turn errors into exit codes."""

from __future__ import annotations

import functools
import logging
import sys
from collections.abc import Callable
from enum import Enum
from typing import Any, TypeVar

import click

from dephash import __version__
from dephash.allowlist import ignore_entries, read_allowlist
from dephash.errors import DephashError, ExitCode, InputError
from dephash.gen import generate
from dephash.index import NetworkSettings
from dephash.models import GenOptions, OutdatedOptions
from dephash.outdated import check_outdated
from dephash.redact import redact
from dephash.render_outdated import missing_message, notes, render_json, render_table
from dephash.reqfile import write_atomic

F = TypeVar("F", bound=Callable[..., Any])

EXIT_CODES = """\b
Exit codes:
  0  success
  2  bad input: unreadable or malformed file, unhashable requirement,
     no such package, conflicting requirements
  3  environment: pip missing or too old, index unreachable, timeout,
     integrity mismatch
"""


class Algorithm(str, Enum):
    """Hash algorithms that ``pip install --require-hashes`` accepts."""

    SHA256 = "sha256"
    SHA384 = "sha384"
    SHA512 = "sha512"


class _StderrHandler(logging.Handler):
    """Writes records to whatever stderr is at the moment (click's, in tests too)."""

    def emit(self, record: logging.LogRecord) -> None:
        message = redact(record.getMessage())
        if record.levelno >= logging.WARNING:
            message = f"{record.levelname.lower()}: {message}"
        click.echo(f"dephash: {message}", err=True)


def configure_logging(verbose: int, quiet: bool) -> None:
    """Route dephash's log records to stderr at the level the flags ask for."""
    logger = logging.getLogger("dephash")
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
    logger.addHandler(_StderrHandler())
    logger.propagate = False
    if quiet:
        logger.setLevel(logging.ERROR)
    elif verbose:
        logger.setLevel(logging.DEBUG)
    else:
        logger.setLevel(logging.WARNING)


def reports_errors(command: F) -> F:
    """Turn dephash's errors into one line on stderr and the error's exit code."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except DephashError as exc:
            click.echo(f"dephash: error: {redact(str(exc))}", err=True)
            sys.exit(int(exc.exit_code))
        except KeyboardInterrupt:
            click.echo("dephash: interrupted; nothing was written", err=True)
            sys.exit(130)

    return wrapper  # type: ignore[return-value]


def verbosity(command: F) -> F:
    """The -v/-q options every command shares."""
    command = click.option("-q", "--quiet", is_flag=True, help="Print errors only.")(command)
    return click.option(
        "-v", "--verbose", count=True, help="Say more: pip's command, each index page, each file."
    )(command)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="dephash")
def main() -> None:
    """Pin Python dependencies by version and by the hash of every distribution file."""


@main.command(epilog=EXIT_CODES)
@click.argument("input_file", metavar="INPUT", type=click.Path(dir_okay=False, allow_dash=True))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    help="Write here (atomically, only on success) instead of standard output.",
)
@click.option(
    "--algorithm",
    type=click.Choice([a.value for a in Algorithm]),
    default=Algorithm.SHA512.value,
    show_default=True,
    help="Hash algorithm; digests the index does not publish are computed "
    "from a download verified against the digest it does publish.",
)
@click.option("-i", "--index-url", metavar="URL", help="Base URL of the package index (pip's).")
@click.option(
    "--extra-index-url", metavar="URL", multiple=True, help="Another index to use (repeatable)."
)
@click.option(
    "-f",
    "--find-links",
    metavar="PATH_OR_URL",
    multiple=True,
    help="A folder or page of archives to use (repeatable).",
)
@click.option("--no-index", is_flag=True, help="Use no index: only --find-links locations.")
@click.option("--pre", is_flag=True, help="Allow pre-releases and development versions.")
@click.option(
    "--only-binary",
    metavar="FORMAT",
    multiple=True,
    help="pip's --only-binary (e.g. ':all:' to never run an sdist's build code).",
)
@click.option("--no-binary", metavar="FORMAT", multiple=True, help="pip's --no-binary.")
@click.option(
    "--python",
    "python_path",
    metavar="PATH",
    help="Resolve for this interpreter (pip's --python) instead of the running one.",
)
@click.option(
    "--annotate/--no-annotate",
    default=True,
    show_default=True,
    help="Write '# via' comments naming what requires each pin.",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(1, 64),
    default=8,
    show_default=True,
    help="Index pages and downloads to run at once.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=60.0,
    show_default=True,
    help="Seconds to wait for a server to answer (connect and each read).",
)
@click.option(
    "--retries",
    type=click.IntRange(0, 20),
    default=5,
    show_default=True,
    help="Retries of a failed request (connection errors, 429, 5xx), with backoff.",
)
@verbosity
@reports_errors
def gen(
    input_file: str,
    output: str | None,
    algorithm: str,
    index_url: str | None,
    extra_index_url: tuple[str, ...],
    find_links: tuple[str, ...],
    no_index: bool,
    pre: bool,
    only_binary: tuple[str, ...],
    no_binary: tuple[str, ...],
    python_path: str | None,
    annotate: bool,
    jobs: int,
    timeout: float,
    retries: int,
    verbose: int,
    quiet: bool,
) -> None:
    """Resolve INPUT with pip and print every package pinned with its hashes.

    INPUT is a requirements file in pip's format, or '-' for standard input.
    Every distribution file of each pinned version is hashed (every wheel and
    the sdist), so the output installs with 'pip install --require-hashes' on
    any platform.
    """
    configure_logging(verbose, quiet)
    options = GenOptions(
        input=input_file,
        algorithm=algorithm,
        index_url=index_url,
        extra_index_urls=extra_index_url,
        find_links=find_links,
        no_index=no_index,
        pre=pre,
        only_binary=only_binary,
        no_binary=no_binary,
        python=python_path,
        annotate=annotate,
        output=output,
        jobs=jobs,
    )
    network = NetworkSettings(
        connect_timeout=timeout, read_timeout=timeout, retries=retries, pool_size=jobs
    )
    stdin_text = sys.stdin.read() if input_file == "-" else None
    result = generate(options, network=network, stdin_text=stdin_text)
    if output:
        write_atomic(output, result.text)
    else:
        click.echo(result.text, nl=False)


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


@main.command(epilog=OUTDATED_EXIT_CODES)
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
@click.option("-i", "--index-url", metavar="URL", help="Base URL of the package index (pip's).")
@click.option(
    "--extra-index-url", metavar="URL", multiple=True, help="Another index to use (repeatable)."
)
@click.option(
    "-f",
    "--find-links",
    metavar="PATH_OR_URL",
    multiple=True,
    help="A folder or page of archives to use (repeatable).",
)
@click.option("--no-index", is_flag=True, help="Use no index: only --find-links locations.")
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
    type=click.FloatRange(min=0.1),
    help="Seconds to wait for a server to answer (connect and each read) "
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
    index_url: str | None,
    extra_index_url: tuple[str, ...],
    find_links: tuple[str, ...],
    no_index: bool,
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
    configure_logging(verbose, quiet)
    entries = read_allowlist(allowlist_file) if allowlist_file else ()
    options = OutdatedOptions(
        path=path,
        index_url=index_url,
        extra_index_urls=extra_index_url,
        find_links=find_links,
        no_index=no_index,
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
