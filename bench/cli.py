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
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from bench import __doc__ as about
from bench.chart import chart_panels, svg_chart
from bench.config import DEFAULT_VENV, RESULTS, SCRIPT, log
from bench.correctness import Comparison
from bench.environment import ensure_venv, in_venv, machine, tool_versions, venv_bin
from bench.index import download_all
from bench.measuring import Run, Series, ToolFailed
from bench.report import report
from bench.results import InputInfo, Results
from bench.runner import Bench
from bench.scenarios import memory, outdated, portable, sha256, sha512

ALL_INPUTS = ("small", "medium", "large")
ALL_SCENARIOS = ("sha256", "sha512", "memory", "outdated", "portable")
# portable resolves for 25 environments per run: asked for by name, not part of the default.
DEFAULT_SCENARIOS = ("sha256", "sha512", "memory", "outdated")


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="bench/run.py",
        description=about.split("\n\n")[0] if about else None,
        epilog="Scenarios: sha256 (pip, dephash sha256, uv, pip-compile; cold, then warm "
        "caches), sha512 (dephash cold digest cache vs a plain parallel download of the "
        "same files; warm digest cache vs sha256), memory (numpy, peak RSS), outdated "
        "(dephash outdated vs pip list --outdated; 'not available' until dephash has it), "
        "portable (not run by default: one dephash file for Linux, macOS, Windows x "
        "Python 3.10-3.14 vs dephash --host-only, dephash's default and uv pip compile "
        "--universal; cold, then warm caches).",
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
        default=",".join(DEFAULT_SCENARIOS),
        help=f"comma-separated, from {', '.join(ALL_SCENARIOS)} (default: %(default)s)",
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
        "--portable-inputs",
        type=names(ALL_INPUTS),
        default="medium,large",
        help="inputs of the portable scenario (default: %(default)s)",
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


SAVED_ARGS = (
    "scenarios",
    "inputs",
    "sha512_inputs",
    "portable_inputs",
    "runs",
    "cold_runs",
    "jobs",
    "heavy",
)


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
                sha256.run(bench, name)
                bench.list_files(name)
        if "sha512" in args.scenarios:
            for name in args.sha512_inputs:
                sha512.run(bench, name)
        if "memory" in args.scenarios:
            memory.run(bench)
        if "outdated" in args.scenarios:
            outdated.run(bench)
        if "portable" in args.scenarios:
            for name in args.portable_inputs:
                portable.run(bench, name)
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
