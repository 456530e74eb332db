"""The newest usable release of a project, from its index pages: yanked files, pre-releases and
Requires-Python taken into account as pip takes them."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from dephash.distributions import file_version
from dephash.index.pages import ProjectPage, VersionedPage, group_by_version
from dephash.markers import python_allows
from dephash.model import DistFile

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Release:
    """The latest usable release of a project, and its usable files."""

    version: Version
    files: tuple[DistFile, ...]

    @property
    def filetype(self) -> str:
        """``wheel`` when the release has a usable wheel, else ``sdist`` (pip's words)."""
        return "wheel" if any(f.filename.endswith(".whl") for f in self.files) else "sdist"


def latest_release(
    pages: Iterable[VersionedPage | ProjectPage], project: str, python: Version, pre: bool
) -> Release | None:
    """The newest version with a non-yanked file that ``python`` may install.

    Pre-releases count with ``pre``, or when there is no final release at all
    (as in pip).  A page's PEP 700 ``versions``, when it has them, bound the
    versions read from its file names.  Versions are tried newest first, so
    only the files of the newest few are parsed and checked.
    """
    wanted = canonicalize_name(project)
    grouped = [
        page if isinstance(page, VersionedPage) else group_by_version(page.files, page.versions)
        for page in pages
    ]
    listed = [_listed_versions(page.versions) for page in grouped]
    newest_pre: Release | None = None
    for version in sorted({version for page in grouped for version in page.groups}, reverse=True):
        release = _usable_release(grouped, listed, version, wanted, python)
        if release is None:
            continue
        if pre or not version.is_prerelease:
            return release
        # A pre-release counts only if no final release is usable: keep looking.
        newest_pre = newest_pre or release
    return newest_pre


def _usable_release(
    pages: Sequence[VersionedPage],
    listed: Sequence[set[Version] | None],
    version: Version,
    project: str,
    python: Version,
) -> Release | None:
    """``version``'s non-yanked files that ``python`` may install, from every page in order."""
    usable: list[tuple[Version, DistFile]] = []
    for page, allowed in zip(pages, listed, strict=True):
        if allowed is not None and version not in allowed:
            continue
        for item in page.files(version):
            # The name's version is ``version`` (the page grouped it so); the name may not be.
            parsed = file_version(item.filename)
            if parsed is None or parsed[0] != project:
                continue
            if item.yanked is None and python_allows(item.requires_python, python):
                usable.append((parsed[1], item))
    if not usable:
        return None
    # Equal versions may be spelt differently (1.0, 1.0.0): the first usable file's spelling.
    return Release(usable[0][0], tuple(item for _, item in usable))


def _listed_versions(versions: Sequence[str] | None) -> set[Version] | None:
    if versions is None:
        return None
    listed = set()
    for text in versions:
        try:
            listed.add(Version(text))
        except InvalidVersion:
            log.debug("ignoring invalid version %r listed by an index", text)
    return listed
