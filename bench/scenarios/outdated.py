"""The outdated scenario: `dephash outdated` on 40 pins against `pip list --outdated` in a
venv holding exactly those packages; the two reports are compared too."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from bench.config import INDEX, INPUTS
from bench.correctness import compare_outdated
from bench.environment import clean_env, pinned_pip_version, venv_bin
from bench.measuring import Series
from bench.runner import Bench
from bench.tools import DephashOutdated, PipListOutdated


def run(bench: Bench) -> None:
    """`dephash outdated FILE` vs `pip list --outdated` in a venv of the same 40 pins."""
    input_path = INPUTS / "outdated40.txt"
    outdated = DephashOutdated(bench.venv, bench.args.jobs, bench.args.outdated_command)
    ours = bench.add(Series("outdated", "40 pins", outdated.name, "warm"))
    theirs = bench.add(Series("outdated", "40 pins", PipListOutdated.name, "warm"))
    reason = outdated.missing()
    if reason:
        ours.skipped = theirs.skipped = reason
        return
    target = bench.fresh("outdated-venv")
    env = clean_env(PIP_CACHE_DIR=str(bench.fresh("cache-setup")))
    subprocess.run([bench.python, "-m", "venv", str(target)], check=True, env=env)
    pip = [str(venv_bin(target, "python")), "-m", "pip", "install", "-q", "-i", INDEX]
    subprocess.run([*pip, pinned_pip_version()], check=True, env=env)
    subprocess.run([*pip, "--no-deps", "-r", str(input_path)], check=True, env=env)
    pip_cache = bench.fresh("cache-pip-list")
    dephash_cache = bench.fresh("cache-dephash-outdated")
    pip_env = clean_env(PIP_CACHE_DIR=str(pip_cache))
    dephash_env = clean_env(PIP_CACHE_DIR=str(dephash_cache))
    stdout = Path(os.devnull)  # both print their reports
    pip_list = PipListOutdated(target, bench.args.jobs).command(input_path, pip_cache, stdout)
    dephash = outdated.command(input_path, dephash_cache, stdout)
    ours.note = f"`{bench.args.outdated_command}`; exit codes 0 and 1 accepted"
    # One untimed run each, in JSON, fills their caches and says whether they agree;
    # then warm rounds, interleaved.
    pip_json = subprocess.run(
        [*pip_list, "--format", "json"], env=pip_env, capture_output=True, text=True
    ).stdout
    dephash_json = subprocess.run(
        [*dephash, "--format", "json"], env=dephash_env, capture_output=True, text=True
    ).stdout
    bench.results.notes.append(compare_outdated(pip_json, dephash_json))
    for _ in range(bench.args.runs):
        bench.timed(theirs, pip_list, pip_env)
        bench.timed(ours, dephash, dephash_env, ok_codes=(0, 1))
