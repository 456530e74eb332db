"""Index pages as data: PEP 503 HTML and PEP 691 JSON parsed into files, whole or by version."""

from __future__ import annotations

import functools
import json
import logging
import urllib.parse
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

from packaging.version import Version

from dephash.distributions import split_version, url_filename
from dephash.errors import IndexUnreachable
from dephash.hashes import published_digests
from dephash.model import DistFile
from dephash.redact import redact

log = logging.getLogger(__name__)

JSON_TYPE = "application/vnd.pypi.simple.v1+json"


class _LinkParser(HTMLParser):
    """Collects anchors (with their data- attributes), the <base> of a page, and whether it
    ends as a whole page does (with ``</html>``)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.base: str | None = None
        self.anchors: list[dict[str, str | None]] = []
        self.ended = False

    def handle_endtag(self, tag: str) -> None:
        self.ended = self.ended or tag == "html"

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
        return clean, ((name, value),)
    return clean, ()


def _digests(
    published: Iterable[tuple[object, object]], filename: str, page_url: str
) -> tuple[tuple[str, str], ...]:
    """The digests a page publishes for a file that are true digests; the rest are said and
    dropped (a value that is no digest must never be trusted, nor reach a pinned file)."""
    usable, rejected = published_digests(published)
    for algorithm in rejected:
        log.warning(
            "%s: index page %s publishes a %s digest that is not one (not hex of the "
            "right length); ignored",
            filename,
            redact(page_url),
            algorithm,
        )
    return usable


def parse_html(
    text: str, page_url: str, wanted: Callable[[str], bool] | None = None
) -> list[DistFile]:
    """The files a PEP 503 page links to (those whose name is ``wanted``), URLs made absolute."""
    return _read_html(text, page_url, wanted)[0]


def _index_html(
    raw: RawPage, wanted: Callable[[str], bool] | None = None, warn: bool = True
) -> list[DistFile]:
    """An index's HTML page's files; a page without its closing tag is said to be cut short
    (a body that ends when the connection does cannot be told from a whole one)."""
    files, ended = _read_html(raw.text, raw.url, wanted)
    if not ended and warn:
        log.warning(
            "index page %s ends before its closing </html>: if it was cut short, "
            "files it lists after the cut are missing",
            redact(raw.url),
        )
    return files


def _read_html(
    text: str, page_url: str, wanted: Callable[[str], bool] | None
) -> tuple[list[DistFile], bool]:
    parser = _LinkParser()
    parser.feed(text)
    base = urllib.parse.urljoin(page_url, parser.base) if parser.base else page_url
    files = []
    for anchor in parser.anchors:
        if wanted is not None and not wanted(url_filename(anchor["href"] or "")):
            continue
        url, fragment = _split_fragment(urllib.parse.urljoin(base, anchor["href"] or ""))
        yanked = (anchor["data-yanked"] or "") if "data-yanked" in anchor else None
        filename = url_filename(url)
        files.append(
            DistFile(
                filename=filename,
                url=url,
                hashes=_digests(fragment, filename, page_url),
                yanked=yanked,
                requires_python=anchor.get("data-requires-python") or None,
                core_metadata=_html_core_metadata(anchor, filename, page_url),
            )
        )
    return files, parser.ended


def _html_core_metadata(
    anchor: Mapping[str, str | None], filename: str, page_url: str
) -> tuple[tuple[str, str], ...] | None:
    """PEP 658/714: ``data-core-metadata`` (else the older ``data-dist-info-metadata``) is
    ``true`` or ``ALGORITHM=DIGEST``; any other value advertises the file without a digest,
    as pip reads it."""
    for attribute in ("data-core-metadata", "data-dist-info-metadata"):
        if attribute in anchor:
            algorithm, sep, digest = (anchor[attribute] or "").partition("=")
            if not sep:
                return ()
            return _digests(((algorithm, digest),), f"{filename}.metadata", page_url)
    return None


def _json_core_metadata(
    entry: Mapping[str, Any], page_url: str
) -> tuple[tuple[str, str], ...] | None:
    """PEP 691/714: ``core-metadata`` (else the older ``dist-info-metadata``) is an object of
    digests, or true; false, null or absent is not advertised. Any other value advertises
    the file without a digest, as pip reads it."""
    value = entry.get("core-metadata")
    if value is None:
        value = entry.get("dist-info-metadata")
    if isinstance(value, dict):
        return _digests(value.items(), f"{entry['filename']}.metadata", page_url)
    return () if value else None


def parse_json(
    data: Any, page_url: str, wanted: Callable[[str], bool] | None = None
) -> list[DistFile]:
    """The files of a PEP 691 project page (those whose name is ``wanted``), URLs made absolute.

    A page that is not shaped as PEP 691 says raises :class:`IndexUnreachable` naming it.
    """
    return [
        _json_file(entry, page_url)
        for entry in _json_entries(data, page_url)
        if wanted is None or wanted(entry["filename"])
    ]


def _malformed(page_url: str, problem: str) -> IndexUnreachable:
    return IndexUnreachable(f"index page {redact(page_url)} is not a PEP 691 page: {problem}")


def _json_entries(data: Any, page_url: str) -> list[dict[str, Any]]:
    """The page's file entries, each an object with a file name (checked, nothing parsed)."""
    if not isinstance(data, dict):
        raise _malformed(page_url, f"{_kind(data)} instead of an object")
    entries = data.get("files")
    if not isinstance(entries, list):
        raise _malformed(page_url, f"'files' is {_kind(entries)}, not a list")
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            raise _malformed(page_url, f"file entry {number} is {_kind(entry)}, not an object")
        if not isinstance(entry.get("filename"), str) or not entry["filename"]:
            raise _malformed(page_url, f"file entry {number} has no 'filename'")
    return entries


