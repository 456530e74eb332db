"""Index pages as data: PEP 503 HTML and PEP 691 JSON parsed into files, whole or by version."""

from __future__ import annotations

import functools
import json
import urllib.parse
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

from packaging.version import Version

from dephash.distributions import split_version, url_filename
from dephash.errors import IndexUnreachable
from dephash.model import DistFile
from dephash.redact import redact

JSON_TYPE = "application/vnd.pypi.simple.v1+json"


class _LinkParser(HTMLParser):
    """Collects anchors (with their data- attributes) and the <base> of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.base: str | None = None
        self.anchors: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "base" and self.base is None and attributes.get("href"):
            self.base = attributes["href"]
        elif tag == "a" and attributes.get("href"):
            self.anchors.append(attributes)


def _split_fragment(url: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    """A URL without its fragment, and the hash the fragment names (PEP 503)."""
    clean, _, fragment = url.partition("#")
    name, sep, value = fragment.partition("=")
    if sep and name and value:
        return clean, ((name.lower(), value.lower()),)
    return clean, ()


def parse_html(
    text: str, page_url: str, wanted: Callable[[str], bool] | None = None
) -> list[DistFile]:
    """The files a PEP 503 page links to (those whose name is ``wanted``), URLs made absolute."""
    parser = _LinkParser()
    parser.feed(text)
    base = urllib.parse.urljoin(page_url, parser.base) if parser.base else page_url
    files = []
    for anchor in parser.anchors:
        if wanted is not None and not wanted(url_filename(anchor["href"] or "")):
            continue
        url, hashes = _split_fragment(urllib.parse.urljoin(base, anchor["href"] or ""))
        yanked = (anchor["data-yanked"] or "") if "data-yanked" in anchor else None
        files.append(
            DistFile(
                filename=url_filename(url),
                url=url,
                hashes=hashes,
                yanked=yanked,
                requires_python=anchor.get("data-requires-python") or None,
            )
        )
    return files


def parse_json(
    data: Any, page_url: str, wanted: Callable[[str], bool] | None = None
) -> list[DistFile]:
    """The files of a PEP 691 project page (those whose name is ``wanted``), URLs made absolute."""
    files = []
    for entry in data.get("files", []):
        if wanted is not None and not wanted(entry["filename"]):
            continue
        yanked = entry.get("yanked", False)
        if yanked is True:
            reason: str | None = ""
        elif isinstance(yanked, str):
            reason = yanked
        else:
            reason = None
        hashes = entry.get("hashes") or {}
        files.append(
            DistFile(
                filename=entry["filename"],
                url=urllib.parse.urljoin(page_url, entry["url"]),
                hashes=tuple(sorted((k.lower(), str(v).lower()) for k, v in hashes.items())),
                yanked=reason,
                requires_python=entry.get("requires-python") or None,
                size=entry.get("size") if isinstance(entry.get("size"), int) else None,
                upload_time=entry.get("upload-time") or None,
            )
        )
    return files


def parse_json_versions(data: Any) -> tuple[str, ...] | None:
    """A PEP 691 page's PEP 700 ``versions`` (every release, even without files), if listed."""
    versions = data.get("versions")
    if not isinstance(versions, list):
        return None
    return tuple(str(version) for version in versions)


@dataclass(frozen=True)
class RawPage:
    """An index page as served: where it ended up, its media type, its text."""

    url: str
    content_type: str
    text: str


def parse_page(raw: RawPage, version: str | None = None) -> ProjectPage:
    """A fetched page's files (of ``version`` only, if given) and PEP 700 versions."""
    wanted = None if version is None else functools.partial(_is_version, Version(version))
    if raw.content_type != JSON_TYPE:
        return ProjectPage(tuple(parse_html(raw.text, raw.url, wanted)))
    data = _page_json(raw)
    return ProjectPage(tuple(parse_json(data, raw.url, wanted)), parse_json_versions(data))


@dataclass(frozen=True)
class VersionedPage:
    """One index's page for a project, its files grouped by the version their names carry.

    The grouping is a cheap split of each name, not validated (:func:`file_version`
    validates); a group becomes :class:`DistFile` objects only when asked for, so
    a page of thousands of files costs little when only its newest versions matter.
    """

    groups: Mapping[Version, Callable[[], list[DistFile]]]
    versions: tuple[str, ...] | None = None  # PEP 700, as the page lists them

    def files(self, version: Version) -> list[DistFile]:
        """The files whose names carry ``version`` (parsed now; an empty list if none)."""
        group = self.groups.get(version)
        return [] if group is None else group()


def group_by_version(
    files: Iterable[DistFile], versions: tuple[str, ...] | None = None
) -> VersionedPage:
    """Files already parsed (an HTML page, a find-links location), grouped by version."""
    grouped: dict[Version, list[DistFile]] = defaultdict(list)
    for item in files:
        version = split_version(item.filename)
        if version is not None:
            grouped[version].append(item)
    return VersionedPage(
        {version: functools.partial(list, group) for version, group in grouped.items()}, versions
    )


def parse_page_by_version(raw: RawPage) -> VersionedPage:
    """A fetched page grouped by version; a JSON page's files are parsed per version, later."""
    if raw.content_type != JSON_TYPE:
        return group_by_version(parse_html(raw.text, raw.url))
    data = _page_json(raw)
    entries: dict[Version, list[Any]] = defaultdict(list)
    for entry in data.get("files", []):
        version = split_version(entry["filename"])
        if version is not None:
            entries[version].append(entry)
    groups = {
        version: functools.partial(parse_json, {"files": group}, raw.url)
        for version, group in entries.items()
    }
    return VersionedPage(groups, parse_json_versions(data))


def _is_version(wanted: Version, filename: str) -> bool:
    return split_version(filename) == wanted


def _page_json(raw: RawPage) -> Any:
    try:
        return json.loads(raw.text)
    except ValueError as exc:
        raise IndexUnreachable(f"index page {redact(raw.url)} is not valid JSON: {exc}") from None


@dataclass(frozen=True)
class ProjectPage:
    """One index's page for a project: its files, and PEP 700 ``versions`` if listed."""

    files: tuple[DistFile, ...]
    versions: tuple[str, ...] | None = None
