"""OutdatedReport -> a table or JSON for stdout, and notes for stderr (pure)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from packaging.version import Version

from dephash.files import display_path
from dephash.outdated.model import OutdatedPackage, OutdatedReport
from dephash.redact import redact


def table(rows: Sequence[Sequence[str]]) -> list[str]:
    """Rows as left-aligned columns two spaces apart; the first row is the header."""
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True))

    rule = ["-" * width for width in widths]
    return [line(row).rstrip() for row in (rows[0], rule, *rows[1:])]


def _filetype(package: OutdatedPackage) -> str:
    return package.latest_filetype or "-"


def render_table(report: OutdatedReport) -> str:
    """The readable report: ``Found outdated packages in PATH:`` and a table."""
    lines: list[str] = []
    if report.outdated:
        lines.append(f"Found outdated packages in {report.path}:")
        rows: list[tuple[str, ...]] = [("Package", "Current", "Latest", "Type")]
        rows += [(p.name, p.current, p.latest, _filetype(p)) for p in report.outdated]
        lines += table(rows)
    else:
        allowed = f" ({len(report.allowed)} allowed by the allowlist)" if report.allowed else ""
        lines.append(f"No outdated packages in {report.path}{allowed}.")
    if report.allowed:
        lines += ["", "Allowed to stay outdated:"]
        rows = [("Package", "Current", "Latest", "Allowed by", "Reason")]
        rows += [
            (
                item.package.name,
                item.package.current,
                item.package.latest,
                item.entry.where,
                item.entry.reason,
            )
            for item in report.allowed
        ]
        lines += table(rows)
    return redact("\n".join(lines) + "\n")


def _package(package: OutdatedPackage) -> dict[str, Any]:
    return {
        "name": package.name,
        "current": package.current,
        "latest": package.latest,
        "latest_filetype": package.latest_filetype,
        "where": list(package.where),
    }


def report_data(report: OutdatedReport) -> dict[str, Any]:
    """The report as plain JSON-ready data (the ``--format json`` document)."""
    return {
        "path": report.path,
        "kind": report.kind.value,
        "outdated": [_package(package) for package in report.outdated],
        "allowed": [
            {
                **_package(item.package),
                "allowed_by": item.entry.where,
                "entry": item.entry.text,
                "reason": item.entry.reason,
            }
            for item in report.allowed
        ],
        "ahead": [_package(package) for package in report.ahead],
        "skipped": [
            {"where": line.where, "requirement": line.text, "reason": line.reason}
            for line in report.skipped
        ],
        "missing": list(report.missing),
        "stale_allowlist": [
            {"entry": stale.entry.text, "where": stale.entry.where, "detail": stale.detail}
            for stale in report.stale
        ],
    }


def render_json(report: OutdatedReport) -> str:
    """The machine-readable report, keys in a fixed order, lists sorted; no credentials."""
    return redact(json.dumps(report_data(report), indent=2) + "\n")


def notes(report: OutdatedReport) -> list[tuple[str, str]]:
    """``(level, message)`` lines for stderr: skipped lines, pins ahead, stale entries."""
    lines: list[tuple[str, str]] = []
    for line in report.skipped:
        lines.append(
            ("warning" if line.warn else "note", f"{line.where}: {line.text} {line.reason}")
        )
    for package in report.ahead:
        hint = " (a pre-release: --pre compares it with pre-releases)"
        lines.append(
            (
                "note",
                f"{', '.join(package.where)}: "
                f"{package.name}=={package.current} is newer than the latest release "
                f"the indexes offer ({package.latest})"
                + (hint if Version(package.current).is_prerelease else ""),
            )
        )
    for stale in report.stale:
        lines.append(
            (
                "warning",
                f"{stale.entry.where}: stale allowlist entry {stale.entry.text!r}: {stale.detail}",
            )
        )
    return lines


def missing_message(report: OutdatedReport) -> str:
    """The error for projects no index has: which, and where they were looked for."""
    places = [place if "://" in place else display_path(place) for place in report.searched]
    searched = ", ".join(places) or "no index (--no-index and no --find-links)"
    return (
        f"not found on any index: {', '.join(report.missing)} (searched {searched}); "
        "check the index options, or ignore them in the allowlist"
    )
