"""Digests of distribution files: from the index, or a streaming, verified download."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import TypeVar

import requests

from dephash.errors import IndexUnreachable, IntegrityError
from dephash.index import NetworkSettings, describe_failure, local_path
from dephash.models import DistFile
from dephash.redact import redact

log = logging.getLogger(__name__)

ALGORITHMS = ("sha256", "sha384", "sha512")
CHUNK = 1 << 16
T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True)
class Digest:
    """A file's digest in the requested algorithm, and where it came from."""

    hexdigest: str
    source: str  # "index" or "download"
    anchored: bool


class Hasher:
    """Computes one algorithm's digests, downloading only when the index lacks it."""

    def __init__(
        self,
        algorithm: str,
        session: requests.Session,
        network: NetworkSettings | None = None,
    ) -> None:
        self.algorithm = algorithm
        self.session = session
        self.network = network or NetworkSettings()

    def digest(self, file: DistFile) -> Digest:
        """The digest of ``file``; a download is verified against every published digest."""
        published = file.published(self.algorithm)
        if published is not None:
            log.debug("%s: %s from the index", file.filename, self.algorithm)
            return Digest(published, "index", anchored=True)
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
        anchored = any(alg in ALGORITHMS for alg in anchors)
        if anchored:
            log.debug(
                "%s: downloaded, verified against %s", file.filename, ", ".join(sorted(anchors))
            )
        elif file.url.startswith("file:"):
            log.debug("%s: read from local disk; no published digest to verify", file.filename)
        else:
            log.warning(
                "%s: the index publishes no strong digest for it; its hash was taken "
                "from the download as served, with nothing to verify it against",
                file.filename,
            )
        return Digest(hashers[self.algorithm].hexdigest(), "download", anchored)

    def _stream(self, file: DistFile) -> Iterator[bytes]:
        if file.url.startswith("file:"):
            path = local_path(file.url)
            try:
                with path.open("rb") as stream:
                    while chunk := stream.read(CHUNK):
                        yield chunk
            except OSError as exc:
                raise IndexUnreachable(f"cannot read {path.name}: {exc.strerror}") from None
            return
        location = redact(file.url)
        try:
            with self.session.get(file.url, stream=True, timeout=self.network.timeout) as response:
                if response.status_code >= 400:
                    raise IndexUnreachable(
                        f"cannot download {file.filename} from {location}: "
                        f"HTTP {response.status_code} {response.reason}"
                    )
                yield from response.iter_content(CHUNK)
        except requests.RequestException as exc:
            raise IndexUnreachable(
                f"cannot download {file.filename} from {location}: {describe_failure(exc)}"
            ) from None


def run_parallel(function: Callable[[T], R], items: Iterable[T], jobs: int) -> list[R]:
    """``[function(item) for item in items]`` on a bounded pool; the first error wins.

    On a failure, work not yet started is cancelled and the error is raised.
    """
    work = list(items)
    if not work:
        return []
    with ThreadPoolExecutor(max_workers=max(1, min(jobs, len(work)))) as pool:
        futures: list[Future[R]] = [pool.submit(function, item) for item in work]
        done, _ = wait(futures, return_when=FIRST_EXCEPTION)
        failed = [future for future in futures if future in done and future.exception()]
        if failed:
            for future in futures:
                future.cancel()
            raise failed[0].exception()  # type: ignore[misc]
        return [future.result() for future in futures]
