"""Work started while pip resolves: index pages, and the digests of the versions pip picks.

pip prints ``Collecting NAME`` for each project it considers, then fetches a
candidate's metadata or file (``Downloading NAME-VERSION-...whl.metadata``).
A project's index pages are fetched from the first line; the files of the
first version pip picks are hashed from the second, so downloads overlap the
resolution. A project pip backtracks on (a second version) waits for the end.
"""

from __future__ import annotations

import logging
import re
import threading
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

from packaging.utils import canonicalize_name

from dephash.distributions import file_version
from dephash.errors import DephashError
from dephash.hashing.hasher import Digest, Hasher
from dephash.hashing.progress import NoProgress, Progress
from dephash.index.files import distinct_files, files_for_version
from dephash.index.pages import RawPage, parse_page
from dephash.index.reader import IndexReader
from dephash.model import DistFile, IndexSettings
from dephash.redact import redact

log = logging.getLogger(__name__)

# pip's line for each project it considers: "Collecting name>=1 (from ...)".
_COLLECTING = re.compile(r"Collecting ([A-Za-z0-9][A-Za-z0-9._-]*)")
# pip's line for each candidate's file or metadata it fetches:
# "  Downloading name-1.0-py3-none-any.whl.metadata (12 kB)", "  Using cached name-1.0.tar.gz".
_CANDIDATE = re.compile(r"\s+(?:Downloading|Using cached) (\S+?)(?:\.metadata)?(?:\s|$)")

# Each index's page for a project, in the order of the settings' index URLs.
Pages = list[tuple[str, RawPage | None]]
# Each index's files of one release, in the same order (None: the index lacks the project).
IndexFiles = list[tuple[str, list[DistFile] | None]]
# Chooses the files to hash among a version's files (the file filter); may raise DephashError.
Select = Callable[[list[DistFile], str], list[DistFile]]


