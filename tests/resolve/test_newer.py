"""Whether an environment's Python admits a newer release than the host resolved."""

from __future__ import annotations

from collections.abc import Sequence

from packaging.version import Version

from dephash.environments import environment
from dephash.model import OS, DistFile, Machine, ResolvedPackage
from dephash.resolve.newer import newer_release

NUMPY = ResolvedPackage("numpy", "2.4.6", "https://files/numpy-2.4.6-py3-none-any.whl")
HOST = Version("3.11.7")
PY312 = environment((3, 12), OS.LINUX, Machine.X86_64)
PY311 = environment((3, 11), OS.WINDOWS, Machine.X86_64)


def wheel(version: str, requires_python: str | None, yanked: str | None = None) -> DistFile:
    name = f"numpy-{version}-py3-none-any.whl"
    return DistFile(name, f"https://files/{name}", yanked=yanked, requires_python=requires_python)


def newer(*files: DistFile, pre: bool = False, env: object = PY312) -> str | None:
    asked: list[tuple[str, str]] = []

    def newer_files(name: str, version: str) -> Sequence[DistFile]:
        asked.append((name, version))
        return files

    found = newer_release(NUMPY, env, HOST, newer_files, pre)  # type: ignore[arg-type]
    assert asked in ([], [("numpy", "2.4.6")])
    return found


def test_a_release_only_the_newer_python_admits_is_found() -> None:
    assert newer(wheel("2.4.7", ">=3.11"), wheel("2.5.0", ">=3.12")) == "2.5.0"


def test_releases_the_host_admits_too_or_pip_would_not_choose_do_not_count() -> None:
    assert newer(wheel("2.4.7", ">=3.10")) is None  # the host admits it: pip chose otherwise
    assert newer(wheel("2.4.8", None)) is None
    assert newer(wheel("2.6.0", ">=3.13")) is None  # 3.12 does not admit it either
    assert newer(wheel("2.5.0", ">=3.12", yanked="broken")) is None
    assert newer(wheel("2.5.0rc1", ">=3.12")) is None
    assert newer(wheel("2.5.0rc1", ">=3.12"), pre=True) == "2.5.0rc1"
    odd = DistFile("numpy-latest.tar.gz", "https://files/numpy-latest.tar.gz")
    assert newer(odd) is None


def test_the_host_s_python_and_archives_by_url_are_never_asked_about() -> None:
    assert newer(wheel("2.5.0", ">=3.11.9"), env=PY311) is None
    direct = ResolvedPackage("numpy", "2.4.6", "https://files/numpy.whl", direct=True)
    assert newer_release(direct, PY312, HOST, lambda name, version: [wheel("3", None)]) is None
