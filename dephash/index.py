"""Simple-API client: PEP 691 JSON, PEP 503 HTML, file:// indexes and --find-links."""

from __future__ import annotations

import functools
import json
import logging
import urllib.parse
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, Any

from packaging.utils import (
    InvalidSdistFilename,
    InvalidWheelFilename,
    canonicalize_name,
    parse_sdist_filename,
    parse_wheel_filename,
)
from packaging.version import InvalidVersion, Version

from dephash import __version__
from dephash.errors import IndexUnreachable
from dephash.models import DistFile, ProjectPage
from dephash.redact import redact

if TYPE_CHECKING:
    # Imported where used: requests and urllib3 take a tenth of a second to import, and
    # gen starts pip first (their import then overlaps pip's start-up).
    import requests

log = logging.getLogger(__name__)

JSON_TYPE = "application/vnd.pypi.simple.v1+json"
ACCEPT = f"{JSON_TYPE}, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.1"
_ARCHIVES = (".whl", ".tar.gz", ".zip", ".tar.bz2", ".tgz", ".tar.xz")


@dataclass(frozen=True)
class NetworkSettings:
    """How HTTP requests behave: timeouts (seconds), retries and pool size."""

    connect_timeout: float = 10.0
    read_timeout: float = 60.0
    retries: int = 5
    backoff: float = 0.5
    pool_size: int = 8

    @property
    def timeout(self) -> tuple[float, float]:
        return (self.connect_timeout, self.read_timeout)


def make_session(settings: NetworkSettings | None = None) -> requests.Session:
    """A pooled session whose adapter retries connection errors, 429 and 5xx."""
    import requests
    from requests.adapters import HTTPAdapter
    from urllib3.util.retry import Retry

    settings = settings or NetworkSettings()
    retry = Retry(
        total=settings.retries,
        connect=settings.retries,
        read=settings.retries,
        status=settings.retries,
        backoff_factor=settings.backoff,
        status_forcelist=(429, 500, 502, 503, 504),
        allowed_methods=frozenset({"GET", "HEAD"}),
        raise_on_status=False,
    )
    adapter = HTTPAdapter(
        max_retries=retry, pool_connections=settings.pool_size, pool_maxsize=settings.pool_size
    )
    session = requests.Session()
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers["User-Agent"] = f"dephash/{__version__}"
    return session


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


def url_filename(url: str) -> str:
    return urllib.parse.unquote(urllib.parse.urlsplit(url).path.rsplit("/", 1)[-1])


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
        version = _split_version(item.filename)
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
        version = _split_version(entry["filename"])
        if version is not None:
            entries[version].append(entry)
    groups = {
        version: functools.partial(parse_json, {"files": group}, raw.url)
        for version, group in entries.items()
    }
    return VersionedPage(groups, parse_json_versions(data))


def _split_version(filename: str) -> Version | None:
    text = _version_text(filename)
    return None if text is None else _version(text)


def _is_version(wanted: Version, filename: str) -> bool:
    return _split_version(filename) == wanted


def _page_json(raw: RawPage) -> Any:
    try:
        return json.loads(raw.text)
    except ValueError as exc:
        raise IndexUnreachable(f"index page {redact(raw.url)} is not valid JSON: {exc}") from None


def local_path(url: str) -> Path:
    import urllib.request  # http.client, ssl and email come with it: only when needed

    return Path(urllib.request.url2pathname(urllib.parse.urlsplit(url).path))


def _decoded(response: requests.Response) -> str:
    """The body as text: in the charset the response names, else UTF-8 (as pip reads it).

    Left to itself, requests decodes a text/html page that names no charset as
    ISO-8859-1, and guesses a JSON page's charset by running detection over it.
    """
    if "charset=" not in response.headers.get("Content-Type", "").lower():
        response.encoding = "utf-8"
    return response.text


