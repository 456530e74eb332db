"""The one table of hash algorithms, and what counts as a digest an index may publish."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dephash.hashes import (
    ALGORITHMS,
    STRONGEST_FIRST,
    Algorithm,
    hex_length,
    is_digest,
    published_digests,
)


@pytest.mark.parametrize(
    ("algorithm", "length"),
    [("sha256", 64), ("sha384", 96), ("sha512", 128), ("md5", 32), ("sha1", 40)],
)
def test_known_algorithms_have_their_exact_length(algorithm: str, length: int) -> None:
    assert hex_length(algorithm) == length
    assert is_digest(algorithm, "a" * length)
    assert not is_digest(algorithm, "a" * (length - 1))
    assert not is_digest(algorithm, "A" * length)
    assert not is_digest(algorithm, "g" * length)


@pytest.mark.parametrize("algorithm", ["shake_128", "blake3", "egg", ""])
def test_algorithms_without_a_fixed_length_are_unknown(algorithm: str) -> None:
    assert hex_length(algorithm) is None
    assert not is_digest(algorithm, "a" * 64)


def test_published_digests_keep_true_digests_and_name_the_others() -> None:
    published = {
        "SHA256": "AB" * 32,
        "sha512": "abcd\n--extra-index-url https://evil.example/simple/",
        "sha384": 12,
        "md5": "cd" * 16,
        "blake3": "whatever",
    }
    assert published_digests(published.items()) == (
        (("md5", "cd" * 16), ("sha256", "ab" * 32)),
        ("sha384", "sha512"),
    )


@given(st.dictionaries(st.sampled_from(["sha256", "sha512", "md5", "x"]), st.text()))
def test_nothing_but_hex_of_the_exact_length_is_ever_usable(published: dict[str, str]) -> None:
    usable, _ = published_digests(published.items())
    assert all(is_digest(algorithm, value) for algorithm, value in usable)


def test_an_unknown_algorithm_hides_none_of_those_after_it() -> None:
    usable, rejected = published_digests([("blake3", "x"), ("sha256", "a" * 64), ("md5", 5)])
    assert usable == (("sha256", "a" * 64),)
    assert rejected == ("md5",)


def test_the_table_is_pip_s_three_algorithms_strongest_first() -> None:
    assert ALGORITHMS == ("sha256", "sha384", "sha512")
    assert STRONGEST_FIRST == ("sha512", "sha384", "sha256")
    assert [algorithm.value for algorithm in Algorithm] == list(ALGORITHMS)
