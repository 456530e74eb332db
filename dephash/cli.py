"""Command line: parse options, call a use case, print, and turn errors into exit codes."""

from __future__ import annotations

import functools
import logging
import sys
import threading
import time
from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO, TypeVar

import click
from packaging.utils import InvalidName, canonicalize_name
from packaging.version import InvalidVersion, Version

from dephash import __version__
from dephash.cache import default_cache_dir
from dephash.digests import NoProgress, Progress
from dephash.errors import DephashError, ExitCode, InputError
from dephash.index import NetworkSettings
from dephash.models import CheckOptions, CheckResult, GenOptions, OutdatedOptions
from dephash.redact import redact
from dephash.reqfile import display_path, write_atomic
from dephash.targets import parse_python_version

if TYPE_CHECKING:
    from dephash.changes import Changes

# Each command imports its use case when it runs: start-up pays only for the one it needs.

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


class TerminalProgress:
    """Files and bytes done, redrawn in place on a terminal's stderr (thread-safe)."""

    def __init__(self, stream: TextIO, clock: Callable[[], float] = time.monotonic) -> None:
        self.stream = stream
        self.clock = clock
        self.lock = threading.Lock()
        self.files: int | None = None  # unknown until pip has resolved
        self.projects = 0
        self.done = 0
        self.bytes = 0
        self.drawn_at: float | None = None
        self.width = 0

    def resolving(self, projects: int) -> None:
        with self.lock:
            self.projects = projects
            self._draw(force=False)

    def start(self, files: int, total_bytes: int | None) -> None:
        # Bytes downloaded ahead, while pip resolved, still count.
        with self.lock:
            self.files, self.done = files, 0

    def advance(self, nbytes: int) -> None:
        with self.lock:
            self.bytes += nbytes
            self._draw(force=False)

    def file_done(self) -> None:
        with self.lock:
            self.done += 1
            self._draw(force=False)

    def finish(self) -> None:
        with self.lock:
            if self.drawn_at is not None:
                self._draw(force=True)
                self.stream.write("\n")
                self.stream.flush()

    def _draw(self, force: bool) -> None:
        now = self.clock()
        if not force and self.drawn_at is not None and now - self.drawn_at < 0.1:
            return
        self.drawn_at = now
        megabytes = f"{self.bytes / 1_000_000:.1f} MB downloaded"
        if self.files is None:
            line = f"dephash: pip is resolving: {self.projects} projects; {megabytes} ahead"
        else:
            line = f"dephash: hashing {self.done}/{self.files} files, {megabytes}"
        # Padded to cover a longer line drawn before.
        self.stream.write("\r" + line.ljust(self.width))
        self.width = len(line)
        self.stream.flush()


def make_progress(stream: TextIO, quiet: bool) -> Progress:
    """A progress display on a terminal; nothing when piped or with -q."""
    if quiet or not stream.isatty():
        return NoProgress()
    return TerminalProgress(stream)


def _python_versions(
    context: click.Context, parameter: click.Parameter, values: tuple[str, ...]
) -> tuple[str, ...]:
    try:
        return tuple(".".join(map(str, parse_python_version(value))) for value in values)
    except InputError as exc:
        raise click.BadParameter(str(exc)) from None


def _upgrade_packages(
    context: click.Context, parameter: click.Parameter, values: tuple[str, ...]
) -> tuple[str, ...]:
    specs = []
    for value in values:
        name, sep, version = value.partition("==")
        try:
            canonical = canonicalize_name(name, validate=True)
            if sep:
                Version(version)
        except (InvalidName, InvalidVersion):
            raise click.BadParameter(f"expected NAME or NAME==VERSION, got {value!r}") from None
        specs.append(f"{canonical}=={version}" if sep else canonical)
    return tuple(specs)


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


def _apply(command: F, *decorators: Callable[[F], F]) -> F:
    for decorator in reversed(decorators):
        command = decorator(command)
    return command


def index_options(command: F) -> F:
    """-i, --extra-index-url, -f and --no-index: where packages come from, as in pip."""
    return _apply(
        command,
        click.option(
            "-i", "--index-url", metavar="URL", help="Base URL of the package index (pip's)."
        ),
        click.option(
            "--extra-index-url",
            metavar="URL",
            multiple=True,
            help="Another index to use (repeatable).",
        ),
        click.option(
            "-f",
            "--find-links",
            metavar="PATH_OR_URL",
            multiple=True,
            help="A folder or page of archives to use (repeatable).",
        ),
        click.option("--no-index", is_flag=True, help="Use no index: only --find-links locations."),
    )


