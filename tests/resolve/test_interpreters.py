"""Which real interpreter, if any, stands for a target environment."""

from __future__ import annotations

import sys
from pathlib import Path

from dephash.environments import environment, from_platform, marker_values
from dephash.model import OS, Machine
from dephash.resolve.interpreters import interpreter_finder, runnable_python

HOST = marker_values(environment((3, 11), OS.LINUX, Machine.X86_64))


def test_a_python_of_the_version_on_path_stands_for_the_host_s_place() -> None:
    asked: list[str] = []

    def which(name: str) -> str | None:
        asked.append(name)
        return f"/usr/bin/{name}" if name != "python3.13" else None

    find = interpreter_finder(HOST, which)
    assert find(environment((3, 12), OS.LINUX, Machine.X86_64)) == "/usr/bin/python3.12"
    assert find(environment((3, 12), OS.LINUX, Machine.X86_64)) == "/usr/bin/python3.12"
    assert find(environment((3, 13), OS.LINUX, Machine.X86_64)) is None
    assert asked == ["python3.12", "python3.13"]  # each looked up once


def test_other_places_old_pythons_and_older_tags_have_none() -> None:
    find = interpreter_finder(HOST, lambda name: f"/usr/bin/{name}")
    assert find(environment((3, 12), OS.LINUX, Machine.ARM64)) is None
    assert find(environment((3, 12), OS.WINDOWS, Machine.X86_64)) is None
    assert find(environment((3, 9), OS.LINUX, Machine.X86_64)) is None
    (older,) = from_platform("manylinux_2_17_x86_64", [(3, 12)])
    assert find(older) is None


def _tool(folder: Path, name: str, text: str) -> None:
    script = folder / name
    script.write_text(text)
    script.chmod(0o755)


def test_only_a_python_that_runs_as_its_name_says_counts(tmp_path: Path) -> None:
    mine = f"python{sys.version_info[0]}.{sys.version_info[1]}"
    (tmp_path / mine).symlink_to(sys.executable)
    (tmp_path / "python3.99").symlink_to(sys.executable)  # runs, as another Python
    # A version manager's shim for a version it does not select.
    _tool(
        tmp_path,
        "python3.98",
        "#!/bin/sh\necho 'pyenv: python3.98: command not found' >&2\nexit 127\n",
    )
    _tool(tmp_path, "python3.97", "not a program\n")  # cannot be run at all
    folder = str(tmp_path)
    assert runnable_python(mine, folder) == str(tmp_path / mine)
    assert runnable_python("python3.99", folder) is None
    assert runnable_python("python3.98", folder) is None
    assert runnable_python("python3.97", folder) is None
    assert runnable_python("python3.96", folder) is None
