"""What the commands print besides their product: log records, progress, errors as exit codes."""

from __future__ import annotations

import functools
import logging
import signal
import sys
import threading
import time
from collections.abc import Callable
from typing import Any, TextIO, TypeVar

import click

from dephash.errors import DephashError
from dephash.hashing.progress import NoProgress, Progress
from dephash.redact import redact

F = TypeVar("F", bound=Callable[..., Any])

# Exit codes of a run stopped by Ctrl-C (SIGINT) and by SIGTERM, as shells report them.
INTERRUPTED = 128 + signal.SIGINT
TERMINATED = 128 + signal.SIGTERM


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised in the main thread as Ctrl-C is, so that the same clean-up runs."""


def _terminate(signum: int, frame: object) -> None:
    raise Terminated


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


def reports_errors(command: F) -> F:
    """Turn dephash's errors into one line on stderr and the error's exit code; Ctrl-C and
    SIGTERM into a line and 130 or 143, once the clean-up on the way out has run."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        previous = signal.signal(signal.SIGTERM, _terminate)
        try:
            return command(*args, **kwargs)
        except DephashError as exc:
            click.echo(f"dephash: error: {redact(str(exc))}", err=True)
            sys.exit(int(exc.exit_code))
        except Terminated:
            click.echo("dephash: terminated; nothing was written", err=True)
            sys.exit(TERMINATED)
        except KeyboardInterrupt:
            click.echo("dephash: interrupted; nothing was written", err=True)
            sys.exit(INTERRUPTED)
        finally:
            signal.signal(signal.SIGTERM, previous)

    return wrapper  # type: ignore[return-value]


def verbosity(command: F) -> F:
    """The -v/-q options every command shares."""
    command = click.option("-q", "--quiet", is_flag=True, help="Print errors only.")(command)
    return click.option(
        "-v", "--verbose", count=True, help="Say more: pip's command, each index page, each file."
    )(command)
