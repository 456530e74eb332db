"""Two fixture projects on a published world, for the pyproject.toml tests and the uv
comparison: one with static metadata, one whose dependencies setuptools computes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tests.support.projects import installed_wheel, write_project
from tests.support.pypiserver import PyPIServer, publish_to

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
    setuptools = installed_wheel(server.root, "setuptools")
    server.wait_for_files("setuptools", [setuptools.name])
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
