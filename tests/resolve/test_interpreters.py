"""Which real interpreter, if any, stands for a target environment."""

from __future__ import annotations

import sys
from pathlib import Path

from dephash.environments import environment, from_platform, marker_values
from dephash.model import OS, Machine
from dephash.resolve.interpreters import interpreter_finder, probe

HOST = marker_values(environment((3, 11), OS.LINUX, Machine.X86_64))


def test_a_python_of_the_version_on_path_stands_for_the_host_s_place() -> None:
    asked: list[str] = []

    def which(name: str) -> str | None:
        asked.append(name)
        return f"/usr/bin/{name}" if name != "python3.13" else None

    find = interpreter_finder(HOST, which, lambda path: path.removeprefix("/usr/bin/python"))
    assert find(environment((3, 12), OS.LINUX, Machine.X86_64)) == "/usr/bin/python3.12"
    assert find(environment((3, 12), OS.LINUX, Machine.X86_64)) == "/usr/bin/python3.12"
    assert find(environment((3, 13), OS.LINUX, Machine.X86_64)) is None
    assert asked == ["python3.12", "python3.13"]  # each looked up once


def test_other_places_old_pythons_and_older_tags_have_none() -> None:
    find = interpreter_finder(HOST, lambda name: f"/usr/bin/{name}", lambda path: "3.12")
    assert find(environment((3, 12), OS.LINUX, Machine.ARM64)) is None
    assert find(environment((3, 12), OS.WINDOWS, Machine.X86_64)) is None
    assert find(environment((3, 9), OS.LINUX, Machine.X86_64)) is None
    (older,) = from_platform("manylinux_2_17_x86_64", [(3, 12)])
    assert find(older) is None


def test_an_interpreter_that_does_not_run_as_its_version_stands_for_nothing() -> None:
    env = environment((3, 12), OS.LINUX, Machine.X86_64)
    assert interpreter_finder(HOST, lambda name: "/shims/x", lambda path: None)(env) is None
    assert interpreter_finder(HOST, lambda name: "/shims/x", lambda path: "3.11")(env) is None


def test_the_probe_asks_the_interpreter_itself(tmp_path: Path) -> None:
    assert probe(sys.executable) == f"{sys.version_info[0]}.{sys.version_info[1]}"
    failing = tmp_path / "python3.99"
    failing.write_text("#!/bin/sh\necho 'pyenv: python3.99: command not found' >&2\nexit 127\n")
    failing.chmod(0o755)
    assert probe(str(failing)) is None
    assert probe(str(tmp_path / "missing")) is None
