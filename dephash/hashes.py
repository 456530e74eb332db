"""One table of the hash algorithms pip's hash-checking mode accepts."""

from __future__ import annotations

import re
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


def is_digest(algorithm: str, value: str) -> bool:
    """Whether ``value`` is a digest of ``algorithm``: lowercase hex of its exact length."""
    length = HEX_LENGTHS.get(algorithm)
    return length is not None and len(value) == length and _HEX.fullmatch(value) is not None
