"""The digest cache: computed digests, keyed by the digest the index publishes.

An entry is found only through a file's name *and* a strong digest its index
published for it, so a file republished under the same name never meets a
stale entry. Digests nothing anchors are never stored. The cache holds
digests, not files: a few hundred bytes per file.
"""

from __future__ import annotations

import json
import logging
import os
import re
import tempfile
from pathlib import Path

from dephash.files import read_bytes
from dephash.hashes import STRONGEST_FIRST, is_digest

log = logging.getLogger(__name__)

FORMAT = 1
ANCHORS = STRONGEST_FIRST
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._+-]")


def default_cache_dir() -> Path:
    """``$DEPHASH_CACHE_DIR``, else the platform's user cache folder + ``dephash``."""
    configured = os.environ.get("DEPHASH_CACHE_DIR")
    if configured:
        return Path(configured)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("dephash", appauthor=False))


class DigestCache:
    """A folder of small JSON entries; every write is atomic (temp file + rename)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _entry(self, filename: str, anchor: tuple[str, str]) -> Path | None:
        algorithm, value = anchor
        if algorithm not in ANCHORS or not is_digest(algorithm, value):
            return None
        safe = _SAFE_NAME.sub("_", filename)
        return self.root / f"v{FORMAT}" / algorithm / value[:2] / f"{value}-{safe}.json"

    def get(self, filename: str, anchor: tuple[str, str], algorithm: str) -> str | None:
        """The cached ``algorithm`` digest of the file ``anchor`` identifies, if any.

        A cached value that is not a digest of ``algorithm`` (lowercase hex of its exact
        length) is not trusted: the file is hashed again, and :meth:`put` replaces it.
        """
        path = self._entry(filename, anchor)
        if path is None:
            return None
        value = self._read(path).get(algorithm)
        if value is None:
            return None
        if not is_digest(algorithm, value):
            log.debug("cache: ignoring a %s entry that is not a digest: %s", algorithm, path)
            return None
        return value

    def put(self, filename: str, anchor: tuple[str, str], algorithm: str, digest: str) -> None:
        """Remember a digest computed from a download that ``anchor`` verified.

        Failing to write is never fatal: the digest is simply not remembered.
        """
        path = self._entry(filename, anchor)
        if path is None:
            return
        # Whatever else the entry holds stays only if it is a digest of its algorithm.
        digests = {alg: value for alg, value in self._read(path).items() if is_digest(alg, value)}
        digests[algorithm] = digest
        document = {
            "format": FORMAT,
            "filename": filename,
            "anchor": f"{anchor[0]}:{anchor[1]}",
            "digests": dict(sorted(digests.items())),
        }
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".entry-", suffix=".tmp")
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                json.dump(document, stream, sort_keys=True)
            os.replace(temp, path)
        except OSError as exc:
            log.debug("cache: cannot write %s: %s", path, exc)

    @staticmethod
    def _read(path: Path) -> dict[str, str]:
        """The digests of an entry; a missing, unreadable or corrupt entry is empty."""
        try:
            # Bounded, and never blocking: an entry may be a FIFO or a link to /dev/zero.
            document = json.loads(read_bytes(path, 1 << 16))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            log.debug("cache: ignoring unreadable entry %s: %s", path, exc)
            return {}
        if (
            not isinstance(document, dict)
            or document.get("format") != FORMAT
            or not isinstance(document.get("digests"), dict)
        ):
            log.debug("cache: ignoring entry of another format: %s", path)
            return {}
        return {str(k): v for k, v in document["digests"].items() if isinstance(v, str)}


def strongest_anchor(hashes: tuple[tuple[str, str], ...]) -> tuple[str, str] | None:
    """The strongest digest an index publishes for a file, usable as a cache key."""
    published = dict(hashes)
    for algorithm in ANCHORS:
        if algorithm in published:
            return algorithm, published[algorithm]
    return None
