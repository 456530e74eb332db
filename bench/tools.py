"""The tools measured, one class each, behind one small interface (Tool)."""

from __future__ import annotations

import itertools
import os
import shlex
import subprocess
from abc import ABC, abstractmethod
from pathlib import Path
from typing import ClassVar

from bench.config import INDEX, PORTABLE_LOWEST, PORTABLE_PLATFORMS, PORTABLE_PYTHONS, SCRIPT
from bench.environment import clean_env, venv_bin


class Tool(ABC):
    """One measured tool of the bench venv: its name in the results, and its command line.

    ``command(input_path, cache, out)`` is one run on ``input_path``, keeping the tool's own
    cache in ``cache`` (in a cache root that a run's tools share, the tool's folder is
    ``cache_name``) and writing its output to ``out``. A tool with no use for one of them
    leaves it out of its command: the pip inside every tool takes its cache from
    PIP_CACHE_DIR, which the caller sets, and the outdated reports go to stdout.
    """

    name: ClassVar[str]  # the series' tool, in the log, the results and the report
    cache_name: ClassVar[str] = ""

    def __init__(self, venv: Path, jobs: int) -> None:
        self.venv = venv
        self.jobs = jobs  # dephash --jobs, and the download baseline's threads
        self.python = str(venv_bin(venv, "python"))

    def program(self, name: str) -> str:
        return str(venv_bin(self.venv, name))

    @abstractmethod
    def command(self, input_path: Path, cache: Path, out: Path) -> list[str]:
        """The command line of one run."""


class BarePip(Tool):
    """Exactly the resolution dephash runs inside (the pip command dephash starts); its
    report goes beside ``out``."""

    name = "pip"
    cache_name = "pip"

    def command(self, input_path: Path, cache: Path, out: Path) -> list[str]:
        install = [self.python, "-m", "pip", "install", "--dry-run", "--ignore-installed"]
        report = ["--quiet", "--report", str(out.parent / "report.json")]
        return [*install, *report, "--index-url", INDEX, "-r", str(input_path)]


class Compiler(Tool):
    """A tool that writes the input's pins, with their hashes, to ``out``: dephash gen, uv
    and pip-compile. Its words name the index; then come its cache, the output, the input."""

    @abstractmethod
    def words(self) -> list[str]:
        """The program and its options, up to its cache folder."""

    def command(self, input_path: Path, cache: Path, out: Path) -> list[str]:
        tail = ["--cache-dir", str(cache), "--quiet", "-o", str(out), str(input_path)]
        return [*self.words(), *tail]


class DephashGen(Compiler):
    """``dephash gen`` with one algorithm, and the options choosing the environments it
    covers; ``cache`` is its digest cache (--cache-dir)."""

    algorithm: ClassVar[str]
    environments: ClassVar[tuple[str, ...]] = ()  # none: its default, every platform
    cache_name = "dephash"

    def words(self) -> list[str]:
        gen = [self.program("dephash"), "gen", "--algorithm", self.algorithm]
        return [*gen, *self.environments, "--index-url", INDEX, "--jobs", str(self.jobs)]


class DephashSha256(DephashGen):
    name = "dephash-sha256"
    algorithm = "sha256"


class DephashSha512(DephashGen):
    name = "dephash-sha512"
    algorithm = "sha512"


class DephashPortable(DephashSha256):
    """One file for Linux, macOS and Windows x CPython 3.10-3.14 (PORTABLE_PLATFORMS)."""

    name = "dephash-portable"
    environments = (
        "--python-version",
        PORTABLE_PYTHONS,
        *(word for platform in PORTABLE_PLATFORMS for word in ("--platform", platform)),
    )


class DephashHostOnly(DephashSha256):
    """The single-environment run: the resolving interpreter only, as pip resolves."""

    name = "dephash-host-only"
    environments = ("--host-only",)


class Uv(Compiler):
    name = "uv"
    cache_name = "uv"
    resolution: ClassVar[tuple[str, ...]] = ()  # none: for the --python interpreter only

    def words(self) -> list[str]:
        compile_ = [self.program("uv"), "pip", "compile", "--generate-hashes", *self.resolution]
        return [*compile_, "--python", self.python, "--index-url", INDEX]


class UvUniversal(Uv):
    """uv's one file for every platform and every Python from the lowest one named."""

    name = "uv-universal"
    resolution = ("--universal", "--python-version", PORTABLE_LOWEST)


class PipCompile(Compiler):
    name = "pip-compile"
    cache_name = "pip-tools"

    def words(self) -> list[str]:
        compile_ = [self.program("pip-compile"), "--generate-hashes", "--strip-extras"]
        return [*compile_, "--index-url", INDEX]


class PlainDownload(Tool):
    """The baseline: the entry script's ``_download`` streams every URL listed in
    ``input_path`` to /dev/null on ``jobs`` threads, and hashes nothing."""

    name = "plain-download"

    def command(self, input_path: Path, cache: Path, out: Path) -> list[str]:
        return [self.python, str(SCRIPT), "_download", str(input_path), "--jobs", str(self.jobs)]


class PipListOutdated(Tool):
    """``pip list --outdated`` run by the Python of ``venv``, a venv that holds exactly the
    pinned packages: what it checks is that venv, not ``input_path``."""

    name = "pip-list-outdated"

    def command(self, input_path: Path, cache: Path, out: Path) -> list[str]:
        outdated = [self.python, "-m", "pip", "list", "--outdated"]
        return [*outdated, "--exclude", "pip", "--exclude", "setuptools", "--index-url", INDEX]


class DephashOutdated(Tool):
    """``dephash outdated`` as --outdated-command spells it ({dephash}, {index}, {jobs} and
    {input} filled in)."""

    name = "dephash-outdated"

    def __init__(self, venv: Path, jobs: int, template: str) -> None:
        super().__init__(venv, jobs)
        self.template = template

    def command(self, input_path: Path, cache: Path, out: Path) -> list[str]:
        return [
            part.format(
                dephash=venv_bin(self.venv, "dephash"),
                index=INDEX,
                jobs=self.jobs,
                input=input_path,
            )
            for part in shlex.split(self.template)
        ]

    def missing(self) -> str | None:
        """None if the outdated command exists (its words before the first option,
        with --help, exit 0); else why not."""
        nowhere = Path(os.devnull)
        words = self.command(Path("-"), nowhere, nowhere)
        head = list(itertools.takewhile(lambda word: not word.startswith("-"), words))
        completed = subprocess.run(
            [*head, "--help"], capture_output=True, text=True, env=clean_env(), check=False
        )
        if completed.returncode == 0:
            return None
        return f"not available: `{shlex.join(['dephash', *head[1:], '--help'])}` fails"
