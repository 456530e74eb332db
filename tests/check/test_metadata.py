"""check's metadata for the portability audit: the index's metadata files, pip for the rest.

A real JSON index (tests/support/jsonindex.py) serves the wheels and their PEP 658 files,
advertised or not, wrong or missing, with faults; a recording resolver stands in for pip.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from packaging.tags import sys_tags

from dephash.check.metadata import IndexMetadata, Metadata, read_metadata
from dephash.check.model import FindingKind
from dephash.check.portability import portability
from dephash.check.releases import list_releases, pinned_releases
from dephash.environments import environment, marker_values
from dephash.errors import ExitCode, ResolutionError
from dephash.formats import FORMATS
from dephash.http import NetworkSettings, make_session
from dephash.index.client import IndexClient
from dephash.inputs.reqfile import RequirementLine
from dephash.model import OS, Environment, IndexSettings, Machine, Resolution, ResolvedPackage
from dephash.resolve import ResolveRequest
from tests.support.builder import make_sdist, make_wheel, wheel_metadata
from tests.support.cli import run
from tests.support.jsonindex import JsonIndex

LINUX = environment((3, 11), OS.LINUX, Machine.X86_64)
WINDOWS = environment((3, 11), OS.WINDOWS, Machine.X86_64)
HERE = marker_values(LINUX).as_dict()
ARGS = ("--index-url", "https://index/simple/")
FAST = NetworkSettings(connect_timeout=2, read_timeout=2, retries=1, backoff=0)
HASH = "--hash=sha256:" + "a" * 64


@dataclass
class Recording:
    """A resolver that remembers the pins pip was asked about, and answers ``answer``."""

    answer: Resolution | Exception
    asked: list[list[str]] = field(default_factory=list)

    def resolve(self, request: ResolveRequest) -> Resolution:
        self.asked.append(Path(request.input_arguments[1]).read_text().split())
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


@dataclass
class Index:
    server: JsonIndex
    dist: Path

    def publish(
        self,
        name: str,
        *,
        requires: tuple[str, ...] = (),
        tag: str = "py3-none-any",
        metadata: bytes | bool | None = True,
        advertise: Any = None,
        version: str = "1.0",
    ) -> str:
        """A wheel of ``name`` on the index; its metadata file (the wheel's own by default)
        advertised as ``advertise`` (``"sha256"``: its true digest). Returns the wheel's URL."""
        wheel = make_wheel(self.dist, name, version, requires=requires, tag=tag)
        served = wheel_metadata(wheel) if metadata is True else metadata or None
        if advertise == "sha256":
            advertise = {"sha256": hashlib.sha256(served or wheel_metadata(wheel)).hexdigest()}
        return self.server.add_file(name, wheel, metadata=served, core_metadata=advertise)

    def read(
        self,
        lines: list[RequirementLine],
        resolver: Recording,
        environments: tuple[Environment, ...] = (LINUX,),
        links: tuple[str, ...] = (),
    ) -> Metadata:
        client = IndexClient(make_session(FAST), FAST)
        settings = IndexSettings(index_url=self.server.url, find_links=links)
        listings = list_releases(pinned_releases(lines), settings, client, 4)
        return read_metadata(
            lines, environments, resolver, ARGS, HERE, None, IndexMetadata(listings, client, 4)
        )


@pytest.fixture
def index(json_index: JsonIndex, workdir: Path) -> Index:
    return Index(json_index, workdir / "dist")


def lines_of(*entries: str) -> list[RequirementLine]:
    Path("prod.txt").write_text("".join(f"{entry} {HASH}\n" for entry in entries))
    return FORMATS["requirements"].read("prod.txt").requirements


NO_PIP = ResolutionError("pip must not run")


def test_metadata_files_the_index_serves_replace_pip(index: Index) -> None:
    app = index.publish("app", requires=("lib>=1", "win ; sys_platform == 'win32'"),
                        advertise="sha256")  # fmt: skip
    lib = index.publish("lib")  # served, not advertised
    lines = lines_of("app==1.0", "lib==1.0")
    resolver = Recording(NO_PIP)
    metadata = index.read(lines, resolver, (LINUX, WINDOWS))
    assert resolver.asked == []
    assert metadata.unavailable == {}
    assert metadata.findings == ()
    assert metadata.by_pin["app==1.0"] == ResolvedPackage(
        "app", "1.0", app, requires_dist=("lib>=1", "win ; sys_platform == 'win32'")
    )
    assert metadata.by_pin["lib==1.0"].requires_dist == ()
    assert (index.server.count(app + ".metadata"), index.server.count(lib + ".metadata")) == (1, 1)
    assert index.server.count(app) == index.server.count(lib) == 0  # no wheel downloaded
    findings, unjudged = portability(lines, (LINUX, WINDOWS), metadata, lambda *_: [])
    assert unjudged == ()
    assert [(f.package, f.kind) for f in findings] == [("win", FindingKind.NOT_PORTABLE)]


BROKEN = {
    "not served": None,
    "not metadata": b"\xff\xfe<html>not found</html>",
    "another project": b"Metadata-Version: 2.1\nName: other\nVersion: 1.0\n",
    "another version": b"Metadata-Version: 2.1\nName: lib\nVersion: 9.0\n",
    "odd version": b"Metadata-Version: 2.1\nName: lib\nVersion: x-y\n",
    "a field twice": b"Name: lib\nVersion: 1.0\nRequires-Python: >=3\nRequires-Python: >=4\n",
}


@pytest.mark.parametrize("served", BROKEN.values(), ids=BROKEN.keys())
def test_a_release_without_a_usable_metadata_file_is_read_through_pip(
    index: Index, served: bytes | None, caplog: pytest.LogCaptureFixture
) -> None:
    index.server.ranges_enabled = False  # nor read inside the wheel
    index.publish("app", requires=("lib",))
    index.publish("lib", metadata=served or False)
    answer = ResolvedPackage("lib", "1.0", "https://x/lib.whl", requires_dist=("dep",))
    resolver = Recording(Resolution((answer,)))
    metadata = index.read(lines_of("app==1.0", "lib==1.0"), resolver)
    assert resolver.asked == [["lib==1.0"]]  # that pin only, once: Linux needs nothing more
    assert metadata.by_pin["lib==1.0"] == answer
    assert metadata.by_pin["app==1.0"].requires_dist == ("lib",)
    if served is not None:
        assert "lib==1.0: the metadata the index serves for http" in caplog.text
        assert "; pip reads the metadata instead" in caplog.text


@pytest.mark.parametrize("faults", [("500", "500"), ("reset", "reset"), ("truncate",)])
def test_a_metadata_file_the_index_fails_to_serve_is_read_inside_the_wheel_else_by_pip(
    index: Index, faults: tuple[str, ...]
) -> None:
    lib = index.publish("lib", requires=("dep",), advertise="sha256")
    index.server.add_faults(lib + ".metadata", *faults)
    index.server.add_faults(lib, *faults)  # the first range fails the same way
    resolver = Recording(Resolution((ResolvedPackage("lib", "1.0", lib),)))
    metadata = index.read(lines_of("lib==1.0"), resolver)
    assert resolver.asked == [["lib==1.0"]]
    assert metadata.by_pin["lib==1.0"].requires_dist == ()  # pip's answer
    assert metadata.findings == ()
    index.server.add_faults(lib + ".metadata", *faults)
    metadata = index.read(lines_of("lib==1.0"), Recording(NO_PIP))
    # Read by range requests, and verified against the published digest.
    assert metadata.by_pin["lib==1.0"].requires_dist == ("dep",)


def test_sdists_and_archives_by_url_are_read_through_pip(index: Index) -> None:
    index.server.add_file("src", make_sdist(index.dist, "src", "1.0"))
    resolver = Recording(Resolution((ResolvedPackage("src", "1.0", "u"),
                                     ResolvedPackage("url", "1.0", "u"))))  # fmt: skip
    metadata = index.read(lines_of("src==1.0", "url @ https://files/url-1.0.whl"), resolver)
    assert resolver.asked == [["src==1.0", "url", "@", "https://files/url-1.0.whl"]]
    assert set(metadata.by_pin) == {"src==1.0", "url @ https://files/url-1.0.whl"}


@pytest.mark.parametrize("html", [False, True], ids=["json", "html"])
def test_a_metadata_file_unlike_its_published_digest_is_a_finding_and_not_used(
    index: Index, html: bool
) -> None:
    index.server.json_enabled = not html
    index.publish("lib", requires=("evil",), advertise={"sha256": "0" * 64})
    resolver = Recording(NO_PIP)
    lines = lines_of("lib==1.0")
    metadata = index.read(lines, resolver)
    (finding,) = metadata.findings
    assert (finding.package, finding.version, finding.kind, finding.location) == (
        "lib", "1.0", FindingKind.METADATA_MISMATCH, "prod.txt:1",
    )  # fmt: skip
    assert finding.message == (
        "the index serves metadata for lib-1.0-py3-none-any.whl whose sha256 digest is not "
        "the one its page publishes for it: the index is inconsistent or tampered with; that "
        "metadata is not used"
    )
    assert resolver.asked == []  # pip reads the same file, refuses it and fails
    assert "lib==1.0" not in metadata.by_pin
    findings, unjudged = portability(lines, (LINUX,), metadata, lambda *_: [])
    assert findings == []
    assert unjudged == ("CPython 3.11 on Linux on x86_64: no metadata could be read for lib==1.0",)


def test_a_corrupted_metadata_file_is_caught_by_its_digest(index: Index) -> None:
    lib = index.publish("lib", advertise="sha256")
    index.server.add_faults(lib + ".metadata", "corrupt")
    resolver = Recording(Resolution((ResolvedPackage("lib", "1.0", "u"),)))
    metadata = index.read(lines_of("lib==1.0"), resolver)
    assert [finding.kind for finding in metadata.findings] == [FindingKind.METADATA_MISMATCH]


def test_one_wheel_stands_for_its_release_the_best_one_first(index: Index, workdir: Path) -> None:
    host = str(next(iter(sys_tags())))
    native = index.publish("native", tag="cp311-cp311-win_amd64")
    local = index.publish("native", tag=host)
    pure = index.publish("pure", tag="py3-none-any", advertise=None)
    advertised = index.publish("pure", tag="py2.py3-none-any", advertise="sha256")
    links = workdir / "links"
    make_wheel(links, "linked", "1.0")  # a find-links wheel: no metadata file over HTTP
    over_http = index.publish("linked")
    resolver = Recording(NO_PIP)
    metadata = index.read(
        lines_of("native==1.0", "pure==1.0", "linked==1.0"), resolver, links=(str(links),)
    )
    assert resolver.asked == []
    assert {key: package.url for key, package in metadata.by_pin.items()} == {
        "native==1.0": local,
        "pure==1.0": advertised,
        "linked==1.0": over_http,
    }
    assert index.server.count(native + ".metadata") == index.server.count(pure + ".metadata") == 0


def test_a_release_pip_cannot_read_either_is_not_judged(index: Index) -> None:
    index.server.add_file("src", make_sdist(index.dist, "src", "1.0"))
    index.publish("app", requires=("src",))
    lines = lines_of("app==1.0", "src==1.0")
    metadata = index.read(lines, Recording(Resolution(())), (LINUX,))
    assert set(metadata.by_pin) == {"app==1.0"}
    findings, unjudged = portability(lines, (LINUX,), metadata, lambda *_: [])
    assert (findings, unjudged) == (
        [],
        ("CPython 3.11 on Linux on x86_64: no metadata could be read for src==1.0",),
    )


def test_check_reads_no_metadata_through_pip_where_the_index_serves_it(
    json_index: JsonIndex, workdir: Path
) -> None:
    index = Index(json_index, workdir / "dist")
    index.publish("e2e-app", requires=("e2e-lib", "e2e-win ; sys_platform == 'win32'"),
                  advertise="sha256")  # fmt: skip
    lib = index.publish("e2e-lib")
    index.publish("e2e-win")
    Path("in.txt").write_text("e2e-app\n")
    made = run("gen", "-q", "-i", json_index.url, "-o", "prod.txt", "in.txt")
    assert made.exit_code == 0, made.output
    clean = run("check", "-v", "-i", json_index.url, "prod.txt")
    assert clean.exit_code == 0, clean.output
    assert "every dependency pinned for each environment it covers" in clean.stdout
    assert "--no-deps" not in clean.stderr  # pip read no metadata
    assert json_index.count(lib + ".metadata") >= 1
    # The index now serves e2e-lib's metadata unlike the digest it publishes for it.
    evil = b"Metadata-Version: 2.1\nName: e2e-lib\nVersion: 1.0\nRequires-Dist: evil\n"
    json_index.add_file("e2e-lib", index.dist / Path(lib).name, metadata=evil,
                        core_metadata={"sha256": "0" * 64})  # fmt: skip
    broken = run("check", "--format", "json", "-i", json_index.url, "prod.txt")
    assert broken.exit_code == ExitCode.ENVIRONMENT, broken.output
    document = json.loads(broken.stdout)
    assert [(f["package"], f["kind"]) for f in document["findings"]] == [
        ("e2e-lib", "metadata-mismatch")
    ]
    assert len(document["portability_unjudged"]) == 6  # every environment pins e2e-lib
    assert document["portability_unjudged"][0].endswith(
        ": no metadata could be read for e2e-lib==1.0"
    )


def test_the_metadata_inside_a_wheel_is_checked_against_the_published_digest(
    index: Index,
) -> None:
    index.publish("lib", metadata=False, advertise={"sha256": "0" * 64})
    lines = lines_of("lib==1.0")
    metadata = index.read(lines, Recording(NO_PIP))
    assert [finding.kind for finding in metadata.findings] == [FindingKind.METADATA_MISMATCH]
    assert metadata.by_pin == {}
