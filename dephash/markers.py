"""One marker policy: whether a PEP 508 marker holds in an environment, and the Python versions
those environments are named by.

A marker that cannot be decided (``python_version ~= "1"``, a name the
environment lacks) counts as holding: a requirement is then kept, checked and
annotated rather than silently dropped.
"""

from __future__ import annotations

import platform
import re
from collections.abc import Iterable, Mapping

from packaging.markers import (
    InvalidMarker,
    Marker,
    UndefinedComparison,
    UndefinedEnvironmentName,
    default_environment,
)
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import Version

from dephash.errors import InputError
from dephash.model import MarkerEnvironment

_PYTHON_VERSION = re.compile(r"([0-9]+)\.([0-9]+)(?:\.([0-9]+))?")


def applies(
    marker: str | Marker | None,
    environment: MarkerEnvironment | Mapping[str, str],
    extras: Iterable[str] = (),
) -> bool:
    """Whether ``marker`` holds in ``environment`` for no extra or any of ``extras``.

    No marker always holds; one that cannot be decided holds too (see above).
    """
    if marker is None:
        return True
    values = (
        environment.as_dict() if isinstance(environment, MarkerEnvironment) else dict(environment)
    )
    try:
        parsed = marker if isinstance(marker, Marker) else Marker(marker)
        return any(parsed.evaluate({**values, "extra": extra}) for extra in sorted({"", *extras}))
    except (InvalidMarker, UndefinedComparison, UndefinedEnvironmentName):
        return True


def parse_python_version(text: str, *, micro: bool = False) -> tuple[int, ...]:
    """``"3.11"`` -> ``(3, 11)`` (and ``"3.11.2"`` -> ``(3, 11, 2)`` when ``micro``).

    Anything else is a usage error naming the option.
    """
    match = _PYTHON_VERSION.fullmatch(text.strip())
    if match is None or (match.group(3) is not None and not micro) or len(match.group(1)) > 1:
        expected = "MAJOR.MINOR or MAJOR.MINOR.MICRO" if micro else "MAJOR.MINOR, like 3.12"
        raise InputError(f"--python-version {text!r}: expected {expected}")
    return tuple(int(part) for part in match.groups() if part is not None)


def python_environment(python: Version) -> dict[str, str]:
    """This machine's marker environment, with ``python``'s version."""
    environment = {key: str(value) for key, value in default_environment().items()}
    environment["python_version"] = f"{python.major}.{python.minor}"
    environment["python_full_version"] = str(python)
    return environment


def python_allows(requires_python: str | None, python: Version) -> bool:
    """Whether a file's Requires-Python admits ``python`` (an invalid one does, as in pip)."""
    if not requires_python:
        return True
    try:
        specifier = SpecifierSet(requires_python)
    except InvalidSpecifier:
        return True
    return specifier.contains(python, prereleases=True)


def running_python() -> Version:
    """The version of the Python dephash runs on."""
    return Version(platform.python_version())
