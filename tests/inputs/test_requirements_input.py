"""A requirements file or standard input as the input of a run."""

from __future__ import annotations

from pathlib import Path

from dephash.inputs import open_input
from dephash.inputs.requirements import RequirementsInput


def test_a_file_goes_to_pip_as_itself(workdir: Path) -> None:
    (workdir / "sub").mkdir()
    (workdir / "sub" / "in.txt").write_text("six\n")
    source = open_input(str(workdir / "sub" / "in.txt"))
    assert isinstance(source, RequirementsInput)
    assert source.command_arguments() == ["sub/in.txt"]
    assert [line.source for line in source.requirements().requirements] == ["sub/in.txt"]
    with source.pip_arguments() as arguments:
        assert arguments == ["-r", str(workdir / "sub" / "in.txt")]


def test_standard_input_goes_to_pip_as_a_file_beside_the_current_directory(workdir: Path) -> None:
    (workdir / "more.txt").write_text("idna\n")
    source = open_input("-", "six\n-r more.txt\n")
    assert source.command_arguments() == ["-"]
    assert [(line.name, line.source) for line in source.requirements().requirements] == [
        ("six", "-"),
        ("idna", "more.txt"),
    ]
    with source.pip_arguments() as arguments:
        option, name = arguments
        assert option == "-r"
        assert Path(name).parent == workdir
        assert Path(name).read_text(encoding="utf-8") == "six\n-r more.txt\n"
    assert sorted(path.name for path in workdir.iterdir()) == ["more.txt"]


def test_no_standard_input_is_an_empty_one(workdir: Path) -> None:
    source = RequirementsInput("-")
    assert source.requirements().requirements == []
    with source.pip_arguments() as (_, name):
        assert Path(name).read_text(encoding="utf-8") == ""
