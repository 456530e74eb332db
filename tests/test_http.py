"""Responses read within the timeout and decoded as they come, from real servers."""

from __future__ import annotations

import gzip

import pytest
import requests

from dephash.http import CHUNK, NetworkSettings, describe_failure, make_session, read_chunks
from tests.support.static import always, serving

FAST = NetworkSettings(connect_timeout=2, read_timeout=2, retries=0)


def body(base: str) -> bytes:
    with make_session(FAST).get(base, stream=True, timeout=FAST.timeout) as response:
        return b"".join(read_chunks(response, FAST))


def failure(base: str) -> str:
    with pytest.raises(requests.RequestException) as caught:
        body(base)
    return describe_failure(caught.value)


def test_plain_and_gzip_bodies_are_read_whole() -> None:
    with serving(always(b"plain", {})) as base:
        assert body(base) == b"plain"
    with serving(always(gzip.compress(b"zipped"), {"Content-Encoding": "gzip"})) as base:
        assert body(base) == b"zipped"
    members = gzip.compress(b"one, ") + gzip.compress(b"two")
    with serving(always(members, {"Content-Encoding": "x-gzip"})) as base:
        assert body(base) == b"one, two"


def test_only_gzip_is_asked_for_and_other_codings_are_refused() -> None:
    assert make_session(FAST).headers["Accept-Encoding"] == "gzip"
    with serving(always(b"?", {"Content-Encoding": "br"})) as base:
        assert failure(base) == "ContentDecodingError: unsupported Content-Encoding br"


def test_a_gzip_stream_cut_short_or_broken_is_a_decoding_failure() -> None:
    whole = gzip.compress(b"x" * 1000)
    with serving(always(whole[: len(whole) // 2], {"Content-Encoding": "gzip"})) as base:
        assert failure(base) == "DecodeError: the gzip stream ends early"
    with serving(always(b"not gzip at all", {"Content-Encoding": "gzip"})) as base:
        assert failure(base).startswith("DecodeError: cannot decode gzip: Error -3")


def test_the_network_bounds_reach_pip() -> None:
    settings = NetworkSettings(read_timeout=2.5, retries=0)
    assert settings.pip_arguments() == ["--timeout", "2.5", "--retries", "0"]


def test_a_body_of_several_mebibytes_comes_in_chunks_of_one() -> None:
    data = bytes(range(256)) * (3 * 4096 + 1)  # 3 MiB and 256 bytes
    with serving(always(data, {})) as base, make_session(FAST).get(base, stream=True) as response:
        chunks = list(read_chunks(response, FAST))
    assert b"".join(chunks) == data
    assert [len(chunk) for chunk in chunks] == [CHUNK, CHUNK, CHUNK, 256]
