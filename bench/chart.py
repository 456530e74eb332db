"""The SVG chart of the medians: one panel, and one scale, per comparison."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from bench.results import Results


def chart_panels(results: Results) -> list[tuple[str, list[tuple[str, float]]]]:
    """(title, [(label, median seconds)]) for each panel of the chart."""
    panels = []
    labels = {
        "pip": "bare pip resolution",
        "dephash-sha256": "dephash sha256",
        "uv": "uv pip compile",
        "pip-compile": "pip-compile",
    }
    for name in results.args.inputs:
        bars = []
        for tool, label in labels.items():
            series = results.find("sha256", name, tool, "warm")
            if series is not None and series.median() is not None:
                bars.append((label, series.median() or 0.0))
        if bars:
            info = results.inputs.get(name)
            pins = f", {info.pins} pins" if info and info.pins else ""
            panels.append((f"sha256, {name} input{pins}, warm caches", bars))
    for name in results.args.sha512_inputs:
        bars = []
        for scenario, tool, cache, label in (
            ("sha512", "plain-download", "none", "plain parallel download"),
            ("sha512", "dephash-sha512", "cold", "dephash sha512, cold digest cache"),
            ("sha512", "dephash-sha512", "warm", "dephash sha512, warm digest cache"),
            ("sha512", "dephash-sha256", "warm", "dephash sha256"),
        ):
            series = results.find(scenario, name, tool, cache)
            if series is not None and series.median() is not None:
                bars.append((label, series.median() or 0.0))
        if len(bars) > 1:
            panels.append((f"sha512, {name} input", bars))
    return panels


def svg_chart(panels: Sequence[tuple[str, Sequence[tuple[str, float]]]]) -> str:
    """Horizontal bars of median seconds, one panel (and scale) per comparison."""
    width, label_width, bar_height, gap = 760, 250, 18, 6
    plot = width - label_width - 70
    parts = [
        '<text x="10" y="18" fill="#57606a">Median wall-clock seconds, lower is better; '
        "one scale per panel.</text>"
    ]
    y = 34
    for title, bars in panels:
        parts.append(f'<text x="10" y="{y + 14}" font-weight="bold">{escape(title)}</text>')
        y += 24
        top = max(value for _, value in bars) or 1.0
        for label, value in bars:
            length = max(1.0, plot * value / top)
            colour = "#1f6feb" if label.startswith("dephash") else "#8b949e"
            parts.append(
                f'<text x="{label_width - 8}" y="{y + 13}" text-anchor="end">'
                f"{escape(label)}</text>"
                f'<rect x="{label_width}" y="{y}" width="{length:.1f}" height="{bar_height}" '
                f'fill="{colour}"/>'
                f'<text x="{label_width + length + 6:.1f}" y="{y + 13}">{value:.2f} s</text>'
            )
            y += bar_height + gap
        y += 14
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{y}" '
        f'font-family="sans-serif" font-size="12">'
        f'<rect width="{width}" height="{y}" fill="white"/>' + "".join(parts) + "</svg>\n"
    )
