"""The sha512 scenario: dephash sha512 with an empty digest cache against a plain parallel
download of the same files; then with the cache it filled, paired with dephash sha256."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from bench.environment import clean_env
from bench.measuring import Series
from bench.runner import Bench
from bench.tools import PlainDownload

HEAVY_BYTES = 3_000_000_000  # inputs whose files total more: one cold sha512 run only


def run(bench: Bench, input_name: str) -> None:
    """Cold digest cache vs the plain parallel download; warm vs sha256, interleaved."""
    info = bench.list_files(input_name)
    input_path = bench.input_path(input_name)
    env = clean_env(PIP_CACHE_DIR=str(bench.warm_pip_cache(input_name) / "pip"))
    urls = bench.fresh("urls") / "urls.txt"
    urls.write_text("\n".join(info.urls), encoding="utf-8")
    big = info.bytes > HEAVY_BYTES and not bench.args.heavy
    cold_rounds = 1 if big else bench.args.cold_runs
    note = f"one run: {info.bytes / 1e9:.1f} GB per cold run; --heavy runs more" if big else ""
    baseline = PlainDownload(bench.venv, bench.args.jobs)
    cold = bench.add(Series("sha512", input_name, bench.sha512.name, "cold", note=note))
    download = bench.add(Series("sha512", input_name, baseline.name, "none"))
    if big:
        download.skipped = f"not run by default ({info.bytes / 1e9:.1f} GB); --heavy runs it"
    digest_cache = bench.fresh("digest-cache")
    for _ in range(cold_rounds):
        shutil.rmtree(digest_cache)
        out = bench.new_output()
        bench.timed(cold, bench.sha512.command(input_path, digest_cache, out), env)
        bench.outputs[(input_name, bench.sha512.name)] = out.read_text(encoding="utf-8")
        if not big:
            nowhere = Path(os.devnull)  # it keeps no cache and writes no file
            bench.timed(download, baseline.command(urls, nowhere, nowhere), env)
    warm512 = bench.add(Series("sha512", input_name, bench.sha512.name, "warm"))
    warm256 = bench.add(Series("sha512", input_name, bench.sha256.name, "warm"))
    for _ in range(bench.args.runs):
        for series, tool in ((warm256, bench.sha256), (warm512, bench.sha512)):
            out = bench.new_output()
            bench.timed(series, tool.command(input_path, digest_cache, out), env)
    shutil.rmtree(digest_cache)
