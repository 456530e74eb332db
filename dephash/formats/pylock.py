"""The ``pylock.toml`` lock format (PEP 751): every file of each pinned version, each with its
URL, size, upload time and digests. Rendering is pure; every lock is validated with
:mod:`packaging.pylock` before it is written and when it is read.

TOML quoting keeps every value (a name, a URL an index serves) inside its string: none can
become a key or a table of its own.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import tomli_w
from packaging.pylock import (
    Package,
    PackageArchive,
    PackageSdist,
    PackageWheel,
    Pylock,
    PylockValidationError,
    is_valid_pylock_path,
)
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import canonicalize_name

from dephash import __version__
from dephash.distributions import url_filename
from dephash.environments import marker_values, parse_description
from dephash.errors import InputError
from dephash.files import display_path, parse_toml, read_text
from dephash.inputs.reqfile import RequirementLine, RequirementsFile
from dephash.model import Environment, Lock, LockedFile, LockedPackage, MarkerEnvironment
from dephash.redact import without_credentials

log = logging.getLogger(__name__)

LOCK_VERSION = "1.0"
# The sdists packaging.pylock (and so pip) accepts: a PEP 751 package has at most one.
_SDIST_SUFFIXES = (".tar.gz", ".zip")
# An environment is named by the markers that tell the environments dephash knows apart.
_ENVIRONMENT_MARKERS = ("python_version", "sys_platform", "platform_machine")
# What [tool.dephash] covers says of a lock made for the resolving interpreter alone.
_HOST_ONLY = "the interpreter that resolved it only"
_PACKAGES_HEADER = re.compile(r"^[ \t]*\[\[[ \t]*packages[ \t]*\]\]", re.MULTILINE)


def is_pylock_name(path: str) -> bool:
    """Whether ``path`` is named as PEP 751 requires: ``pylock.toml`` or ``pylock.NAME.toml``."""
    return is_valid_pylock_path(Path(path))


class PylockFormat:
    """``pylock.toml``: one ``[[packages]]`` table per pinned version, sorted by name."""

    name = "pylock"

    def render(self, lock: Lock, annotate: bool = True) -> str:
        """The whole lock as TOML, validated with :mod:`packaging.pylock`; ``annotate``
        records what requires each package (``[packages.tool.dephash] via``)."""
        document = lock_document(lock, annotate)
        try:
            Pylock.from_dict(document)
        except PylockValidationError as exc:
            raise InputError(f"the lock is not a valid pylock.toml (PEP 751): {exc}") from None
        return tomli_w.dumps(document)

    def covers(self, text: str) -> tuple[Environment, ...] | None:
        """The environments a lock's ``[tool.dephash]`` says it covers: none for a lock made
        for the resolving interpreter alone, ``None`` where it does not say."""
        try:
            table: object = parse_toml(text, "pylock.toml")
        except InputError:
            return None
        for key in ("tool", "dephash", "covers"):
            table = table.get(key) if isinstance(table, dict) else None
        if not isinstance(table, str):
            return None
        return () if table == _HOST_ONLY else parse_description(table)

    def read(self, path: str) -> RequirementsFile:
        """The lock's packages as pinned entries, each with its files and where it stands;
        packages that cannot be pinned by hash (VCS, directories) say why."""
        shown = display_path(path)
        text = read_text(path, shown, "lock file")
        try:
            lock = Pylock.from_dict(parse_toml(text, shown))
        except PylockValidationError as exc:
            raise InputError(f"{shown}: not a valid pylock.toml (PEP 751): {exc}") from None
        starts = [
            text.count("\n", 0, match.start()) + 1 for match in _PACKAGES_HEADER.finditer(text)
        ]
        # A lock written with inline tables has no headers to point at: its first line stands in.
        if len(starts) != len(lock.packages):
            starts = [1] * len(lock.packages)
        lines = [
            _requirement_line(package, shown, lineno)
            for package, lineno in zip(lock.packages, starts, strict=True)
        ]
        indexes = dict.fromkeys(package.index for package in lock.packages if package.index)
        return RequirementsFile(
            lines,
            # The indexes the lock names are where its files are looked up again.
            index_options=[("extra_index_url", url) for url in indexes if url],
            requires_python=str(lock.requires_python) if lock.requires_python else None,
        )


def lock_document(lock: Lock, annotate: bool = True) -> dict[str, Any]:
    """The lock as the TOML tables of PEP 751, in a stable order."""
    document: dict[str, Any] = {"lock-version": LOCK_VERSION}
    environments = _environment_markers(lock)
    if environments:
        document["environments"] = environments
    requires_python = _requires_python(lock)
    if requires_python:
        document["requires-python"] = requires_python
    document["created-by"] = "dephash"
    document["packages"] = [
        _package(package, annotate)
        for package in sorted(lock.packages, key=lambda package: package.name)
    ]
    document["tool"] = {"dephash": _provenance(lock)}
    return document


def _environment_markers(lock: Lock) -> list[str]:
    """One marker per environment the lock covers (the resolving one's, if it names none)."""
    values = [marker_values(env) for env in lock.environments] or [lock.resolved_with]
    markers = [_marker_of(environment) for environment in values]
    return list(dict.fromkeys(marker for marker in markers if marker))


def _marker_of(environment: MarkerEnvironment) -> str:
    known = environment.as_dict()
    return " and ".join(
        f'{name} == "{known[name]}"' for name in _ENVIRONMENT_MARKERS if name in known
    )


def _requires_python(lock: Lock) -> str | None:
    """The input's requires-python, else the oldest Python the lock covers, onwards."""
    stated = lock.provenance.requires_python
    if stated and _valid_specifier(stated):
        return str(SpecifierSet(stated))
    pythons = [env.python for env in lock.environments]
    if pythons:
        oldest = min(pythons)
        return f">={oldest[0]}.{oldest[1]}"
    resolved = lock.resolved_with.python_version
    return f">={resolved}" if resolved and _valid_specifier(f">={resolved}") else None


def _valid_specifier(text: str) -> bool:
    try:
        SpecifierSet(text)
    except InvalidSpecifier:
        return False
    return True


def _provenance(lock: Lock) -> dict[str, str]:
    """What made the lock and how to make it again: the requirements header's equivalent."""
    provenance = lock.provenance
    table = {"version": __version__, "input": provenance.input, "algorithm": lock.algorithm}
    python = lock.resolved_with.python_version
    if python:
        table["resolved-with-python"] = python
    table["files"] = provenance.files_for or "every distribution file"
    table["covers"] = provenance.covers or _HOST_ONLY
    table["command"] = provenance.command
    return table


def _package(package: LockedPackage, annotate: bool) -> dict[str, Any]:
    entry: dict[str, Any] = {"name": canonicalize_name(package.name), "version": package.version}
    if package.marker:
        entry["marker"] = package.marker
    if package.requires_python and _valid_specifier(package.requires_python):
        entry["requires-python"] = str(SpecifierSet(package.requires_python))
    if package.url:
        # A direct URL is one archive, whose name its URL says.
        entry["archive"] = _file(package.files[0], named=False)
    else:
        if package.index:
            entry["index"] = without_credentials(package.index)
        wheels = sorted(
            (item for item in package.files if item.filename.endswith(".whl")),
            key=lambda item: item.filename,
        )
        if wheels:
            entry["wheels"] = [_file(item) for item in wheels]
        sdist = _sdist(package)
        if sdist is not None:
            entry["sdist"] = _file(sdist)
    if annotate and package.via:
        entry["tool"] = {"dephash": {"via": list(package.via)}}
    return entry


def _sdist(package: LockedPackage) -> LockedFile | None:
    """The one sdist a PEP 751 package may have (``.tar.gz`` first); others are left out."""
    sdists = sorted(
        (item for item in package.files if item.filename.lower().endswith(_SDIST_SUFFIXES)),
        key=lambda item: (not item.filename.lower().endswith(".tar.gz"), item.filename),
    )
    left_out = [
        item.filename
        for item in package.files
        if not item.filename.endswith(".whl") and item not in sdists[:1]
    ]
    if left_out:
        log.warning(
            "%s==%s: pylock.toml records one sdist (.tar.gz or .zip); left out: %s",
            package.name,
            package.version,
            ", ".join(sorted(left_out)),
        )
    return sdists[0] if sdists else None


def _file(item: LockedFile, named: bool = True) -> dict[str, Any]:
    entry: dict[str, Any] = {"name": item.filename} if named else {}
    entry["url"] = without_credentials(item.url)
    if item.size is not None:
        entry["size"] = item.size
    uploaded = _timestamp(item.upload_time)
    if uploaded is not None:
        entry["upload-time"] = uploaded
    entry["hashes"] = dict(item.hashes)
    return entry


def _timestamp(text: str | None) -> datetime | None:
    """A PEP 700 ``upload-time`` as a UTC datetime (``None`` if absent or not a date)."""
    if not text:
        return None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)


