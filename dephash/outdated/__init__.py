"""The ``outdated`` use case: which pins of a virtualenv or a pinned file fell behind.

A virtualenv is asked through pip (``pip --python ENV list --outdated``,
:mod:`dephash.outdated.virtualenv`). A pinned file is read, never installed:
each pinned project's pages are fetched from every configured index (and
find-links location) concurrently, and its latest usable release is worked
out here (:mod:`dephash.outdated.pinned`).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from packaging.version import Version

from dephash.errors import InputError
from dephash.files import display_path
from dephash.markers import parse_python_version, running_python
from dephash.outdated.model import OutdatedOptions, OutdatedReport
from dephash.resolve.pip import PipRunner

if TYPE_CHECKING:
    import requests

# Names of Python executables: python, python3, python3.12, pypy3, python.exe.
_PYTHON_NAME = re.compile(r"(?:python|pypy)[0-9.]*(?:\.exe)?", re.IGNORECASE)
_VENV_INTERPRETERS = ("bin/python", "bin/python3", "Scripts/python.exe")


@dataclass(frozen=True)
class Subject:
    """What PATH is: a virtualenv's interpreter, or (``python`` is ``None``) a pinned file."""

    path: Path
    python: str | None = None


def find_subject(path: str) -> Subject:
    """Tell a virtualenv (its folder or its Python) from a pinned file."""
    candidate = Path(path)
    shown = display_path(path)
    if candidate.is_dir():
        for relative in _VENV_INTERPRETERS:
            interpreter = candidate / relative
            if interpreter.is_file():
                return Subject(candidate, str(interpreter))
        raise InputError(
            f"{shown} is a directory but not a virtualenv (it has no bin/python); "
            "give a virtualenv, its Python, or a requirements file"
        )
    if candidate.is_file():
        if _PYTHON_NAME.fullmatch(candidate.name) and os.access(candidate, os.X_OK):
            return Subject(candidate, str(candidate))
        return Subject(candidate)
    raise InputError(f"no such virtualenv or requirements file: {shown}")


def requested_python(text: str | None) -> Version:
    """The Python version Requires-Python and markers are evaluated for."""
    if text is None:
        return running_python()
    parts = parse_python_version(text, micro=True)
    # pip pads a short version with zeros: 3.12 means 3.12.0.
    return Version(".".join(map(str, [*parts, 0][:3])))


def check_outdated(
    options: OutdatedOptions,
    *,
    runner: PipRunner | None = None,
    session: requests.Session | None = None,
) -> OutdatedReport:
    """What is outdated in ``options.path``, after the allowlist; never prints."""
    from dephash.outdated.pinned import check_pinned_file
    from dephash.outdated.virtualenv import check_virtualenv

    subject = find_subject(options.path)
    runner = runner or PipRunner()
    if subject.python is not None:
        return check_virtualenv(options, subject.python, runner)
    return check_pinned_file(
        options, subject.path, requested_python(options.python_version), runner, session
    )
