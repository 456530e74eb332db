"""The sha256 scenario: bare pip, dephash sha256, uv and pip-compile on one input,
interleaved run by run, cold caches first, then warm."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

from bench.environment import clean_env
from bench.measuring import Series
from bench.runner import Bench
from bench.tools import BarePip, DephashSha256, PipCompile, Tool, Uv

HEAVY_INPUTS = ("large",)  # pip-compile downloads all of it: skipped unless --heavy
SHA256_TOOLS: tuple[type[Tool], ...] = (BarePip, DephashSha256, Uv, PipCompile)


def run_tool(bench: Bench, series: Series, tool: Tool, input_name: str, cache: Path) -> None:
    """One run of a sha256-group tool; ``cache`` is its cache root (fresh = cold)."""
    input_path = bench.input_path(input_name)
    scratch = bench.fresh(f"{tool.name}-out")
    out = scratch / "out.txt"  # a new file each run: every tool here reads an old one
    env = clean_env(PIP_CACHE_DIR=str(cache / "pip"), UV_CACHE_DIR=str(cache / "uv"))
    bench.timed(series, tool.command(input_path, cache / tool.cache_name, out), env)
    if out.exists():
        bench.outputs[(input_name, tool.name)] = out.read_text(encoding="utf-8")
    shutil.rmtree(scratch)


def run(bench: Bench, input_name: str) -> None:
    """pip, dephash sha256, uv and pip-compile, interleaved: cold rounds, then warm."""
    heavy = input_name in HEAVY_INPUTS and not bench.args.heavy
    tools = [
        tool(bench.venv, bench.args.jobs)
        for tool in SHA256_TOOLS
        if not (heavy and tool is PipCompile)
    ]
    if heavy:
        bench.add(
            Series(
                "sha256",
                input_name,
                PipCompile.name,
                "-",
                skipped="not run by default (it downloads every file, 7.5 GB, one "
                "at a time, here); --heavy runs it",
            )
        )
    cold_rounds = 1 if heavy else bench.args.cold_runs
    once = () if bench.args.heavy else (PipCompile.name,)
    caches = interleave(bench, "sha256", input_name, tools, cold_rounds, once)
    # dephash's warm pip cache serves the sha512 scenario below.
    bench.pip_caches[input_name] = caches[DephashSha256.name]
    for name, path in caches.items():
        if name != DephashSha256.name:
            shutil.rmtree(path)


def interleave(
    bench: Bench,
    scenario: str,
    input_name: str,
    tools: Sequence[Tool],
    cold_rounds: int,
    once: Sequence[str] = (),
) -> dict[str, Path]:
    """Cold rounds (every cache fresh), then --runs warm rounds on the last cold caches,
    the tools interleaved run by run; the tools named in ``once`` run cold only once.
    Returns each tool's cache root, warm."""
    cold = {t.name: bench.add(Series(scenario, input_name, t.name, "cold")) for t in tools}
    warm = {t.name: bench.add(Series(scenario, input_name, t.name, "warm")) for t in tools}
    caches: dict[str, Path] = {}
    for round_ in range(cold_rounds):
        for tool in tools:
            if round_ and tool.name in once:
                continue  # a costly one (pip-compile downloads every file here)
            if tool.name in caches:
                shutil.rmtree(caches[tool.name])
            caches[tool.name] = bench.fresh(f"cache-{tool.name}")
            run_tool(bench, cold[tool.name], tool, input_name, caches[tool.name])
    for _ in range(bench.args.runs):
        for tool in tools:
            run_tool(bench, warm[tool.name], tool, input_name, caches[tool.name])
    return caches
