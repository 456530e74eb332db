"""The pipeline through its seams: a prepared resolution and an index in memory, no pip run
for the resolution and no server."""

from __future__ import annotations

from pathlib import Path

import pytest

from dephash.check import check
from dephash.check.model import CheckOptions, Drift, FindingKind
from dephash.diff import HashChange, VersionChange
from dephash.errors import InputError, ResolutionError
from dephash.formats import FORMATS
from dephash.gen import GenOptions, generate
from dephash.model import (
    DistFile,
    LockedFile,
    MarkerEnvironment,
    Provenance,
    Resolution,
    ResolvedPackage,
)
from dephash.options import IndexOptions
from dephash.resolve import ResolveRequest
from tests.support.fakes import FakeResolver, MemoryIndex

INDEX = "https://index.example/simple/"
LINUX = MarkerEnvironment.of({"python_version": "3.11", "sys_platform": "linux"})


def digest(letter: str) -> str:
    return letter * 64


def dist(filename: str, letter: str, **extra: object) -> DistFile:
    url = f"https://files.example/{filename}"
    return DistFile(filename, url, (("sha256", digest(letter)),), **extra)  # type: ignore[arg-type]


APP_WHEEL = dist("app-1.0-py3-none-any.whl", "a", size=1200, upload_time="2026-01-02T03:04:05Z")
APP_SDIST = dist("app-1.0.tar.gz", "b", size=900)
LIB_WHEEL = dist("lib-2.0-py3-none-any.whl", "c", requires_python=">=3.9")
WORLD = MemoryIndex(
    {
        INDEX: {
            "app": [APP_WHEEL, APP_SDIST, dist("app-0.9-py3-none-any.whl", "d")],
            "lib": [LIB_WHEEL, dist("lib-1.0-py3-none-any.whl", "e")],
        }
    }
)


def resolved(name: str, version: str, item: DistFile, *requires: str) -> ResolvedPackage:
    return ResolvedPackage(
        name,
        version,
        item.url,
        requires_dist=requires,
        archive_hashes=item.hashes,
        requires_python=item.requires_python,
    )


RESOLUTION = Resolution(
    (resolved("app", "1.0", APP_WHEEL, "lib>=1"), resolved("lib", "2.0", LIB_WHEEL)), LINUX
)


@pytest.fixture
def inputs(workdir: Path) -> Path:
    (workdir / "in.txt").write_text("app\n")
    return workdir


def sha256_options(**extra: object) -> GenOptions:
    return GenOptions(
        input="in.txt",
        algorithm="sha256",
        index=IndexOptions(index_url=INDEX),
        **extra,  # type: ignore[arg-type]
    )


def test_the_lock_keeps_every_file_with_its_index_data(inputs: Path) -> None:
    resolver = FakeResolver([RESOLUTION])
    result = generate(sha256_options(), resolver=resolver, index=WORLD, config=dict)
    app, lib = result.lock.packages
    assert (app.name, app.version, app.via) == ("app", "1.0", ("-r in.txt",))
    assert app.files == (
        LockedFile(
            APP_WHEEL.filename,
            APP_WHEEL.url,
            (("sha256", digest("a")),),
            size=1200,
            upload_time="2026-01-02T03:04:05Z",
        ),
        LockedFile(APP_SDIST.filename, APP_SDIST.url, (("sha256", digest("b")),), size=900),
    )
    assert (lib.via, lib.requires_python) == (("app",), ">=3.9")
    assert [item.filename for item in lib.files] == [LIB_WHEEL.filename]
    assert result.lock.provenance == Provenance(
        input="in.txt",
        command=f"dephash gen --algorithm sha256 --index-url {INDEX} in.txt",
        covers="CPython 3.11 on Linux, macOS and Windows, each on x86_64 and arm64",
    )
    assert result.lock.resolved_with == LINUX
    # The network's bounds reach pip too.
    bounds = ("--timeout", "60", "--retries", "5")
    assert resolver.requests == [ResolveRequest(("-r", "in.txt"), ("--index-url", INDEX, *bounds))]
    text = FORMATS["requirements"].render(result.lock)
    assert text.endswith(
        "app==1.0 \\\n"
        f"    --hash=sha256:{digest('a')} \\\n"
        f"    --hash=sha256:{digest('b')}\n"
        "    # via -r in.txt\n"
        "lib==2.0 \\\n"
        f"    --hash=sha256:{digest('c')}\n"
        "    # via app\n"
    )
    assert f"#    dephash gen --algorithm sha256 --index-url {INDEX} in.txt\n" in text


def test_kept_pins_go_to_the_resolver_as_constraints_and_give_way(inputs: Path) -> None:
    (inputs / "prod.txt").write_text(
        f"app==1.0 --hash=sha256:{digest('a')}\nlib==1.0 --hash=sha256:{digest('e')}\n"
    )
    conflict = ResolutionError("conflict", "The user requested (constraint) lib==1.0\n")
    resolver = FakeResolver([conflict, RESOLUTION])
    result = generate(
        sha256_options(output="prod.txt", upgrade_packages=("app==1.0",)),
        resolver=resolver,
        index=WORLD,
        config=dict,
    )
    assert [request.constraints for request in resolver.requests] == [
        (("app", "1.0"), ("lib", "1.0")),
        (("app", "1.0"),),
    ]
    assert result.released == ("lib",)
    assert result.changes is not None
    assert result.changes.upgraded == (VersionChange("lib", "1.0", "2.0"),)
    assert result.changes.new_files == (HashChange("app", "1.0", (f"sha256:{digest('b')}",)),)


def test_a_resolution_without_packages_is_refused(inputs: Path) -> None:
    (inputs / "in.txt").write_text("# nothing yet\n")
    resolver = FakeResolver([Resolution((), LINUX)])
    with pytest.raises(InputError, match=r"in\.txt resolves to no packages: nothing to pin"):
        generate(sha256_options(), resolver=resolver, index=WORLD, config=dict)


def test_check_compares_the_pins_with_a_new_resolution(inputs: Path) -> None:
    (inputs / "prod.txt").write_text(
        f"app==1.0 --hash=sha256:{digest('a')} --hash=sha256:{digest('b')}\n"
        f"old==1.0 --hash=sha256:{digest('f')}\n"
    )
    projects: dict[str, list[DistFile]] = {
        **WORLD.indexes[INDEX],
        "old": [dist("old-1.0.tar.gz", "f")],
    }
    index = MemoryIndex({INDEX: projects})
    resolver = FakeResolver([RESOLUTION])
    result = check(
        CheckOptions("prod.txt", input="in.txt", index=IndexOptions(index_url=INDEX)),
        resolver=resolver,
        index=index,
    )
    assert result.drift == (Drift("lib", None, "lib==2.0"), Drift("old", "old==1.0", None))
    assert [(f.package, f.kind) for f in result.findings] == [
        ("lib", FindingKind.MISSING),
        ("old", FindingKind.UNNEEDED),
    ]
    (request,) = resolver.requests
    assert request.input_arguments == ("-r", "in.txt")
    assert request.constraints == (("app", "1.0"), ("old", "1.0"))
    assert request.arguments == ("--index-url", INDEX, "--timeout", "60", "--retries", "5")
