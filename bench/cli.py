"""The command line: its options, measuring every scenario asked for, saving and loading
results, and rendering the report and chart."""

from __future__ import annotations

import argparse
import datetime
import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import bench
from bench.chart import chart_panels, svg_chart
from bench.config import DEFAULT_VENV, INDEX, INPUTS, RESULTS, SCRIPT, log
from bench.correctness import Comparison, canonical, compare, parse_pinned
from bench.environment import (
    clean_env,
    ensure_venv,
    in_venv,
    machine,
    pinned_pip_version,
    tool_versions,
    venv_bin,
)
from bench.index import download_all, parallel, release_files, session_for
from bench.measuring import Run, Series, ToolFailed, measure
from bench.report import report
from bench.results import InputInfo, Results
from bench.tools import (
    BarePip,
    DephashOutdated,
    DephashSha256,
    DephashSha512,
    PipCompile,
    PipListOutdated,
    PlainDownload,
    Tool,
    Uv,
)

HEAVY_INPUTS = ("large",)  # pip-compile downloads all of it: skipped unless --heavy
HEAVY_BYTES = 3_000_000_000  # inputs whose files total more: one cold sha512 run only

ALL_INPUTS = ("small", "medium", "large")
ALL_SCENARIOS = ("sha256", "sha512", "memory", "outdated")
SHA256_TOOLS: tuple[type[Tool], ...] = (BarePip, DephashSha256, Uv, PipCompile)


# --------------------------------------------------------------------------- the benchmark


