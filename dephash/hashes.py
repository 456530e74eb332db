"""One table of the hash algorithms pip's hash-checking mode accepts, and what a digest is."""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Iterable
from enum import Enum


class Algorithm(str, Enum):
    """Hash algorithms that ``pip install --require-hashes`` accepts."""

    SHA256 = "sha256"
    SHA384 = "sha384"
    SHA512 = "sha512"


# Hex digits in each algorithm's digest.
HEX_LENGTHS = {"sha256": 64, "sha384": 96, "sha512": 128}
ALGORITHMS = tuple(HEX_LENGTHS)
# The strongest first: the digest an index publishes that best identifies a file.
STRONGEST_FIRST = tuple(sorted(HEX_LENGTHS, key=HEX_LENGTHS.__getitem__, reverse=True))
_HEX = re.compile(r"[0-9a-f]+")


@functools.cache
def hex_length(algorithm: str) -> int | None:
    """Hex digits in a digest of ``algorithm``: pip's three, or any fixed-size algorithm
    hashlib always has (a published md5 still verifies a download); ``None`` if unknown."""
    if algorithm in HEX_LENGTHS:
        return HEX_LENGTHS[algorithm]
    if algorithm not in hashlib.algorithms_guaranteed:
        return None
    return hashlib.new(algorithm, usedforsecurity=False).digest_size * 2 or None  # shake: 0


def is_digest(algorithm: str, value: str) -> bool:
    """Whether ``value`` is a digest of ``algorithm``: lowercase hex of its exact length."""
    length = hex_length(algorithm)
    return length is not None and len(value) == length and _HEX.fullmatch(value) is not None


def published_digests(
    published: Iterable[tuple[object, object]],
) -> tuple[tuple[tuple[str, str], ...], tuple[str, ...]]:
    """What an index (or pip's report) publishes, as ``(usable, rejected)``.

    ``usable``: sorted ``(algorithm, hexdigest)`` pairs, lowercased, each a true digest
    of its algorithm. ``rejected``: the algorithms whose value is not (wrong length, not
    hex, not a string): such a value must never be trusted or written. Algorithms
    dephash does not know are dropped silently: nothing could use them.
    """
    usable, rejected = [], []
    for name, value in published:
        algorithm = str(name).lower()
        if hex_length(algorithm) is None:
            continue
        digest = value.lower() if isinstance(value, str) else ""
        if is_digest(algorithm, digest):
            usable.append((algorithm, digest))
        else:
            rejected.append(algorithm)
    return tuple(sorted(usable)), tuple(sorted(rejected))
