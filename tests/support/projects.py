"""Projects for the pyproject.toml tests: a build backend to serve, and fixture projects.

pip builds a project's metadata in an isolated environment, with the build
backend installed from the index. The tests' index gets the very setuptools
this interpreter has, packed again as a wheel from its installed files (the
tests never reach the public index).
"""

from __future__ import annotations

import base64
import hashlib
import importlib.metadata
import zipfile
from pathlib import Path

from tests.support.builder import dist_name

# Written by the installer, not part of the wheel.
_INSTALL_FILES = {"INSTALLER", "REQUESTED", "RECORD", "direct_url.json"}


def installed_wheel(dest: Path, name: str) -> Path:
    """A wheel of the installed distribution ``name`` (pure Python), made from its files."""
    distribution = importlib.metadata.distribution(name)
    version = distribution.version
    info = f"{dist_name(name)}-{version}.dist-info"
    root = Path(str(distribution.locate_file("")))
    entries: list[tuple[str, bytes]] = []
    for item in sorted(distribution.files or (), key=str):
        path = item.as_posix()
        parts = path.split("/")
        if path.startswith("../") or "__pycache__" in parts:
            continue
        if parts[0].endswith(".dist-info") and parts[-1] in _INSTALL_FILES:
            continue
        entries.append((path, (root / path).read_bytes()))
    record = "".join(f"{path},sha256={_digest(data)},{len(data)}\n" for path, data in entries)
    entries.append((f"{info}/RECORD", (record + f"{info}/RECORD,,\n").encode()))
    dest.mkdir(parents=True, exist_ok=True)
    wheel = dest / f"{dist_name(name)}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, data in entries:
            archive.writestr(zipfile.ZipInfo(path, date_time=(1980, 1, 1, 0, 0, 0)), data)
    return wheel


def _digest(data: bytes) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def write_project(folder: Path, pyproject: str, **files: str) -> Path:
    """``folder/pyproject.toml`` holding ``pyproject``, beside ``files`` (name: text)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    path = folder / "pyproject.toml"
    path.write_text(pyproject, encoding="utf-8")
    return path
