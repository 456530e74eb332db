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
from dephash.check import check
from dephash.errors import DephashError, ExitCode
from dephash.gen import generate
from dephash.index import NetworkSettings
from dephash.models import CheckOptions, CheckResult, GenOptions
from dephash.redact import redact
from dephash.report import check_json, check_text
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


CHECK_EXIT_CODES = """\b
Exit codes:
  0  the file can be trusted (warnings alone do not fail, unless --strict)
  1  findings: each names the package, the version and what to do
  2  bad input: unreadable file, malformed line (quoted), bad allowlist
  3  environment: pip missing, index unreachable, vulnerability data
     unavailable (nothing is claimed without data)
"""


class ReportFormat(str, Enum):
    """How ``dephash check`` writes its report."""

    TEXT = "text"
    JSON = "json"


def check_exit_code(result: CheckResult, strict: bool) -> ExitCode:
    """Environment failures beat findings, which beat warnings (that fail only if strict)."""
    if result.unavailable:
        return ExitCode.ENVIRONMENT
    if result.errors or (strict and result.warnings):
        return ExitCode.FINDINGS
    return ExitCode.OK


@main.command(name="check", epilog=CHECK_EXIT_CODES)
@click.argument("pinned", metavar="PINNED", type=click.Path(dir_okay=False))
@click.option(
    "--input",
    "input_file",
    metavar="FILE",
    type=click.Path(dir_okay=False),
    help="The requirements PINNED was generated from: resolve it again, keeping the pins "
    "that still fit, and report drift.",
)
@click.option(
    "--vulns",
    is_flag=True,
    help="Report known vulnerabilities, from the index's PyPI-style JSON API "
    "(exit 3 where it has no data).",
)
@click.option(
    "--allowlist",
    metavar="FILE",
    type=click.Path(dir_okay=False),
    help="Vulnerability ids --vulns accepts: one a line, 'ID  # reason'.",
)
@click.option("--strict", is_flag=True, help="Fail (exit 1) on warnings too.")
@click.option(
    "--offline",
    is_flag=True,
    help="Check only completeness for hash-checking mode, without the network.",
)
@click.option(
    "--format",
    "report_format",
    type=click.Choice([f.value for f in ReportFormat]),
    default=ReportFormat.TEXT.value,
    show_default=True,
    help="Report format.",
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
@click.option("--pre", is_flag=True, help="With --input: allow pre-releases, as gen --pre.")
@click.option(
    "--only-binary", metavar="FORMAT", multiple=True, help="With --input: pip's --only-binary."
)
@click.option(
    "--no-binary", metavar="FORMAT", multiple=True, help="With --input: pip's --no-binary."
)
@click.option(
    "--python",
    "python_path",
    metavar="PATH",
    help="With --input: resolve for this interpreter (pip's --python).",
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
def check_command(
    pinned: str,
    input_file: str | None,
    vulns: bool,
    allowlist: str | None,
    strict: bool,
    offline: bool,
    report_format: str,
    index_url: str | None,
    extra_index_url: tuple[str, ...],
    find_links: tuple[str, ...],
    no_index: bool,
    pre: bool,
    only_binary: tuple[str, ...],
    no_binary: tuple[str, ...],
    python_path: str | None,
    jobs: int,
    timeout: float,
    retries: int,
    verbose: int,
    quiet: bool,
) -> None:
    """Audit PINNED, a file of pins with hashes, before a deploy or in CI.

    Checks that 'pip install --require-hashes' accepts it (every line pinned
    with '==' and hashed, no editable/VCS line, no duplicate), that every hash
    is the digest of a file the index serves for that version (files without a
    hash are warnings), that no pin is on a yanked release; with --input, that
    it is in sync with its input; with --vulns, that no pinned release has a
    known vulnerability.
    """
    configure_logging(verbose, quiet)
    options = CheckOptions(
        pinned=pinned,
        input=input_file,
        vulns=vulns,
        allowlist=allowlist,
        offline=offline,
        index_url=index_url,
        extra_index_urls=extra_index_url,
        find_links=find_links,
        no_index=no_index,
        pre=pre,
        only_binary=only_binary,
        no_binary=no_binary,
        python=python_path,
        jobs=jobs,
    )
    network = NetworkSettings(
        connect_timeout=timeout, read_timeout=timeout, retries=retries, pool_size=jobs
    )
    result = check(options, network=network)
    code = check_exit_code(result, strict)
    if ReportFormat(report_format) is ReportFormat.JSON:
        click.echo(check_json(result, code), nl=False)
    else:
        click.echo(check_text(result), nl=False)
    if result.unavailable:
        count = len(result.unavailable)
        click.echo(
            f"dephash: error: vulnerability data is unavailable for {count} pinned "
            f"release{'' if count == 1 else 's'} (listed in the report); "
            "nothing is claimed about them",
            err=True,
        )
    sys.exit(int(code))
