"""Which real interpreter, if any, stands for a target environment."""

from __future__ import annotations

from dephash.environments import environment, from_platform, marker_values
from dephash.model import OS, Machine
from dephash.resolve.interpreters import interpreter_finder

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
