"""The memory scenario: the peak RSS of dephash's own process and of its pip child while
it hashes every file of numpy's release with sha512, digest cache cold."""

from __future__ import annotations

import shutil

from bench.environment import clean_env
from bench.measuring import Series
from bench.runner import Bench


def run(bench: Bench) -> None:
    """Peak RSS while hashing numpy's files (cold digest cache), dephash vs its pip."""
    input_name = "numpy"
    info = bench.list_files(input_name)
    series = bench.add(
        Series(
            "memory",
            input_name,
            bench.sha512.name,
            "cold",
            note=f"{info.files} files, {info.bytes / 1e6:.0f} MB",
        )
    )
    # pip's own cache warm, as in the sha512 runs; the digest cache cold every run.
    env = clean_env(PIP_CACHE_DIR=str(bench.warm_pip_cache(input_name) / "pip"))
    for _ in range(bench.args.memory_runs):
        digest_cache = bench.fresh("digest-cache")
        out = bench.new_output()
        command = bench.sha512.command(bench.input_path(input_name), digest_cache, out)
        bench.timed(series, command, env, sample_memory=True)
        shutil.rmtree(digest_cache)