def _upload_time(value: datetime | None) -> str | None:
    """A lock's ``upload-time`` as PEP 700 writes it (``...Z``)."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


def _requirement_line(package: Package, shown: str, lineno: int) -> RequirementLine:
    name = str(package.name)
    where = f"{shown}:{lineno}"
    version = str(package.version) if package.version is not None else None
    marker = str(package.marker) if package.marker is not None else None
    pin = f"{name}=={version}" if version else name
    if package.vcs is not None or package.directory is not None:
        kind = "VCS" if package.vcs is not None else "local directory"
        return RequirementLine(
            f"{name} ({kind})",
            shown,
            lineno,
            name,
            marker=marker,
            problem=f"{where}: {kind} package cannot be pinned by hash: {name} "
            "(publish it to an index, or lock an archive)",
        )
    if package.archive is not None:
        archive = _locked(package.archive, None)
        url = archive.url
        return RequirementLine(
            f"{name} @ {url}",
            shown,
            lineno,
            name,
            marker=marker,
            url=url,
            hashes=_hashes((archive,)),
            files=(archive,),
        )
    distributions: list[PackageWheel | PackageSdist] = [*(package.wheels or ())]
    if package.sdist is not None:
        distributions.append(package.sdist)
    files = tuple(_locked(item, item.filename) for item in distributions)
    return RequirementLine(
        pin + (f" ; {marker}" if marker else ""),
        shown,
        lineno,
        name,
        specifier=f"=={version}" if version else "",
        marker=marker,
        hashes=_hashes(files),
        files=files,
    )


def _locked(item: PackageWheel | PackageSdist | PackageArchive, filename: str | None) -> LockedFile:
    location = item.url or item.path or ""
    return LockedFile(
        filename or url_filename(location),
        location,
        tuple(sorted(item.hashes.items())),
        size=item.size,
        upload_time=_upload_time(item.upload_time),
    )


def _hashes(files: tuple[LockedFile, ...]) -> tuple[str, ...]:
    return tuple(
        sorted({f"{algorithm}:{digest}" for item in files for algorithm, digest in item.hashes})
    )
