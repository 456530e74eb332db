"""``dephash check``: the audit of a pinned file, as a report and an exit code."""

from __future__ import annotations

import dataclasses
import sys
from enum import Enum
from typing import TYPE_CHECKING

import click

from dephash.cli.options import (
    cache_options,
    index_for_option,
    index_options,
    network_options,
    platforms,
    python_versions,
    resolver_options,
    selection_options,
)
from dephash.cli.output import configure_logging, reports_errors, verbosity
from dephash.errors import ExitCode

if TYPE_CHECKING:
    from dephash.check.model import CheckResult
    from dephash.http import NetworkSettings
    from dephash.options import IndexOptions, ResolverOptions, Selection

CHECK_EXIT_CODES = """\b
Exit codes:
  0  the file can be trusted (warnings alone do not fail, unless --strict)
  1  findings: each names the package, the version and what to do
     (dependency confusion and files uploaded after the cutoff too)
  2  bad input: unreadable file, malformed line (quoted), bad allowlist
  3  environment: pip missing, index unreachable, vulnerability data
     or upload times unavailable, portability not judged for an
     environment (nothing is claimed without data)
"""


class ReportFormat(str, Enum):
    """How ``dephash check`` writes its report."""

    TEXT = "text"
    JSON = "json"


def check_exit_code(result: CheckResult, strict: bool) -> ExitCode:
    """Environment failures beat findings, which beat warnings (that fail only if strict)."""
    if result.unavailable or result.no_upload_time or result.unjudged:
        return ExitCode.ENVIRONMENT
    if result.errors or (strict and result.warnings):
        return ExitCode.FINDINGS
    return ExitCode.OK


@click.command(name="check", epilog=CHECK_EXIT_CODES)
@click.argument("pinned", metavar="PINNED", type=click.Path(dir_okay=False))
@click.option(
    "--input",
    "input_file",
    metavar="FILE",
    type=click.Path(dir_okay=False),
    help="The requirements file or pyproject.toml PINNED was generated from: resolve it "
    "again, keeping the pins that still fit, and report drift.",
)
@selection_options
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
@click.option(
    "--python-version",
    "python_versions",
    metavar="X.Y|RANGE",
    multiple=True,
    callback=python_versions,
    help="Audit portability for this CPython version, or every version a range such as "
    "'>=3.10' admits (repeatable) [default: the Pythons the file's header names].",
)
@click.option(
    "--platform",
    "platforms",
    metavar="PLATFORM",
    multiple=True,
    callback=platforms,
    help="Audit portability for linux, macos or windows (x86_64 and arm64), or one wheel "
    "platform tag (repeatable) [default: the platforms the file's header names].",
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
@index_options
@resolver_options(
    pre="With --input: allow pre-releases, as gen --pre.",
    only_binary="pip's --only-binary: with --input for its resolution; the portability "
    "audit then counts no sdist of the packages it names as installing.",
    no_binary="With --input: pip's --no-binary.",
    python="With --input: resolve for this interpreter (pip's --python).",
    uploaded_prior_to="A release cooldown: fail where a hashed file was uploaded on or after "
    "this time (an ISO 8601 date or time, UTC unless it gives an offset, or P<n>D: n days "
    "before the start of today, UTC); exit 3 where the index publishes no upload times. "
    "With --input, pip resolves with it too [env: DEPHASH_UPLOADED_PRIOR_TO].",
)
@index_for_option(
    "Take NAME from this index (or find-links location) alone, as gen did (repeatable; "
    "the file's '# from' lines say so too): it is not judged for dependency confusion.",
)
@network_options
@cache_options
@verbosity
@reports_errors
def check_command(
    pinned: str,
    input_file: str | None,
    selection: Selection,
    vulns: bool,
    allowlist: str | None,
    python_versions: tuple[str, ...],
    platforms: tuple[str, ...],
    strict: bool,
    offline: bool,
    report_format: str,
    index: IndexOptions,
    resolver: ResolverOptions,
    index_for: tuple[tuple[str, str], ...],
    network: NetworkSettings,
    cache_dir: str | None,
    verbose: int,
    quiet: bool,
) -> None:
    """Audit PINNED, a file of pins with hashes (a requirements file, or a
    pylock.toml whose files are checked one by one), before a deploy or in CI.

    Checks that 'pip install --require-hashes' accepts it (every line pinned
    with '==' and hashed, no editable/VCS line, no duplicate), that every hash
    is the digest of a file the index serves for that version (files without a
    hash are warnings), that no pin is on a yanked release, that every
    environment the file covers (its header says which; or --python-version
    and --platform) finds each dependency it needs pinned; with more than one
    index, that no pinned name is served differently by two of them
    (dependency confusion); with --uploaded-prior-to, that no hashed file was
    uploaded after the cutoff; with --input, that it is in sync with its
    input; with --vulns, that no pinned release has a known vulnerability.
    """
    configure_logging(verbose, quiet)
    from dephash.check import check
    from dephash.check.model import CheckOptions
    from dephash.check.report import check_json, check_text

    options = CheckOptions(
        pinned=pinned,
        input=input_file,
        vulns=vulns,
        allowlist=allowlist,
        offline=offline,
        index=dataclasses.replace(index, index_for=index_for),
        resolver=resolver,
        selection=selection,
        jobs=network.pool_size,
        cache_dir=cache_dir,
        python_versions=python_versions,
        platforms=platforms,
    )
    result = check(options, network=network)
    code = check_exit_code(result, strict)
    if ReportFormat(report_format) is ReportFormat.JSON:
        click.echo(check_json(result, code), nl=False)
    else:
        click.echo(check_text(result), nl=False)
    # What could not be had fails the run: each kind said once, on stderr.
    nothing = "nothing is claimed about them"
    missing = (
        (result.unavailable, "vulnerability data is unavailable for", "pinned release", nothing),
        (
            result.no_upload_time,
            "upload times are unavailable for",
            "pinned release",
            "the cooldown is not claimed for them",
        ),
        (result.unjudged, "portability could not be judged for", "environment", nothing),
    )
    for entries, what, unit, unclaimed in missing:
        if entries:
            count = len(entries)
            click.echo(
                f"dephash: error: {what} {count} {unit}{'' if count == 1 else 's'} "
                f"(listed in the report); {unclaimed}",
                err=True,
            )
    sys.exit(int(code))