class Bench:
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

    # ---- plumbing

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

    def run_tool(self, series: Series, tool: Tool, input_name: str, cache: Path) -> None:
        """One run of a sha256-group tool; ``cache`` is its cache root (fresh = cold)."""
        input_path = self.input_path(input_name)
        scratch = self.fresh(f"{tool.name}-out")
        out = scratch / "out.txt"  # a new file each run: every tool here reads an old one
        env = clean_env(PIP_CACHE_DIR=str(cache / "pip"), UV_CACHE_DIR=str(cache / "uv"))
        self.timed(series, tool.command(input_path, cache / tool.cache_name, out), env)
        if out.exists():
            self.outputs[(input_name, tool.name)] = out.read_text(encoding="utf-8")
        shutil.rmtree(scratch)

    # ---- scenarios

    def scenario_sha256(self, input_name: str) -> None:
        """pip, dephash sha256, uv and pip-compile, interleaved: cold rounds, then warm."""
        heavy = input_name in HEAVY_INPUTS and not self.args.heavy
        tools = [
            tool(self.venv, self.args.jobs)
            for tool in SHA256_TOOLS
            if not (heavy and tool is PipCompile)
        ]
        if heavy:
            self.add(
                Series(
                    "sha256",
                    input_name,
                    PipCompile.name,
                    "-",
                    skipped="not run by default (it downloads every file, 7.5 GB, one "
                    "at a time, here); --heavy runs it",
                )
            )
        cold_rounds = 1 if heavy else self.args.cold_runs
        cold = {t.name: self.add(Series("sha256", input_name, t.name, "cold")) for t in tools}
        warm = {t.name: self.add(Series("sha256", input_name, t.name, "warm")) for t in tools}
        caches: dict[str, Path] = {}
        for round_ in range(cold_rounds):
            for tool in tools:
                if round_ and isinstance(tool, PipCompile) and not self.args.heavy:
                    continue  # it downloads every file, one at a time, here: one cold run
                if tool.name in caches:
                    shutil.rmtree(caches[tool.name])
                caches[tool.name] = self.fresh(f"cache-{tool.name}")
                self.run_tool(cold[tool.name], tool, input_name, caches[tool.name])
        for _ in range(self.args.runs):
            for tool in tools:
                self.run_tool(warm[tool.name], tool, input_name, caches[tool.name])
        # dephash's warm pip cache serves the sha512 scenario below.
        self.pip_caches[input_name] = caches[DephashSha256.name]
        for name, path in caches.items():
            if name != DephashSha256.name:
                shutil.rmtree(path)

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
        text = self.outputs.get((input_name, "dephash-sha256"))
        if text is None:
            cache = self.warm_pip_cache(input_name)
            out = self.new_output()
            subprocess.run(
                self.sha256.command(self.input_path(input_name), cache / "d", out),
                env=clean_env(PIP_CACHE_DIR=str(cache / "pip")),
                check=True,
            )
            text = out.read_text(encoding="utf-8")
            self.outputs[(input_name, "dephash-sha256")] = text
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

    def scenario_sha512(self, input_name: str) -> None:
        """Cold digest cache vs the plain parallel download; warm vs sha256, interleaved."""
        info = self.list_files(input_name)
        input_path = self.input_path(input_name)
        env = clean_env(PIP_CACHE_DIR=str(self.warm_pip_cache(input_name) / "pip"))
        urls = self.fresh("urls") / "urls.txt"
        urls.write_text("\n".join(info.urls), encoding="utf-8")
        big = info.bytes > HEAVY_BYTES and not self.args.heavy
        cold_rounds = 1 if big else self.args.cold_runs
        note = f"one run: {info.bytes / 1e9:.1f} GB per cold run; --heavy runs more" if big else ""
        baseline = PlainDownload(self.venv, self.args.jobs)
        cold = self.add(Series("sha512", input_name, self.sha512.name, "cold", note=note))
        download = self.add(Series("sha512", input_name, baseline.name, "none"))
        if big:
            download.skipped = f"not run by default ({info.bytes / 1e9:.1f} GB); --heavy runs it"
        digest_cache = self.fresh("digest-cache")
        for _ in range(cold_rounds):
            shutil.rmtree(digest_cache)
            out = self.new_output()
            self.timed(cold, self.sha512.command(input_path, digest_cache, out), env)
            self.outputs[(input_name, self.sha512.name)] = out.read_text(encoding="utf-8")
            if not big:
                nowhere = Path(os.devnull)  # it keeps no cache and writes no file
                self.timed(download, baseline.command(urls, nowhere, nowhere), env)
        warm512 = self.add(Series("sha512", input_name, self.sha512.name, "warm"))
        warm256 = self.add(Series("sha512", input_name, self.sha256.name, "warm"))
        for _ in range(self.args.runs):
            for series, tool in ((warm256, self.sha256), (warm512, self.sha512)):
                out = self.new_output()
                self.timed(series, tool.command(input_path, digest_cache, out), env)
        shutil.rmtree(digest_cache)

    def scenario_memory(self) -> None:
        """Peak RSS while hashing numpy's files (cold digest cache), dephash vs its pip."""
        input_name = "numpy"
        info = self.list_files(input_name)
        series = self.add(
            Series(
                "memory",
                input_name,
                self.sha512.name,
                "cold",
                note=f"{info.files} files, {info.bytes / 1e6:.0f} MB",
            )
        )
        # pip's own cache warm, as in the sha512 runs; the digest cache cold every run.
        env = clean_env(PIP_CACHE_DIR=str(self.warm_pip_cache(input_name) / "pip"))
        for _ in range(self.args.memory_runs):
            digest_cache = self.fresh("digest-cache")
            out = self.new_output()
            command = self.sha512.command(self.input_path(input_name), digest_cache, out)
            self.timed(series, command, env, sample_memory=True)
            shutil.rmtree(digest_cache)

    def scenario_outdated(self) -> None:
        """`dephash outdated FILE` vs `pip list --outdated` in a venv of the same 40 pins."""
        input_path = INPUTS / "outdated40.txt"
        outdated = DephashOutdated(self.venv, self.args.jobs, self.args.outdated_command)
        ours = self.add(Series("outdated", "40 pins", outdated.name, "warm"))
        theirs = self.add(Series("outdated", "40 pins", PipListOutdated.name, "warm"))
        reason = outdated.missing()
        if reason:
            ours.skipped = theirs.skipped = reason
            return
        target = self.fresh("outdated-venv")
        env = clean_env(PIP_CACHE_DIR=str(self.fresh("cache-setup")))
        subprocess.run([self.python, "-m", "venv", str(target)], check=True, env=env)
        pip = [str(venv_bin(target, "python")), "-m", "pip", "install", "-q", "-i", INDEX]
        subprocess.run([*pip, pinned_pip_version()], check=True, env=env)
        subprocess.run([*pip, "--no-deps", "-r", str(input_path)], check=True, env=env)
        pip_cache = self.fresh("cache-pip-list")
        dephash_cache = self.fresh("cache-dephash-outdated")
        pip_env = clean_env(PIP_CACHE_DIR=str(pip_cache))
        dephash_env = clean_env(PIP_CACHE_DIR=str(dephash_cache))
        stdout = Path(os.devnull)  # both print their reports
        pip_list = PipListOutdated(target, self.args.jobs).command(input_path, pip_cache, stdout)
        dephash = outdated.command(input_path, dephash_cache, stdout)
        ours.note = f"`{self.args.outdated_command}`; exit codes 0 and 1 accepted"
        # One untimed run each, in JSON, fills their caches and says whether they agree;
        # then warm rounds, interleaved.
        pip_json = subprocess.run(
            [*pip_list, "--format", "json"], env=pip_env, capture_output=True, text=True
        ).stdout
        dephash_json = subprocess.run(
            [*dephash, "--format", "json"], env=dephash_env, capture_output=True, text=True
        ).stdout
        self.compare_outdated(pip_json, dephash_json)
        for _ in range(self.args.runs):
            self.timed(theirs, pip_list, pip_env)
            self.timed(ours, dephash, dephash_env, ok_codes=(0, 1))

    def compare_outdated(self, pip_json: str, dephash_json: str) -> None:
        """Do both name the same packages as outdated, with the same latest versions?"""
        try:
            theirs = {
                canonical(item["name"]): item["latest_version"] for item in json.loads(pip_json)
            }
            ours = {
                canonical(item["name"]): item["latest"]
                for item in json.loads(dephash_json)["outdated"]
            }
        except (ValueError, KeyError, TypeError) as exc:
            self.results.notes.append(f"outdated: could not compare the two reports ({exc!r})")
            return
        differ = sorted(
            f"{name}: {ours.get(name, '-')} vs {theirs.get(name, '-')}"
            for name in set(ours) | set(theirs)
            if ours.get(name) != theirs.get(name)
        )
        self.results.notes.append(
            f"outdated: dephash names {len(ours)} packages outdated, pip list --outdated "
            f"{len(theirs)}; "
            + (
                "same packages, same latest versions"
                if not differ
                else "differences (dephash vs pip): " + ", ".join(differ)
            )
        )

    def probe_json_api(self) -> None:
        """pip-compile takes sha256 from the index's JSON API, matching its file URLs
        to the simple API's links; where they cannot match, it downloads every file."""
        if not any(s.tool == "pip-compile" and s.runs for s in self.results.series):
            return
        session = session_for(1)
        base = INDEX.rstrip("/").rsplit("/", 1)[0]
        try:
            response = session.get(f"{base}/pypi/click/json", timeout=30)
            url = response.json()["urls"][0]["url"]
        except (ValueError, KeyError, IndexError, OSError) as exc:
            self.results.notes.append(f"pip-compile: the index's JSON API did not answer ({exc})")
            return
        if not url.startswith(("http://", "https://")):
            self.results.notes.append(
                f"pip-compile downloads every file to hash it here: this index's JSON API "
                f"({base}/pypi/NAME/json) gives relative file URLs ({url[:40]}...), which "
                "pip-tools cannot match to the simple API's links. Where the JSON API gives "
                "absolute URLs, as pypi.org's does, pip-compile reads the sha256 from it "
                "instead and is much faster: the dephash/pip-compile ratios here are not "
                "what a user of pypi.org would see."
            )

    def correctness(self, input_name: str) -> None:
        ours = self.outputs.get((input_name, "dephash-sha256"))
        if ours is None:
            return
        for tool in ("uv", "pip-compile"):
            theirs = self.outputs.get((input_name, tool))
            if theirs is not None:
                self.results.comparisons.append(compare(input_name, tool, ours, theirs))
        sha512 = self.outputs.get((input_name, "dephash-sha512"))
        if sha512 is not None:
            mine, other = parse_pinned(ours), parse_pinned(sha512)
            same = {n: p.version for n, p in mine.items()} == {
                n: p.version for n, p in other.items()
            }
            counts = [len(p.hashes) for p in mine.values()] == [
                len(p.hashes) for p in other.values()
            ]
            if not (same and counts):
                self.results.notes.append(
                    f"{input_name}: dephash's sha512 output pins other versions or "
                    "another number of files than its sha256 output"
                )