class IndexClient:
    """Reads project file lists from indexes and find-links locations."""

    def __init__(self, session: requests.Session, network: NetworkSettings | None = None) -> None:
        self.session = session
        self.network = network or NetworkSettings()

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

    def fetch_page(self, index_url: str, project: str) -> RawPage | None:
        """An index's page for ``project``, unparsed; ``None`` if the index lacks it."""
        base = index_url if index_url.endswith("/") else index_url + "/"
        page_url = urllib.parse.urljoin(base, canonicalize_name(project) + "/")
        if page_url.startswith("file:"):
            return self._local_page(page_url)
        return self._remote_page(page_url)

    def _local_page(self, page_url: str) -> RawPage | None:
        folder = local_path(page_url)
        page = folder / "index.html"
        log.debug("reading index page %s", page)
        try:
            text = page.read_text(encoding="utf-8")
        except OSError:
            return None
        return RawPage(page_url, "text/html", text)

    def _remote_page(self, page_url: str) -> RawPage | None:
        log.debug("fetching index page %s", redact(page_url))
        response = self._get(page_url, headers={"Accept": ACCEPT})
        if response.status_code == 404:
            return None
        self._check(response, page_url)
        content_type = response.headers.get("Content-Type", "").split(";")[0].strip()
        return RawPage(response.url, content_type, _decoded(response))

    def find_links_files(self, location: str) -> list[DistFile]:
        """The archives a ``--find-links`` location offers (a folder, a page or a file)."""
        if location.startswith(("http://", "https://")):
            log.debug("fetching find-links page %s", redact(location))
            response = self._get(location, headers={"Accept": "text/html"})
            self._check(response, location)
            return parse_html(_decoded(response), response.url)
        path = local_path(location) if location.startswith("file:") else Path(location)
        if path.is_dir():
            return [
                DistFile(filename=entry.name, url=entry.resolve().as_uri())
                for entry in sorted(path.iterdir())
                if entry.is_file() and entry.name.lower().endswith(_ARCHIVES)
            ]
        if path.is_file():
            text = path.read_text(encoding="utf-8", errors="replace")
            return parse_html(text, path.resolve().as_uri())
        log.warning("find-links location %s does not exist; skipped", location)
        return []

    def _get(self, url: str, **kwargs: Any) -> requests.Response:
        import requests

        try:
            return self.session.get(url, timeout=self.network.timeout, **kwargs)
        except requests.RequestException as exc:
            raise IndexUnreachable(f"cannot fetch {redact(url)}: {describe_failure(exc)}") from None

    @staticmethod
    def _check(response: requests.Response, url: str) -> None:
        if response.status_code >= 400:
            raise IndexUnreachable(
                f"cannot fetch {redact(url)}: HTTP {response.status_code} {response.reason}"
            )


def describe_failure(exc: BaseException) -> str:
    """The innermost reason of a requests/urllib3 failure, in a few words."""
    reason: BaseException = exc
    while True:
        inner = getattr(reason, "reason", None)
        if isinstance(inner, BaseException):
            reason = inner
            continue
        if reason.args and isinstance(reason.args[0], BaseException):
            reason = reason.args[0]
            continue
        break
    return redact(f"{type(reason).__name__}: {reason}")


@functools.lru_cache(maxsize=4096)
def _version(text: str) -> Version | None:
    try:
        return Version(text)
    except InvalidVersion:
        return None


def _version_text(filename: str) -> str | None:
    """The version part of a distribution filename, by splitting alone (no validation)."""
    if filename.endswith(".whl"):
        parts = filename[: -len(".whl")].split("-")
        return parts[1] if len(parts) in (5, 6) else None
    for suffix in _ARCHIVES:
        if filename.endswith(suffix):
            return filename[: -len(suffix)].rpartition("-")[2]
    return None


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
        if (text := _version_text(item.filename)) is not None
        and _version(text) == wanted
        and (parsed := file_version(item.filename)) is not None
        and parsed[0] == wanted_name
        and parsed[1] == wanted
    ]
