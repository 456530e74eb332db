"""Mutation testing of the pure core: ``python3 -m tests.mutation`` runs mutmut with the
project's configuration (``[tool.mutmut]`` in pyproject.toml) and prints the score.

A mutant is killed when a test fails on it, or when it makes the tests run past their time
(an endless loop); every other mutant survives: those the tests pass, and those no test
reaches. docs/MUTATION.md lists the survivors that cannot change behaviour.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KILLED = {"killed", "timeout"}


def _mutmut() -> str:
    beside = Path(sys.executable).parent / "mutmut"
    found = str(beside) if beside.exists() else shutil.which("mutmut")
    if found is None:
        sys.exit("mutmut is not installed: pip install -r requirements-dev.txt")
    return found


def _statuses(mutmut: str) -> dict[str, str]:
    """Every mutant's status, by name, as ``mutmut results --all true`` reports them."""
    listed = subprocess.run(
        [mutmut, "results", "--all", "true"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    statuses = {}
    for line in listed.splitlines():
        name, separator, status = line.strip().rpartition(": ")
        if separator and "__mutmut_" in name:
            statuses[name] = status
    return statuses


def _module(mutant: str) -> str:
    """``dephash.diff.x_compare__mutmut_3`` -> ``dephash.diff``."""
    return mutant.split("__mutmut_")[0].rpartition(".")[0]


def report(statuses: dict[str, str]) -> tuple[list[str], float]:
    """The score's lines, and the score (killed per cent of every mutant)."""
    total: Counter[str] = Counter()
    killed: Counter[str] = Counter()
    for name, status in statuses.items():
        total[_module(name)] += 1
        killed[_module(name)] += status in KILLED
    lines = [f"{'module':<32} {'killed':>7} {'total':>6} {'score':>7}"]
    for module in sorted(total):
        score = 100 * killed[module] / total[module]
        lines.append(f"{module:<32} {killed[module]:>7} {total[module]:>6} {score:>6.1f}%")
    every, caught = sum(total.values()), sum(killed.values())
    score = 100 * caught / every if every else 0.0
    lines.append(f"{'all':<32} {caught:>7} {every:>6} {score:>6.1f}%")
    by_status = Counter(statuses.values())
    lines.append(", ".join(f"{status}: {count}" for status, count in sorted(by_status.items())))
    survivors = sorted(name for name, status in statuses.items() if status not in KILLED)
    if survivors:
        lines.append("survivors (see one with: mutmut show NAME):")
        lines += [f"  {name}: {statuses[name]}" for name in survivors]
    return lines, score


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python3 -m tests.mutation", description=__doc__)
    parser.add_argument("--jobs", type=int, default=2, help="mutants tested at once (2)")
    parser.add_argument(
        "--again", action="store_true", help="keep mutants/ and its results (default: start anew)"
    )
    parser.add_argument(
        "--report-only", action="store_true", help="print the last run's score, run nothing"
    )
    parser.add_argument("--min", type=float, default=90.0, help="exit 1 below this score (90)")
    args = parser.parse_args(argv)
    mutmut = _mutmut()
    if not args.report_only:
        if not args.again:
            shutil.rmtree(ROOT / "mutants", ignore_errors=True)
        # mutmut draws a spinner on its output: it goes to a log, the score to stdout.
        (ROOT / "mutants").mkdir(exist_ok=True)
        with (ROOT / "mutants" / "run.log").open("w", encoding="utf-8") as stream:
            run = subprocess.run(
                [mutmut, "run", "--max-children", str(args.jobs)],
                cwd=ROOT,
                stdout=stream,
                stderr=subprocess.STDOUT,
                check=False,
            )
        if run.returncode != 0:
            message = f"mutmut run failed (exit {run.returncode}): see mutants/run.log"
            print(message, file=sys.stderr)
            return 2
    lines, score = report(_statuses(mutmut))
    print("\n".join(lines))
    return 0 if score >= args.min else 1


if __name__ == "__main__":
    sys.exit(main())