class EarlyWork:
    """Index pages and digests, asked for as soon as pip's output names them.

    ``connect`` makes the index client and the hasher; it runs at once, on a worker.

    Pages are fetched on one pool and digests computed on another (both of
    ``jobs`` workers), so that downloads never hold up the page fetches.
    """

    def __init__(
        self,
        connect: Callable[[], tuple[IndexReader, Hasher]],
        select: Select,
        jobs: int,
        settings: Callable[[], IndexSettings],
        progress: Progress | None = None,
    ) -> None:
        self.select = select
        self.progress = progress or NoProgress()
        self._settings_source = settings
        self._settings: IndexSettings | None = None
        self._lock = threading.Lock()
        self._settings_lock = threading.RLock()
        self._pending: list[str] = []
        self._collected: set[str] = set()
        self._pages: dict[str, Future[Pages]] = {}
        self._digests: dict[DistFile, Future[Digest]] = {}
        self._listings: dict[
            tuple[str, str], tuple[Future[list[DistFile]], Future[IndexFiles]]
        ] = {}
        self._indexes: dict[tuple[str, str], str] = {}
        self._picked: dict[str, str] = {}
        self._speculated: dict[str, list[DistFile]] = defaultdict(list)
        self._page_pool = ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="dephash-page")
        self._digest_pool = ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="dephash-hash")
        # First on the page workers, so that what it imports loads while pip starts.
        self._connection = self._page_pool.submit(connect)

    @property
    def client(self) -> IndexReader:
        """The index client ``connect`` made (waits for it; raises what it raised)."""
        return self._connection.result()[0]

    @property
    def hasher(self) -> Hasher:
        """The hasher ``connect`` made (waits for it; raises what it raised)."""
        return self._connection.result()[1]

    def settings(self) -> IndexSettings:
        """The index settings (asked of the source once); pending page fetches start."""
        with self._settings_lock:
            if self._settings is None:
                self._settings = self._settings_source()
                log.debug("indexes: %s", redact(", ".join(self._settings.index_urls) or "(none)"))
                pending, self._pending = self._pending, []
                for name in pending:
                    self.pages(name)
            return self._settings

    def start(self) -> None:
        """Ask for the settings now (when the source can answer), so pending pages start."""
        try:
            self.settings()
        except DephashError as exc:
            log.debug("no early work: %s", exc)

    def want_page(self, name: str) -> None:
        """Fetch ``name``'s pages once the settings are known (now, if they are)."""
        self._collected.add(canonicalize_name(name))
        with self._settings_lock:
            if self._settings is None:
                self._pending.append(name)
                return
        self.pages(name)

    def pages(self, name: str) -> Future[Pages]:
        """Every index's page for ``name``, fetched once."""
        settings = self.settings()
        name = canonicalize_name(name)
        with self._lock:
            future = self._pages.get(name)
            if future is None:
                future = self._page_pool.submit(self._fetch, settings, name)
                self._pages[name] = future
            return future

    def _fetch(self, settings: IndexSettings, name: str) -> Pages:
        return [(url, self.client.fetch_page(url, name)) for url in settings.index_urls]

    def on_pip_output(self, line: str) -> None:
        """Start the work a line of pip's output announces (called as pip prints it)."""
        try:
            collecting = _COLLECTING.match(line)
            if collecting:
                self.want_page(collecting.group(1))
                self.progress.resolving(len(self._collected))
                return
            candidate = _CANDIDATE.match(line)
            parsed = file_version(candidate.group(1)) if candidate else None
            if parsed is not None:
                self.speculate(parsed[0], str(parsed[1]))
        except DephashError as exc:
            # Early work is an optimisation: the same failure is raised when it counts.
            log.debug("no early work: %s", exc)

    def speculate(self, name: str, version: str) -> None:
        """Hash ``name==version``'s files ahead, unless pip already tried another version."""
        with self._lock:
            first = self._picked.setdefault(name, version)
            if first != version:
                # pip is backtracking on it: stop guessing, cancel what has not started.
                for item in self._speculated.pop(name, []):
                    self._digests[item].cancel()
                self._picked[name] = ""
                return
            if name in self._speculated:
                return
            self._speculated[name] = []
        self.listing(name, version).add_done_callback(
            lambda future: self._hash_ahead(name, version, future)
        )

    def listing(self, name: str, version: str) -> Future[list[DistFile]]:
        """The files of ``name==version`` the index pages list, parsed once, off this thread
        when the pages are still on their way."""
        return self._parsed(name, version)[0]

    def by_index(self, name: str, version: str) -> Future[IndexFiles]:
        """The same files, per index (``None``: the index lacks the project), parsed with
        :meth:`listing` (once)."""
        return self._parsed(name, version)[1]

    def _parsed(self, name: str, version: str) -> tuple[Future[list[DistFile]], Future[IndexFiles]]:
        pages = self.pages(name)
        key = (canonicalize_name(name), version)
        with self._lock:
            found = self._listings.get(key)
            if found is not None:
                return found
            found = self._listings[key] = (Future(), Future())
        merged, per_index = found

        def parse(done: Future[Pages]) -> None:
            try:
                listed = [
                    (url, None if raw is None else list(parse_page(raw, version).files))
                    for url, raw in done.result()
                ]
                first = next((url for url, files in listed if files), None)
                if first is not None:
                    self._indexes[key] = first
            except BaseException as exc:  # the failure belongs to whoever asks for the listing
                merged.set_exception(exc)
                per_index.set_exception(exc)
            else:
                per_index.set_result(listed)
                merged.set_result([item for _, files in listed for item in files or ()])

        pages.add_done_callback(parse)
        return found

    def index_of(self, name: str, version: str) -> str | None:
        """The first index (in pip's order) whose page lists a file of ``name==version``, once
        its listing is read; ``None`` if none does (files from find-links only)."""
        return self._indexes.get((canonicalize_name(name), version))

    def _hash_ahead(self, name: str, version: str, listing: Future[list[DistFile]]) -> None:
        if listing.exception() is not None:
            return  # the end of the run asks again, and reports the failure
        chosen = self.select(
            distinct_files(files_for_version(listing.result(), name, version)), name
        )
        with self._lock:
            if name not in self._speculated:
                return  # abandoned while the page was fetched
            for item in chosen:
                log.debug("%s: hashing ahead of the resolution", item.filename)
                self._digests[item] = self._digest_pool.submit(self.hasher.digest, item)
                self._speculated[name].append(item)

    def digest(self, item: DistFile) -> Future[Digest]:
        """``item``'s digest: the one already under way, else a new one."""
        with self._lock:
            future = self._digests.get(item)
            if future is None or future.cancelled():
                future = self._digest_pool.submit(self.hasher.digest, item)
                self._digests[item] = future
            return future

    def close(self, wait: bool = True) -> None:
        """Stop downloads in progress, drop queued work, and wait for the workers (unless
        not ``wait``: a request a server stalls is then left behind)."""
        self._page_pool.shutdown(wait=wait, cancel_futures=True)
        if self._connection.exception() is None:
            self.hasher.stop()
        self._digest_pool.shutdown(wait=wait, cancel_futures=True)