_JSON_NAMES = {
    dict: "object",
    list: "array",
    str: "string",
    int: "number",
    float: "number",
    bool: "boolean",
}


def _kind(value: Any) -> str:
    return (
        "null or missing"
        if value is None
        else f"a JSON {_JSON_NAMES.get(type(value), type(value).__name__)}"
    )


def _field(entry: dict[str, Any], key: str, kinds: tuple[type, ...], page_url: str) -> Any:
    """``entry[key]`` if absent, null or of one of ``kinds``; else the page is malformed."""
    value = entry.get(key)
    if value is not None and not isinstance(value, kinds):
        raise _malformed(page_url, f"{entry['filename']}: '{key}' is {_kind(value)}")
    return value


def _json_file(entry: dict[str, Any], page_url: str) -> DistFile:
    filename = entry["filename"]
    url = _field(entry, "url", (str,), page_url)
    if url is None:
        raise _malformed(page_url, f"{filename}: 'url' is null or missing")
    yanked = _field(entry, "yanked", (bool, str), page_url)
    hashes = _field(entry, "hashes", (dict,), page_url) or {}
    size = entry.get("size")
    return DistFile(
        filename=filename,
        url=urllib.parse.urljoin(page_url, url),
        hashes=_digests(hashes.items(), filename, page_url),
        yanked="" if yanked is True else yanked if isinstance(yanked, str) else None,
        requires_python=_field(entry, "requires-python", (str,), page_url) or None,
        size=size if isinstance(size, int) and not isinstance(size, bool) else None,
        upload_time=_field(entry, "upload-time", (str,), page_url) or None,
        core_metadata=_json_core_metadata(entry, page_url),
    )


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
        return ProjectPage(tuple(_index_html(raw, wanted)))
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


def parse_page_by_version(raw: RawPage, warn: bool = True) -> VersionedPage:
    """A fetched page grouped by version; a JSON page's files are parsed per version, later.
    ``warn=False``: a page cut short is not said to be (another reading of it says so)."""
    if raw.content_type != JSON_TYPE:
        return group_by_version(_index_html(raw, warn=warn))
    data = _page_json(raw)
    entries: dict[Version, list[Any]] = defaultdict(list)
    for entry in _json_entries(data, raw.url):
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
