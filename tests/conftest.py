"""Shared fixtures: pip isolation, a session pypiserver, a JSON index.

Every test runs with an isolated pip environment (``isolated_pip`` is
autouse): no ``PIP_*`` variable from the machine, no pip configuration file
(``PIP_CONFIG_FILE=os.devnull``), a per-test pip cache, and a per-test
``DEPHASH_CACHE_DIR``.  Anything that runs pip must still pass an explicit
``--index-url`` pointing at a local test index; nothing may reach the
internet.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from tests.support.jsonindex import JsonIndex
from tests.support.pypiserver import Publish, PyPIServer, publish_to

# No time limit per example: speed is the benchmark's business, not a test's (a busy
# machine made examples overrun hypothesis's default deadline).
settings.register_profile("dephash", deadline=None)
settings.load_profile("dephash")
# For mutation runs (README): each mutant meets fewer examples, the same ones every run,
# and a mutant that only slows a test down is not counted as caught.
settings.register_profile(
    "mutation", max_examples=25, deadline=None, derandomize=True, database=None
)


@pytest.fixture(autouse=True)
def isolated_pip(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> dict[str, str]:
    """Isolate pip (and dephash's cache) from the machine; return the new env.

    Removes every ``PIP_*`` variable, then sets ``PIP_CONFIG_FILE`` to
    ``os.devnull`` (pip then reads no config file at all: not /etc/pip.conf,
    /etc/xdg/pip, the user's or the venv's), ``PIP_DISABLE_PIP_VERSION_CHECK``,
    ``PIP_NO_INPUT``, ``PIP_CACHE_DIR`` (a fresh cache per test, so a
    file cached from another test's server cannot be reused) and
    ``DEPHASH_CACHE_DIR``.  The returned dict is a copy of the resulting
    ``os.environ``, handy as ``env=`` for subprocesses.
    """
    for key in list(os.environ):
        if key.startswith("PIP_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("PIP_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("PIP_DISABLE_PIP_VERSION_CHECK", "1")
    monkeypatch.setenv("PIP_NO_INPUT", "1")
    monkeypatch.setenv("PIP_CACHE_DIR", str(tmp_path / "pip-cache"))
    monkeypatch.setenv("DEPHASH_CACHE_DIR", str(tmp_path / "dephash-cache"))
    return dict(os.environ)


@pytest.fixture(scope="session")
def pypi_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder the session's pypiserver serves (empty at the start)."""
    return tmp_path_factory.mktemp("pypi-root")


@pytest.fixture(scope="session")
def pypiserver(pypi_root: Path) -> Iterator[PyPIServer]:
    """A real ``pypi-server`` on 127.0.0.1 serving ``pypi_root``, for the session.

    ``pypiserver.url`` is its simple index.  It starts empty; add packages
    with the ``publish`` fixture.
    """
    server = PyPIServer.start(pypi_root)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def publish(pypiserver: PyPIServer) -> Publish:
    """Build and publish a project to the session's pypiserver.

    ``publish(name, version, *, requires=(), requires_python=None,
    tags=("py3-none-any",), sdist=True, extras=None, payload="")`` builds one
    wheel per tag (plus an sdist unless ``sdist=False``) into the server's
    root, waits until the server lists them, and returns their paths.

    The server is shared by the whole session, so **use project names that
    are unique to your test** (e.g. ``f"{request.node.name}-dep"`` or a fixed
    name no other test uses).  Re-publishing identical files is a no-op;
    publishing a different file under an existing file name raises
    ValueError.  Nothing is ever removed from the server.
    """

    return functools.partial(publish_to, pypiserver)


@pytest.fixture
def json_index() -> Iterator[JsonIndex]:
    """A started :class:`JsonIndex` (PEP 691 JSON + faults), stopped afterwards."""
    with JsonIndex() as index:
        yield index


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked ``network`` run last, and are skipped with ``NO_TESTS_OVER_WIRE=1``."""
    offline = os.environ.get("NO_TESTS_OVER_WIRE", "") not in ("", "0")
    local = [item for item in items if "network" not in item.keywords]
    remote = [item for item in items if "network" in item.keywords]
    if offline:
        for item in remote:
            item.add_marker(pytest.mark.skip(reason="NO_TESTS_OVER_WIRE is set"))
    items[:] = local + remote


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty current directory for the test (beside, not above, its caches)."""
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return work
