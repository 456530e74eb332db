"""The digest cache: hits, misses, corrupt entries, republished files, concurrent writers."""

from __future__ import annotations

import json
import logging
import os
import tempfile
import threading
from pathlib import Path

import pytest

from dephash.hashing.cache import DigestCache, default_cache_dir, strongest_anchor
from dephash.hashing.hasher import Hasher
from dephash.http import NetworkSettings, make_session
from dephash.model import DistFile
from tests.support.builder import make_wheel, sha
from tests.support.jsonindex import JsonIndex

A256 = ("sha256", "a" * 64)
FAST = NetworkSettings(connect_timeout=1, read_timeout=2, retries=0)


def test_put_then_get(tmp_path: Path) -> None:
    cache = DigestCache(tmp_path)
    assert cache.get("x-1.0.tar.gz", A256, "sha512") is None
    cache.put("x-1.0.tar.gz", A256, "sha512", "b" * 128)
    cache.put("x-1.0.tar.gz", A256, "sha384", "c" * 96)
    assert cache.get("x-1.0.tar.gz", A256, "sha512") == "b" * 128
    assert cache.get("x-1.0.tar.gz", A256, "sha384") == "c" * 96
    # Another name, or another anchor, is another file.
    assert cache.get("y-1.0.tar.gz", A256, "sha512") is None
    assert cache.get("x-1.0.tar.gz", ("sha256", "d" * 64), "sha512") is None
    (entry,) = [p for p in tmp_path.rglob("*") if p.is_file()]
    document = json.loads(entry.read_text())
    assert document["format"] == 1
    assert document["anchor"] == f"sha256:{'a' * 64}"


@pytest.mark.parametrize(
    "content",
    ["{not json", "[]", '{"format": 99, "digests": {}}', '{"format": 1, "digests": []}'],
)
def test_corrupt_entries_are_ignored_and_rewritten(tmp_path: Path, content: str) -> None:
    cache = DigestCache(tmp_path)
    cache.put("x.whl", A256, "sha512", "b" * 128)
    (entry,) = list(tmp_path.rglob("*.json"))
    entry.write_text(content)
    assert cache.get("x.whl", A256, "sha512") is None
    cache.put("x.whl", A256, "sha512", "e" * 128)
    assert cache.get("x.whl", A256, "sha512") == "e" * 128


def test_values_that_are_not_digests_are_ignored(tmp_path: Path) -> None:
    cache = DigestCache(tmp_path)
    cache.put("x.whl", A256, "sha512", "b" * 128)
    (entry,) = list(tmp_path.rglob("*.json"))
    entry.write_text(json.dumps({"format": 1, "digests": {"sha512": "../../etc", "md5": 5}}))
    assert cache.get("x.whl", A256, "sha512") is None


def test_weak_or_malformed_anchors_are_never_keys(tmp_path: Path) -> None:
    cache = DigestCache(tmp_path)
    for anchor in [("md5", "a" * 32), ("sha256", "../../x"), ("sha256", "A" * 64)]:
        cache.put("x.whl", anchor, "sha512", "b" * 128)
        assert cache.get("x.whl", anchor, "sha512") is None
    assert list(tmp_path.iterdir()) == []


