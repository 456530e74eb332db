"""Known vulnerabilities from an index's PyPI-style JSON API, and allowlists of accepted ids."""

from __future__ import annotations

import json
import logging
import os
import re
import urllib.parse
from dataclasses import dataclass
from typing import Any

import requests
from packaging.utils import canonicalize_name

from dephash.allowlist import allowlist_lines, read_allowlist_text
from dephash.check.model import Vulnerability
from dephash.errors import IndexUnreachable, InputError
from dephash.http import NetworkSettings, describe_failure, read_chunks
from dephash.redact import redact

log = logging.getLogger(__name__)

# OSV, GHSA, PYSEC and CVE ids: letters, digits and a few separators.
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]*")


def read_allowlist(path: str | os.PathLike[str]) -> frozenset[str]:
    """The vulnerability ids an allowlist accepts.

    The allowlist format of ``outdated``, with ids for names: one id a line,
    optionally followed by ``# reason``. An unreadable file or a malformed line
    is an :class:`InputError` that quotes it.
    """
    shown, text = read_allowlist_text(path)
    ids: set[str] = set()
    for lineno, entry, _, line in allowlist_lines(text):
        if not _ID.fullmatch(entry):
            raise InputError(
                f"{shown}:{lineno}: not a vulnerability id (write 'ID' or 'ID  # reason'): {line!r}"
            )
        ids.add(entry.upper())
    return frozenset(ids)


def is_allowed(vulnerability: Vulnerability, allowlist: frozenset[str]) -> bool:
    """Whether the allowlist names the vulnerability by its id or one of its aliases."""
    return any(name.upper() in allowlist for name in (vulnerability.id, *vulnerability.aliases))


def api_base(index_url: str) -> str | None:
    """The PyPI-style JSON API beside a simple index: ``.../simple/`` -> ``.../pypi/``.

    ``None`` where there is none to derive (a file:// index, another layout).
    """
    if not index_url.startswith(("http://", "https://")):
        return None
    stripped = index_url.rstrip("/")
    if not stripped.endswith("/simple"):
        return None
    return stripped[: -len("simple")] + "pypi/"


@dataclass(frozen=True)
class ReleaseVulnerabilities:
    """A release's known vulnerabilities, or why they could not be had."""

    vulnerabilities: tuple[Vulnerability, ...] | None
    reason: str = ""


class VulnerabilityClient:
    """Reads ``/pypi/NAME/VERSION/json`` from the JSON API beside an index."""

    def __init__(self, session: requests.Session, network: NetworkSettings | None = None) -> None:
        self.session = session
        self.network = network or NetworkSettings()

    def release(self, index_url: str, project: str, version: str) -> ReleaseVulnerabilities:
        """The vulnerabilities the index knows for ``project==version``.

        No data (``vulnerabilities`` is ``None``) where the index has no JSON
        API, the endpoint is missing, or the answer lacks the field: that is
        never taken to mean "no vulnerabilities". A failure to reach the
        server is :class:`IndexUnreachable`.
        """
        base = api_base(index_url)
        if base is None:
            return ReleaseVulnerabilities(
                None, f"{redact(index_url)} has no PyPI-style JSON API to ask"
            )
        path = f"{canonicalize_name(project)}/{urllib.parse.quote(version)}/json"
        url = urllib.parse.urljoin(base, path)
        shown = redact(url)
        log.debug("fetching vulnerability data %s", shown)
        try:
            with self.session.get(
                url,
                headers={"Accept": "application/json"},
                timeout=self.network.timeout,
                stream=True,
            ) as response:
                status, reason = response.status_code, response.reason
                # Read within the timeout, as every response (see read_chunks).
                body = b"".join(read_chunks(response, self.network)) if status < 400 else b""
        except requests.RequestException as exc:
            raise IndexUnreachable(f"cannot fetch {shown}: {describe_failure(exc)}") from None
        if status == 404:
            return ReleaseVulnerabilities(None, f"{shown} answers 404")
        if status >= 400:
            raise IndexUnreachable(f"cannot fetch {shown}: HTTP {status} {reason}")
        try:
            data = json.loads(body)
        except ValueError:
            return ReleaseVulnerabilities(None, f"{shown} is not JSON")
        entries = data.get("vulnerabilities") if isinstance(data, dict) else None
        if not isinstance(entries, list):
            return ReleaseVulnerabilities(None, f"{shown} has no vulnerabilities field")
        found = [parse_vulnerability(entry) for entry in entries if isinstance(entry, dict)]
        return ReleaseVulnerabilities(
            tuple(sorted((v for v in found if v is not None), key=lambda v: v.id))
        )


def parse_vulnerability(entry: dict[str, Any]) -> Vulnerability | None:
    """One entry of the ``vulnerabilities`` list; ``None`` if withdrawn or without an id."""
    if entry.get("withdrawn") or not entry.get("id"):
        return None
    summary = entry.get("summary") or ""
    if not summary:
        details = str(entry.get("details") or "").strip()
        summary = details.splitlines()[0] if details else ""
    return Vulnerability(
        id=str(entry["id"]),
        aliases=tuple(sorted(str(alias) for alias in entry.get("aliases") or ())),
        summary=" ".join(str(summary).split()),
        fixed_in=tuple(str(version) for version in entry.get("fixed_in") or ()),
        link=str(entry["link"]) if entry.get("link") else None,
    )
