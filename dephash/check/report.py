"""``dephash check`` results -> text or JSON. Pure: plain data in, text out."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from dephash.check import completeness, integrity, portability, sync, vulnerabilities, yanked
from dephash.check.model import CheckResult, Drift, Finding
from dephash.errors import ExitCode
from dephash.redact import redact

# What a clean run may claim, per check that ran (sync names the input it is in sync with).
_CLEAN = {
    step.NAME: step.CLAIM
    for step in (completeness, integrity, yanked, portability, vulnerabilities)
}
_SKIPPED_OFFLINE = "offline: integrity and yanked releases not checked"


def _release(finding: Finding) -> str:
    return f"{finding.package}=={finding.version}" if finding.version else finding.package


def _plural(count: int, word: str) -> str:
    suffix = "es" if word.endswith("h") else "s"
    return f"{count} {word}{'' if count == 1 else suffix}"


def _diff(entries: tuple[Drift, ...]) -> list[str]:
    lines = []
    for entry in entries:
        if entry.pinned:
            lines.append(f"-{entry.pinned}")
        if entry.resolved:
            lines.append(f"+{entry.resolved}")
    return lines


def check_text(result: CheckResult) -> str:
    """The human report: one line per finding, the drift as a diff, then a summary.

    No credentials: the lines quoted from the file lose theirs (as every report does).
    """
    lines = [
        f"{finding.location}: {finding.severity.value}: {_release(finding)}: "
        f"{finding.message} [{finding.kind.value}]"
        for finding in result.findings
    ]
    if result.drift:
        lines += [
            "",
            f"{result.file} is out of sync with {result.input}:",
            f"--- {result.file} (pinned)",
            f"+++ {result.input} (resolved now)",
            *_diff(result.drift),
        ]
    if result.unavailable:
        lines += ["", "No vulnerability data could be had for:"]
        lines += [f"  {entry}" for entry in result.unavailable]
    if result.unjudged:
        lines += ["", "Portability could not be judged for:"]
        lines += [f"  {entry}" for entry in result.unjudged]
    if lines:
        lines.append("")
    lines.append(summary(result))
    return redact("\n".join(lines) + "\n")


def summary(result: CheckResult) -> str:
    """One line: the verdict, and what was checked."""
    counted = f"{_plural(result.requirements, 'requirement')}, {_plural(result.hashes, 'hash')}" + (
        f", {_plural(result.files, 'file')} served" if integrity.NAME in result.checked else ""
    )
    if result.findings or result.unavailable or result.unjudged:
        verdict = f"{_plural(result.errors, 'error')}, {_plural(result.warnings, 'warning')}"
        if result.unavailable:
            verdict += (
                ", vulnerability data unavailable for "
                f"{_plural(len(result.unavailable), 'pinned release')}"
            )
        if result.unjudged:
            verdict += (
                f", portability not judged for {_plural(len(result.unjudged), 'environment')}"
            )
        return f"{result.file}: {verdict} ({counted}; checked: {', '.join(result.checked)})"
    claims = []
    for name in result.checked:
        if name == sync.NAME:
            claims.append(f"in sync with {result.input}")
        elif name == integrity.NAME and portability.NAME in result.checked:
            claims.append(integrity.CLAIM_COVERED)
        else:
            claims.append(_CLEAN[name])
    if vulnerabilities.NAME in result.checked and result.allowed:
        claims[-1] += f" (allowlisted: {', '.join(result.allowed)})"
    if integrity.NAME not in result.checked:
        claims.append(_SKIPPED_OFFLINE)
    return f"{result.file}: OK ({counted}): {'; '.join(claims)}"


def check_json(result: CheckResult, exit_code: ExitCode) -> str:
    """The machine report: everything the text says, and the exit code (no credentials)."""
    document: dict[str, Any] = {
        "file": result.file,
        "input": result.input,
        "checked": list(result.checked),
        "requirements": result.requirements,
        "hashes": result.hashes,
        "files": result.files,
        "errors": result.errors,
        "warnings": result.warnings,
        "findings": [_finding(finding) for finding in result.findings],
        "drift": [asdict(entry) for entry in result.drift],
        "vulnerability_data_unavailable": list(result.unavailable),
        "portability_unjudged": list(result.unjudged),
        "allowlisted": list(result.allowed),
        "exit_code": int(exit_code),
    }
    return redact(json.dumps(document, indent=2, ensure_ascii=False) + "\n")


def _finding(finding: Finding) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "package": finding.package,
        "version": finding.version,
        "kind": finding.kind.value,
        "severity": finding.severity.value,
        "location": finding.location,
        "message": finding.message,
    }
    if finding.vulnerability is not None:
        vulnerability = finding.vulnerability
        entry["vulnerability"] = {
            "id": vulnerability.id,
            "aliases": list(vulnerability.aliases),
            "summary": vulnerability.summary,
            "fixed_in": list(vulnerability.fixed_in),
            "link": vulnerability.link,
        }
    return entry
