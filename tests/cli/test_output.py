"""Progress on a terminal: files and bytes, redrawn in place, silent when piped."""

from __future__ import annotations

import io

from dephash.cli.output import TerminalProgress, make_progress
from dephash.hashing.progress import NoProgress


class Terminal(io.StringIO):
    """A text stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def test_progress_only_on_a_terminal_and_not_when_quiet() -> None:
    assert isinstance(make_progress(Terminal(), quiet=False), TerminalProgress)
    assert isinstance(make_progress(Terminal(), quiet=True), NoProgress)
    assert isinstance(make_progress(io.StringIO(), quiet=False), NoProgress)


def test_progress_redraws_at_most_ten_times_a_second() -> None:
    now = [0.0]
    stream = Terminal()
    progress = TerminalProgress(stream, clock=lambda: now[0])
    progress.start(files=3, total_bytes=None)
    progress.finish()
    assert stream.getvalue() == ""  # nothing was drawn, nothing to close
    progress.advance(1_500_000)
    now[0] = 0.05
    progress.file_done()  # too soon: not drawn
    now[0] = 0.2
    progress.file_done()
    progress.finish()
    assert stream.getvalue() == (
        "\rdephash: hashing 0/3 files, 1.5 MB downloaded"
        "\rdephash: hashing 2/3 files, 1.5 MB downloaded"
        "\rdephash: hashing 2/3 files, 1.5 MB downloaded\n"
    )


def test_bytes_downloaded_while_pip_resolves_are_shown_and_kept() -> None:
    now = [0.0]
    stream = Terminal()
    progress = TerminalProgress(stream, clock=lambda: now[0])
    progress.resolving(3)
    progress.advance(2_000_000)  # too soon: not drawn
    progress.start(files=2, total_bytes=None)
    now[0] = 0.2
    progress.file_done()
    progress.finish()
    ahead = "dephash: pip is resolving: 3 projects; 0.0 MB downloaded ahead"
    hashing = "dephash: hashing 1/2 files, 2.0 MB downloaded"
    assert stream.getvalue() == f"\r{ahead}\r{hashing.ljust(len(ahead))}\r{hashing}\n"


def test_no_progress_accepts_everything_silently() -> None:
    progress = NoProgress()
    progress.resolving(1)
    progress.start(1, 10)
    progress.advance(10)
    progress.file_done()
    progress.finish()
