"""The index, read as dephash reads it: every file of the pinned versions, and the plain
download baseline that streams those files and hashes nothing."""

from __future__ import annotations

import json
import os
import threading
import urllib.parse
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bench.config import INDEX
from bench.correctness import canonical

SIMPLE_JSON = "application/vnd.pypi.simple.v1+json"
# dephash hashes wheels and the sdist formats packaging can name (.tar.gz, .zip).
ARCHIVES = (".whl", ".tar.gz", ".zip")
CHUNK = 1 << 20  # the chunk size dephash streams with


def filename_release(filename: str) -> tuple[str, str] | None:
    """(canonical name, version) of a wheel or sdist filename, without packaging."""
    if filename.endswith(".whl"):
        parts = filename[:-4].split("-")
        return (canonical(parts[0]), parts[1].lower()) if len(parts) in (5, 6) else None
    for extension in ARCHIVES[1:]:
        if filename.endswith(extension):
            name, sep, version = filename[: -len(extension)].rpartition("-")
            return (canonical(name), version.lower()) if sep else None
    return None


def release_files(session: Any, name: str, version: str) -> list[tuple[str, int]]:
    """(url, size) of every file of ``name==version`` that the index lists."""
    response = session.get(f"{INDEX}{name}/", headers={"Accept": SIMPLE_JSON}, timeout=60)
    response.raise_for_status()
    wanted = (canonical(name), version.lower())
    return [
        (urllib.parse.urljoin(response.url, entry["url"]), int(entry.get("size") or 0))
        for entry in response.json()["files"]
        if filename_release(entry["filename"]) == wanted
    ]


def session_for(jobs: int) -> Any:
    import requests
    from requests.adapters import HTTPAdapter

    session = requests.Session()
    adapter = HTTPAdapter(pool_connections=jobs, pool_maxsize=jobs, max_retries=3)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session


def parallel(function: Callable[[Any], Any], items: Sequence[Any], jobs: int) -> list[Any]:
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=max(1, min(jobs, len(items) or 1))) as pool:
        return list(pool.map(function, items))


def download_all(url_file: Path, jobs: int) -> None:
    """The plain baseline: stream every URL to /dev/null on ``jobs`` threads; no hashing."""
    urls = url_file.read_text(encoding="utf-8").split()
    session = session_for(jobs)
    total = [0]
    lock = threading.Lock()

    def fetch(url: str) -> None:
        received = 0
        with (
            session.get(url, stream=True, timeout=60) as response,
            open(os.devnull, "wb") as sink,
        ):
            response.raise_for_status()
            for chunk in response.iter_content(CHUNK):
                sink.write(chunk)
                received += len(chunk)
        with lock:
            total[0] += received

    parallel(fetch, urls, jobs)
    print(json.dumps({"files": len(urls), "bytes": total[0]}))


def json_api_note() -> str | None:
    """pip-compile takes sha256 from the index's JSON API, matching its file URLs to the
    simple API's links; where they cannot match, it downloads every file. A note saying
    so, or that the JSON API did not answer; None where pip-compile can read it."""
    session = session_for(1)
    base = INDEX.rstrip("/").rsplit("/", 1)[0]
    try:
        response = session.get(f"{base}/pypi/click/json", timeout=30)
        url = response.json()["urls"][0]["url"]
    except (ValueError, KeyError, IndexError, OSError) as exc:
        return f"pip-compile: the index's JSON API did not answer ({exc})"
    if not url.startswith(("http://", "https://")):
        return (
            f"pip-compile downloads every file to hash it here: this index's JSON API "
            f"({base}/pypi/NAME/json) gives relative file URLs ({url[:40]}...), which "
            "pip-tools cannot match to the simple API's links. Where the JSON API gives "
            "absolute URLs, as pypi.org's does, pip-compile reads the sha256 from it "
            "instead and is much faster: the dephash/pip-compile ratios here are not "
            "what a user of pypi.org would see."
        )
    return None
