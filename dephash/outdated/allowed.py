"""The allowlist applied to outdated packages: which may stay, and which entries match nothing."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from dephash.allowlist import AllowEntry, matching_entry
from dephash.diff import same_version
from dephash.outdated.model import AllowedPackage, OutdatedPackage, StaleEntry


def package_key(package: OutdatedPackage) -> tuple[str, str]:
    return (package.name, package.current)


def apply_allowlist(
    found: Iterable[OutdatedPackage], entries: Sequence[AllowEntry]
) -> tuple[tuple[OutdatedPackage, ...], tuple[AllowedPackage, ...]]:
    """Split outdated packages into those still reported and those allowed to stay."""
    outdated: list[OutdatedPackage] = []
    allowed: list[AllowedPackage] = []
    for package in sorted(found, key=package_key):
        entry = matching_entry(entries, package.name, package.current)
        if entry is None:
            outdated.append(package)
        else:
            allowed.append(AllowedPackage(package, entry))
    return tuple(outdated), tuple(allowed)


def versions_by_name(packages: Iterable[OutdatedPackage]) -> dict[str, list[str]]:
    versions: dict[str, list[str]] = defaultdict(list)
    for package in packages:
        versions[package.name].append(package.current)
    return versions


def stale_entries(
    entries: Sequence[AllowEntry],
    allowed: Sequence[AllowedPackage],
    used: Sequence[AllowEntry],
    known: Mapping[str, Sequence[str]],
    absent: str,
) -> tuple[StaleEntry, ...]:
    """Entries that allowed nothing outdated, each with what it would have to match.

    ``known`` maps names to the versions checked; ``absent`` (with ``{}`` for
    the name) says why a name that was not checked matches nothing.
    """
    matched = [item.package for item in allowed]
    stale = []
    for entry in entries:
        if entry in used or any(
            matching_entry([entry], package.name, package.current) for package in matched
        ):
            continue
        versions = known.get(entry.name, ())
        if not versions:
            detail = absent.format(entry.name)
        elif entry.version is not None and not any(
            same_version(entry.version, version) for version in versions
        ):
            detail = f"{entry.name} is at {', '.join(sorted(versions))}, not {entry.version}"
        else:
            detail = f"{entry.name} is up to date"
        stale.append(StaleEntry(entry, detail))
    return tuple(stale)
