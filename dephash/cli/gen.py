"""``dephash gen``: options in, a lock rendered to stdout or written atomically to ``-o``."""

from __future__ import annotations

import dataclasses
import sys
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
    upgrade_packages,
)
from dephash.cli.output import configure_logging, make_progress, reports_errors, verbosity
from dephash.files import check_output, display_path, read_bytes, read_stream, write_atomic
from dephash.hashes import Algorithm
from dephash.model import Format

if TYPE_CHECKING:
    from dephash.diff import Changes
    from dephash.http import NetworkSettings
    from dephash.options import IndexOptions, ResolverOptions, Selection

EXIT_CODES = """\b
Exit codes:
  0  success
  2  bad input: unreadable or malformed file, unhashable requirement,
     no such package, conflicting requirements, a name two indexes
     serve differently (dependency confusion)
  3  environment: pip missing or too old, index unreachable, timeout,
     integrity mismatch
"""


@click.command(epilog=EXIT_CODES)
@click.argument("input_file", metavar="INPUT", type=click.Path(dir_okay=False, allow_dash=True))
@selection_options
@click.option(
    "-o",
    "--output",
    help="Write here (atomically, only on success) instead of standard output.",
)
@click.option(
    "--format",
    "lock_format",
    type=click.Choice([f.value for f in Format]),
    help="Lock format: requirements (pip's requirements file with --hash options) or "
    "pylock (PEP 751's pylock.toml) [default: pylock for -o pylock.toml or "
    "pylock.NAME.toml, else requirements].",
)
@click.option(
    "--algorithm",
    type=click.Choice([a.value for a in Algorithm]),
    default=Algorithm.SHA512.value,
    show_default=True,
    help="Hash algorithm; digests the index does not publish are computed "
    "from a download verified against the digest it does publish.",
)
@index_options
@resolver_options(
    pre="Allow pre-releases and development versions.",
    only_binary="pip's --only-binary (e.g. ':all:' to never run an sdist's build code).",
    no_binary="pip's --no-binary.",
    python="Resolve for this interpreter (pip's --python) instead of the running one.",
    uploaded_prior_to="A release cooldown: only files uploaded before this time, an ISO 8601 "
    "date or time (UTC unless it gives an offset) or P<n>D (n days before the start of "
    "today, UTC). pip gets it, no later file is hashed, and the file records the absolute time "
    "[env: DEPHASH_UPLOADED_PRIOR_TO].",
)
@index_for_option(
    "Take NAME from this index (or find-links location) alone and hash only its files "
    "(repeatable). With more than one index, a name they serve differently is refused "
    "without it.",
)
@click.option(
    "--annotate/--no-annotate",
    default=True,
    show_default=True,
    help="Write '# via' comments naming what requires each pin.",
)
@network_options
@click.option(
    "--python-version",
    "python_versions",
    metavar="X.Y|RANGE",
    multiple=True,
    callback=python_versions,
    help="Resolve for this CPython version, or every version a range such as '>=3.10' "
    "admits, and hash only their files (repeatable) [default: the resolving interpreter's].",
)
@click.option(
    "--platform",
    "platforms",
    metavar="PLATFORM",
    multiple=True,
    callback=platforms,
    help="Resolve for linux, macos or windows (x86_64 and arm64), or for one wheel platform "
    "tag such as manylinux_2_17_x86_64 or win_amd64, and hash only its files (repeatable) "
    "[default: Linux, macOS and Windows, every file].",
)
@click.option(
    "--host-only",
    is_flag=True,
    help="Resolve for the resolving interpreter alone, as pip does: no markers; "
    "--python-version and --platform then only choose the files hashed.",
)
@cache_options
@click.option(
    "--existing",
    type=click.Path(dir_okay=False),
    help="Keep the pins of this file where they still fit [default: the -o file, if it exists].",
)
@click.option("-U", "--upgrade", is_flag=True, help="Ignore existing pins: resolve afresh.")
@click.option(
    "-P",
    "--upgrade-package",
    "upgrade_packages",
    metavar="NAME[==VERSION]",
    multiple=True,
    callback=upgrade_packages,
    help="Release this package's pin, or move it to VERSION (repeatable).",
)
@click.option(
    "--dry-run",
    is_flag=True,
    help="Print the summary of changes and the would-be file on stdout; write nothing.",
)
@verbosity
@reports_errors
def gen(
    input_file: str,
    selection: Selection,
    output: str | None,
    lock_format: str | None,
    algorithm: str,
    index: IndexOptions,
    resolver: ResolverOptions,
    index_for: tuple[tuple[str, str], ...],
    annotate: bool,
    network: NetworkSettings,
    python_versions: tuple[str, ...],
    platforms: tuple[str, ...],
    host_only: bool,
    cache_dir: str | None,
    existing: str | None,
    upgrade: bool,
    upgrade_packages: tuple[str, ...],
    dry_run: bool,
    verbose: int,
    quiet: bool,
) -> None:
    """Resolve INPUT with pip and print every package pinned with its hashes.

    INPUT is a requirements file in pip's format, '-' for standard input, or a
    project's pyproject.toml (its dependencies, with --extra/--group to add).
    The file covers Linux, macOS and Windows (x86_64 and arm64) for the
    resolving Python, or the Pythons and platforms named: a package needed in
    some of them only carries a marker, one whose version differs by
    environment gets a line per version. Every distribution file of each
    pinned version is hashed (every wheel and the sdist), so that the file
    installs with 'pip install --require-hashes' wherever it covers. Where a
    package has no wheel for an environment, its sdist is pinned there (pip
    builds it at install) and a warning names it; --only-binary forbids that.

    With -o pylock.toml (or pylock.NAME.toml, or --format pylock) the lock is
    a PEP 751 pylock.toml: each file with its URL, size and digests.
    """
    configure_logging(verbose, quiet)
    from dephash.diff import summary
    from dephash.formats import format_of
    from dephash.gen import GenOptions, generate

    options = GenOptions(
        input=input_file,
        algorithm=algorithm,
        index=dataclasses.replace(index, index_for=index_for),
        resolver=resolver,
        annotate=annotate,
        output=output,
        jobs=network.pool_size,
        python_versions=python_versions,
        platforms=platforms,
        host_only=host_only,
        cache_dir=cache_dir,
        existing=existing,
        upgrade=upgrade,
        upgrade_packages=upgrade_packages,
        selection=selection,
        lock_format=Format(lock_format) if lock_format else None,
    )
    writer = format_of(output, options.lock_format)
    if output is not None:
        check_output(output, input_file)
    stdin_text = read_stream(sys.stdin, "standard input") if input_file == "-" else None
    progress = make_progress(sys.stderr, quiet)
    result = generate(options, network=network, stdin_text=stdin_text, progress=progress)
    text = writer.render(result.lock, options.annotate)
    if dry_run:
        if result.changes is not None:
            click.echo("".join(f"# {line}\n" for line in summary(result.changes)), nl=False)
        click.echo(text, nl=False)
        return
    if output is None:
        click.echo(text, nl=False)
    elif not _holds(output, text):
        write_atomic(output, text)
    if result.changes is not None:
        _report_changes(result.changes, existing or output or "", quiet)


def _holds(path: str, text: str) -> bool:
    """Whether ``path`` already holds exactly ``text`` (then it is left alone)."""
    expected = text.encode("utf-8")
    try:
        return read_bytes(path, len(expected)) == expected
    except OSError:
        return False


def _report_changes(changes: Changes, path: str, quiet: bool) -> None:
    """The summary of a regeneration on stderr; replaced files always, as warnings."""
    from dephash.diff import summary, warnings

    if not quiet:
        click.echo(f"dephash: changes against {display_path(path)}:", err=True)
        for line in summary(changes):
            click.echo(f"dephash:   {line}", err=True)
    for line in warnings(changes):
        click.echo(f"dephash: warning: {line}", err=True)
