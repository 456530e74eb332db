"""``dephash gen`` where an environment has no wheel of a package: pip builds the sdist there."""

from __future__ import annotations

from pathlib import Path

import pytest

from dephash.errors import ExitCode
from tests.support.builder import make_sdist, make_wheel, sha
from tests.support.cli import run
from tests.support.jsonindex import JsonIndex
from tests.support.pinned import pinned
from tests.support.projects import installed_wheel, publish_project_world
from tests.support.pypiserver import PyPIServer, publish_to

NO_ARM = ("cp310-cp310-win_amd64", "cp310-cp310-manylinux_2_17_x86_64")
PYTHONS = ("--python-version", "3.10", "--python-version", "3.11")
NATIVE_WARNING = (
    "dephash: warning: nw-native 2.0 on CPython 3.10 on Windows on arm64: no wheel; pip "
    "builds it from the sdist at install\n"
)


def hashes(paths: list[Path]) -> list[str]:
    return sorted(f"sha512:{sha(path, 'sha512')}" for path in paths)


@pytest.fixture
def native(json_index: JsonIndex, workdir: Path) -> list[Path]:
    """nw-native 2.0 (for Python < 3.11) has no wheel for Windows on arm64, only its sdist;
    Python 3.10 asks for it, so that Python is resolved on its own."""
    dist = workdir.parent / "dist"
    json_index.add_file("nw-native", make_wheel(dist, "nw-native", "1.0"))
    newer = [
        make_wheel(dist, "nw-native", "2.0", tag=tag, requires_python="<3.11") for tag in NO_ARM
    ]
    newer.append(make_sdist(dist, "nw-native", "2.0"))
    for path in newer:
        json_index.add_file("nw-native", path, requires_python="<3.11")
    (workdir / "in.txt").write_text("nw-native\nnw-native>=2 ; python_version < '3.11'\n")
    return newer


def test_an_environment_without_a_wheel_takes_the_sdist(
    json_index: JsonIndex, workdir: Path, native: list[Path]
) -> None:
    result = run("gen", "-i", json_index.url, *PYTHONS, "--platform", "windows", "in.txt")
    assert result.exit_code == 0, result.output
    assert [line for line in result.stdout.splitlines() if line.startswith("nw-")] == [
        'nw-native==1.0 ; python_version >= "3.11" \\',
        'nw-native==2.0 ; python_version < "3.11" \\',
    ]
    # The Windows wheel and, for Windows on arm64, the sdist (its pin is the last of the two).
    windows = [path for path in native if not path.name.endswith("x86_64.whl")]
    assert pinned(result.stdout)["nw-native"] == ("2.0", hashes(windows))
    assert result.stderr == NATIVE_WARNING


def test_an_os_only_dependency_comes_from_the_same_os_on_another_machine(
    json_index: JsonIndex, workdir: Path, native: list[Path]
) -> None:
    # Linux leads Python 3.10 here, and has no file of nw-winonly: Windows on x86_64 answers.
    dist = workdir.parent / "dist"
    for tag in ("py3-none-win_amd64", "py3-none-win_arm64"):
        json_index.add_file("nw-winonly", make_wheel(dist, "nw-winonly", "1.0", tag=tag))
    with (workdir / "in.txt").open("a") as source:
        source.write("nw-winonly ; sys_platform == 'win32'\n")
    platforms = ("--platform", "linux", "--platform", "windows")
    result = run("gen", "-i", json_index.url, *PYTHONS, *platforms, "in.txt")
    assert result.exit_code == 0, result.output
    assert pinned(result.stdout)["nw-winonly"][0] == "1.0"
    assert 'nw-winonly==1.0 ; sys_platform == "win32" \\' in result.stdout.splitlines()
    assert pinned(result.stdout)["nw-native"] == ("2.0", hashes(native))
    assert result.stderr == NATIVE_WARNING.replace("on Windows", "on Linux and Windows")


def test_one_platform_without_the_wheel_hashes_the_sdist_alone(
    json_index: JsonIndex, workdir: Path, native: list[Path]
) -> None:
    result = run("gen", "-i", json_index.url, *PYTHONS, "--platform", "win_arm64", "in.txt")
    assert result.exit_code == 0, result.output
    assert pinned(result.stdout)["nw-native"] == ("2.0", hashes(native[-1:]))
    assert result.stderr == NATIVE_WARNING


def test_only_binary_keeps_the_error_and_names_the_package(
    json_index: JsonIndex, workdir: Path, native: list[Path]
) -> None:
    result = run(
        "gen", "-i", json_index.url, *PYTHONS, "--platform", "windows", "--only-binary", ":all:",
        "in.txt",
    )  # fmt: skip
    assert result.exit_code == ExitCode.BAD_INPUT
    assert result.stderr == (
        "dephash: error: cannot resolve for CPython 3.10 on Windows on arm64: nw-native 2.0 has "
        "no wheel there, and --only-binary forbids building it from its sdist\n"
    )
    assert not (workdir / "out.txt").exists()


