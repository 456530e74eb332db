"""The measuring run that the scenarios share: fresh folders, timed runs, dephash's warm pip
caches, the input's files, and the checks made once every scenario has run."""

from __future__ import annotations

import argparse
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.config import INPUTS, log
from bench.correctness import compare, parse_pinned, same_pins
from bench.environment import clean_env, venv_bin
from bench.index import json_api_note, parallel, release_files, session_for
from bench.measuring import Run, Series, measure
from bench.results import InputInfo, Results
from bench.tools import BarePip, DephashSha256, DephashSha512, PipCompile, Uv


class Bench:
    """One measuring run: its options, its work folder (every cache and output in it), the
    results so far, and what the scenarios share: each tool's last output per input and
    dephash's warm pip caches."""

    def __init__(self, args: argparse.Namespace, work: Path) -> None:
        self.args = args
        self.venv: Path = args.venv
        self.python = str(venv_bin(self.venv, "python"))
        self.work = work
        self.results = Results(args)
        self.outputs: dict[tuple[str, str], str] = {}  # (input, tool) -> last output text
        self.pip_caches: dict[str, Path] = {}  # input -> dephash's warm cache root
        self.counter = 0
        self.pip = BarePip(self.venv, args.jobs)
        self.sha256 = DephashSha256(self.venv, args.jobs)
        self.sha512 = DephashSha512(self.venv, args.jobs)

    def fresh(self, label: str) -> Path:
        self.counter += 1
        path = self.work / f"{self.counter:03d}-{label}"
        path.mkdir(parents=True)
        return path

    def new_output(self) -> Path:
        """A path no run wrote: dephash gen, like uv and pip-compile, keeps the pins of an
        existing output file, and these runs measure generating from scratch."""
        return self.fresh("out") / "out.txt"

    def input_path(self, name: str) -> Path:
        return INPUTS / f"{name}.txt"

    def top_level(self, name: str) -> int:
        lines = self.input_path(name).read_text(encoding="utf-8").splitlines()
        return sum(1 for line in lines if line.strip() and not line.lstrip().startswith("#"))

    def add(self, series: Series) -> Series:
        self.results.series.append(series)
        return series

    def timed(self, series: Series, command: Sequence[str], env: dict[str, str], **kw: Any) -> Run:
        run = measure(command, env, timeout=self.args.timeout, **kw)
        series.runs.append(run)
        log(
            f"{series.scenario:<8} {series.input:<7} {series.tool:<16} {series.cache:<4} "
            f"{run.seconds:7.2f} s  cpu {run.cpu_seconds:6.2f} s  rss {run.maxrss_mb:6.0f} MB"
            f"  load {run.load:.1f}"
        )
        return run

    def warm_pip_cache(self, input_name: str) -> Path:
        """dephash's pip cache for this input, warm (from the sha256 scenario, or filled)."""
        if input_name not in self.pip_caches:
            cache = self.fresh("cache-dephash-sha256")
            scratch = self.fresh("scratch")
            subprocess.run(
                self.pip.command(self.input_path(input_name), cache / "pip", scratch / "out.txt"),
                env=clean_env(PIP_CACHE_DIR=str(cache / "pip")),
                check=True,
            )
            self.pip_caches[input_name] = cache
        return self.pip_caches[input_name]

    def list_files(self, input_name: str) -> InputInfo:
        """Pins of dephash's sha256 output, and every file of those versions (simple API)."""
        info = self.results.inputs.setdefault(
            input_name, InputInfo(input_name, self.top_level(input_name))
        )
        if info.urls:
            return info
        text = self.outputs.get((input_name, self.sha256.name))
        if text is None:
            cache = self.warm_pip_cache(input_name)
            out = self.new_output()
            subprocess.run(
                self.sha256.command(self.input_path(input_name), cache / "d", out),
                env=clean_env(PIP_CACHE_DIR=str(cache / "pip")),
                check=True,
            )
            text = out.read_text(encoding="utf-8")
            self.outputs[(input_name, self.sha256.name)] = text
        pins = parse_pinned(text)
        session = session_for(self.args.jobs)
        listed = parallel(
            lambda item: release_files(session, item[0], item[1].version),
            sorted(pins.items()),
            self.args.jobs,
        )
        files = [entry for group in listed for entry in group]
        info.pins = len(pins)
        info.files = len(files)
        info.bytes = sum(size for _, size in files)
        info.urls = [url for url, _ in files]
        hashes = sum(len(pin.hashes) for pin in pins.values())
        if hashes != info.files:
            self.results.notes.append(
                f"{input_name}: the simple API lists {info.files} files for dephash's pins, "
                f"dephash wrote {hashes} hashes"
            )
        return info

    def probe_json_api(self) -> None:
        """Where pip-compile ran: can it read the sha256 from the index's JSON API?"""
        if not any(s.tool == PipCompile.name and s.runs for s in self.results.series):
            return
        note = json_api_note()
        if note:
            self.results.notes.append(note)

    def correctness(self, input_name: str) -> None:
        """dephash's sha256 output against uv's and pip-compile's, and its sha512 output."""
        ours = self.outputs.get((input_name, DephashSha256.name))
        if ours is None:
            return
        for tool in (Uv.name, PipCompile.name):
            theirs = self.outputs.get((input_name, tool))
            if theirs is not None:
                self.results.comparisons.append(compare(input_name, tool, ours, theirs))
        sha512 = self.outputs.get((input_name, DephashSha512.name))
        if sha512 is not None and not same_pins(ours, sha512):
            self.results.notes.append(
                f"{input_name}: dephash's sha512 output pins other versions or "
                "another number of files than its sha256 output"
            )
