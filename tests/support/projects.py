"""Projects for the pyproject.toml tests and the uv comparison: a build backend to serve,
two fixture projects (static metadata, and setuptools computing the dependencies) and the
world they are resolved on.

pip builds a project's metadata in an isolated environment, with the build
backend installed from the index. The tests' index gets the very setuptools
this interpreter has, packed again as a wheel from its installed files (the
tests never reach the public index).
"""

from __future__ import annotations

import base64
import hashlib
import importlib.metadata
import os
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from tests.support.builder import dist_name
from tests.support.pypiserver import PyPIServer, publish_to

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


STATIC = """\
[project]
name = "pp-app"
version = "1.0"
requires-python = ">=3.10"
dependencies = ["pp-base>=1"]

[project.optional-dependencies]
fast = ["pp-speedy"]
docs = ["pp-docs; python_version >= '3.8'"]

[dependency-groups]
test = ["pp-pytest"]
dev = ["pp-lint", {include-group = "test"}]
"""

DYNAMIC = """\
[build-system]
requires = ["setuptools>=61"]
build-backend = "setuptools.build_meta"

[project]
name = "pp-dyn"
version = "1.0"
requires-python = ">=3.10"
dynamic = ["dependencies", "optional-dependencies"]

[tool.setuptools]
packages = []

[tool.setuptools.dynamic]
dependencies = {file = ["requirements.in"]}
optional-dependencies.fast = {file = ["fast.in"]}
optional-dependencies.docs = {file = ["docs.in"]}

[dependency-groups]
test = ["pp-pytest"]
dev = ["pp-lint", {include-group = "test"}]
"""

# What each selection pins, the same for both projects.
SELECTIONS: dict[str, tuple[list[str], set[str]]] = {
    "none": ([], {"pp-base", "pp-leaf"}),
    "extra": (["--extra", "fast"], {"pp-base", "pp-leaf", "pp-speedy"}),
    "all-extras": (["--all-extras"], {"pp-base", "pp-leaf", "pp-speedy", "pp-docs"}),
    "extra-group": (
        ["--extra", "docs", "--group", "dev"],
        {"pp-base", "pp-leaf", "pp-docs", "pp-lint", "pp-pytest"},
    ),
}


@dataclass
class ProjectWorld:
    """The published packages (name -> files) and the index that serves them."""

    index: str
    files: dict[str, list[Path]]


def publish_project_world(server: PyPIServer) -> ProjectWorld:
    """Publish what both projects need, and setuptools to build the dynamic one."""
    files = {
        "pp-base": publish_to(server, "pp-base", "1.0", requires=["pp-leaf>=1"]),
        "pp-leaf": publish_to(server, "pp-leaf", "1.2", tags=("py3-none-any", "py2-none-any")),
        "pp-speedy": publish_to(server, "pp-speedy", "0.3", sdist=False),
        "pp-docs": publish_to(server, "pp-docs", "2.0"),
        "pp-lint": publish_to(server, "pp-lint", "5.1"),
        "pp-pytest": publish_to(server, "pp-pytest", "8.0", requires=["pp-leaf"]),
    }
    with tempfile.TemporaryDirectory(prefix="setuptools-") as scratch:
        built = installed_wheel(Path(scratch), "setuptools")
        # Renamed in whole, as publish_to does: the server may be listing its folder.
        partial = server.root / f".{built.name}.partial"
        partial.write_bytes(built.read_bytes())
        os.replace(partial, server.root / built.name)
    server.wait_for_files("setuptools", [built.name])
    return ProjectWorld(server.url, files)


def write_static(folder: Path) -> Path:
    """The static project in ``folder``; returns its pyproject.toml."""
    return write_project(folder, STATIC)


def write_dynamic(folder: Path) -> Path:
    """The setuptools project with dynamic dependencies in ``folder``."""
    return write_project(
        folder,
        DYNAMIC,
        **{
            "requirements.in": "pp-base>=1\n",
            "fast.in": "pp-speedy\n",
            "docs.in": "pp-docs; python_version >= '3.8'\n",
        },
    )
