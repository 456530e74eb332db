"""Digests: taken from the index when published, else streamed, hashed and verified."""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

import pytest

from dephash.errors import IndexUnreachable, IntegrityError
from dephash.hashing.hasher import Hasher, Stopped
from dephash.http import NetworkSettings, make_session
from dephash.model import DistFile
from dephash.pools import run_parallel
from tests.support.builder import make_wheel, sha
from tests.support.jsonindex import JsonIndex

FAST = NetworkSettings(connect_timeout=1, read_timeout=1, retries=0)


def hasher(algorithm: str = "sha512", network: NetworkSettings = FAST) -> Hasher:
    return Hasher(algorithm, make_session(network), network)


@pytest.fixture
def wheel(tmp_path: Path) -> Path:
    return make_wheel(tmp_path / "dist", "digest-pkg", "1.0", payload="x = 1\n" * 50_000)


def served(json_index: JsonIndex, wheel: Path, hashes: dict[str, str] | None = None) -> DistFile:
    url = json_index.add_file("digest-pkg", wheel, hashes=hashes)
    published = hashes if hashes is not None else {"sha256": sha(wheel)}
    return DistFile(wheel.name, url, tuple(sorted(published.items())))


def test_a_published_digest_is_used_without_downloading(json_index: JsonIndex, wheel: Path) -> None:
    file = served(json_index, wheel, {"sha256": sha(wheel), "sha512": sha(wheel, "sha512")})
    digest = hasher().digest(file)
    assert (digest.hexdigest, digest.source, digest.anchored) == (
        sha(wheel, "sha512"),
        "index",
        True,
    )
    assert json_index.count(f"/files/{wheel.name}") == 0


@pytest.mark.parametrize("algorithm", ["sha384", "sha512"])
def test_other_digests_are_downloaded_and_verified(
    json_index: JsonIndex, wheel: Path, algorithm: str
) -> None:
    digest = hasher(algorithm).digest(served(json_index, wheel))
    assert digest.hexdigest == sha(wheel, algorithm)
    assert (digest.source, digest.anchored) == ("download", True)
    assert json_index.count(f"/files/{wheel.name}") == 1


def test_a_mismatch_is_an_integrity_failure_naming_the_file(
    json_index: JsonIndex, wheel: Path
) -> None:
    file = served(json_index, wheel, {"sha256": "0" * 64})
    with pytest.raises(IntegrityError, match=rf"{wheel.name}: .* sha256 digest"):
        hasher().digest(file)


def test_corrupted_bytes_are_caught(json_index: JsonIndex, wheel: Path) -> None:
    file = served(json_index, wheel)
    json_index.add_faults(f"/files/{wheel.name}", "corrupt")
    with pytest.raises(IntegrityError, match="does not match"):
        hasher().digest(file)


def test_an_unanchored_download_is_said_out_loud(
    json_index: JsonIndex, wheel: Path, caplog: pytest.LogCaptureFixture
) -> None:
    digest = hasher().digest(served(json_index, wheel, {}))
    assert digest.hexdigest == sha(wheel, "sha512")
    assert digest.anchored is False
    assert "publishes no strong digest" in caplog.text


def test_local_files_are_read_from_disk(wheel: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="dephash")
    digest = hasher().digest(DistFile(wheel.name, wheel.as_uri()))
    assert digest.hexdigest == sha(wheel, "sha512")
    assert "read from local disk" in caplog.text


def test_a_missing_local_file_is_reported(tmp_path: Path) -> None:
    missing = tmp_path / "gone-1.0.tar.gz"
    with pytest.raises(IndexUnreachable, match=r"cannot read gone-1\.0\.tar\.gz"):
        hasher().digest(DistFile(missing.name, missing.as_uri()))


def test_http_errors_name_the_url(json_index: JsonIndex) -> None:
    file = DistFile("x-1.0.tar.gz", f"{json_index.base}/files/x-1.0.tar.gz")
    with pytest.raises(
        IndexUnreachable, match=r"cannot download x-1.0.tar.gz from http://.*HTTP 404"
    ):
        hasher().digest(file)


def test_a_server_error_then_success_recovers(json_index: JsonIndex, wheel: Path) -> None:
    file = served(json_index, wheel)
    json_index.add_faults(f"/files/{wheel.name}", "500", "reset")
    retrying = NetworkSettings(connect_timeout=1, read_timeout=1, retries=3, backoff=0)
    assert hasher(network=retrying).digest(file).hexdigest == sha(wheel, "sha512")
    assert json_index.count(f"/files/{wheel.name}") == 3


@pytest.mark.parametrize(
    ("fault", "message"),
    [
        ("reset", "Connection"),
        ("truncate", "IncompleteRead|ProtocolError|Connection"),
        ("stall:3", "timed out|Timeout"),
    ],
)
def test_network_failures_are_clear_errors(
    json_index: JsonIndex, wheel: Path, fault: str, message: str
) -> None:
    file = served(json_index, wheel)
    json_index.add_faults(f"/files/{wheel.name}", fault)
    with pytest.raises(IndexUnreachable, match=rf"cannot download {wheel.name} .*({message})"):
        hasher().digest(file)


def test_run_parallel_keeps_order_and_bounds_the_pool() -> None:
    active = 0
    peak = 0
    lock = threading.Lock()
    gate = threading.Barrier(3)

    def work(n: int) -> int:
        nonlocal active, peak
        with lock:
            active += 1
            peak = max(peak, active)
        if n < 3:
            gate.wait(timeout=5)
        with lock:
            active -= 1
        return n * n

    assert run_parallel(work, range(8), jobs=3) == [n * n for n in range(8)]
    assert peak == 3
    assert run_parallel(work, [], jobs=3) == []


def test_run_parallel_raises_the_first_error_and_cancels_the_rest() -> None:
    started: list[int] = []

    def work(n: int) -> int:
        started.append(n)
        if n == 0:
            raise ValueError("first")
        threading.Event().wait(0.05)
        return n

    with pytest.raises(ValueError, match="first"):
        run_parallel(work, range(50), jobs=1)
    assert 0 in started
    assert len(started) <= 2  # the queued work was cancelled


def test_run_parallel_waits_for_no_worker_once_interrupted() -> None:
    # Ctrl-C reaches the main thread; here a worker raises it, which gather re-raises there.
    release = threading.Event()

    def work(n: int) -> int:
        if n == 0:
            release.wait(30)  # a request a server stalls
            return n
        threading.Event().wait(0.1)
        raise KeyboardInterrupt

    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        run_parallel(work, range(2), jobs=2)
    assert time.monotonic() - started < 5
    release.set()


def test_a_stopped_hasher_abandons_downloads_but_not_published_digests(
    json_index: JsonIndex, wheel: Path
) -> None:
    stopped = hasher()
    stopped.stop()
    with pytest.raises(Stopped):
        stopped.digest(served(json_index, wheel))
    file = served(json_index, wheel, {"sha512": sha(wheel, "sha512")})
    assert stopped.digest(file).source == "index"


def test_a_download_that_trickles_in_is_a_timeout_not_a_hang(
    json_index: JsonIndex, wheel: Path
) -> None:
    file = served(json_index, wheel)
    json_index.add_faults(file.url, "trickle:0.01")  # 100 bytes a second: hours for the wheel
    started = time.monotonic()
    with pytest.raises(
        IndexUnreachable, match=rf"{wheel.name} from .*: Timeout: .* bytes in 1 s: too slow"
    ):
        hasher().digest(file)
    assert time.monotonic() - started < 3  # the timeout (1 s) and one read past it at most
