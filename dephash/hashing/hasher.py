"""Digests of distribution files: from the index, or a streaming, verified download."""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from dephash.errors import IndexUnreachable, IntegrityError
from dephash.hashing.cache import DigestCache, strongest_anchor
from dephash.hashing.progress import NoProgress, Progress
from dephash.http import CHUNK, NetworkSettings, describe_failure, read_chunks
from dephash.index.client import local_path
from dephash.model import DistFile
from dephash.redact import redact

if TYPE_CHECKING:
    import requests  # imported where used, as in dephash.index.client

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Digest:
    """A file's digest in the requested algorithm, and where it came from."""

    hexdigest: str
    source: str  # "index", "cache" or "download"
    anchored: bool


class Stopped(Exception):
    """A download was abandoned because :meth:`Hasher.stop` was called."""


class Hasher:
    """Computes one algorithm's digests, downloading only when the index lacks it."""

    def __init__(
        self,
        algorithm: str,
        session: requests.Session,
        network: NetworkSettings | None = None,
        cache: DigestCache | None = None,
        progress: Progress | None = None,
    ) -> None:
        self.algorithm = algorithm
        self.session = session
        self.network = network or NetworkSettings()
        self.cache = cache
        self.progress = progress or NoProgress()
        self._stopped = threading.Event()

    def stop(self) -> None:
        """Abandon the downloads in progress (they raise :class:`Stopped`) and any later."""
        self._stopped.set()

    def digest(self, file: DistFile) -> Digest:
        """The digest of ``file``: from the index, the cache, or a verified download."""
        published = file.published(self.algorithm)
        if published is not None:
            log.debug("%s: %s from the index", file.filename, self.algorithm)
            return Digest(published, "index", anchored=True)
        anchor = strongest_anchor(file.hashes)
        if anchor is not None and self.cache is not None:
            cached = self.cache.get(file.filename, anchor, self.algorithm)
            if cached is not None:
                log.debug("%s: %s from the cache", file.filename, self.algorithm)
                return Digest(cached, "cache", anchored=True)
        anchors = {alg: value for alg, value in file.hashes if alg in hashlib.algorithms_available}
        hashers = {alg: hashlib.new(alg) for alg in {self.algorithm, *anchors}}
        for chunk in self._stream(file):
            for hasher in hashers.values():
                hasher.update(chunk)
        for alg, expected in sorted(anchors.items()):
            actual = hashers[alg].hexdigest()
            if actual != expected:
                raise IntegrityError(
                    f"{file.filename}: the downloaded file does not match the {alg} digest "
                    f"its index publishes (expected {expected}, got {actual}); nothing was written"
                )
        digest = hashers[self.algorithm].hexdigest()
        if anchor is not None:
            log.debug(
                "%s: downloaded, verified against %s", file.filename, ", ".join(sorted(anchors))
            )
            if self.cache is not None:
                self.cache.put(file.filename, anchor, self.algorithm, digest)
        elif file.url.startswith("file:"):
            log.debug("%s: read from local disk; no published digest to verify", file.filename)
        else:
            log.warning(
                "%s: the index publishes no strong digest for it; its hash was taken "
                "from the download as served, with nothing to verify it against",
                file.filename,
            )
        return Digest(digest, "download", anchored=anchor is not None)

    def _stream(self, file: DistFile) -> Iterator[bytes]:
        if file.url.startswith("file:"):
            path = local_path(file.url)
            try:
                with path.open("rb") as stream:
                    while chunk := stream.read(CHUNK):
                        yield self._advance(chunk)
            except OSError as exc:
                raise IndexUnreachable(f"cannot read {path.name}: {exc.strerror}") from None
            return
        import requests

        location = redact(file.url)
        try:
            with self.session.get(file.url, stream=True, timeout=self.network.timeout) as response:
                if response.status_code >= 400:
                    raise IndexUnreachable(
                        f"cannot download {file.filename} from {location}: "
                        f"HTTP {response.status_code} {response.reason}"
                    )
                for chunk in read_chunks(response, self.network):
                    yield self._advance(chunk)
        except requests.RequestException as exc:
            raise IndexUnreachable(
                f"cannot download {file.filename} from {location}: {describe_failure(exc)}"
            ) from None

    def _advance(self, chunk: bytes) -> bytes:
        if self._stopped.is_set():
            raise Stopped
        self.progress.advance(len(chunk))
        return chunk
