"""A requirements file in pip's format, or the same text on standard input."""

from __future__ import annotations

import functools
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from dephash.files import display_path
from dephash.inputs.reqfile import RequirementsFile, parse_requirements


class RequirementsInput:
    """``path`` read as a requirements file; ``-`` means ``stdin_text``."""

    def __init__(self, path: str, stdin_text: str | None = None) -> None:
        self.path = path
        self.stdin_text = stdin_text or ""
        self.shown = display_path(path)

    @functools.cached_property
    def _parsed(self) -> RequirementsFile:
        if self.path == "-":
            return parse_requirements("-", text=self.stdin_text, display="-")
        return parse_requirements(self.path, display=self.shown)

    def requirements(self) -> RequirementsFile:
        """The file's requirements and index options (its includes followed)."""
        return self._parsed

    @contextmanager
    def pip_arguments(self) -> Iterator[list[str]]:
        """``-r FILE``; standard input is saved beside the current directory meanwhile."""
        if self.path != "-":
            yield ["-r", str(Path(self.path))]
            return
        # In the current directory, so that relative -r/-c lines mean what they say.
        handle, name = tempfile.mkstemp(prefix=".dephash-stdin-", suffix=".txt", dir=Path.cwd())
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                stream.write(self.stdin_text)
            yield ["-r", name]
        finally:
            os.unlink(name)

    def command_arguments(self) -> list[str]:
        """The file's name as shown (``-`` for standard input)."""
        return [self.shown]