def test_a_package_with_no_wheel_for_a_python_is_named(
    json_index: JsonIndex, workdir: Path
) -> None:
    dist = workdir.parent / "dist"
    json_index.add_file("nw-leaf", make_sdist(dist, "nw-leaf", "2.0"), requires_python="<3.11")
    json_index.add_file("nw-leaf", make_wheel(dist, "nw-leaf", "1.0"))
    for version in ("1.0", "2.0"):
        json_index.add_file("nw-top", make_wheel(dist, "nw-top", version, requires=["nw-leaf>=2"]))
    (workdir / "in.txt").write_text("nw-top ; python_version < '3.11'\n")
    result = run("gen", "-i", json_index.url, *PYTHONS, "--platform", "linux", "in.txt")
    assert result.exit_code == ExitCode.BAD_INPUT
    assert result.stderr == (
        "dephash: error: cannot resolve for CPython 3.10 on Linux on x86_64: pip could not "
        "resolve the requirements: Cannot install nw-top because these package versions have "
        "conflicting dependencies; no release of nw-leaf they admit has a wheel there (runs "
        "for another Python take wheels only; a python3.10 on PATH lets pip build sdists for "
        "it on this machine)\n"
    )


def test_no_release_with_a_wheel_is_said_so(json_index: JsonIndex, workdir: Path) -> None:
    dist = workdir.parent / "dist"
    json_index.add_file("nw-only", make_sdist(dist, "nw-only", "2.0"), requires_python="<3.11")
    (workdir / "in.txt").write_text("nw-only ; python_version < '3.11'\n")
    result = run("gen", "-i", json_index.url, *PYTHONS, "--platform", "windows", "in.txt")
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "(from versions: none)" not in result.stderr
    assert result.stderr.startswith(
        "dephash: error: cannot resolve for CPython 3.10 on Windows on arm64: pip could not "
        "resolve the requirements: no release of nw-only has a wheel there (runs for another "
        "platform take wheels only;"
    )


@pytest.fixture(scope="module")
def sdist_world(pypiserver: PyPIServer) -> tuple[str, list[Path]]:
    """nw-app needs nw-lib < 2 on Windows only (so Windows is resolved on its own) and
    nw-sdonly, of which there is an sdist only (setuptools on the index builds it)."""
    publish_project_world(pypiserver)
    sdist = publish_to(pypiserver, "nw-sdonly", "1.0", tags=())
    publish_to(pypiserver, "nw-lib", "1.0", sdist=False)
    publish_to(pypiserver, "nw-lib", "2.0", sdist=False)
    requires = ["nw-lib", "nw-lib<2 ; sys_platform == 'win32'", "nw-sdonly"]
    publish_to(pypiserver, "nw-app", "1.0", requires=requires, sdist=False)
    return pypiserver.url, sdist


def test_the_resolving_interpreter_builds_what_another_platform_has_no_wheel_of(
    sdist_world: tuple[str, list[Path]], workdir: Path
) -> None:
    index, sdist = sdist_world
    (workdir / "in.txt").write_text("nw-app\n")
    result = run(
        "gen", "-v", "-i", index, "--python-version", "3.11", "--platform", "linux",
        "--platform", "windows", "in.txt",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert [line for line in result.stdout.splitlines() if line.startswith("nw-")] == [
        "nw-app==1.0 \\",
        'nw-lib==1.0 ; sys_platform == "win32" \\',
        'nw-lib==2.0 ; sys_platform == "linux" \\',
        "nw-sdonly==1.0 \\",
    ]
    assert pinned(result.stdout)["nw-sdonly"] == ("1.0", hashes(sdist))
    assert (
        "CPython 3.11 on Windows on arm64: no wheel fits there; resolved with the resolving "
        "interpreter\n"
    ) in result.stderr
    assert (
        "dephash: warning: nw-sdonly 1.0 on CPython 3.11 on Linux and Windows, each on x86_64 "
        "and arm64: no wheel; pip builds it from the sdist at install\n"
    ) in result.stderr


def test_check_judges_the_sdist_as_gen_does(
    json_index: JsonIndex, workdir: Path, native: list[Path]
) -> None:
    # pip builds the sdist's metadata for the audit: setuptools comes from the index.
    json_index.add_file("setuptools", installed_wheel(workdir.parent / "tools", "setuptools"))
    made = run("gen", "-i", json_index.url, *PYTHONS, "--platform", "windows", "-o", "prod.txt",
               "in.txt")  # fmt: skip
    assert made.exit_code == 0, made.output
    checked = run("check", "-i", json_index.url, "prod.txt")
    assert checked.exit_code == 0, checked.output
    assert "every dependency pinned for each environment it covers" in checked.stdout
    refused = run("check", "-i", json_index.url, "--only-binary", ":all:", "prod.txt")
    assert refused.exit_code == ExitCode.FINDINGS, refused.output
    assert (
        "prod.txt:12: error: nw-native==2.0: no wheel of it installs on CPython 3.10 on Windows "
        "on arm64, and --only-binary forbids its sdist; regenerate the file with dephash gen "
        "[not-portable]"
    ) in refused.stdout
