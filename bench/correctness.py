"""Do two tools' outputs agree? Pins and hashes of hashed requirements files, compared."""

from __future__ import annotations

import json
import platform
import re
import sys
from dataclasses import dataclass


@dataclass
class Comparison:
    input: str
    other: str
    pins_dephash: int
    pins_other: int
    only_dephash: list[str]
    only_other: list[str]
    version_differs: list[str]
    hashes_dephash: int
    hashes_other: int
    hash_differs: list[str]
    same_version: int  # pins both have at the same version
    ours: str = "dephash-sha256"  # the dephash file compared
    scope: str = ""  # how the files were read: "" whole, else for which interpreter


@dataclass(frozen=True)
class Pinned:
    version: str
    hashes: frozenset[str]


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;\\]+)")
_HASH = re.compile(r"--hash[= ]([A-Za-z0-9]+:[0-9a-fA-F]+)")


def parse_pinned(text: str, *, for_host: bool = False) -> dict[str, Pinned]:
    """``name==version`` and ``--hash`` options of a hashed requirements file; with
    ``for_host``, only the lines whose marker the interpreter running this satisfies (a
    name pinned under disjoint markers keeps its one line here)."""
    pins: dict[str, Pinned] = {}
    for line in re.sub(r"\\\r?\n", " ", text).splitlines():
        match = _PIN.match(line.strip())
        if match and (not for_host or _host_reads(line)):
            hashes = frozenset(value.lower() for value in _HASH.findall(line))
            pins[canonical(match.group(1))] = Pinned(match.group(2), hashes)
    return pins


def _host_reads(line: str) -> bool:
    from packaging.markers import Marker  # in the bench venv, with dephash

    requirement = re.sub(r"\s#.*$", "", _HASH.sub("", line))
    _, semicolon, marker = requirement.partition(";")
    return not semicolon or Marker(marker.strip()).evaluate()


def compare(input_name: str, other: str, ours: str, theirs: str) -> Comparison:
    return compare_pins(input_name, other, parse_pinned(ours), parse_pinned(theirs))


def compare_for_host(
    input_name: str, ours_name: str, ours: str, other: str, theirs: str
) -> Comparison:
    """Two files with markers, each as the interpreter running this reads it."""
    found = compare_pins(
        input_name, other, parse_pinned(ours, for_host=True), parse_pinned(theirs, for_host=True)
    )
    found.ours = ours_name
    found.scope = f"Python {platform.python_version()}, {sys.platform} {platform.machine()}"
    return found


def compare_pins(
    input_name: str, other: str, mine: dict[str, Pinned], their: dict[str, Pinned]
) -> Comparison:
    common = sorted(set(mine) & set(their))
    differs = []
    for name in common:
        if mine[name].version == their[name].version and mine[name].hashes != their[name].hashes:
            extra = len(mine[name].hashes - their[name].hashes)
            missing = len(their[name].hashes - mine[name].hashes)
            differs.append(f"{name}=={mine[name].version} (+{extra} dephash only, -{missing})")
    return Comparison(
        input=input_name,
        other=other,
        pins_dephash=len(mine),
        pins_other=len(their),
        only_dephash=sorted(f"{n}=={mine[n].version}" for n in set(mine) - set(their)),
        only_other=sorted(f"{n}=={their[n].version}" for n in set(their) - set(mine)),
        version_differs=[
            f"{n}: {mine[n].version} vs {their[n].version}"
            for n in common
            if mine[n].version != their[n].version
        ],
        hashes_dephash=sum(len(p.hashes) for p in mine.values()),
        hashes_other=sum(len(p.hashes) for p in their.values()),
        hash_differs=differs,
        same_version=sum(1 for n in common if mine[n].version == their[n].version),
    )


def same_pins(sha256: str, sha512: str) -> bool:
    """Do two of dephash's outputs pin the same versions, with as many hashes each?"""
    mine, other = parse_pinned(sha256), parse_pinned(sha512)
    same = {n: p.version for n, p in mine.items()} == {n: p.version for n, p in other.items()}
    counts = [len(p.hashes) for p in mine.values()] == [len(p.hashes) for p in other.values()]
    return same and counts


def compare_outdated(pip_json: str, dephash_json: str) -> str:
    """Do both name the same packages as outdated, with the same latest versions? A note."""
    try:
        theirs = {canonical(item["name"]): item["latest_version"] for item in json.loads(pip_json)}
        ours = {
            canonical(item["name"]): item["latest"] for item in json.loads(dephash_json)["outdated"]
        }
    except (ValueError, KeyError, TypeError) as exc:
        return f"outdated: could not compare the two reports ({exc!r})"
    differ = sorted(
        f"{name}: {ours.get(name, '-')} vs {theirs.get(name, '-')}"
        for name in set(ours) | set(theirs)
        if ours.get(name) != theirs.get(name)
    )
    return (
        f"outdated: dephash names {len(ours)} packages outdated, pip list --outdated "
        f"{len(theirs)}; "
        + (
            "same packages, same latest versions"
            if not differ
            else "differences (dephash vs pip): " + ", ".join(differ)
        )
    )
