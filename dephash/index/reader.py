"""The index seam: what the pipeline asks of an index, whatever serves it."""

from __future__ import annotations

from abc import ABC, abstractmethod

from dephash.index.pages import (
    ProjectPage,
    RawPage,
    VersionedPage,
    parse_page,
    parse_page_by_version,
)
from dephash.model import DistFile


class IndexReader(ABC):
    """Project pages of simple-API indexes, and the files of find-links locations.

    Two methods touch the outside world (four, with the two ways to a wheel's metadata);
    the rest parse what they return.
    """

    @abstractmethod
    def fetch_page(self, index_url: str, project: str) -> RawPage | None:
        """An index's page for ``project``, unparsed; ``None`` if the index lacks it."""

    @abstractmethod
    def find_links_files(self, location: str) -> list[DistFile]:
        """The archives a ``--find-links`` location offers (a folder, a page or a file)."""

    def core_metadata(self, item: DistFile) -> bytes | None:
        """The PEP 658 metadata file of ``item`` (its URL + ``.metadata``), unverified;
        ``None`` where it is not served (this reader serves none)."""
        return None

    def wheel_metadata(self, item: DistFile) -> bytes | None:
        """The METADATA file inside the wheel ``item``, read without downloading the whole
        wheel, unverified; ``None`` where that cannot be done (this reader cannot)."""
        return None

    def project_files(self, index_url: str, project: str) -> list[DistFile] | None:
        """Every file an index lists for ``project``; ``None`` if it does not have it."""
        page = self.project_page(index_url, project)
        return None if page is None else list(page.files)

    def project_page(self, index_url: str, project: str) -> ProjectPage | None:
        """An index's page for ``project`` (files, and PEP 700 versions); ``None`` if absent."""
        raw = self.fetch_page(index_url, project)
        return None if raw is None else parse_page(raw)

    def versioned_page(self, index_url: str, project: str) -> VersionedPage | None:
        """An index's page for ``project``, grouped by version (see :class:`VersionedPage`);
        ``None`` if absent."""
        raw = self.fetch_page(index_url, project)
        return None if raw is None else parse_page_by_version(raw)
