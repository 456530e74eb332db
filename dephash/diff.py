"""The diff of two sets of pins: what a regeneration changed, pin by pin and hash by hash, and
what a pinned file and a new resolution disagree on. Pure: data in, data out."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from packaging.markers import Marker
from packaging.version import InvalidVersion, Version

from dephash.inputs.reqfile import RequirementLine
from dephash.model import LockedPackage


@dataclass(frozen=True)
class VersionChange:
    """A package whose pinned version moved."""

    name: str
    old: str
    new: str


@dataclass(frozen=True)
class HashChange:
    """Hashes that appeared or vanished for a version that did not change."""

    name: str
    version: str
    added: tuple[str, ...] = ()
    vanished: tuple[str, ...] = ()


@dataclass(frozen=True)
class Changes:
    """The difference between an existing pinned file and the new pins."""

    added: tuple[tuple[str, str], ...] = ()
    removed: tuple[tuple[str, str], ...] = ()
    upgraded: tuple[VersionChange, ...] = ()
    downgraded: tuple[VersionChange, ...] = ()
    new_files: tuple[HashChange, ...] = ()
    replaced_files: tuple[HashChange, ...] = ()
    algorithm_changed: tuple[str, str] | None = None

    @property
    def empty(self) -> bool:
        """Nothing moved at all."""
        return not (
            self.added
            or self.removed
            or self.upgraded
            or self.downgraded
            or self.new_files
            or self.replaced_files
            or self.algorithm_changed
        )


def _newer(old: str, new: str) -> bool:
    try:
        return Version(new) > Version(old)
    except InvalidVersion:
        return new > old


def _algorithms(hashes: Sequence[str]) -> set[str]:
    return {value.split(":", 1)[0] for value in hashes}


def _line_algorithms(line: RequirementLine, algorithm: str) -> set[str]:
    """The algorithms a pin is hashed in. A lock that names each file keeps several digests of
    each: its files count as hashed in ``algorithm`` where each has that digest."""
    if not line.files:
        return _algorithms(line.hashes)
    each = [set(dict(item.hashes)) for item in line.files]
    return {algorithm} if all(algorithm in names for names in each) else set().union(*each)


def _line_hashes(line: RequirementLine, algorithm: str) -> set[str]:
    if not line.files:
        return set(line.hashes)
    return {f"{algorithm}:{item.digest(algorithm)}" for item in line.files}


def same_version(left: str, right: str) -> bool:
    """Whether two version strings name the same version (PEP 440 normalised)."""
    try:
        return Version(left) == Version(right)
    except InvalidVersion:
        return left == right


def same_requirement(left: str, right: str) -> bool:
    """Whether two pins (``name==version`` or ``name @ url``) pin the same thing."""
    left_name, left_sep, left_version = left.partition("==")
    right_name, right_sep, right_version = right.partition("==")
    if left_sep and right_sep and left_name == right_name:
        try:
            return Version(left_version) == Version(right_version)
        except InvalidVersion:
            pass
    return left == right


@dataclass(frozen=True)
class PinDiff:
    """Names only one side pins, and names both pin differently; each sorted."""

    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()


def diff_pins(before: Mapping[str, str], after: Mapping[str, str]) -> PinDiff:
    """Compare two ``name -> pin`` maps, pins as ``name==version`` or ``name @ url``."""
    return PinDiff(
        added=tuple(sorted(set(after) - set(before))),
        removed=tuple(sorted(set(before) - set(after))),
        changed=tuple(
            name
            for name in sorted(set(before) & set(after))
            if not same_requirement(before[name], after[name])
        ),
    )


def _keyed(name: str, marker: str | None) -> str:
    """A pin's name, with its marker where it has one: a portable file pins a name once per
    set of environments."""
    return name if not marker else f"{name} ({Marker(marker)})"


def compare(
    old: Sequence[RequirementLine], new: Sequence[LockedPackage], algorithm: str
) -> Changes:
    """Compare the pins of an existing file with freshly locked packages."""
    before = {
        _keyed(line.name, line.marker): line
        for line in old
        if line.name and (line.pinned_version or line.url) and not line.constraint
    }
    after = {_keyed(package.name, package.marker): package for package in new}
    # A direct URL is pinned by its URL, on both sides.
    pins = diff_pins(
        {
            key: f"{line.name} @ {line.url}" if line.url else f"{line.name}=={line.pinned_version}"
            for key, line in before.items()
        },
        {
            key: f"{package.name} @ {package.url}"
            if package.url
            else f"{package.name}=={package.version}"
            for key, package in after.items()
        },
    )
    old_algorithms = set().union(*(_line_algorithms(line, algorithm) for line in before.values()))
    comparable = not old_algorithms or old_algorithms == {algorithm}
    upgraded: list[VersionChange] = []
    downgraded: list[VersionChange] = []
    new_files: list[HashChange] = []
    replaced: list[HashChange] = []
    for name in sorted(set(before) & set(after)):
        old_version = before[name].url or before[name].pinned_version or ""
        package = after[name]
        if name in pins.changed:
            new_version = package.url or package.version
            change = VersionChange(name, old_version, new_version)
            (upgraded if _newer(old_version, new_version) else downgraded).append(change)
            continue
        if not comparable:
            continue
        old_hashes = _line_hashes(before[name], algorithm)
        new_hashes = set(package.hashes(algorithm))
        if new_hashes - old_hashes:
            new_files.append(
                HashChange(name, package.version, added=tuple(sorted(new_hashes - old_hashes)))
            )
        if old_hashes - new_hashes:
            replaced.append(
                HashChange(name, package.version, vanished=tuple(sorted(old_hashes - new_hashes)))
            )
    only_algorithm = next(iter(old_algorithms)) if len(old_algorithms) == 1 else "mixed"
    return Changes(
        added=tuple((n, after[n].version) for n in pins.added),
        removed=tuple((n, before[n].url or before[n].pinned_version or "") for n in pins.removed),
        upgraded=tuple(upgraded),
        downgraded=tuple(downgraded),
        new_files=tuple(new_files),
        replaced_files=tuple(replaced),
        algorithm_changed=None if comparable else (only_algorithm, algorithm),
    )


def summary(changes: Changes) -> list[str]:
    """Lines a reviewer reads: what moved, and which hashes changed under a fixed version."""
    if changes.empty:
        return ["no changes: every pin and every hash is as before"]
    lines = []
    lines += [f"added: {name} {version}" for name, version in changes.added]
    lines += [f"removed: {name} {version}" for name, version in changes.removed]
    lines += [f"upgraded: {c.name} {c.old} -> {c.new}" for c in changes.upgraded]
    lines += [f"downgraded: {c.name} {c.old} -> {c.new}" for c in changes.downgraded]
    lines += [
        f"new files hashed: {c.name} {c.version} (+{len(c.added)} hash"
        f"{'es' if len(c.added) > 1 else ''})"
        for c in changes.new_files
    ]
    if changes.algorithm_changed:
        old, new = changes.algorithm_changed
        lines.append(f"hash algorithm changed: {old} -> {new} (hashes not compared)")
    return lines


def warnings(changes: Changes) -> list[str]:
    """The security events: hashes that changed or vanished for an unchanged version."""
    return [
        f"{c.name} {c.version}: {len(c.vanished)} hash{'es' if len(c.vanished) > 1 else ''} "
        "changed or vanished for an unchanged version (a file was replaced or removed on "
        f"the index): {', '.join(v[:20] + '…' for v in c.vanished)}"
        for c in changes.replaced_files
    ]
