"""Input sources: what a lock is made from, and how pip is told about it.

Each kind of input is one :class:`InputSource`; :func:`open_input` picks the
kind for a path. A source gives the top-level requirements (for ``# via``
and ``check --input``), the arguments that hand it to pip, and the words that
name it again in a reproduce command.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Protocol

from dephash.inputs.reqfile import RequirementsFile


class InputSource(Protocol):
    """One input of a lock: a requirements file, standard input, ..."""

    @property
    def shown(self) -> str:
        """The input's name as output may show it (relative, never absolute)."""
        ...

    def requirements(self) -> RequirementsFile:
        """The top-level requirements, with the index options the input sets itself."""
        ...

    def pip_arguments(self) -> AbstractContextManager[list[str]]:
        """The arguments that give this input to pip (``-r FILE``), valid inside the block."""
        ...

    def command_arguments(self) -> list[str]:
        """This input as the last words of a reproduce command."""
        ...


def open_input(path: str, stdin_text: str | None = None) -> InputSource:
    """The source for ``path`` (``-`` is standard input, whose text is ``stdin_text``)."""
    from dephash.inputs.requirements import RequirementsInput

    return RequirementsInput(path, stdin_text)
