"""Progress while pip resolves and files are hashed: the protocol, and the display of nothing."""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    """Receives progress while pip resolves and files are hashed (from worker threads too)."""

    def resolving(self, projects: int) -> None: ...

    def start(self, files: int, total_bytes: int | None) -> None: ...

    def advance(self, nbytes: int) -> None: ...

    def file_done(self) -> None: ...

    def finish(self) -> None: ...


class NoProgress:
    """The progress that shows nothing."""

    def resolving(self, projects: int) -> None:
        """Nothing to show."""

    def start(self, files: int, total_bytes: int | None) -> None:
        """Nothing to show."""

    def advance(self, nbytes: int) -> None:
        """Nothing to show."""

    def file_done(self) -> None:
        """Nothing to show."""

    def finish(self) -> None:
        """Nothing to show."""
