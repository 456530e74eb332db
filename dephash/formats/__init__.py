"""Lock formats: each renders a :class:`~dephash.model.Lock` as text and reads a pinned file back.

``FORMATS`` is the registry the command line's choices come from; a file's name says which
format it is in (``pylock.toml`` and ``pylock.NAME.toml`` are PEP 751 locks).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from dephash.errors import InputError
from dephash.formats.pylock import PylockFormat, is_pylock_name
from dephash.formats.requirements import RequirementsFormat
from dephash.inputs.reqfile import RequirementsFile
from dephash.model import Environment, Format, Lock


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


__all__ = ["FORMATS", "Format", "LockFormat", "format_of", "read_pinned"]

# Keyed by Format, a str: FORMATS["pylock"] is FORMATS[Format.PYLOCK].
FORMATS: Mapping[str, LockFormat] = {
    Format.REQUIREMENTS: RequirementsFormat(),
    Format.PYLOCK: PylockFormat(),
}


def format_of(path: str | None, chosen: Format | None = None) -> LockFormat:
    """The format to write ``path`` in (``None``: standard output): ``chosen``, else the one its
    name says. A PEP 751 lock must be named ``pylock.toml`` or ``pylock.NAME.toml``, and a file
    so named must be one."""
    named = Format.PYLOCK if path is not None and is_pylock_name(path) else None
    if chosen is Format.PYLOCK and path is not None and named is None:
        raise InputError(
            f"-o {path}: a pylock.toml lock must be named pylock.toml or pylock.NAME.toml "
            "(PEP 751); rename it"
        )
    if chosen is Format.REQUIREMENTS and named is Format.PYLOCK:
        raise InputError(
            f"-o {path}: that name is for a pylock.toml lock (PEP 751); "
            "name a requirements file otherwise, or drop --format requirements"
        )
    return FORMATS[chosen or named or Format.REQUIREMENTS]


def read_pinned(path: str) -> RequirementsFile:
    """The pinned entries of the file at ``path``, read in the format its name says."""
    return format_of(path).read(path)
