"""Careless command lines: odd option values and outputs, each refused in two lines at most,
before anything runs."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from dephash.cli import _ShortUsageError
from dephash.errors import ExitCode
from tests.support.cli import run

# Nothing listens here: a run that got as far as pip or the network would fail otherwise.
NOWHERE = "http://127.0.0.1:9/simple/"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("gen", "--timeout", "nan", "in.txt"), "Invalid value for '--timeout': 'nan' is not a"),
        (("gen", "--timeout", "inf", "in.txt"), "Invalid value for '--timeout': inf is not in"),
        (("gen", "--timeout", "1e308", "in.txt"), "Invalid value for '--timeout'"),
        (("check", "--timeout", "-inf", "p.txt"), "Invalid value for '--timeout'"),
        (("outdated", "--timeout", "NaN", "p.txt"), "Invalid value for '--timeout': 'NaN'"),
        (("gen", "--bogus", "in.txt"), "No such option '--bogus'"),
        (("gen",), "Missing argument 'INPUT'"),
        (("bogus",), "No such command 'bogus'"),
        (("--bogus",), "No such option '--bogus'"),
    ],
)
def test_usage_errors_are_two_lines(workdir: Path, args: tuple[str, ...], message: str) -> None:
    result = run(*args)
    assert result.exit_code == ExitCode.BAD_INPUT
    error, usage = result.stderr.splitlines()
    assert error.startswith(f"dephash: error: {message}")
    assert usage.startswith("usage: dephash ")
    assert usage.endswith(" --help' says more)")
    assert result.stdout == ""


def test_the_usage_line_names_the_command_and_its_help(workdir: Path) -> None:
    result = run("gen", "--timeout", "nan", "in.txt")
    assert result.stderr.splitlines()[1] == (
        "usage: dephash gen [OPTIONS] INPUT ('dephash gen --help' says more)"
    )


def test_a_finite_timeout_is_accepted(workdir: Path) -> None:
    result = run("gen", "--timeout", "0.5", "missing.txt")
    assert result.stderr == "dephash: error: requirements file not found: missing.txt\n"


def output_cases(workdir: Path) -> dict[str, str]:
    os.mkfifo(workdir / "fifo")
    (workdir / "folder").mkdir()
    return {
        "in.txt": "dephash: error: -o in.txt names the input file: it would be overwritten; "
        "write elsewhere\n",
        "./in.txt": "names the input file",
        "": "dephash: error: -o needs a file name (it was given an empty one)\n",
        "folder": "dephash: error: cannot write folder: it is a directory\n",
        "fifo": "dephash: error: cannot write fifo: it is not a regular file (a FIFO or a device)",
        "/dev/null": "cannot write /dev/null: it is not a regular file",
        "missing/out.txt": "dephash: error: cannot write missing/out.txt: the folder "
        f"{workdir / 'missing'} does not exist\n",
    }


def test_outputs_that_cannot_or_must_not_be_written_are_refused_first(workdir: Path) -> None:
    (workdir / "in.txt").write_text("anything\n")
    for output, message in output_cases(workdir).items():
        result = run("gen", "-i", NOWHERE, "--retries", "0", "-o", output, "in.txt")
        assert result.exit_code == ExitCode.BAD_INPUT, output
        assert message in result.stderr, output
        assert len(result.stderr.splitlines()) == 1
    assert (workdir / "in.txt").read_text() == "anything\n"


def test_a_usage_error_outside_a_command_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    _ShortUsageError("no context").show()
    assert capsys.readouterr().err == "dephash: error: no context\n"
