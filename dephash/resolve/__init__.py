"""The resolver seam: a request in, pip's resolution out.

:class:`Resolver` is what the use cases depend on; :class:`PipResolver` is the
one that runs pip (through :class:`~dephash.resolve.pip.PipRunner`), and
:func:`~dephash.resolve.keep.resolve_keeping` wraps any resolver to keep
existing pins where they still fit.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from dephash.model import Resolution
from dephash.resolve.pip import PipRunner


@dataclass(frozen=True)
class ResolveRequest:
    """What to resolve.

    ``input_arguments`` name the input as pip reads it (``-r FILE``);
    ``arguments`` are the index and resolver options before it; ``constraints``
    are ``(name, version)`` pins pip must honour; ``python`` is the interpreter
    to resolve for (``None``: the one whose pip runs).
    """

    input_arguments: tuple[str, ...]
    arguments: tuple[str, ...] = ()
    constraints: tuple[tuple[str, str], ...] = ()
    python: str | None = None


class Resolver(Protocol):
    """Turns a request into the packages to install (raises ResolutionError when it cannot)."""

    def resolve(self, request: ResolveRequest) -> Resolution: ...


@dataclass(frozen=True)
class PipResolver:
    """Resolves with ``pip install --dry-run --report``; constraints go in a scratch file."""

    runner: PipRunner

    def resolve(self, request: ResolveRequest) -> Resolution:
        with _constraints_file(request.constraints) as constraint_args:
            args = [*request.arguments, *constraint_args, *request.input_arguments]
            return self.runner.resolve(args, request.python)


@contextmanager
def _constraints_file(pins: Sequence[tuple[str, str]]) -> Iterator[list[str]]:
    """``name==version`` pins as a constraints file pip must honour (none: no file)."""
    if not pins:
        yield []
        return
    with tempfile.TemporaryDirectory(prefix="dephash-pins-") as scratch:
        path = Path(scratch) / "constraints.txt"
        path.write_text(
            "".join(f"{name}=={version}\n" for name, version in sorted(pins)), encoding="utf-8"
        )
        yield ["-c", str(path)]
