"""The Markdown report: the targets' verdicts, every series' timings, how time grows with
the number of pins, the correctness check and the notes."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from typing import Any

from bench.config import INDEX
from bench.measuring import Series
from bench.results import Results

# The targets: (key, limit, what it compares).
TARGETS = {
    "sha256/pip": (1.3, "dephash sha256 / bare pip resolution"),
    "sha256/pip-compile": (0.25, "dephash sha256 / pip-compile --generate-hashes"),
    "sha512-cold/download": (1.3, "dephash sha512, cold digest cache / plain parallel download"),
    "sha512-warm/sha256": (1.3, "dephash sha512, warm digest cache / dephash sha256"),
    "memory": (150.0, "peak RSS (MB) hashing numpy's files with sha512, cold"),
    "outdated/pip-list": (1.0, "dephash outdated / pip list --outdated (40 pins)"),
    "portable/host-only": (
        1.6,
        "dephash portable (Linux, macOS, Windows x Python 3.10-3.14) / dephash --host-only",
    ),
}
# Ratios shown beside the targets, with no limit: (numerator, denominator, what).
PORTABLE_INFO = (
    ("dephash-portable", "uv-universal", "dephash portable / uv --universal --python-version 3.10"),
    ("dephash-sha256", "dephash-host-only", "dephash default (every platform) / --host-only"),
)


def fmt(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds:.2f}"


def ratio(numerator: Series | None, denominator: Series | None) -> float | None:
    if numerator is None or denominator is None:
        return None
    top, bottom = numerator.median(), denominator.median()
    if top is None or bottom is None or bottom == 0:
        return None
    return top / bottom


def target_rows(results: Results) -> list[list[str]]:
    rows: list[list[str]] = []

    def row(target: str, where: str, value: float | None, unit: str = "x") -> None:
        limit, what = TARGETS[target]
        if value is None:
            rows.append([what, where, "not measured", f"≤ {limit:g}{unit}", "-"])
            return
        verdict = "PASS" if value <= limit else "MISS"
        rows.append([what, where, f"{value:.2f}{unit}", f"≤ {limit:g}{unit}", verdict])

    for name in results.args.inputs:
        for cache in ("warm", "cold"):
            dephash = results.find("sha256", name, "dephash-sha256", cache)
            if dephash is None:
                continue
            pip = results.find("sha256", name, "pip", cache)
            compile_ = results.find("sha256", name, "pip-compile", cache)
            row("sha256/pip", f"{name}, {cache} caches", ratio(dephash, pip))
            if compile_ is not None:
                row("sha256/pip-compile", f"{name}, {cache} caches", ratio(dephash, compile_))
    for name in results.args.inputs:
        cold = results.find("sha512", name, "dephash-sha512", "cold")
        download = results.find("sha512", name, "plain-download", "none")
        if cold is not None and download is not None:
            row("sha512-cold/download", name, ratio(cold, download))
        warm = results.find("sha512", name, "dephash-sha512", "warm")
        if warm is not None:
            sha256 = results.find("sha512", name, "dephash-sha256", "warm")
            row("sha512-warm/sha256", name, ratio(warm, sha256))
    memory = results.find("memory", "numpy", "dephash-sha512", "cold")
    if memory is not None:
        own = max(run.own_peak_mb or 0.0 for run in memory.runs)
        child = max(run.child_peak_mb or 0.0 for run in memory.runs)
        whole = max(run.maxrss_mb for run in memory.runs)
        row("memory", "numpy: dephash's own process", own, " MB")
        row("memory", "numpy: largest child (pip)", child, " MB")
        if whole > max(own, child) + 1:
            results.notes.append(
                f"memory: wait4 saw {whole:.0f} MB in one process (sampling missed it)"
            )
    for name in results.args.portable_inputs:
        for cache in ("warm", "cold"):
            portable = results.find("portable", name, "dephash-portable", cache)
            if portable is None:
                continue
            where = f"{name}, {cache} caches"
            host = results.find("portable", name, "dephash-host-only", cache)
            row("portable/host-only", where, ratio(portable, host))
            for top, bottom, what in PORTABLE_INFO:
                value = ratio(
                    results.find("portable", name, top, cache),
                    results.find("portable", name, bottom, cache),
                )
                measured = "not measured" if value is None else f"{value:.2f}x"
                rows.append([what, where, measured, "information", "-"])
    if "outdated" in results.args.scenarios:
        ours = results.find("outdated", "40 pins", "dephash-outdated", "warm")
        theirs = results.find("outdated", "40 pins", "pip-list-outdated", "warm")
        limit, what = TARGETS["outdated/pip-list"]
        if ours is None or theirs is None:
            reason = next(
                (s.skipped for s in results.series if s.scenario == "outdated" and s.skipped),
                "not measured",
            )
            rows.append([what, "40 pins, warm caches", reason, f"≤ {limit:g}x", "-"])
        else:
            row("outdated/pip-list", "40 pins, warm caches", ratio(ours, theirs))
    return rows


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return lines


CACHE_MEANING = {
    "cold": "cold",
    "warm": "warm",
    "none": "no cache",
    "-": "-",
}


def report(results: Results, meta: dict[str, Any]) -> str:
    lines = [
        "# dephash benchmark results",
        "",
        f"Measured {meta['date']} by `{meta['command']}`, in one run.",
        "",
        f"- Machine: {meta['machine']['cores']} cores ({meta['machine']['cpu']}), "
        f"{meta['machine']['memory']}, {meta['machine']['system']}; "
        f"load average {meta['load_start']:.1f} at the start, {meta['load_end']:.1f} at the end"
        " (the cores were shared: expect noise).",
        "- Tools: " + "; ".join(f"{k} {v}" for k, v in meta["versions"].items()) + ".",
        f"- Index: {INDEX} for every tool; dephash `--jobs {results.args.jobs}`, the download "
        f"baseline {results.args.jobs} threads; {results.args.runs} warm runs, "
        f"{results.args.cold_runs} cold runs (see the table) per series; "
        f"whole run {meta['elapsed'] / 60:.1f} min.",
        "",
        "## Targets",
        "",
        "Ratios of medians.",
        "",
    ]
    lines += table(["Target", "Where", "Measured", "Limit", "Result"], target_rows(results))
    lines += ["", "## Timings", ""]
    rows = []
    for s in results.series:
        if s.skipped:
            cache = CACHE_MEANING.get(s.cache, s.cache)
            rows.append([s.scenario, s.input, s.tool, cache, "0", s.skipped, "", "", "", ""])
            continue
        if not s.runs:
            continue
        cpu = statistics.median(r.cpu_seconds for r in s.runs)
        rss = max(r.maxrss_mb for r in s.runs)
        rows.append(
            [
                s.scenario,
                s.input,
                s.tool,
                CACHE_MEANING.get(s.cache, s.cache),
                str(len(s.runs)),
                fmt(s.median()),
                fmt(min(s.seconds())),
                fmt(max(s.seconds())),
                fmt(cpu),
                f"{rss:.0f}",
            ]
            + ([s.note] if s.note else [])
        )
    width = max((len(r) for r in rows), default=10)
    header = ["Scenario", "Input", "Tool", "Caches", "n", "Median s", "Min s", "Max s"]
    header += ["CPU s (median)", "Peak RSS MB"]
    if width > len(header):
        header.append("Note")
    lines += table(header, [r + [""] * (len(header) - len(r)) for r in rows])
    grow = []
    for name in results.args.inputs:
        info = results.inputs.get(name)
        pip = results.find("sha256", name, "pip", "warm")
        ours = results.find("sha256", name, "dephash-sha256", "warm")
        uv = results.find("sha256", name, "uv", "warm")
        warm512 = results.find("sha512", name, "dephash-sha512", "warm")
        if info is None or ours is None:
            continue
        median = ours.median() or 0.0
        grow.append(
            [
                name,
                str(info.top_level),
                str(info.pins),
                str(info.files),
                f"{info.bytes / 1e9:.2f}",
                fmt(pip.median() if pip else None),
                fmt(median),
                f"{median / info.pins * 1000:.0f}" if info.pins else "-",
                fmt(warm512.median() if warm512 else None),
                fmt(uv.median() if uv else None),
            ]
        )
    if grow:
        lines += ["", "## How time grows with the number of pins", ""]
        lines += table(
            [
                "Input",
                "Top-level",
                "Pins",
                "Files",
                "GB",
                "pip s",
                "dephash sha256 s",
                "ms per pin",
                "dephash sha512 warm s",
                "uv s",
            ],
            grow,
        )
        lines += ["", "Warm caches throughout."]
    lines += ["", "## Correctness: dephash vs others", ""]
    crows = []
    for c in results.comparisons:
        same = not (c.only_dephash or c.only_other or c.version_differs or c.hash_differs)
        agree = c.same_version - len(c.hash_differs)
        crows.append(
            [
                c.input,
                c.ours + (f" (as {c.scope} reads it)" if c.scope else ""),
                c.other,
                f"{c.pins_dephash} / {c.pins_other}",
                f"{c.hashes_dephash} / {c.hashes_other}",
                "identical"
                if same
                else f"differ; same hashes for {agree} of the {c.same_version} pins "
                "both have at the same version",
                "; ".join(
                    part
                    for part in (
                        "only dephash: " + ", ".join(c.only_dephash) if c.only_dephash else "",
                        "only " + c.other + ": " + ", ".join(c.only_other) if c.only_other else "",
                        "versions: " + ", ".join(c.version_differs) if c.version_differs else "",
                        "hashes: " + ", ".join(c.hash_differs) if c.hash_differs else "",
                    )
                    if part
                ),
            ]
        )
    lines += table(
        [
            "Input",
            "dephash",
            "Against",
            "Pins (dephash / other)",
            "Hashes",
            "Pins and hashes",
            "Detail",
        ],
        crows,
    )
    if results.notes:
        lines += ["", "## Notes", ""] + [f"- {note}" for note in results.notes]
    return "\n".join(lines) + "\n"
