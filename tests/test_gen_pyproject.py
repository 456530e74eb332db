"""``dephash gen`` and ``check --input`` on a pyproject.toml: real pip, a real local index,
setuptools building the dynamic project's metadata."""

from __future__ import annotations

from pathlib import Path

import pytest

from dephash.gen import GenOptions, generate
from dephash.options import IndexOptions, Selection
from tests.support.builder import sha
from tests.support.cli import run
from tests.support.pinned import install_with_hashes, pinned
from tests.support.projects import (
    SELECTIONS,
    ProjectWorld,
    publish_project_world,
    write_dynamic,
    write_static,
)
from tests.support.pypiserver import PyPIServer, publish_to

WRITERS = {"static": write_static, "dynamic": write_dynamic}


@pytest.fixture(scope="module")
def world(pypiserver: PyPIServer) -> ProjectWorld:
    return publish_project_world(pypiserver)


def expected(world: ProjectWorld, names: set[str]) -> dict[str, tuple[str, list[str]]]:
    return {
        name: (
            world.files[name][0].name.split("-")[1],
            sorted(f"sha512:{sha(path, 'sha512')}" for path in world.files[name]),
        )
        for name in names
    }


@pytest.mark.parametrize("selection", SELECTIONS)
@pytest.mark.parametrize("kind", WRITERS)
def test_each_selection_pins_exactly_its_dependencies(
    world: ProjectWorld, workdir: Path, kind: str, selection: str
) -> None:
    WRITERS[kind](workdir / "proj")
    options, names = SELECTIONS[selection]
    result = run("gen", "-i", world.index, *options, "proj/pyproject.toml")
    assert result.exit_code == 0, result.output
    assert pinned(result.stdout) == expected(world, names)
    command = " ".join(["dephash gen --index-url", world.index, *options, "proj/pyproject.toml"])
    assert f"#    {command}\n" in result.stdout
    assert "# from proj/pyproject.toml, with sha512 hashes" in result.stdout
    project = f"pp-{'app' if kind == 'static' else 'dyn'}"
    assert "pp-base==1.0 \\\n    --hash=sha512:" in result.stdout
    assert f"    # via {project} (proj/pyproject.toml)\n" in result.stdout


def test_via_names_the_project_and_the_group(world: ProjectWorld, workdir: Path) -> None:
    write_static(workdir)
    result = run("gen", "-i", world.index, "--group", "dev", "pyproject.toml")
    assert result.exit_code == 0, result.output
    assert "pp-lint==5.1 \\\n" in result.stdout
    assert "    # via pp-app (pyproject.toml:dev)\n" in result.stdout
    assert "    # via\n    #   pp-base\n    #   pp-pytest\n" in result.stdout


def test_check_passes_on_the_file_the_same_selection_wrote(
    world: ProjectWorld, workdir: Path
) -> None:
    write_static(workdir)
    made = run("gen", "-i", world.index, "--group", "dev", "-o", "prod.txt", "pyproject.toml")
    assert made.exit_code == 0, made.output
    checked = run(
        "check", "-i", world.index, "prod.txt", "--input", "pyproject.toml", "--group", "dev"
    )
    assert checked.exit_code == 0, checked.output
    assert "in sync with pyproject.toml" in checked.stdout
    without = run("check", "-i", world.index, "prod.txt", "--input", "pyproject.toml")
    assert without.exit_code == 1, without.output
    assert "pp-lint==5.1: nothing in pyproject.toml needs it any more" in without.stdout
    assert "pp-pytest==8.0: nothing in pyproject.toml needs it any more" in without.stdout


def test_check_finds_a_pin_the_project_no_longer_allows(
    world: ProjectWorld, pypiserver: PyPIServer, workdir: Path
) -> None:
    publish_to(pypiserver, "pp-base", "0.9", requires=["pp-leaf>=1"])
    write_static(workdir)
    assert run("gen", "-i", world.index, "-o", "prod.txt", "pyproject.toml").exit_code == 0
    path = workdir / "pyproject.toml"
    path.write_text(path.read_text().replace('"pp-base>=1"', '"pp-base<1"'))
    checked = run("check", "-i", world.index, "prod.txt", "--input", "pyproject.toml")
    assert checked.exit_code == 1, checked.output
    assert (
        "pp-base==1.0: pyproject.toml:5 asks for pp-base<1, which this pin does not satisfy"
        in checked.stdout
    )
    assert "-pp-base==1.0\n+pp-base==0.9\n" in checked.stdout


