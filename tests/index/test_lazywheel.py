"""A wheel's METADATA read by range requests, against real servers that answer ranges, or
do not, or lie about them."""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Mapping
from pathlib import Path

import pytest

from dephash.errors import IndexUnreachable
from dephash.http import NetworkSettings, make_session
from dephash.index.client import IndexClient
from dephash.index.lazywheel import SPAN, wheel_metadata
from dephash.model import DistFile
from tests.support.builder import make_wheel
from tests.support.builder import wheel_metadata as metadata_of
from tests.support.jsonindex import JsonIndex
from tests.support.static import serving

FAST = NetworkSettings(connect_timeout=2, read_timeout=2, retries=1, backoff=0)


def read(url: str, limit: int = 1 << 20) -> bytes | None:
    return wheel_metadata(make_session(FAST), url, FAST, limit)


def archive(path: Path, members: Mapping[str, bytes]) -> Path:
    """A zip of ``members``, in that order, stored (not compressed)."""
    with zipfile.ZipFile(path, "w") as written:
        for name, data in members.items():
            written.writestr(name, data)
    return path


def test_the_metadata_inside_a_wheel_is_read_from_its_end(
    json_index: JsonIndex, workdir: Path
) -> None:
    wheel = make_wheel(workdir, "inside", "1.0", requires=["dep>=1"])
    url = json_index.add_file("inside", wheel)
    assert read(url) == metadata_of(wheel)
    assert json_index.count(url) == 1  # a small wheel: one range holds it all
    (_, headers), *_ = json_index.requests
    assert headers["Range"] == f"bytes=-{SPAN}"
    client = IndexClient(make_session(FAST), FAST)
    assert client.wheel_metadata(DistFile(wheel.name, url + "#sha256=" + "0" * 64)) == (
        metadata_of(wheel)
    )
    assert client.wheel_metadata(DistFile(wheel.name, wheel.as_uri())) is None


def test_a_member_before_the_last_range_is_read_by_another(
    json_index: JsonIndex, workdir: Path
) -> None:
    metadata = b"Metadata-Version: 2.1\nName: big\nVersion: 1.0\n"
    path = archive(workdir / "big-1.0-py3-none-any.whl", {
        "big-1.0.dist-info/METADATA": metadata,
        "big/data.bin": os.urandom(3 * SPAN),
    })  # fmt: skip
    url = json_index.add_file("big", path)
    assert read(url) == metadata
    assert json_index.count(url) == 2


@pytest.mark.parametrize(
    "members",
    [
        {"x/__init__.py": b""},
        {"a-1.0.dist-info/METADATA": b"a", "b-1.0.dist-info/METADATA": b"b"},
        {"x/a-1.0.dist-info/METADATA": b"nested"},
        {"a-1.0.dist-info/METADATA": b"x" * 101},
    ],
    ids=["no metadata", "two", "not at the top", "too large"],
)
def test_an_archive_without_one_usable_metadata_file_gives_none(
    json_index: JsonIndex, workdir: Path, members: dict[str, bytes]
) -> None:
    url = json_index.add_file("a", archive(workdir / "a-1.0-py3-none-any.whl", members))
    assert read(url, limit=100) is None


def test_a_file_that_is_no_zip_gives_none(json_index: JsonIndex, workdir: Path) -> None:
    path = workdir / "junk-1.0-py3-none-any.whl"
    path.write_bytes(b"not a zip at all" * 100)
    assert read(json_index.add_file("junk", path)) is None


def test_a_server_without_range_requests_gives_none(json_index: JsonIndex, workdir: Path) -> None:
    json_index.ranges_enabled = False
    url = json_index.add_file("inside", make_wheel(workdir, "inside", "1.0"))
    assert read(url) is None


def test_a_server_error_gives_none_and_a_failing_request_is_unreachable(
    json_index: JsonIndex, workdir: Path
) -> None:
    url = json_index.add_file("inside", make_wheel(workdir, "inside", "1.0"))
    json_index.add_faults(url, "500", "500")
    assert read(url) is None  # answered, but not with a range
    json_index.add_faults(url, "reset", "reset")
    with pytest.raises(IndexUnreachable, match=r"cannot fetch http://.*\.whl: "):
        read(url)


def test_a_range_unlike_its_content_range_is_unreachable(workdir: Path) -> None:
    answer = {":status": "206", "Content-Range": "bytes 0-99/100"}
    with (
        serving(lambda path: (answer, b"short")) as base,
        pytest.raises(IndexUnreachable, match="not the range it says"),
    ):
        read(base + "x-1.0-py3-none-any.whl")


def test_a_range_other_than_the_one_asked_for_is_unreachable(workdir: Path) -> None:
    metadata = b"Name: big\n"
    path = archive(workdir / "big.whl", {
        "big-1.0.dist-info/METADATA": metadata, "big/data.bin": os.urandom(2 * SPAN),
    })  # fmt: skip
    data = path.read_bytes()
    tail = len(data) - SPAN
    answers = iter([
        ({":status": "206", "Content-Range": f"bytes {tail}-{len(data) - 1}/{len(data)}"},
         data[tail:]),
        ({":status": "206", "Content-Range": f"bytes 1-10/{len(data)}"}, data[1:11]),
    ])  # fmt: skip
    with (
        serving(lambda path: next(answers)) as base,
        pytest.raises(IndexUnreachable, match="not the range asked for"),
    ):
        read(base + "big-1.0-py3-none-any.whl")


def test_a_remote_file_reads_as_a_file(json_index: JsonIndex, workdir: Path) -> None:
    from dephash.index.lazywheel import _Remote

    data = bytes(range(256)) * 10
    path = workdir / "plain-1.0-py3-none-any.whl"
    path.write_bytes(data)
    remote = _Remote(make_session(FAST), json_index.add_file("plain", path), FAST)
    assert (remote.readable(), remote.seekable(), remote.size) == (True, True, len(data))
    assert remote.seek(-6, io.SEEK_END) == len(data) - 6
    assert remote.read() == data[-6:]
    assert remote.read(5) == b""
    remote.seek(10)
    assert remote.seek(5, io.SEEK_CUR) == remote.tell() == 15
    assert remote.read(None) == data[15:]