def test_an_unwritable_cache_is_not_fatal(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    caplog.set_level(logging.DEBUG, logger="dephash")
    cache = DigestCache(blocker)
    cache.put("x.whl", A256, "sha512", "b" * 128)
    assert cache.get("x.whl", A256, "sha512") is None
    assert "cannot write" in caplog.text


def test_an_unreadable_entry_is_a_miss(tmp_path: Path) -> None:
    cache = DigestCache(tmp_path)
    cache.put("x.whl", A256, "sha512", "b" * 128)
    (entry,) = list(tmp_path.rglob("*.json"))
    entry.unlink()
    entry.mkdir()  # reading a folder fails with an OSError
    assert cache.get("x.whl", A256, "sha512") is None


def test_concurrent_writers_never_corrupt_an_entry(tmp_path: Path) -> None:
    cache = DigestCache(tmp_path)
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            for _ in range(50):
                cache.put("x.whl", A256, "sha512", f"{n:x}" * 128)
                value = cache.get("x.whl", A256, "sha512")
                assert value is not None
                assert len(value) == 128
        except BaseException as exc:  # collected for the main thread to raise
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(1, 9)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert [p.name for p in tmp_path.rglob(".entry-*")] == []


def test_strongest_anchor() -> None:
    assert strongest_anchor((("md5", "1"), ("sha256", "2"), ("sha512", "3"))) == ("sha512", "3")
    assert strongest_anchor((("md5", "1"),)) is None


def test_default_location(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DEPHASH_CACHE_DIR", str(tmp_path / "here"))
    assert default_cache_dir() == tmp_path / "here"
    monkeypatch.delenv("DEPHASH_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_dir() == tmp_path / "xdg" / "dephash"


def test_a_second_hash_downloads_nothing(json_index: JsonIndex, tmp_path: Path) -> None:
    wheel = make_wheel(tmp_path / "dist", "cached-pkg", "1.0")
    url = json_index.add_file("cached-pkg", wheel)
    file = DistFile(wheel.name, url, (("sha256", sha(wheel)),))
    cache = DigestCache(tmp_path / "cache")
    first = Hasher("sha512", make_session(FAST), FAST, cache=cache).digest(file)
    second = Hasher("sha512", make_session(FAST), FAST, cache=cache).digest(file)
    assert (first.source, second.source) == ("download", "cache")
    assert first.hexdigest == second.hexdigest == sha(wheel, "sha512")
    assert json_index.count(f"/files/{wheel.name}") == 1


def test_a_republished_file_never_hits_a_stale_entry(json_index: JsonIndex, tmp_path: Path) -> None:
    old = make_wheel(tmp_path / "old", "republished", "1.0")
    new = make_wheel(tmp_path / "new", "republished", "1.0", payload="# rebuilt\n")
    cache = DigestCache(tmp_path / "cache")
    hasher = Hasher("sha512", make_session(FAST), FAST, cache=cache)
    hasher.digest(DistFile(old.name, old.as_uri(), (("sha256", sha(old)),)))
    url = json_index.add_file("republished", new)
    digest = hasher.digest(DistFile(new.name, url, (("sha256", sha(new)),)))
    assert (digest.source, digest.hexdigest) == ("download", sha(new, "sha512"))


def test_unanchored_digests_are_not_cached(json_index: JsonIndex, tmp_path: Path) -> None:
    wheel = make_wheel(tmp_path / "dist", "unanchored", "1.0")
    url = json_index.add_file("unanchored", wheel, hashes={})
    cache_root = tmp_path / "cache"
    hasher = Hasher("sha512", make_session(FAST), FAST, cache=DigestCache(cache_root))
    hasher.digest(DistFile(wheel.name, url))
    hasher.digest(DistFile(wheel.name, url))
    assert json_index.count(f"/files/{wheel.name}") == 2
    assert not cache_root.exists()


@pytest.mark.parametrize("cached", ["b" * 64, "B" * 128, "g" * 128, "b" * 127])
def test_a_cached_value_not_a_digest_of_its_algorithm_is_ignored_and_rewritten(
    json_index: JsonIndex, tmp_path: Path, cached: str
) -> None:
    wheel = make_wheel(tmp_path / "dist", "bad-entry", "1.0")
    url = json_index.add_file("bad-entry", wheel)
    anchor = ("sha256", sha(wheel))
    cache = DigestCache(tmp_path / "cache")
    cache.put(wheel.name, anchor, "sha512", "0" * 128)
    (entry,) = list((tmp_path / "cache").rglob("*.json"))
    document = json.loads(entry.read_text())
    document["digests"] = {"sha512": cached, "sha384": "c" * 95}
    entry.write_text(json.dumps(document))
    assert cache.get(wheel.name, anchor, "sha512") is None
    digest = Hasher("sha512", make_session(FAST), FAST, cache=cache).digest(
        DistFile(wheel.name, url, (anchor,))
    )
    assert (digest.source, digest.hexdigest) == ("download", sha(wheel, "sha512"))
    assert json.loads(entry.read_text())["digests"] == {"sha512": sha(wheel, "sha512")}


@pytest.mark.parametrize("kind", ["fifo", "device", "large"])
def test_entries_that_are_not_small_files_are_ignored_without_blocking_and_replaced(
    tmp_path: Path, kind: str
) -> None:
    cache = DigestCache(tmp_path)
    cache.put("x.whl", A256, "sha512", "b" * 128)
    (entry,) = list(tmp_path.rglob("*.json"))
    entry.unlink()
    if kind == "fifo":
        os.mkfifo(entry)  # nothing writes to it: reading it the usual way blocks for ever
    elif kind == "device":
        entry.symlink_to("/dev/zero")  # reading it the usual way never ends
    else:
        entry.write_text(json.dumps({"format": 1, "digests": {"sha512": "b" * 128}}) + " " * 70000)
    assert cache.get("x.whl", A256, "sha512") is None
    cache.put("x.whl", A256, "sha512", "e" * 128)
    assert entry.is_file()
    assert not entry.is_symlink()
    assert cache.get("x.whl", A256, "sha512") == "e" * 128


def test_an_entry_is_one_small_file_a_person_can_read(tmp_path: Path) -> None:
    # Where it lies and what it says: the anchor's algorithm, its first two hex digits,
    # the anchor and the file name (made safe), and the digests with what they are of.
    cache = DigestCache(tmp_path)
    anchor = ("sha256", "ab" + "c" * 62)
    cache.put("pkg 1/../x.whl", anchor, "sha512", "b" * 128)
    cache.put("pkg 1/../x.whl", anchor, "sha384", "d" * 96)
    (entry,) = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert entry == tmp_path / "v1" / "sha256" / "ab" / f"{anchor[1]}-pkg_1_.._x.whl.json"
    assert entry.read_text(encoding="utf-8") == json.dumps(
        {
            "anchor": f"sha256:{anchor[1]}",
            "digests": {"sha384": "d" * 96, "sha512": "b" * 128},
            "filename": "pkg 1/../x.whl",
            "format": 1,
        }
    )


def test_an_entry_is_written_in_its_own_folder_whatever_the_temporary_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "no-such-folder"))
    cache = DigestCache(tmp_path / "cache")
    cache.put("x.whl", A256, "sha512", "b" * 128)
    assert cache.get("x.whl", A256, "sha512") == "b" * 128


def test_every_entry_ignored_is_said_in_the_debug_log(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="dephash")
    cache = DigestCache(tmp_path)
    cache.put("x.whl", A256, "sha512", "b" * 128)
    (entry,) = list(tmp_path.rglob("*.json"))
    entry.write_text(json.dumps({"format": 1, "digests": {"sha512": "short"}}))
    assert cache.get("x.whl", A256, "sha512") is None
    entry.write_text('{"format": 2}')
    assert cache.get("x.whl", A256, "sha512") is None
    entry.write_text("{")
    assert cache.get("x.whl", A256, "sha512") is None
    blocked = DigestCache(entry)  # a file where its folder should be
    blocked.put("x.whl", A256, "sha512", "b" * 128)
    messages = [record.getMessage() for record in caplog.records]
    assert messages[:3] == [
        f"cache: ignoring a sha512 entry that is not a digest: {entry}",
        f"cache: ignoring entry of another format: {entry}",
        f"cache: ignoring unreadable entry {entry}: "
        "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)",
    ]
    written = entry / "v1" / "sha256" / "aa" / entry.name
    assert messages[-1] == (
        f"cache: cannot write {written}: [Errno 20] Not a directory: '{written.parent}'"
    )
