"""Vulnerability data from a real local JSON API, and the allowlist parser."""

from __future__ import annotations

import re
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dephash.check.model import Vulnerability
from dephash.check.vulns import (
    VulnerabilityClient,
    api_base,
    is_allowed,
    parse_vulnerability,
    read_allowlist,
)
from dephash.errors import IndexUnreachable, InputError
from dephash.http import NetworkSettings, make_session
from tests.support.builder import make_wheel
from tests.support.jsonindex import JsonIndex
from tests.support.static import serving

FAST = NetworkSettings(connect_timeout=2, read_timeout=2, retries=0, backoff=0)
ADVISORY = {
    "id": "GHSA-aaaa-bbbb-cccc",
    "aliases": ["CVE-2024-0001", "PYSEC-2024-1"],
    "summary": "Leaks   secrets\nin logs",
    "details": "Long text.",
    "fixed_in": ["1.1", "2.0.1"],
    "link": "https://osv.dev/vulnerability/GHSA-aaaa-bbbb-cccc",
    "source": "osv",
    "withdrawn": None,
}


@pytest.mark.parametrize(
    ("index_url", "base"),
    [
        ("https://pypi.org/simple/", "https://pypi.org/pypi/"),
        ("https://pypi.org/simple", "https://pypi.org/pypi/"),
        ("http://u:p@127.0.0.1:8/root/simple/", "http://u:p@127.0.0.1:8/root/pypi/"),
        ("https://mirror.example.org/packages/", None),
        ("file:///opt/pypi/simple", None),
    ],
)
def test_the_json_api_sits_beside_the_simple_index(index_url: str, base: str | None) -> None:
    assert api_base(index_url) == base


@pytest.fixture
def client() -> VulnerabilityClient:
    return VulnerabilityClient(make_session(FAST), FAST)


@pytest.fixture
def published(json_index: JsonIndex, tmp_path: Path) -> JsonIndex:
    json_index.add_file("vuln-pkg", make_wheel(tmp_path, "vuln-pkg", "1.0"))
    return json_index


def test_vulnerabilities_of_a_release(published: JsonIndex, client: VulnerabilityClient) -> None:
    withdrawn = {**ADVISORY, "id": "GHSA-old", "withdrawn": "2024-01-01"}
    published.set_vulnerabilities("vuln-pkg", "1.0", [ADVISORY, withdrawn])
    answer = client.release(published.url, "Vuln_Pkg", "1.0")
    assert answer.vulnerabilities == (
        Vulnerability(
            id="GHSA-aaaa-bbbb-cccc",
            aliases=("CVE-2024-0001", "PYSEC-2024-1"),
            summary="Leaks secrets in logs",
            fixed_in=("1.1", "2.0.1"),
            link="https://osv.dev/vulnerability/GHSA-aaaa-bbbb-cccc",
        ),
    )
    assert published.count("/pypi/vuln-pkg/1.0/json") == 1


def test_an_empty_list_is_data(published: JsonIndex, client: VulnerabilityClient) -> None:
    assert client.release(published.url, "vuln-pkg", "1.0").vulnerabilities == ()


@pytest.mark.parametrize(
    ("prepare", "reason"),
    [
        ("disabled", "answers 404"),
        ("unknown-version", "answers 404"),
    ],
)
def test_a_missing_endpoint_is_no_data(
    published: JsonIndex, client: VulnerabilityClient, prepare: str, reason: str
) -> None:
    published.pypi_json_enabled = prepare != "disabled"
    version = "9.9" if prepare == "unknown-version" else "1.0"
    answer = client.release(published.url, "vuln-pkg", version)
    assert answer.vulnerabilities is None
    assert reason in answer.reason
    assert f"/pypi/vuln-pkg/{version}/json" in answer.reason


def test_vulnerability_data_that_trickles_in_is_a_timeout_not_a_hang(
    published: JsonIndex, client: VulnerabilityClient
) -> None:
    published.add_faults("/pypi/vuln-pkg/1.0/json", "trickle:0.2")
    started = time.monotonic()
    with pytest.raises(IndexUnreachable, match=r"/pypi/vuln-pkg/1.0/json: Timeout: .* too slow"):
        client.release(published.url, "vuln-pkg", "1.0")
    assert time.monotonic() - started < 5


def test_a_file_index_has_no_json_api(client: VulnerabilityClient) -> None:
    answer = client.release("file:///opt/pypi/simple", "x", "1")
    assert answer.vulnerabilities is None
    assert answer.reason == "file:///opt/pypi/simple has no PyPI-style JSON API to ask"


@pytest.fixture
def canned() -> Iterator[str]:
    """A real HTTP server answering fixed bodies: a JSON API that is not what we expect."""
    bodies = {
        "/odd/pypi/html/1.0/json": ("text/html", b"<html>Not the API</html>"),
        "/odd/pypi/fieldless/1.0/json": ("application/json", b'{"info": {"version": "1.0"}}'),
        "/odd/pypi/listless/1.0/json": ("application/json", b'["not", "a", "document"]'),
        "/odd/pypi/junk/1.0/json": ("application/json", b'{"vulnerabilities": [1, {"id": "X"}]}'),
    }

    def respond(path: str) -> tuple[dict[str, str], bytes]:
        content_type, body = bodies[path]
        return {"Content-Type": content_type}, body

    with serving(respond) as base:
        yield f"{base}odd/simple/"


