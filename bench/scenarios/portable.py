"""The portable scenario: one dephash file for Linux, macOS and Windows x CPython 3.10-3.14
against dephash's single-environment run (--host-only), its default run (every platform,
the resolving Python) and uv's universal file; interleaved run by run, cold caches first,
then warm. The files are then compared as the resolving interpreter reads them."""

from __future__ import annotations

import shutil

from bench.correctness import compare_for_host
from bench.runner import Bench
from bench.scenarios.sha256 import interleave
from bench.tools import DephashHostOnly, DephashPortable, DephashSha256, Tool, UvUniversal

PORTABLE_TOOLS: tuple[type[Tool], ...] = (
    DephashHostOnly,
    DephashPortable,
    DephashSha256,
    UvUniversal,
)
HEAVY_INPUTS = ("large",)  # one cold round unless --heavy, as in the sha256 scenario


def run(bench: Bench, input_name: str) -> None:
    """dephash --host-only, portable and default, and uv --universal: cold, then warm."""
    tools = [tool(bench.venv, bench.args.jobs) for tool in PORTABLE_TOOLS]
    heavy = input_name in HEAVY_INPUTS and not bench.args.heavy
    caches = interleave(bench, "portable", input_name, tools, 1 if heavy else bench.args.cold_runs)
    for path in caches.values():
        shutil.rmtree(path)
    if heavy:
        for series in bench.results.series:
            if (series.scenario, series.input, series.cache) == ("portable", input_name, "cold"):
                series.note = "one cold run; --heavy runs more"
    portable = bench.outputs.get((input_name, DephashPortable.name))
    if portable is None:
        return
    # For the resolving interpreter, the portable file pins what pip resolves there (the
    # host-only file) and, for an independent judge, what uv's universal file pins there.
    for other in (DephashHostOnly.name, UvUniversal.name):
        theirs = bench.outputs.get((input_name, other))
        if theirs is not None:
            bench.results.comparisons.append(
                compare_for_host(input_name, DephashPortable.name, portable, other, theirs)
            )
