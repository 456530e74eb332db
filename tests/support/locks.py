"""Locked packages made by hand, for the formats and the diff."""

from __future__ import annotations

from dephash.model import Lock, LockedFile, LockedPackage, Provenance


def locked(
    name: str,
    version: str,
    hashes: tuple[str, ...],
    via: tuple[str, ...] = (),
    url: str | None = None,
) -> LockedPackage:
    """A package with one file per ``alg:hex`` hash."""
    files = tuple(
        LockedFile(f"{name}-{version}-{index}.whl", f"https://files/{index}", ((alg, hexdigest),))
        for index, (alg, _, hexdigest) in enumerate(value.partition(":") for value in hashes)
    )
    return LockedPackage(name, version, files, via=via, url=url)


def lock_of(*packages: LockedPackage, algorithm: str = "sha512") -> Lock:
    return Lock(packages, algorithm, Provenance("in.txt", "dephash gen in.txt"))
