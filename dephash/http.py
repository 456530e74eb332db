"""The HTTP session dephash owns: timeouts, retries, pooling, and failures in a few words."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from dephash import __version__
from dephash.redact import redact

if TYPE_CHECKING:
    # Imported where used: requests and urllib3 take a tenth of a second to import, and
    # gen starts pip first (their import then overlaps pip's start-up).
    import requests


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
