"""The wheel-tag file filter: which files of a version install on the given Pythons and platforms.

The filter only chooses which files get hashed; resolution is the resolver's business.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from packaging import tags
from packaging.utils import InvalidWheelFilename, canonicalize_name, parse_wheel_filename

from dephash.distributions import SDIST_SUFFIXES
from dephash.markers import parse_python_version

if TYPE_CHECKING:
    from dephash.model import DistFile

_MANYLINUX = re.compile(r"manylinux_(\d+)_(\d+)_(\w+)")
_LEGACY_MANYLINUX = {"manylinux1": (2, 5), "manylinux2010": (2, 12), "manylinux2014": (2, 17)}
_MUSLLINUX = re.compile(r"musllinux_(\d+)_(\d+)_(\w+)")
_MACOSX = re.compile(r"macosx_(\d+)_(\d+)_(\w+)")


def expand_platform(platform: str) -> frozenset[str]:
    """A platform tag and the older tags a wheel may carry and still install there.

    ``manylinux_2_28_x86_64`` accepts every manylinux tag down to glibc 2.5 (and
    the legacy aliases); ``musllinux_1_2`` accepts ``1_1`` and ``1_0``; macOS
    versions accept older macOS releases and universal2 builds, as pip does.
    """
    platform = platform.strip().lower().replace("-", "_").replace(".", "_")
    found = {platform}
    for legacy, (major, minor) in _LEGACY_MANYLINUX.items():
        if platform.startswith(legacy + "_"):
            arch = platform[len(legacy) + 1 :]
            platform = f"manylinux_{major}_{minor}_{arch}"
            found.add(platform)
    manylinux = _MANYLINUX.fullmatch(platform)
    if manylinux:
        glibc_major, glibc_minor, arch = int(manylinux[1]), int(manylinux[2]), manylinux[3]
        for minor in range(glibc_minor, -1, -1):
            found.add(f"manylinux_{glibc_major}_{minor}_{arch}")
        for legacy, (major, minor) in _LEGACY_MANYLINUX.items():
            if (major, minor) <= (glibc_major, glibc_minor):
                found.add(f"{legacy}_{arch}")
    musllinux = _MUSLLINUX.fullmatch(platform)
    if musllinux:
        for minor in range(int(musllinux[2]), -1, -1):
            found.add(f"musllinux_{musllinux[1]}_{minor}_{musllinux[3]}")
    macosx = _MACOSX.fullmatch(platform)
    if macosx:
        version = (int(macosx[1]), int(macosx[2]))
        found.update(tags.mac_platforms(version, macosx[3]))
    return frozenset(found)


def python_tags(version: tuple[int, int]) -> frozenset[tuple[str, str]]:
    """The (interpreter, abi) pairs CPython ``version`` accepts: cp, abi3, py3 and none."""
    interpreter = f"cp{version[0]}{version[1]}"
    found = {(t.interpreter, t.abi) for t in tags.cpython_tags(version, platforms=["any"])}
    found.update(
        (t.interpreter, t.abi)
        for t in tags.compatible_tags(version, interpreter, platforms=["any"])
    )
    return frozenset(found)


@dataclass(frozen=True)
class FileFilter:
    """Pythons and platforms to hash files for; empty means "all" on that axis."""

    python_versions: tuple[str, ...] = ()
    platforms: tuple[str, ...] = ()
    # pip's --only-binary values (":all:", ":none:" or names): when filtering, no sdists for them.
    only_binary: tuple[str, ...] = ()

    @property
    def active(self) -> bool:
        """Whether files are filtered at all (only when a Python or platform is named)."""
        return bool(self.python_versions or self.platforms)

    def describe(self) -> str:
        """A short phrase for the output header."""
        parts = []
        if self.python_versions:
            parts.append("Python " + ", ".join(self.python_versions))
        if self.platforms:
            parts.append("platform " + ", ".join(self.platforms))
        return "; ".join(parts) or "every platform"

    def binary_only(self, project: str) -> bool:
        """Whether ``--only-binary`` forbids ``project``'s sdists."""
        names: set[str] = set()
        for value in self.only_binary:
            for name in value.split(","):
                if name == ":none:":
                    names.clear()
                else:
                    names.add(name if name == ":all:" else canonicalize_name(name))
        return ":all:" in names or canonicalize_name(project) in names

    def select(self, files: Iterable[DistFile], project: str) -> list[DistFile]:
        """The files of ``project`` that install on these Pythons and platforms."""
        files = list(files)
        if not self.active:
            return files
        pairs = frozenset().union(*(python_tags(_minor(v)) for v in self.python_versions))
        platforms = frozenset().union(*(expand_platform(p) for p in self.platforms))
        sdists = not self.binary_only(project)
        return [item for item in files if self._accepts(item.filename, pairs, platforms, sdists)]

    @staticmethod
    def _accepts(
        filename: str,
        pairs: frozenset[tuple[str, str]],
        platforms: frozenset[str],
        sdists: bool,
    ) -> bool:
        if not filename.endswith(".whl"):
            return filename.lower().endswith(SDIST_SUFFIXES) and sdists
        try:
            _, _, _, wheel_tags = parse_wheel_filename(filename)
        except InvalidWheelFilename:
            return False
        return any(
            (not pairs or (tag.interpreter, tag.abi) in pairs)
            and (not platforms or tag.platform == "any" or tag.platform in platforms)
            for tag in wheel_tags
        )


def _minor(text: str) -> tuple[int, int]:
    major, minor = parse_python_version(text)
    return major, minor
