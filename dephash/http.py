"""The HTTP session dephash owns: timeouts, retries, pooling, credentials as pip finds them,
and failures in a few words."""

from __future__ import annotations

import threading
import time
import urllib.parse
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from dephash import __version__
from dephash.redact import redact

if TYPE_CHECKING:
    # Imported where used: requests and urllib3 take a tenth of a second to import, and
    # gen starts pip first (their import then overlaps pip's start-up).
    import requests


# Responses are read in chunks this large (measured: 1 MiB hashes 2.2 GB on 8 threads in
# ~9 s where 64 KiB took ~12 s, with fewer hand-overs of the GIL), and each must arrive
# within the read timeout.
CHUNK = 1 << 20
# zlib's window bits for a gzip stream.
_GZIP = 16 + zlib.MAX_WBITS


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

    def pip_arguments(self) -> list[str]:
        """The same bounds for pip's own requests: its ``--timeout`` and ``--retries``."""
        return ["--timeout", f"{self.read_timeout:g}", "--retries", str(self.retries)]


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
    session.auth = Credentials()
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers["User-Agent"] = f"dephash/{__version__}"
    session.headers["Accept-Encoding"] = "gzip"  # the one coding read_chunks decodes
    return session


class Credentials:
    """HTTP Basic credentials for every request of a session, found the way pip finds them.

    A URL's own ``user:password@`` (split at the last ``@``; a token alone is the user,
    with an empty password); else the last ones seen or learned for its host and port,
    from an index or direct URL that carried them; else ``~/.netrc``. The request goes
    out with them in its header, not its URL: no URL built from a response carries them.
    """

    def __init__(self) -> None:
        self._known: dict[str, tuple[str, str]] = {}
        self._lock = threading.Lock()

    def learn(self, urls: Iterable[str]) -> None:
        """Remember the credentials these URLs carry, for every URL on their hosts."""
        for url in urls:
            self._split(url)

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        from requests.auth import HTTPBasicAuth
        from requests.utils import get_netrc_auth

        url, host, credentials = self._split(request.url or "")
        request.url = url
        with self._lock:
            credentials = credentials or self._known.get(host)
        credentials = credentials or get_netrc_auth(url)
        if credentials:
            request = HTTPBasicAuth(*credentials)(request)
        return request

    def _split(self, url: str) -> tuple[str, str, tuple[str, str] | None]:
        """(``url`` without credentials, its host and port, the credentials it carried)."""
        try:
            parts = urllib.parse.urlsplit(url)
        except ValueError:  # not a URL (requests refuses it before asking for credentials)
            return url, "", None
        auth, at, host = parts.netloc.rpartition("@")
        if not at:
            return url, host.lower(), None
        user, _, password = auth.partition(":")
        credentials = (urllib.parse.unquote(user), urllib.parse.unquote(password))
        with self._lock:
            self._known[host.lower()] = credentials
        return urllib.parse.urlunsplit(parts._replace(netloc=host)), host.lower(), credentials


def remember_credentials(session: requests.Session, urls: Iterable[str]) -> None:
    """Let ``session`` send the credentials ``urls`` carry to every URL on their hosts, as
    pip does (it may be the caller's session: it then gets a :class:`Credentials`)."""
    if not isinstance(session.auth, Credentials):
        session.auth = Credentials()
    session.auth.learn(urls)


def read_chunks(response: requests.Response, settings: NetworkSettings) -> Iterator[bytes]:
    """The body of a streamed response, decoded, in chunks of about :data:`CHUNK` bytes.

    Each MiB that arrives (so the whole of a smaller response) must arrive within the
    read timeout, else ``requests.Timeout``: a timeout on each read alone would let a
    server that trickles bytes hold a request for ever. The body is read as it comes and
    decoded here, so that a decoder waiting for more bytes cannot stretch a read either.
    Failures are requests' exceptions.
    """
    import requests
    import urllib3

    decode = _Decoder(response.headers.get("Content-Encoding", ""))
    while True:
        deadline = time.monotonic() + settings.read_timeout
        pieces: list[bytes] = []
        size = 0
        while size < CHUNK:
            try:
                piece = response.raw.read1(CHUNK - size, decode_content=False)
            except urllib3.exceptions.HTTPError as exc:
                raise requests.ConnectionError(exc) from None
            if not piece:
                yield decode(b"".join(pieces), final=True)
                return
            pieces.append(piece)
            size += len(piece)
            if size < CHUNK and time.monotonic() > deadline:
                raise requests.Timeout(
                    f"{size} bytes in {settings.read_timeout:g} s: too slow "
                    "(the timeout bounds each MiB of a response)"
                )
        yield decode(b"".join(pieces))


class _Decoder:
    """Undoes the one content coding dephash asks for (gzip), or none."""

    def __init__(self, coding: str) -> None:
        import requests

        coding = coding.strip().lower()
        if coding not in ("", "identity", "gzip", "x-gzip"):
            raise requests.exceptions.ContentDecodingError(f"unsupported Content-Encoding {coding}")
        self.gzip = coding in ("gzip", "x-gzip")
        self.stream = zlib.decompressobj(_GZIP)

    def __call__(self, data: bytes, final: bool = False) -> bytes:
        if not self.gzip:
            return data
        import requests
        import urllib3

        try:
            decoded = self.stream.decompress(data)
            while self.stream.eof and self.stream.unused_data:  # another gzip member
                rest, self.stream = self.stream.unused_data, zlib.decompressobj(_GZIP)
                decoded += self.stream.decompress(rest)
        except zlib.error as exc:
            reason = urllib3.exceptions.DecodeError(f"cannot decode gzip: {exc}")
            raise requests.exceptions.ContentDecodingError(reason) from None
        if final and not self.stream.eof:
            reason = urllib3.exceptions.DecodeError("the gzip stream ends early")
            raise requests.exceptions.ContentDecodingError(reason)
        return decoded


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


@contextmanager
def session_for(
    session: requests.Session | None, settings: NetworkSettings | None = None
) -> Iterator[requests.Session]:
    """The caller's ``session`` (left open), else a new one that is closed on leaving."""
    if session is not None:
        yield session
        return
    made = make_session(settings)
    try:
        yield made
    finally:
        made.close()
