"""What a benchmark run found, measured or loaded from its saved JSON."""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field

from bench.correctness import Comparison
from bench.measuring import Series


@dataclass
class InputInfo:
    name: str
    top_level: int
    pins: int = 0
    files: int = 0
    bytes: int = 0
    urls: list[str] = field(default_factory=list, repr=False)


@dataclass
class Results:
    """A run's series, inputs, comparisons and notes, and the options it ran with."""

    args: argparse.Namespace
    series: list[Series] = field(default_factory=list)
    inputs: dict[str, InputInfo] = field(default_factory=dict)
    comparisons: list[Comparison] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def find(self, scenario: str, input_name: str, tool: str, cache: str) -> Series | None:
        for series in self.series:
            key = (series.scenario, series.input, series.tool, series.cache)
            if key == (scenario, input_name, tool, cache) and series.runs:
                return series
        return None
