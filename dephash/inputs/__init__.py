"""Input sources: what a lock is made from, and how pip is told about it.

Each kind of input is one :class:`InputSource`; :func:`open_input` picks the
kind for a path: a requirements file (or standard input), or a
``pyproject.toml``. A source gives the top-level requirements (for ``# via``
and ``check --input``), the arguments that hand it to pip, and the words that
name it again in a reproduce command.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from dephash.errors import InputError
from dephash.files import display_path
from dephash.inputs.reqfile import RequirementsFile
from dephash.options import Selection

if TYPE_CHECKING:
    from dephash.inputs.pyproject import BuildMetadata


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


def open_input(
    path: str,
    stdin_text: str | None = None,
    selection: Selection | None = None,
    build_metadata: BuildMetadata | None = None,
) -> InputSource:
    """The source for ``path``: a file named ``pyproject.toml`` is a project, whose parts
    ``selection`` chooses (its dynamic metadata made by ``build_metadata``, default: pip);
    anything else a requirements file (``-``: standard input, whose text is ``stdin_text``)."""
    selection = selection or Selection()
    if Path(path).name == "pyproject.toml":
        from dephash.inputs.pyproject import PyprojectInput

        if build_metadata is None:
            from dephash.resolve.pip import PipRunner

            build_metadata = PipRunner().project_metadata
        return PyprojectInput(path, selection, build_metadata)
    if selection:
        raise InputError(
            f"--extra, --all-extras and --group choose parts of a pyproject.toml, "
            f"and {display_path(path)} is a requirements file"
        )
    from dephash.inputs.requirements import RequirementsInput

    return RequirementsInput(path, stdin_text)