# --------------------------------------------------------------------------- main


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="bench/run.py",
        description=bench.__doc__.split("\n\n")[0] if bench.__doc__ else None,
        epilog="Scenarios: sha256 (pip, dephash sha256, uv, pip-compile; cold, then warm "
        "caches), sha512 (dephash cold digest cache vs a plain parallel download of the "
        "same files; warm digest cache vs sha256), memory (numpy, peak RSS), outdated "
        "(dephash outdated vs pip list --outdated; 'not available' until dephash has it).",
    )

    def names(allowed: Sequence[str]) -> Callable[[str], list[str]]:
        def parse(text: str) -> list[str]:
            chosen = [part.strip() for part in text.split(",") if part.strip()]
            unknown = sorted(set(chosen) - set(allowed))
            if unknown:
                raise argparse.ArgumentTypeError(
                    f"unknown: {', '.join(unknown)} (choose from {', '.join(allowed)})"
                )
            return chosen

        return parse

    parser.add_argument(
        "--scenarios",
        type=names(ALL_SCENARIOS),
        default=",".join(ALL_SCENARIOS),
        help="comma-separated (default: %(default)s)",
    )
    parser.add_argument(
        "--inputs",
        type=names(ALL_INPUTS),
        default=",".join(ALL_INPUTS),
        help="bench/inputs/NAME.txt, comma-separated (default: %(default)s)",
    )
    parser.add_argument(
        "--sha512-inputs",
        type=names(ALL_INPUTS),
        default="medium,large",
        help="inputs of the sha512 scenario (default: %(default)s)",
    )
    parser.add_argument(
        "--runs", type=int, default=3, help="warm runs per series (default: %(default)s)"
    )
    parser.add_argument(
        "--cold-runs",
        type=int,
        default=3,
        help="cold runs per series; 1 for pip-compile and on the large input unless "
        "--heavy (default: %(default)s)",
    )
    parser.add_argument(
        "--memory-runs", type=int, default=1, help="numpy memory runs (default: %(default)s)"
    )
    parser.add_argument(
        "--heavy",
        action="store_true",
        help="also the costly parts: pip-compile on the large input, several cold "
        "sha512 runs and the download baseline on inputs over 3 GB",
    )
    parser.add_argument(
        "--jobs", type=int, default=8, help="dephash --jobs and download threads (default: 8)"
    )
    parser.add_argument(
        "--timeout", type=float, default=900, help="seconds per command (default: 900)"
    )
    parser.add_argument(
        "--outdated-command",
        default="{dephash} outdated --index-url {index} --jobs {jobs} {input}",
        help="the dephash outdated command line; {dephash}, {index}, {jobs}, {input} "
        "are filled in (default: %(default)s)",
    )
    parser.add_argument("--markdown", type=Path, help="write the Markdown report here too")
    parser.add_argument("--chart", type=Path, help="write an SVG bar chart of the medians here")
    parser.add_argument(
        "--json", type=Path, help="write the results here (default: bench/results/DATE.json)"
    )
    parser.add_argument(
        "--venv", type=Path, default=DEFAULT_VENV, help="the bench venv (default: bench/.venv)"
    )
    parser.add_argument(
        "--python",
        default=sys.executable,
        help="the Python that creates the bench venv (default: this one)",
    )
    parser.add_argument("--setup", action="store_true", help="recreate the bench venv first")
    parser.add_argument(
        "--from-json",
        type=Path,
        metavar="FILE",
        help="measure nothing: render the report (and --markdown, --chart) of saved results",
    )
    parser.add_argument(
        "--keep-work", action="store_true", help="keep the caches and outputs (a temp folder)"
    )
    return parser.parse_args(argv)


