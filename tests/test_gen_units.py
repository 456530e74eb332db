"""The pure parts of ``gen``: annotations, the chosen file, the reproduce command."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
import requests

from dephash.errors import EnvironmentFailure
from dephash.formats import FORMATS
from dephash.gen import GenOptions, generate, reproduce_command
from dephash.hashing.collect import _with_chosen_file
from dephash.inputs.reqfile import RequirementLine, RequirementsFile
from dephash.model import DistFile, MarkerEnvironment, Resolution, ResolvedPackage
from dephash.options import IndexOptions, ResolverOptions
from dephash.resolve.graph import via_annotations
from tests.support.builder import make_wheel, sha
from tests.support.jsonindex import JsonIndex

ENVIRONMENT = (("python_version", "3.11"), ("sys_platform", "linux"))


def package(name: str, *requires: str, requested: bool = False) -> ResolvedPackage:
    url = f"https://h/{name}-1.0.tar.gz"
    return ResolvedPackage(name, "1.0", url, requested=requested, requires_dist=requires)


def test_extras_propagate_through_the_graph() -> None:
    resolution = Resolution(
        (
            package("app", "lib[speed]>=1", "unused-dep", "broken requirement ((", requested=True),
            package("lib", "fast; extra == 'speed'", "slow; extra == 'compat'"),
            package("fast", "native; python_version ~= 'x'", "winonly; sys_platform == 'win32'"),
            package("native"),
            package("winonly"),
        ),
        MarkerEnvironment(ENVIRONMENT),
    )
    parsed = RequirementsFile(
        requirements=[
            RequirementLine("app", "in.txt", 1, "app"),
            RequirementLine("missing<2", "c.txt", 1, "missing", constraint=True),
            RequirementLine("https://h/x.whl", "in.txt", 2, None),
        ]
    )
    assert via_annotations(resolution, parsed) == {
        "app": ("-r in.txt",),
        "lib": ("app",),
        "fast": ("lib",),
        # The one marker policy: a marker that cannot be decided holds (dephash.markers).
        "native": ("fast",),
    }


def test_a_top_level_line_names_its_input_only_where_its_marker_holds() -> None:
    resolution = Resolution(
        (package("app", "shared", requested=True), package("shared"), package("tool")),
        MarkerEnvironment(ENVIRONMENT),
    )
    parsed = RequirementsFile(
        requirements=[
            RequirementLine("app", "in.txt", 1, "app"),
            RequirementLine("shared", "in.txt", 2, "shared", marker='sys_platform == "win32"'),
            RequirementLine("tool", "pyproject.toml", 3, "tool", via="p (pyproject.toml:dev)"),
        ]
    )
    assert via_annotations(resolution, parsed) == {
        "app": ("-r in.txt",),
        "shared": ("app",),
        "tool": ("p (pyproject.toml:dev)",),
    }


def test_the_chosen_file_is_kept_or_added(caplog: pytest.LogCaptureFixture) -> None:
    chosen = ResolvedPackage(
        "a",
        "1.0",
        "https://files/a-1.0-py3-none-any.whl#sha256=aa",
        archive_hashes=(("sha256", "aa"),),
    )
    listed = [
        DistFile("a-1.0.tar.gz", "u1"),
        DistFile("a-1.0-py3-none-any.whl", "u2", (("sha256", "aa"),)),
    ]
    assert _with_chosen_file(listed, chosen, "https://index/a/") == listed
    assert caplog.text == ""
    replaced = [DistFile("a-1.0-py3-none-any.whl", "u2", (("sha256", "bb"),))]
    assert _with_chosen_file(replaced, chosen, "https://index/a/") == [
        *replaced,
        DistFile(
            "a-1.0-py3-none-any.whl", "https://files/a-1.0-py3-none-any.whl", (("sha256", "aa"),)
        ),
    ]
    assert (
        "a==1.0: the file pip chose, https://files/a-1.0-py3-none-any.whl, is not on the "
        "index pages read (https://index/a/) with the digests pip saw"
    ) in caplog.text


def test_without_a_url_the_listing_must_have_files() -> None:
    unknown = ResolvedPackage("a", "1.0", "")
    listed = [DistFile("a-1.0.tar.gz", "u1")]
    assert _with_chosen_file(listed, unknown, "https://index/a/") == listed
    with pytest.raises(
        EnvironmentFailure,
        match=r"^a==1.0: no index page lists a file of this version \(read: x\); ",
    ):
        _with_chosen_file([], unknown, "x")


def test_a_listing_without_the_version_pip_chose_is_an_error() -> None:
    chosen = ResolvedPackage("a", "1.0", "https://u:p@files/a-1.0.tar.gz#sha256=aa")
    with pytest.raises(EnvironmentFailure) as caught:
        _with_chosen_file([], chosen, "https://index/a/")
    assert str(caught.value).startswith(
        "a==1.0: no index page lists a file of this version (read: https://index/a/), "
        "though pip chose https://****@files/a-1.0.tar.gz; "
    )


def test_the_reproduce_command_has_no_secrets_and_no_absolute_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    options = GenOptions(
        input=str(tmp_path / "req" / "in.txt"),
        algorithm="sha384",
        index=IndexOptions(
            index_url="https://user:pw@private.example.org/simple",
            extra_index_urls=("https://token@extra.example.org/simple",),
            find_links=("https://links.example.org/", str(tmp_path / "wheels")),
        ),
        resolver=ResolverOptions(pre=True, no_binary=(":all:",)),
        output="/elsewhere/prod.txt",
    )
    assert reproduce_command(options) == (
        "dephash gen --algorithm sha384 --index-url 'https://****@private.example.org/simple' "
        "--extra-index-url 'https://****@extra.example.org/simple' "
        "--find-links https://links.example.org/ --find-links wheels --pre --no-binary :all: "
        "-o prod.txt req/in.txt"
    )


def test_generate_is_a_library_call_with_an_injected_session(
    json_index: JsonIndex,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.chdir(tmp_path)
    wheel = make_wheel(tmp_path / "dist", "lib-call", "1.0")
    json_index.add_file("lib-call", wheel)
    (tmp_path / "in.txt").write_text("lib-call\n")
    session = requests.Session()
    caplog.set_level(logging.DEBUG, logger="dephash")
    result = generate(
        GenOptions(
            input="in.txt",
            index=IndexOptions(index_url=json_index.url, extra_index_urls=(json_index.url,)),
        ),
        session=session,
    )
    assert [(pin.name, pin.hashes("sha512")) for pin in result.lock.packages] == [
        ("lib-call", (f"sha512:{sha(wheel, 'sha512')}",))
    ]
    assert FORMATS["requirements"].render(result.lock).endswith("    # via -r in.txt\n")
    # Listed twice, fetched twice: once by pip for its metadata, once by dephash to hash it.
    assert json_index.count(f"/files/{wheel.name}") == 2
    session.get(json_index.url)  # the caller's session is still open
