"""check's portability audit: each environment a file covers finds every dependency pinned.

The audit's logic runs against a fake resolver with prepared metadata; the end-to-end tests
run real pip on a real local index, on files gen wrote.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from dephash.check.metadata import read_metadata
from dephash.check.model import Finding, FindingKind
from dephash.check.portability import portability
from dephash.environments import environment, every_environment, marker_values
from dephash.errors import ExitCode, ResolutionError
from dephash.formats import FORMATS
from dephash.inputs.reqfile import RequirementLine
from dephash.model import OS, DistFile, Environment, Machine, Resolution, ResolvedPackage
from dephash.resolve.pipinput import environment_arguments
from tests.support.builder import sha
from tests.support.cli import run
from tests.support.fakes import FakeResolver
from tests.support.jsonindex import JsonIndex
from tests.support.pypiserver import PyPIServer, publish_to

LINUX = environment((3, 11), OS.LINUX, Machine.X86_64)
WINDOWS = environment((3, 11), OS.WINDOWS, Machine.X86_64)
OLD = environment((3, 10), OS.LINUX, Machine.X86_64)
HERE = marker_values(LINUX).as_dict()
ARGS = ("--index-url", "https://index/simple/")
HASH = "--hash=sha256:" + "a" * 64


def package(name: str, version: str, *requires: str, python: str | None = None) -> ResolvedPackage:
    return ResolvedPackage(
        name, version, f"https://files/{name}-{version}.whl", requires_dist=requires,
        requires_python=python,
    )  # fmt: skip


@dataclass(frozen=True)
class Audit:
    findings: tuple[Finding, ...]
    unavailable: tuple[str, ...]


def audit(
    lines: list[RequirementLine],
    environments: list[Environment] | tuple[Environment, ...],
    resolver: FakeResolver,
    files: dict[str, list[str]] | None = None,
    only_binary: tuple[str, ...] = (),
) -> Audit:
    """Both halves of the step; ``files`` are the file names served per name (default: one
    pure-Python wheel each)."""
    metadata = read_metadata(lines, environments, resolver, ARGS, HERE)

    def files_of(name: str, version: str) -> list[DistFile]:
        names = (files or {}).get(name, [f"{name}-{version}-py3-none-any.whl"])
        return [DistFile(filename, f"https://files/{filename}") for filename in names]

    findings, unavailable = portability(lines, environments, metadata, files_of, only_binary)
    return Audit(tuple(findings), unavailable)


def lines_of(text: str, workdir: Path) -> list[RequirementLine]:
    (workdir / "prod.txt").write_text(text)
    return FORMATS["requirements"].read("prod.txt").requirements


def pins(*entries: str) -> str:
    return "".join(f"{entry} {HASH}\n" for entry in entries)


def test_an_environment_that_finds_everything_pinned_passes(workdir: Path) -> None:
    lines = lines_of(
        pins("app==1.0", "lib==2.0", 'colorama==0.4 ; sys_platform == "win32"'), workdir
    )
    resolver = FakeResolver(
        [
            Resolution((package("app", "1.0", "lib>=2", "colorama ; sys_platform == 'win32'"),
                        package("lib", "2.0"))),
            Resolution((package("colorama", "0.4"),)),
        ]
    )  # fmt: skip
    result = audit(lines, [LINUX, WINDOWS], resolver)
    assert result.findings == ()
    assert result.unavailable == ()
    host, windows = resolver.requests
    assert host.arguments == (*ARGS, "--no-deps")
    assert host.input_arguments[0] == "-r"
    assert windows.arguments == (*ARGS, *environment_arguments(WINDOWS), "--no-deps")
    assert windows.python is None
    assert list(workdir.iterdir()) == [workdir / "prod.txt"]  # the scratch files are gone


def test_a_dependency_one_environment_needs_and_no_line_pins_is_named(workdir: Path) -> None:
    lines = lines_of(pins("app==1.0"), workdir)
    resolver = FakeResolver(
        [Resolution((package("app", "1.0", "colorama>=0.4 ; sys_platform == 'win32'"),))]
    )
    (finding,) = audit(lines, [LINUX, WINDOWS], resolver).findings
    assert (finding.package, finding.version, finding.kind) == (
        "colorama",
        None,
        FindingKind.NOT_PORTABLE,
    )
    assert finding.location == "prod.txt:1"  # the line that needs it
    assert finding.message.startswith(
        "app==1.0 requires 'colorama>=0.4' on CPython 3.11 on Windows on x86_64, and no line "
        "pins it there"
    )
    assert len(resolver.requests) == 1  # Windows pins nothing of its own to ask pip about


def test_one_finding_names_every_environment_it_holds_in(workdir: Path) -> None:
    lines = lines_of(pins("app==1.0"), workdir)
    resolver = FakeResolver(
        [Resolution((package("app", "1.0", "tomli ; python_version < '3.11'"),))]
    )
    envs = every_environment([(3, 10), (3, 11)])
    (finding,) = audit(lines, envs, resolver).findings
    assert "requires 'tomli' on CPython 3.10 on Linux, macOS and Windows, each on x86_64 and " in (
        finding.message
    )


def test_versions_and_pythons_that_do_not_fit_an_environment_are_named(workdir: Path) -> None:
    lines = lines_of(pins("app==1.0", "lib==1.0", "new==2.0"), workdir)
    resolver = FakeResolver(
        [Resolution((package("app", "1.0", "lib>=2 ; python_version < '3.11'", "new"),
                     package("lib", "1.0"), package("new", "2.0", python=">=3.11")))]
    )  # fmt: skip
    findings = audit(lines, [LINUX, OLD], resolver).findings
    assert sorted((f.package, f.version, f.location, f.message) for f in findings) == [
        (
            "lib",
            "1.0",
            "prod.txt:2",
            "app==1.0 requires 'lib>=2' on CPython 3.10 on Linux on x86_64, which excludes the "
            "version pinned there; regenerate the file with dephash gen",
        ),
        (
            "new",
            "2.0",
            "prod.txt:3",
            "requires Python >=3.11, which excludes CPython 3.10 on Linux on x86_64; "
            "regenerate the file with dephash gen",
        ),
    ]


def test_extras_asked_by_a_dependency_are_followed(workdir: Path) -> None:
    lines = lines_of(pins("app==1.0", "lib==1.0", "app2==1.0"), workdir)
    resolver = FakeResolver(
        [Resolution((package("app", "1.0", "lib[fast]"), package("app2", "1.0", "lib[more]"),
                     package("lib", "1.0", "speedup ; extra == 'fast'", "not a requirement ((",
                             "ignored ; extra == 'never'")))]
    )  # fmt: skip
    findings = audit(lines, [LINUX], resolver).findings
    assert [(f.package, f.message.split(" on ")[0]) for f in findings] == [
        ("speedup", "lib==1.0 requires 'speedup'")
    ]


def test_a_patch_release_condition_is_judged_at_both_ends(workdir: Path) -> None:
    needs = "backport ; python_full_version < '3.11.4'"
    covered = lines_of(pins("app==1.0", 'backport==1.0 ; python_full_version < "3.11.4"'), workdir)
    resolver = FakeResolver([Resolution((package("app", "1.0", needs),))])
    answer = FakeResolver([resolver.answers[0], Resolution((package("backport", "1.0"),))])
    assert audit(covered, [LINUX], answer).findings == ()
    uncovered = lines_of(pins("app==1.0"), workdir)
    (finding,) = audit(uncovered, [LINUX], resolver).findings
    assert finding.package == "backport"


def test_archives_by_url_and_odd_versions_are_not_judged_by_version(workdir: Path) -> None:
    lines = lines_of(
        pins("app==1.0", "lib @ https://files/lib-1.0.whl", "odd===x-1", "app==9.0"), workdir
    )
    resolver = FakeResolver(
        [Resolution((package("app", "1.0", "lib>=5", "odd>=2"), package("lib", "1.0"),
                     package("odd", "x-1")))]
    )  # fmt: skip
    assert audit(lines, [LINUX], resolver, {"odd": ["odd-x-1.tar.gz"]}).findings == ()
    (request,) = resolver.requests
    scratch = request.input_arguments[1]
    assert not Path(scratch).exists()


def test_an_environment_pip_cannot_read_is_unavailable_not_clean(workdir: Path) -> None:
    lines = lines_of(pins("app==1.0", 'winlib==1.0 ; sys_platform == "win32"'), workdir)
    resolver = FakeResolver(
        [Resolution((package("app", "1.0"),)), ResolutionError("no wheel of winlib")]
    )
    result = audit(lines, [LINUX, WINDOWS], resolver)
    assert result.findings == ()
    assert result.unavailable == (
        "CPython 3.11 on Windows on x86_64: pip could not read the metadata: no wheel of winlib",
    )


def test_a_host_pip_cannot_read_is_unavailable(workdir: Path) -> None:
    lines = lines_of(pins("app==1.0"), workdir)
    result = audit(lines, [LINUX, OLD], FakeResolver([ResolutionError("gone")]))
    assert result.unavailable == (
        "CPython 3.11 on Linux on x86_64: pip could not read the metadata on the resolving "
        "interpreter: gone",
        "CPython 3.10 on Linux on x86_64: pip could not read the metadata on the resolving "
        "interpreter: gone",
    )


def test_nothing_to_audit_runs_nothing(workdir: Path) -> None:
    resolver = FakeResolver([ResolutionError("must not run")])
    assert audit(lines_of(pins("app==1.0"), workdir), [], resolver) == Audit((), ())
    assert audit([], [LINUX], resolver) == Audit((), ())
    assert resolver.requests == []


def test_a_release_with_no_file_for_an_environment_is_named(workdir: Path) -> None:
    lines = lines_of(pins("app==1.0", "native==1.0", "gone==1.0"), workdir)
    resolver = FakeResolver(
        [Resolution((package("app", "1.0", "native", "gone"), package("native", "1.0"),
                     package("gone", "1.0")))]
    )  # fmt: skip
    files = {"native": ["native-1.0-cp311-cp311-manylinux_2_17_x86_64.whl"], "gone": []}
    (finding,) = audit(lines, [LINUX, WINDOWS], resolver, files).findings
    assert (finding.package, finding.location) == ("native", "prod.txt:2")
    assert finding.message == (
        "no file of it installs on CPython 3.11 on Windows on x86_64; regenerate the file with "
        "dephash gen"
    )


def test_a_release_without_a_wheel_there_is_read_from_its_sdist(workdir: Path) -> None:
    lines = lines_of(pins('built==1.0 ; sys_platform == "win32"'), workdir)
    built = Resolution((package("built", "1.0"),))
    resolver = FakeResolver([ResolutionError("no wheel of built"), built])
    assert audit(lines, [WINDOWS], resolver, {"built": ["built-1.0.tar.gz"]}) == Audit((), ())
    wheels, sdists = resolver.requests  # none on the host, where the line does not hold
    assert "--only-binary" in wheels.arguments
    # With --no-deps pip may take an sdist for another platform: it builds the metadata here.
    assert sdists.arguments == (
        *ARGS, *environment_arguments(WINDOWS, wheels_only=False), "--no-deps",
    )  # fmt: skip


def test_a_release_with_an_sdist_only_installs_unless_only_binary_names_it(
    workdir: Path,
) -> None:
    lines = lines_of(pins("app==1.0", "built==1.0", "native==1.0"), workdir)
    resolver = FakeResolver(
        [Resolution((package("app", "1.0", "built", "native"), package("built", "1.0"),
                     package("native", "1.0")))]
    )  # fmt: skip
    files = {
        "built": ["built-1.0.tar.gz"],
        "native": ["native-1.0-cp311-cp311-manylinux_2_17_x86_64.whl"],
    }
    (finding,) = audit(lines, [WINDOWS], resolver, files).findings
    assert finding.package == "native"  # pip builds the sdist of built there
    refused = audit(lines, [WINDOWS], resolver, files, ("built",)).findings
    assert [(item.package, item.message) for item in refused] == [
        ("built", "no wheel of it installs on CPython 3.11 on Windows on x86_64, and "
         "--only-binary forbids its sdist; regenerate the file with dephash gen"),
        ("native", "no file of it installs on CPython 3.11 on Windows on x86_64; regenerate "
         "the file with dephash gen"),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "covered"),
    [
        (
            "#\n# It covers CPython 3.11 on Linux, macOS and Windows, each on x86_64 and arm64.\n",
            every_environment([(3, 11)]),
        ),
        ("# It covers CPython 3.10 on Linux on x86_64.\nx==1\n", (OLD,)),
        ("# It covers the interpreter that resolved it only.\n", ()),
        ("# It covers CPython 3.10 on Mars.\n", None),
        ("# It covers CPython 3.10 on Linux on x86_64\n", None),
        ("x==1\n# It covers CPython 3.10 on Linux on x86_64.\n", None),
        ("", None),
    ],
)
def test_the_header_says_which_environments_a_file_covers(
    text: str, covered: tuple[object, ...] | None
) -> None:
    assert FORMATS["requirements"].covers(text) == covered


@dataclass
class World:
    index: str
    native: Path


@pytest.fixture(scope="module")
def world(pypiserver: PyPIServer) -> World:
    publish_to(
        pypiserver,
        "port-top",
        "1.0",
        requires=["port-dep>=1", "port-win ; sys_platform == 'win32'"],
    )
    publish_to(pypiserver, "port-dep", "1.0")
    publish_to(pypiserver, "port-win", "1.0", sdist=False)
    publish_to(pypiserver, "port-two", "1.0", tags=("cp311-cp311-manylinux_2_17_x86_64",
               "cp311-cp311-win_amd64"), sdist=False)  # fmt: skip
    (native,) = publish_to(pypiserver, "port-native", "1.0",
                           tags=("cp311-cp311-manylinux_2_17_x86_64",), sdist=False)  # fmt: skip
    return World(pypiserver.url, native)


def without(text: str, name: str) -> str:
    """``text`` without the block that pins ``name``."""
    kept, skipping = [], False
    for line in text.splitlines(keepends=True):
        if line.startswith(name + "=="):
            skipping = True
            continue
        if skipping and line.startswith("    "):
            continue
        skipping = False
        kept.append(line)
    return "".join(kept)


def test_a_file_gen_wrote_is_portable_and_one_without_a_line_is_not(
    world: World, workdir: Path
) -> None:
    Path("in.txt").write_text("port-top\n")
    made = run("gen", "-q", "-i", world.index, "-o", "prod.txt", "in.txt")
    assert made.exit_code == 0, made.output
    text = Path("prod.txt").read_text()
    assert 'port-win==1.0 ; sys_platform == "win32"' in text
    clean = run("check", "-i", world.index, "prod.txt")
    assert clean.exit_code == 0, clean.output
    assert "every dependency pinned for each environment it covers" in clean.stdout
    Path("prod.txt").write_text(without(text, "port-win"))
    broken = run("check", "--format", "json", "-i", world.index, "prod.txt")
    assert broken.exit_code == ExitCode.FINDINGS
    document = json.loads(broken.stdout)
    assert "portable" in document["checked"]
    (finding,) = document["findings"]
    assert (finding["package"], finding["kind"]) == ("port-win", "not-portable")
    assert finding["message"].startswith(
        "port-top==1.0 requires 'port-win' on CPython 3.11 on Windows, each on x86_64 and arm64,"
    )
    # Named on the command line, the environments replace the header's.
    linux = run("check", "-i", world.index, "--platform", "linux", "prod.txt")
    assert linux.exit_code == 0, linux.output


def test_a_file_for_the_host_only_or_without_a_header_is_not_audited(
    world: World, workdir: Path
) -> None:
    Path("in.txt").write_text("port-top\n")
    made = run("gen", "-q", "-i", world.index, "--host-only", "-o", "prod.txt", "in.txt")
    assert made.exit_code == 0, made.output
    host_only = Path("prod.txt").read_text()
    for text in (host_only, pins("port-dep==1.0")):
        Path("prod.txt").write_text(text)
        result = run("check", "--format", "json", "-i", world.index, "prod.txt")
        assert "portable" not in json.loads(result.stdout)["checked"]
    Path("prod.txt").write_text(host_only)
    audited = run("check", "-i", world.index, "--platform", "windows", "prod.txt")
    assert audited.exit_code == ExitCode.FINDINGS
    assert "port-top==1.0 requires 'port-win' on CPython 3.11 on Windows" in audited.stdout


def test_an_environment_no_metadata_is_read_for_fails_the_check_as_unjudged(
    world: World, json_index: JsonIndex, workdir: Path
) -> None:
    # Its header says it covers Windows, where no wheel of port-native installs.
    text = (
        "# It covers CPython 3.11 on Windows on x86_64.\n"
        f'port-native==1.0 ; sys_platform == "win32" --hash=sha256:{sha(world.native, "sha256")}\n'
    )
    Path("prod.txt").write_text(text)
    # The metadata inside its one wheel, read by range requests, says it needs nothing.
    judged = run("check", "-i", world.index, "prod.txt")
    assert judged.exit_code == ExitCode.FINDINGS, judged.output
    assert "no file of it installs on CPython 3.11 on Windows on x86_64" in judged.stdout
    # An index that serves no metadata file and answers no range request leaves it to pip,
    # which cannot read what it would install there.
    json_index.ranges_enabled = False
    json_index.add_file("port-native", world.native)
    result = run("check", "-i", json_index.url, "prod.txt")
    assert result.exit_code == ExitCode.ENVIRONMENT, result.output
    assert (
        "Portability could not be judged for:\n  CPython 3.11 on Windows on x86_64: pip could "
        in (result.stdout)
    )
    assert "portability not judged for 1 environment" in result.stdout
    assert result.stderr == (
        "dephash: error: portability could not be judged for 1 environment (listed in the "
        "report); nothing is claimed about them\n"
    )


def test_a_release_pip_reports_nothing_for_is_not_judged(workdir: Path) -> None:
    lines = lines_of(pins("app==1.0", "unreported==1.0"), workdir)
    resolver = FakeResolver([Resolution((package("app", "1.0", "unreported"),))])
    # Never clean without having read it: the environment is not judged, and says why.
    assert audit(lines, [LINUX], resolver) == Audit(
        (), ("CPython 3.11 on Linux on x86_64: no metadata could be read for unreported==1.0",)
    )
    assert len(resolver.requests) == 2  # asked again for the environment, in vain


def test_files_that_install_nowhere_the_file_covers_need_no_hash(
    world: World, workdir: Path
) -> None:
    Path("in.txt").write_text("port-two\n")
    made = run("gen", "-q", "-i", world.index, "--platform", "manylinux_2_17_x86_64",
               "-o", "prod.txt", "in.txt")  # fmt: skip
    assert made.exit_code == 0, made.output
    assert "It covers CPython 3.11 on manylinux_2_17_x86_64." in Path("prod.txt").read_text()
    result = run("check", "-i", world.index, "prod.txt")
    assert result.exit_code == 0, result.output
    assert "every file that installs where it covers has a hash" in result.stdout
    windows = run("check", "--strict", "-i", world.index, "--platform", "win_amd64", "prod.txt")
    assert windows.exit_code == ExitCode.FINDINGS
    assert windows.stdout.splitlines()[0] == (
        "prod.txt:9: warning: port-two==1.0: port_two-1.0-cp311-cp311-win_amd64.whl is served "
        "for this release but no hash covers it: pip may choose it on some platform and fail; "
        "regenerate [uncovered-file]"
    )
