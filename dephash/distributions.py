"""Distribution file names: one table of archive suffixes, and the name and version they carry."""

from __future__ import annotations

import functools
import urllib.parse

from packaging.utils import (
    InvalidSdistFilename,
    InvalidWheelFilename,
    canonicalize_name,
    parse_sdist_filename,
    parse_wheel_filename,
)
from packaging.version import InvalidVersion, Version

# Source archives pip can install from (longest suffixes first: ".tar.gz" before ".tar").
SDIST_SUFFIXES = (".tar.gz", ".zip", ".tar.bz2", ".tgz", ".tar.xz", ".tar")
ARCHIVE_SUFFIXES = (".whl", *SDIST_SUFFIXES)


def is_archive(filename: str) -> bool:
    """Whether ``filename`` names a wheel or a source archive (any case)."""
    return filename.lower().endswith(ARCHIVE_SUFFIXES)


def strip_fragment(url: str) -> str:
    """``url`` without its ``#fragment`` (a hash pip or an index put there)."""
    return url.split("#", 1)[0]


def url_filename(url: str) -> str:
    """The file name a URL ends with, unquoted."""
    return urllib.parse.unquote(urllib.parse.urlsplit(url).path.rsplit("/", 1)[-1])


def file_version(filename: str) -> tuple[str, Version] | None:
    """The canonical project name and version a distribution filename carries."""
    try:
        if filename.endswith(".whl"):
            name, version, _, _ = parse_wheel_filename(filename)
        else:
            name, version = parse_sdist_filename(filename)
    except (InvalidWheelFilename, InvalidSdistFilename, InvalidVersion):
        return None
    return canonicalize_name(name), version


def version_text(filename: str) -> str | None:
    """The version part of a distribution filename, by splitting alone (no validation)."""
    if filename.endswith(".whl"):
        parts = filename[: -len(".whl")].split("-")
        return parts[1] if len(parts) in (5, 6) else None
    for suffix in SDIST_SUFFIXES:
        if filename.endswith(suffix):
            return filename[: -len(suffix)].rpartition("-")[2]
    return None


def split_version(filename: str) -> Version | None:
    """The version a filename's cheap split gives, parsed (``None`` if it is none)."""
    text = version_text(filename)
    return None if text is None else parsed_version(text)


@functools.lru_cache(maxsize=4096)
def parsed_version(text: str) -> Version | None:
    """``text`` as a Version, ``None`` if it is not one (cached: big pages repeat them)."""
    try:
        return Version(text)
    except InvalidVersion:
        return None
