"""PEP 658/714 core metadata: what pages advertise, and the client fetching the files."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest

from dephash.errors import IndexUnreachable
from dephash.http import NetworkSettings, make_session
from dephash.index.client import METADATA_LIMIT, IndexClient
from dephash.index.pages import JSON_TYPE, parse_html, parse_json, parse_page
from dephash.model import DistFile
from tests.support.builder import make_wheel, wheel_metadata
from tests.support.fakes import MemoryIndex
from tests.support.jsonindex import JsonIndex

PAGE = "https://index.example/simple/meta/"
NAME = "meta-1.0-py3-none-any.whl"
DIGEST = "ab" * 32


def json_advertising(**keys: Any) -> list[DistFile]:
    entry = {"filename": NAME, "url": NAME, "hashes": {}, **keys}
    return parse_json({"files": [entry]}, PAGE)


@pytest.mark.parametrize(
    ("keys", "advertised"),
    [
        ({}, None),
        ({"core-metadata": {"sha256": DIGEST}}, (("sha256", DIGEST),)),
        ({"core-metadata": {"SHA256": DIGEST.upper(), "blake3": "x"}}, (("sha256", DIGEST),)),
        ({"core-metadata": True}, ()),
        ({"core-metadata": False}, None),
        ({"core-metadata": None}, None),
        ({"dist-info-metadata": {"sha256": DIGEST}}, (("sha256", DIGEST),)),
        ({"dist-info-metadata": True}, ()),
        # PEP 714: the new key wins over the old one.
        ({"core-metadata": False, "dist-info-metadata": {"sha256": DIGEST}}, None),
        ({"core-metadata": True, "dist-info-metadata": {"sha256": DIGEST}}, ()),
        # Values PEP 691 does not allow: advertised without a digest where truthy, as pip
        # reads them; never a crash.
        ({"core-metadata": "yes"}, ()),
        ({"core-metadata": 5}, ()),
        ({"core-metadata": []}, None),
        ({"core-metadata": {}}, ()),
    ],
    ids=repr,
)
def test_a_json_page_s_core_metadata_advertisement_is_kept(
    keys: dict[str, Any], advertised: tuple[tuple[str, str], ...] | None
) -> None:
    (item,) = json_advertising(**keys)
    assert item.core_metadata == advertised


@pytest.mark.parametrize("published", ["abcd", "A" * 63, 12, None, ["x"]], ids=repr)
def test_a_metadata_digest_that_is_not_one_is_dropped_and_said(
    published: object, caplog: pytest.LogCaptureFixture
) -> None:
    (item,) = json_advertising(**{"core-metadata": {"sha256": published}})
    assert item.core_metadata == ()
    assert f"{NAME}.metadata: index page {PAGE} publishes a sha256 digest that is not one" in (
        caplog.text
    )


@pytest.mark.parametrize(
    ("attributes", "advertised"),
    [
        ("", None),
        ('data-core-metadata="true"', ()),
        (f'data-core-metadata="sha256={DIGEST}"', (("sha256", DIGEST),)),
        (f'data-dist-info-metadata="sha256={DIGEST}"', (("sha256", DIGEST),)),
        ('data-dist-info-metadata="true"', ()),
        (f'data-core-metadata="true" data-dist-info-metadata="sha256={DIGEST}"', ()),
        ("data-core-metadata", ()),
        ('data-core-metadata="whatever"', ()),
        ('data-core-metadata="sha256=not-hex"', ()),
        ('data-core-metadata="md5=0123456789abcdef0123456789abcdef"',
         (("md5", "0123456789abcdef0123456789abcdef"),)),
        ('data-core-metadata="unknown=abc"', ()),
        ('data-core-metadata="=&#10;--index-url evil"', ()),
    ],
    ids=repr,
)  # fmt: skip
def test_an_html_page_s_core_metadata_advertisement_is_kept(
    attributes: str, advertised: tuple[tuple[str, str], ...] | None
) -> None:
    (item,) = parse_html(f'<a href="{NAME}" {attributes}>{NAME}</a>', PAGE)
    assert item.core_metadata == advertised


def test_the_advertisement_describes_a_file_and_does_not_name_it() -> None:
    (plain,) = json_advertising()
    (advertised,) = json_advertising(**{"core-metadata": True})
    assert plain == advertised


@pytest.fixture
def client() -> IndexClient:
    fast = NetworkSettings(connect_timeout=2, read_timeout=2, retries=1, backoff=0)
    return IndexClient(make_session(fast), fast)


def served(json_index: JsonIndex, workdir: Path, **options: Any) -> DistFile:
    """A wheel registered on ``json_index`` (with ``options``), as its JSON page lists it."""
    wheel = make_wheel(workdir / "dist", "meta", "1.0", requires=["dep>=1"])
    json_index.add_file("meta", wheel, **options)
    raw = IndexClient(make_session()).fetch_page(json_index.url, "meta")
    assert raw is not None
    assert raw.content_type == JSON_TYPE
    (item,) = parse_page(raw).files
    return item


def test_the_client_reads_the_metadata_file_beside_a_wheel(
    json_index: JsonIndex, workdir: Path, client: IndexClient
) -> None:
    metadata = wheel_metadata(make_wheel(workdir / "dist", "meta", "1.0", requires=["dep>=1"]))
    digest = hashlib.sha256(metadata).hexdigest()
    item = served(json_index, workdir, metadata=metadata, core_metadata={"sha256": digest})
    assert item.core_metadata == (("sha256", digest),)
    assert client.core_metadata(item) == metadata
    assert json_index.count(item.url + ".metadata") == 1
    # Not advertised, the same URL is asked (PEP 658 fixes it); a fragment is no part of it.
    bare = DistFile(item.filename, item.url + "#sha256=" + "0" * 64)
    assert client.core_metadata(bare) == metadata


def test_a_missing_metadata_file_or_one_not_over_http_is_none(
    json_index: JsonIndex, workdir: Path, client: IndexClient
) -> None:
    item = served(json_index, workdir)
    assert client.core_metadata(item) is None
    assert client.core_metadata(DistFile(NAME, (workdir / NAME).as_uri())) is None


@pytest.mark.parametrize("faults", [("500", "500"), ("reset", "reset"), ("truncate",)])
def test_a_metadata_file_that_cannot_be_read_is_unreachable(
    json_index: JsonIndex, workdir: Path, client: IndexClient, faults: tuple[str, ...]
) -> None:
    item = served(json_index, workdir, metadata=b"Name: meta\n")
    json_index.add_faults(item.url + ".metadata", *faults)
    with pytest.raises(IndexUnreachable, match=r"cannot fetch http://.*\.whl\.metadata: "):
        client.core_metadata(item)


def test_a_metadata_file_past_the_limit_is_refused(
    json_index: JsonIndex, workdir: Path, client: IndexClient
) -> None:
    item = served(json_index, workdir, metadata=b"x" * (METADATA_LIMIT + 1))
    with pytest.raises(IndexUnreachable, match=r"\.metadata: larger than 8 MiB"):
        client.core_metadata(item)


def test_a_reader_that_serves_no_metadata_says_none() -> None:
    wheel = DistFile(NAME, PAGE + NAME)
    assert MemoryIndex({}).core_metadata(wheel) is None
    assert MemoryIndex({}).wheel_metadata(wheel) is None