def test_entries_that_are_not_objects_are_skipped(canned: str, client: VulnerabilityClient) -> None:
    assert client.release(canned, "junk", "1.0").vulnerabilities == (Vulnerability("X"),)


@pytest.mark.parametrize(
    ("project", "reason"),
    [
        ("html", "is not JSON"),
        ("fieldless", "has no vulnerabilities field"),
        ("listless", "has no vulnerabilities field"),
    ],
)
def test_an_answer_without_the_data_is_no_data(
    canned: str, client: VulnerabilityClient, project: str, reason: str
) -> None:
    answer = client.release(canned, project, "1.0")
    assert answer.vulnerabilities is None
    assert answer.reason.endswith(f"/odd/pypi/{project}/1.0/json {reason}")


def test_server_errors_and_unreachable_servers_are_environment_failures(
    published: JsonIndex, client: VulnerabilityClient
) -> None:
    published.add_faults("/pypi/vuln-pkg/1.0/json", "503")
    with pytest.raises(IndexUnreachable, match=r"HTTP 503"):
        client.release(published.url, "vuln-pkg", "1.0")
    with pytest.raises(IndexUnreachable, match=r"cannot fetch http://\*\*\*\*@127.0.0.1:9/"):
        client.release("http://user:secret@127.0.0.1:9/simple/", "vuln-pkg", "1.0")


def test_parse_vulnerability_fills_the_summary_from_the_details() -> None:
    entry = {"id": "PYSEC-1", "details": "\n  First line.\nSecond line.", "summary": None}
    assert parse_vulnerability(entry) == Vulnerability("PYSEC-1", summary="First line.")
    assert parse_vulnerability({"id": "PYSEC-2"}) == Vulnerability("PYSEC-2")
    assert parse_vulnerability({"summary": "no id"}) is None


def test_an_allowlist_accepts_ids_and_reasons(tmp_path: Path) -> None:
    path = tmp_path / "allow.txt"
    path.write_text(
        "# accepted risks\n\nGHSA-aaaa-bbbb-cccc  # not reachable from our code\n"
        "pysec-2024-9\n   CVE-2024-0002# no space before the hash is part of the id? no\n"
    )
    with pytest.raises(InputError, match=r"allow\.txt:5: not a vulnerability id"):
        read_allowlist(path)
    path.write_text("# accepted\n\nGHSA-aaaa-bbbb-cccc  # not reachable\npysec-2024-9\n")
    allowed = read_allowlist(path)
    assert allowed == frozenset({"GHSA-AAAA-BBBB-CCCC", "PYSEC-2024-9"})
    assert is_allowed(Vulnerability("ghsa-aaaa-bbbb-cccc"), allowed)
    assert is_allowed(Vulnerability("GHSA-x", aliases=("PYSEC-2024-9",)), allowed)
    assert not is_allowed(Vulnerability("GHSA-x", aliases=("CVE-1",)), allowed)


@pytest.mark.parametrize(
    ("content", "quoted"),
    [
        ("GHSA-1 GHSA-2\n", "'GHSA-1 GHSA-2'"),
        ("GHSA-1 because\n", "'GHSA-1 because'"),
        ("-e .\n", "'-e .'"),
    ],
)
def test_a_malformed_allowlist_line_is_quoted(tmp_path: Path, content: str, quoted: str) -> None:
    path = tmp_path / "allow.txt"
    path.write_text(content)
    with pytest.raises(InputError) as caught:
        read_allowlist(path)
    assert str(caught.value) == (
        f"{path.name}:1: not a vulnerability id (write 'ID' or 'ID  # reason'): {quoted}"
    )


def test_unreadable_allowlists(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"allowlist not found: .*missing\.txt"):
        read_allowlist(tmp_path / "missing.txt")
    (tmp_path / "binary.txt").write_bytes(b"\xff\xfe\x00")
    with pytest.raises(InputError, match="allowlist is not UTF-8 text"):
        read_allowlist(tmp_path / "binary.txt")
    with pytest.raises(InputError, match="allowlist is a directory"):
        read_allowlist(tmp_path)


@given(st.text())
def test_arbitrary_allowlists_never_crash_the_parser(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "allow.txt"
        path.write_text(text, encoding="utf-8", newline="")
        outcome: frozenset[str] | InputError
        try:
            outcome = read_allowlist(path)
        except InputError as exc:
            outcome = exc
    if isinstance(outcome, InputError):
        assert "not a vulnerability id" in str(outcome)
    else:
        assert all(re.fullmatch(r"[A-Z0-9][A-Z0-9._:-]*", entry) for entry in outcome)