SAVED_ARGS = ("scenarios", "inputs", "sha512_inputs", "runs", "cold_runs", "jobs", "heavy")


def measure_all(args: argparse.Namespace, argv: Sequence[str]) -> tuple[Results, dict[str, Any]]:
    """Every scenario asked for, in order; then the correctness checks."""
    started = time.monotonic()
    load_start = os.getloadavg()[0]
    work = Path(tempfile.mkdtemp(prefix="dephash-bench-"))
    bench = Bench(args, work)
    try:
        for name in args.inputs:
            bench.results.inputs[name] = InputInfo(name, bench.top_level(name))
        if "sha256" in args.scenarios:
            for name in args.inputs:
                bench.scenario_sha256(name)
                bench.list_files(name)
        if "sha512" in args.scenarios:
            for name in args.sha512_inputs:
                bench.scenario_sha512(name)
        if "memory" in args.scenarios:
            bench.scenario_memory()
        if "outdated" in args.scenarios:
            bench.scenario_outdated()
        for name in args.inputs:
            bench.correctness(name)
        bench.probe_json_api()
    finally:
        if args.keep_work:
            log(f"caches and outputs kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    meta = {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "command": "python3 bench/run.py " + shlex.join(argv),
        "args": {key: getattr(args, key) for key in SAVED_ARGS},
        "machine": machine(),
        "versions": tool_versions(args.venv),
        "load_start": load_start,
        "load_end": os.getloadavg()[0],
        "elapsed": time.monotonic() - started,
    }
    return bench.results, meta


