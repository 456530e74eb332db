"""Choosing among the files index pages list: one release's files, each file once."""

from __future__ import annotations

from collections.abc import Iterable

from packaging.utils import canonicalize_name
from packaging.version import Version

from dephash.distributions import file_version, parsed_version, version_text
from dephash.model import DistFile


def distinct_files(files: Iterable[DistFile]) -> list[DistFile]:
    """One entry per file, first seen first: the same file listed by two indexes counts once.

    Files are the same when name and published digests agree (or, with no digest, the URL).
    """
    seen: dict[tuple[str, tuple[tuple[str, str], ...]], DistFile] = {}
    for item in files:
        key = (item.filename, item.hashes) if item.hashes else (item.url, ())
        seen.setdefault(key, item)
    return list(seen.values())


def files_for_version(files: Iterable[DistFile], project: str, version: str) -> list[DistFile]:
    """The files of exactly ``project==version`` (versions compare normalised).

    Big projects list tens of thousands of files: a cheap split of each name
    (with versions parsed once) finds the candidates, and only those are parsed
    and validated in full.
    """
    wanted_name = canonicalize_name(project)
    wanted = Version(version)
    return [
        item
        for item in files
        if (text := version_text(item.filename)) is not None
        and parsed_version(text) == wanted
        and (parsed := file_version(item.filename)) is not None
        and parsed[0] == wanted_name
        and parsed[1] == wanted
    ]
