"""Lock formats: each renders a :class:`~dephash.model.Lock` as text and reads a pinned file back.

``FORMATS`` is the registry the command line's choices come from.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from dephash.formats.requirements import RequirementsFormat
from dephash.inputs.reqfile import RequirementsFile
from dephash.model import Environment, Lock


class LockFormat(Protocol):
    """One way of writing a lock down."""

    @property
    def name(self) -> str:
        """The format's name, as ``--format`` takes it."""
        ...

    def render(self, lock: Lock, annotate: bool = True) -> str:
        """The whole file for ``lock``; ``annotate`` adds what requires each package."""
        ...

    def covers(self, text: str) -> tuple[Environment, ...] | None:
        """The environments a file's ``text`` says it covers (``None``: it does not say)."""
        ...

    def read(self, path: str) -> RequirementsFile:
        """The pinned entries of a file in this format, each with where it stands."""
        ...


FORMATS: Mapping[str, LockFormat] = {"requirements": RequirementsFormat()}