def save(results: Results, meta: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {
        "meta": meta,
        "inputs": {
            name: {k: v for k, v in asdict(info).items() if k != "urls"}
            for name, info in results.inputs.items()
        },
        "series": [asdict(s) for s in results.series],
        "comparisons": [asdict(c) for c in results.comparisons],
        "notes": results.notes,
    }
    path.write_text(json.dumps(document, indent=2), encoding="utf-8")
    log(f"results written to {path}")


def load(path: Path, args: argparse.Namespace) -> tuple[Results, dict[str, Any]]:
    """A benchmark's saved results, to render its report and chart again."""
    document = json.loads(path.read_text(encoding="utf-8"))
    meta: dict[str, Any] = document["meta"]
    for key, value in meta.get("args", {}).items():
        setattr(args, key, value)
    results = Results(args)
    for item in document["series"]:
        runs = [Run(**run) for run in item.pop("runs")]
        results.series.append(Series(**item, runs=runs))
    results.inputs = {name: InputInfo(**info) for name, info in document["inputs"].items()}
    results.comparisons = [Comparison(**item) for item in document["comparisons"]]
    results.notes = list(document["notes"])
    return results, meta


def main(argv: Sequence[str]) -> int:
    if argv[:1] == ["_download"]:
        download_all(Path(argv[1]), int(argv[3]) if argv[2:3] == ["--jobs"] else 8)
        return 0
    args = parse_args(argv)
    args.venv = args.venv.resolve()
    # A plain kill still runs the clean-up (the temp folder of caches can hold gigabytes).
    signal.signal(signal.SIGTERM, lambda number, frame: sys.exit(128 + number))
    if args.from_json:
        results, meta = load(args.from_json, args)
    else:
        if not in_venv(args.venv):
            ensure_venv(args.venv, args.python, args.setup)
            python = str(venv_bin(args.venv, "python"))
            rest = [a for a in argv if a != "--setup"]
            os.execv(python, [python, str(SCRIPT), *rest])
        try:
            results, meta = measure_all(args, argv)
        except ToolFailed as exc:
            log(f"error: {exc}")
            return 1
        stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
        save(results, meta, args.json or RESULTS / f"{stamp}.json")
    text = report(results, meta)
    print(text)
    if args.markdown:
        args.markdown.write_text(text, encoding="utf-8")
    if args.chart:
        args.chart.write_text(svg_chart(chart_panels(results)), encoding="utf-8")
    return 0
