"""Simple-API client: PEP 691 JSON, PEP 503 HTML, file:// indexes and --find-links."""

from __future__ import annotations

import logging
import urllib.parse
from pathlib import Path
from typing import TYPE_CHECKING

from packaging.utils import canonicalize_name

from dephash.distributions import is_archive, strip_fragment
from dephash.errors import IndexUnreachable
from dephash.http import NetworkSettings, describe_failure, read_chunks
from dephash.index.lazywheel import wheel_metadata
from dephash.index.pages import JSON_TYPE, RawPage, parse_html
from dephash.index.reader import IndexReader
from dephash.model import DistFile
from dephash.redact import redact

if TYPE_CHECKING:
    # Imported where used: requests and urllib3 take a tenth of a second to import, and
    # gen starts pip first (their import then overlaps pip's start-up).
    import requests

log = logging.getLogger(__name__)

# A metadata file is a few KiB (its long description at most some hundreds): past this, it is
# not one.
METADATA_LIMIT = 8 << 20
ACCEPT = f"{JSON_TYPE}, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.1"


def local_path(url: str) -> Path:
    import urllib.request  # http.client, ssl and email come with it: only when needed

    return Path(urllib.request.url2pathname(urllib.parse.urlsplit(url).path))


def _decoded(response: requests.Response, body: bytes) -> str:
    """The body as text: in the charset the response names, else UTF-8 (as pip reads it).

    Left to itself, requests decodes a text/html page that names no charset as
    ISO-8859-1, and guesses a JSON page's charset by running detection over it.
    """
    encoding = "utf-8"
    if "charset=" in response.headers.get("Content-Type", "").lower():
        encoding = response.encoding or encoding
    try:
        return body.decode(encoding, errors="replace")
    except LookupError:  # a charset Python does not know: as requests does
        return body.decode("utf-8", errors="replace")


class IndexClient(IndexReader):
    """Reads project pages from indexes (HTTP or file://) and find-links locations."""

    def __init__(self, session: requests.Session, network: NetworkSettings | None = None) -> None:
        self.session = session
        self.network = network or NetworkSettings()

    def fetch_page(self, index_url: str, project: str) -> RawPage | None:
        """An index's page for ``project``, unparsed; ``None`` if the index lacks it."""
        base = index_url if index_url.endswith("/") else index_url + "/"
        page_url = urllib.parse.urljoin(base, canonicalize_name(project) + "/")
        if page_url.startswith("file:"):
            return self._local_page(page_url)
        return self._remote_page(page_url)

    def _local_page(self, page_url: str) -> RawPage | None:
        folder = local_path(page_url)
        if not folder.parent.is_dir():
            # A missing project is a 404; a missing index is unreachable, as an HTTP one would be.
            raise IndexUnreachable(
                f"cannot read index {redact(urllib.parse.urljoin(page_url, '..'))}: "
                f"no such folder {folder.parent}"
            )
        page = folder / "index.html"
        log.debug("reading index page %s", page)
        try:
            text = page.read_text(encoding="utf-8")
        except OSError:
            return None
        return RawPage(page_url, "text/html", text)

    def _remote_page(self, page_url: str) -> RawPage | None:
        log.debug("fetching index page %s", redact(page_url))
        fetched = self._text(page_url, ACCEPT, missing_ok=True)
        if fetched is None:
            return None
        response, text = fetched
        content_type = response.headers.get("Content-Type", "").split(";")[0].strip()
        return RawPage(response.url, content_type, text)

    def find_links_files(self, location: str) -> list[DistFile]:
        """The archives a ``--find-links`` location offers (a folder, a page or a file)."""
        if location.startswith(("http://", "https://")):
            log.debug("fetching find-links page %s", redact(location))
            fetched = self._text(location, "text/html")
            assert fetched is not None  # None is a 404, and only with missing_ok
            response, text = fetched
            return parse_html(text, response.url)
        path = local_path(location) if location.startswith("file:") else Path(location)
        if path.is_dir():
            return [
                DistFile(filename=entry.name, url=entry.resolve().as_uri())
                for entry in sorted(path.iterdir())
                if entry.is_file() and is_archive(entry.name)
            ]
        if path.is_file():
            text = path.read_text(encoding="utf-8", errors="replace")
            return parse_html(text, path.resolve().as_uri())
        log.warning("find-links location %s does not exist; skipped", location)
        return []

    def core_metadata(self, item: DistFile) -> bytes | None:
        """The PEP 658 metadata file of ``item`` (its URL + ``.metadata``, over HTTP only),
        unverified; ``None`` where the index answers 404, or the file is no HTTP URL.

        Any other failure, or a body over :data:`METADATA_LIMIT`, raises
        :class:`IndexUnreachable`.
        """
        url = strip_fragment(item.url) + ".metadata"
        if not url.startswith(("http://", "https://")):
            return None
        log.debug("fetching core metadata %s", redact(url))
        fetched = self._body(url, "*/*", missing_ok=True, limit=METADATA_LIMIT)
        return None if fetched is None else fetched[1]

    def wheel_metadata(self, item: DistFile) -> bytes | None:
        """The METADATA file inside the wheel ``item``, read by HTTP range requests (over
        HTTP only), unverified; ``None`` where the server answers no range request or the
        archive holds no one such file. A failing request raises :class:`IndexUnreachable`.
        """
        url = strip_fragment(item.url)
        if not url.startswith(("http://", "https://")):
            return None
        log.debug("reading the metadata inside %s by range requests", redact(url))
        return wheel_metadata(self.session, url, self.network, METADATA_LIMIT)

    def _text(
        self, url: str, accept: str, missing_ok: bool = False
    ) -> tuple[requests.Response, str] | None:
        """The response for ``url`` and its body as text; ``None`` for a 404 if ``missing_ok``."""
        fetched = self._body(url, accept, missing_ok)
        return None if fetched is None else (fetched[0], _decoded(*fetched))

    def _body(
        self, url: str, accept: str, missing_ok: bool = False, limit: int | None = None
    ) -> tuple[requests.Response, bytes] | None:
        """The response for ``url`` and its body; ``None`` for a 404 if ``missing_ok``.

        The body is read within the timeout (each MiB of it), not just each read, and
        refused past ``limit`` bytes.
        """
        import requests

        try:
            with self.session.get(
                url, timeout=self.network.timeout, headers={"Accept": accept}, stream=True
            ) as response:
                if missing_ok and response.status_code == 404:
                    return None
                self._check(response, url)
                pieces, size = [], 0
                for piece in read_chunks(response, self.network):
                    size += len(piece)
                    if limit is not None and size > limit:
                        raise IndexUnreachable(
                            f"cannot fetch {redact(url)}: larger than {limit >> 20} MiB"
                        )
                    pieces.append(piece)
        except requests.RequestException as exc:
            raise IndexUnreachable(f"cannot fetch {redact(url)}: {describe_failure(exc)}") from None
        return response, b"".join(pieces)

    @staticmethod
    def _check(response: requests.Response, url: str) -> None:
        if response.status_code >= 400:
            raise IndexUnreachable(
                f"cannot fetch {redact(url)}: HTTP {response.status_code} {response.reason}"
            )