def network_options(command: F) -> F:
    """-j, --timeout and --retries: how hard dephash works the network."""
    return _apply(
        command,
        click.option(
            "-j",
            "--jobs",
            type=click.IntRange(1, 64),
            default=8,
            show_default=True,
            help="Index pages and downloads to run at once.",
        ),
        click.option(
            "--timeout",
            type=click.FloatRange(min=0.1),
            default=60.0,
            show_default=True,
            help="Seconds to wait for a server to answer (connect and each read).",
        ),
        click.option(
            "--retries",
            type=click.IntRange(0, 20),
            default=5,
            show_default=True,
            help="Retries of a failed request (connection errors, 429, 5xx), with backoff.",
        ),
    )


def cache_options(command: F) -> F:
    """--cache-dir and --no-cache: the digest cache gen and check share."""
    return _apply(
        command,
        click.option(
            "--cache-dir",
            type=click.Path(file_okay=False),
            help="Where computed digests are remembered [default: $DEPHASH_CACHE_DIR, "
            "else the user cache folder].",
        ),
        click.option("--no-cache", is_flag=True, help="Neither read nor write the digest cache."),
    )


def cache_location(cache_dir: str | None, no_cache: bool) -> str | None:
    """The cache folder the options name, or None when the cache is off."""
    if no_cache:
        return None
    return cache_dir or str(default_cache_dir())


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
@index_options
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
@network_options
@click.option(
    "--python-version",
    "python_versions",
    metavar="X.Y",
    multiple=True,
    callback=_python_versions,
    help="Hash only the wheels that install on this CPython version (repeatable). "
    "Chooses files only; to resolve for another interpreter use --python.",
)
@click.option(
    "--platform",
    "platforms",
    metavar="TAG",
    multiple=True,
    help="Hash only the wheels for this platform tag, e.g. manylinux_2_17_x86_64 or "
    "win_amd64 (repeatable). Sdists are kept unless --only-binary says otherwise.",
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
    callback=_upgrade_packages,
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
    python_versions: tuple[str, ...],
    platforms: tuple[str, ...],
    cache_dir: str | None,
    no_cache: bool,
    existing: str | None,
    upgrade: bool,
    upgrade_packages: tuple[str, ...],
    dry_run: bool,
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
        python_versions=python_versions,
        platforms=platforms,
        cache_dir=cache_location(cache_dir, no_cache),
        existing=existing,
        upgrade=upgrade,
        upgrade_packages=upgrade_packages,
    )
    network = NetworkSettings(
        connect_timeout=timeout, read_timeout=timeout, retries=retries, pool_size=jobs
    )
    from dephash.changes import summary
    from dephash.gen import generate

    stdin_text = sys.stdin.read() if input_file == "-" else None
    progress = make_progress(sys.stderr, quiet)
    result = generate(options, network=network, stdin_text=stdin_text, progress=progress)
    if dry_run:
        if result.changes is not None:
            click.echo("".join(f"# {line}\n" for line in summary(result.changes)), nl=False)
        click.echo(result.text, nl=False)
        return
    if output and not _holds(output, result.text):
        write_atomic(output, result.text)
    elif not output:
        click.echo(result.text, nl=False)
    if result.changes is not None:
        _report_changes(result.changes, existing or output or "", quiet)


def _holds(path: str, text: str) -> bool:
    """Whether ``path`` already holds exactly ``text`` (then it is left alone)."""
    try:
        return Path(path).read_text(encoding="utf-8") == text
    except (OSError, UnicodeDecodeError):
        return False


def _report_changes(changes: Changes, path: str, quiet: bool) -> None:
    """The summary of a regeneration on stderr; replaced files always, as warnings."""
    from dephash.changes import summary, warnings

    if not quiet:
        click.echo(f"dephash: changes against {display_path(path)}:", err=True)
        for line in summary(changes):
            click.echo(f"dephash:   {line}", err=True)
    for line in warnings(changes):
        click.echo(f"dephash: warning: {line}", err=True)


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
    from dephash.allowlist import ignore_entries, read_allowlist
    from dephash.outdated import check_outdated
    from dephash.render_outdated import missing_message, notes, render_json, render_table

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
@index_options
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
@network_options
@cache_options
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
    cache_dir: str | None,
    no_cache: bool,
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
        cache_dir=cache_location(cache_dir, no_cache),
    )
    network = NetworkSettings(
        connect_timeout=timeout, read_timeout=timeout, retries=retries, pool_size=jobs
    )
    from dephash.check import check
    from dephash.report import check_json, check_text

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
