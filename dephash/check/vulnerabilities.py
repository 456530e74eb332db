"""Audit step 5: known vulnerabilities of each pinned release, from the index's JSON API."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from dephash.check.model import Finding, FindingKind, Vulnerability
from dephash.check.releases import Listing
from dephash.check.vulns import VulnerabilityClient, is_allowed
from dephash.pools import run_parallel

NAME = "vulnerabilities"
CLAIM = "no known vulnerabilities"


def vulnerabilities(
    pins: Sequence[tuple[str, str]],
    listings: Mapping[tuple[str, str], Listing],
    locations: Mapping[tuple[str, str], str],
    client: VulnerabilityClient,
    allowlist: frozenset[str],
    jobs: int,
) -> tuple[list[Finding], tuple[str, ...], tuple[str, ...]]:
    """Known vulnerabilities of each pinned release, from the first index that has data.

    Returns the findings, the releases for which no index had data (with why),
    and the allowlisted ids that were silenced.
    """

    findings: list[Finding] = []
    unavailable: list[str] = []
    allowed: set[str] = set()
    answers = run_parallel(lambda pin: _release_data(pin, listings, client), pins, jobs)
    for (name, version), answer in zip(pins, answers, strict=True):
        if isinstance(answer, str):
            unavailable.append(f"{name}=={version}: {answer}")
            continue
        for vulnerability in answer:
            if is_allowed(vulnerability, allowlist):
                allowed.add(vulnerability.id)
                continue
            aliases = f" ({', '.join(vulnerability.aliases)})" if vulnerability.aliases else ""
            fixed = (
                f"fixed in {', '.join(vulnerability.fixed_in)}: upgrade"
                if vulnerability.fixed_in
                else "no fixed release is known"
            )
            summary = f": {vulnerability.summary}" if vulnerability.summary else ""
            findings.append(
                Finding(
                    name,
                    version,
                    FindingKind.VULNERABLE,
                    f"{vulnerability.id}{aliases}{summary}; {fixed}",
                    location=locations[(name, version)],
                    vulnerability=vulnerability,
                )
            )
    return findings, tuple(unavailable), tuple(sorted(allowed))


def _release_data(
    pin: tuple[str, str],
    listings: Mapping[tuple[str, str], Listing],
    client: VulnerabilityClient,
) -> tuple[Vulnerability, ...] | str:
    """The release's vulnerabilities from the first index with data, or why there are none."""
    name, version = pin
    reasons = []
    for index_url in listings[pin].indexes:
        answer = client.release(index_url, name, version)
        if answer.vulnerabilities is not None:
            return answer.vulnerabilities
        reasons.append(answer.reason)
    return "; ".join(reasons) or "no index lists it"