def test_kept_pins_and_a_dry_run(pypiserver: PyPIServer, workdir: Path) -> None:
    publish_to(pypiserver, "pp-moving", "1.0")
    (workdir / "pyproject.toml").write_text('[project]\nname = "m"\ndependencies = ["pp-moving"]\n')
    args = ("gen", "-i", pypiserver.url, "-o", "prod.txt")
    assert run(*args, "pyproject.toml").exit_code == 0
    text = (workdir / "prod.txt").read_text()
    publish_to(pypiserver, "pp-moving", "1.1")
    again = run(*args, "pyproject.toml")
    assert again.exit_code == 0, again.output
    assert "no changes: every pin and every hash is as before" in again.stderr
    assert (workdir / "prod.txt").read_text() == text
    dry = run(*args, "--dry-run", "-P", "pp-moving", "pyproject.toml")
    assert dry.stdout.startswith("# upgraded: pp-moving 1.0 -> 1.1\n")
    assert (workdir / "prod.txt").read_text() == text


def test_the_lock_records_the_projects_requires_python(world: ProjectWorld, workdir: Path) -> None:
    path = write_static(workdir)
    result = generate(
        GenOptions(
            input=str(path),
            index=IndexOptions(world.index),
            selection=Selection(groups=("test",)),
        )
    )
    assert result.lock.provenance.requires_python == ">=3.10"
    assert result.lock.provenance.command.endswith(" --group test pyproject.toml")
    assert {package.name for package in result.lock.packages} == {
        "pp-base",
        "pp-leaf",
        "pp-pytest",
    }


def test_the_generated_file_installs_with_require_hashes(
    world: ProjectWorld, workdir: Path, isolated_pip: dict[str, str]
) -> None:
    write_static(workdir)
    made = run("gen", "-i", world.index, "--all-extras", "-o", "prod.txt", "pyproject.toml")
    assert made.exit_code == 0, made.output
    installed = install_with_hashes(workdir / "venv", world.index, "prod.txt", isolated_pip)
    assert installed.returncode == 0, installed.stderr
    assert "pp-docs-2.0" in installed.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--group", "docs"], "pyproject.toml: no dependency group 'docs' (its groups: dev, test)"),
        (
            ["--extra", "dev"],
            "pyproject.toml: the project has no extra 'dev' (its extras: docs, fast)",
        ),
    ],
)
def test_an_unknown_group_or_extra_is_bad_input(
    world: ProjectWorld, workdir: Path, args: list[str], message: str
) -> None:
    write_static(workdir)
    result = run("gen", "-i", world.index, *args, "-o", "prod.txt", "pyproject.toml")
    assert result.exit_code == 2
    assert result.stderr == f"dephash: error: {message}\n"
    assert not (workdir / "prod.txt").exists()


def test_a_build_that_fails_is_bad_input(world: ProjectWorld, workdir: Path) -> None:
    path = write_dynamic(workdir / "proj")
    path.write_text(path.read_text().replace("packages = []", "packages = 1"))
    result = run("gen", "-i", world.index, "proj/pyproject.toml")
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("dephash: error: pip could not build the metadata of ./proj: ")
    assert len(result.stderr.splitlines()) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["gen", "--all-extras", "--extra", "a", "pyproject.toml"], "drop --extra"),
        (["gen", "--group", "not a name", "pyproject.toml"], "not a valid name"),
        (["check", "--group", "dev", "prod.txt"], "apply to --input: add --input"),
    ],
)
def test_selection_options_that_make_no_sense(workdir: Path, args: list[str], message: str) -> None:
    write_static(workdir)
    (workdir / "prod.txt").write_text("")
    result = run(*args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_a_file_that_is_not_toml_is_one_line_of_bad_input(workdir: Path) -> None:
    (workdir / "pyproject.toml").write_text('[project]\nname = "a"\ndependencies = [\n')
    result = run("gen", "-o", "prod.txt", "pyproject.toml")
    assert result.exit_code == 2
    assert result.stderr.startswith("dephash: error: pyproject.toml: not valid TOML: ")
    assert result.stderr.endswith(": Invalid value (at line 3, the end of the file)\n")
    assert not (workdir / "prod.txt").exists()


def test_the_projects_requires_python_chooses_the_pythons_covered(
    world: ProjectWorld, workdir: Path
) -> None:
    write_static(workdir / "proj")
    result = run("gen", "-i", world.index, "--platform", "linux", "proj/pyproject.toml")
    assert result.exit_code == 0, result.output
    assert (
        "# It covers CPython 3.10, 3.11, 3.12, 3.13, 3.14 and 3.15 on Linux, each on x86_64 "
        "and arm64.\n"
    ) in result.stdout
    named = run("gen", "-i", world.index, "--python-version", "3.12", "proj/pyproject.toml")
    assert "# It covers CPython 3.12 on Linux, macOS and Windows" in named.stdout
    path = workdir / "proj" / "pyproject.toml"
    path.write_text(path.read_text().replace('">=3.10"', '"<3"'))
    ancient = run("gen", "-i", world.index, "--platform", "linux", "proj/pyproject.toml")
    assert ancient.exit_code == 0, ancient.output
    assert "# It covers CPython 3.11 on Linux, each on x86_64 and arm64.\n" in ancient.stdout
    assert (
        "warning: requires-python '<3' admits no CPython version dephash knows: resolving for "
        "the resolving interpreter's\n"
    ) in ancient.stderr
