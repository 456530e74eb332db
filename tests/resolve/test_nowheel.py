"""Where no wheel fits an environment: the runs tried instead, what builds from an sdist, and
pip's reasons read plainly. pip is a fake here; tests/test_gen_nowheel.py runs the real one."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from dephash.environments import environment, marker_values
from dephash.errors import InputError, ResolutionError
from dephash.inputs.reqfile import RequirementLine, RequirementsFile
from dephash.model import OS, DistFile, Environment, Machine, Resolution, ResolvedPackage
from dephash.resolve import ResolveRequest
from dephash.resolve.environments import place
from dephash.resolve.nowheel import (
    Run,
    forbidden,
    plain_reason,
    run_for,
    sibling_runs,
    warn_about_sdists,
    wheelless,
)
from dephash.resolve.pipinput import environment_arguments
from tests.support.fakes import FakeResolver

LINUX = environment((3, 11), OS.LINUX, Machine.X86_64)
WINDOWS = environment((3, 11), OS.WINDOWS, Machine.X86_64)
WINDOWS_ARM = environment((3, 11), OS.WINDOWS, Machine.ARM64)
OLD_LINUX = environment((3, 10), OS.LINUX, Machine.X86_64)
OLD_WINDOWS = environment((3, 10), OS.WINDOWS, Machine.X86_64)
OLD_ARM = environment((3, 10), OS.WINDOWS, Machine.ARM64)
HOST = marker_values(LINUX)
REQUEST = ResolveRequest(("-r", "in.txt"), ("--index-url", "https://index/simple/"))


def tags(env: Environment) -> Run:
    return Run(None, tuple(environment_arguments(env)))


def no_interpreter(env: Environment) -> str | None:
    return None


def package(
    name: str, version: str = "1.0", *requires: str, direct: bool = False
) -> ResolvedPackage:
    return ResolvedPackage(
        name, version, f"https://files/{name}", direct=direct, requires_dist=requires
    )


def files_of(name: str, version: str) -> list[DistFile]:
    """native has a wheel for Windows on x86_64 and an sdist; sdonly an sdist only."""
    if name == "native":
        return [
            DistFile("native-1.0-cp311-cp311-win_amd64.whl", "u"),
            DistFile("native-1.0.tar.gz", "u"),
        ]
    if name == "sdonly":
        return [DistFile("sdonly-1.0.tar.gz", "u")]
    if name == "unlisted":
        return []
    return [DistFile(f"{name}-{version}-py3-none-any.whl", "u")]


def test_the_resolving_interpreter_stands_for_its_own_python() -> None:
    assert sibling_runs(WINDOWS_ARM, WINDOWS, HOST, "/venv/python", no_interpreter) == [
        Run("/venv/python"),
        tags(WINDOWS),
    ]
    assert sibling_runs(WINDOWS_ARM, None, HOST, None, no_interpreter) == [
        Run(None),
        tags(WINDOWS),
    ]
    assert Run(None).shown == "the resolving interpreter"
    assert not Run("/venv/python").wheels_only


def test_another_python_takes_this_machine_s_run_then_its_os_s_then_the_lead_s() -> None:
    assert sibling_runs(OLD_ARM, OLD_WINDOWS, HOST, None, no_interpreter) == [
        tags(OLD_LINUX),
        tags(OLD_WINDOWS),
    ]
    assert tags(OLD_LINUX).shown == " ".join(environment_arguments(OLD_LINUX))
    real = {OLD_LINUX: "/usr/bin/python3.10"}
    assert sibling_runs(OLD_ARM, OLD_WINDOWS, HOST, None, real.get) == [
        Run("/usr/bin/python3.10"),
        tags(OLD_WINDOWS),
    ]
    # This machine's environment is the lead: tried once, then the same OS on x86_64 (what
    # only Windows installs has no Linux file); and never the environment itself.
    assert sibling_runs(OLD_ARM, OLD_LINUX, HOST, None, no_interpreter) == [
        tags(OLD_LINUX),
        tags(OLD_WINDOWS),
    ]
    old_mac = environment((3, 10), OS.MACOS, Machine.ARM64)
    assert sibling_runs(OLD_ARM, old_mac, HOST, None, no_interpreter) == [
        tags(OLD_LINUX),
        tags(OLD_WINDOWS),
        tags(old_mac),
    ]
    assert sibling_runs(OLD_LINUX, None, HOST, None, no_interpreter) == [
        tags(environment((3, 10), OS.LINUX, Machine.ARM64))
    ]
    assert run_for(OLD_LINUX, "/usr/bin/python3.10") == Run("/usr/bin/python3.10")


def test_a_machine_dephash_does_not_know_has_no_tags_of_its_own() -> None:
    risc = marker_values(LINUX).as_dict() | {
        "platform_machine": "riscv64",
        "python_version": "3.12",
    }
    host = type(HOST).of(risc)
    assert sibling_runs(OLD_ARM, OLD_WINDOWS, host, None, no_interpreter) == [tags(OLD_WINDOWS)]


def test_what_builds_from_its_sdist_is_named_once_per_release(
    caplog: pytest.LogCaptureFixture,
) -> None:
    packages = [
        package("native"),
        package("sdonly"),
        package("pure"),
        package("unlisted"),
        package("sdonly", direct=True),
    ]
    assert [p.name for p in wheelless(packages, WINDOWS, files_of)] == ["sdonly"]
    assert [p.name for p in wheelless(packages, WINDOWS_ARM, files_of)] == ["native", "sdonly"]
    with caplog.at_level(logging.WARNING):
        warn_about_sdists(
            [(WINDOWS, packages), (WINDOWS_ARM, packages), (OLD_ARM, packages[1:2])], files_of
        )
        warn_about_sdists([(WINDOWS_ARM, packages[:1]), (OLD_ARM, packages[:1])], files_of)
    assert caplog.messages == [
        "native 1.0 on CPython 3.11 on Windows on arm64: no wheel; pip builds it from the "
        "sdist at install",
        "sdonly 1.0 on CPython 3.10 on Windows on arm64; CPython 3.11 on Windows, each on "
        "x86_64 and arm64: no wheel; pip builds it from the sdist at install",
        "native 1.0 on CPython 3.10 and 3.11 on Windows on arm64: no wheel; pip builds it from "
        "the sdist at install",
    ]


def test_only_binary_is_named_where_it_forbids_the_sdist() -> None:
    packages = [package("pure"), package("native")]
    assert forbidden(packages, WINDOWS_ARM, files_of, (":all:",)) == (
        "native 1.0 has no wheel there, and --only-binary forbids building it from its sdist"
    )
    assert forbidden(packages, WINDOWS_ARM, files_of, ("other",)) is None
    assert forbidden(packages, WINDOWS, files_of, (":all:",)) is None


def test_pip_s_reasons_name_the_requirement_not_the_scratch_file(tmp_path: Path) -> None:
    scratch = tmp_path / "dephash-env-x.txt"
    scratch.write_text("--index-url https://index/simple/\nkeyring>=24\n")
    message = (
        f"pip could not resolve the requirements: ERROR: Cannot install -r {scratch} (line 2) "
        f"and -r {scratch} (line 9) because these package versions have conflicting "
        "dependencies. ERROR: ResolutionImpossible: for help visit https://pip.pypa.io/x"
    )
    output = (
        "Additionally, some packages in these conflicts have no matching distributions "
        "available for your environment:\n    rpds-py\n    numpy\n\nTo fix this"
    )
    arguments = ["-c", str(tmp_path / "unread.txt"), "-r", str(scratch)]
    assert plain_reason(message, output, arguments, True) == (
        f"pip could not resolve the requirements: Cannot install keyring>=24 and -r {scratch} "
        "(line 9) because these package versions have conflicting dependencies; no release "
        "of rpds-py, numpy they admit has a wheel there"
    )
    assert plain_reason(message, "", [], False).endswith("conflicting dependencies.")


@pytest.mark.parametrize(
    ("versions", "wheels_only", "said"),
    [
        ("none", True, "no release of numpy>=2 has a wheel there"),
        ("none", False, "no release of numpy>=2 has a file there"),
        ("1.0, 1.1", True, "no release of numpy>=2 with a wheel there matches (those with one: "
         "1.0, 1.1)"),
    ],
)  # fmt: skip
def test_from_versions_none_says_no_release_has_a_wheel(
    versions: str, wheels_only: bool, said: str
) -> None:
    message = (
        "pip could not resolve the requirements: ERROR: Could not find a version that "
        f"satisfies the requirement numpy>=2 (from versions: {versions}) ERROR: No matching "
        "distribution found for numpy>=2"
    )
    assert plain_reason(message, "", [], wheels_only) == (
        f"pip could not resolve the requirements: {said}"
    )


def line(text: str, name: str) -> RequirementLine:
    return RequirementLine(text, "in.txt", 1, name)


ROOTS = RequirementsFile(requirements=[line("app", "app")])


def test_an_environment_without_the_wheel_takes_a_sibling_s_answer(
    workdir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Windows needs ``win`` (the host cannot have it); pip with Windows' tags finds no wheel
    of ``sdonly``; the resolving interpreter's answer serves Windows."""
    host = Resolution((package("app", "1.0", "sdonly", "win ; sys_platform == 'win32'"),
                       package("sdonly")), HOST)  # fmt: skip
    windows = Resolution((*host.packages, package("win")))
    resolver = FakeResolver(
        [ResolutionError("host: no win"), ResolutionError("no wheel of sdonly"), windows]
    )
    with caplog.at_level(logging.WARNING):
        _, placed = place(
            host, ROOTS, [LINUX, WINDOWS], resolver, REQUEST, files_of, lambda env: {}
        )
    assert set(placed.packages) == {"app", "sdonly", "win"}
    _, own, fallback = resolver.requests
    assert own.arguments[2:] == tuple(environment_arguments(WINDOWS))
    assert (fallback.arguments, fallback.python) == (REQUEST.arguments, None)
    assert caplog.messages == [
        "sdonly 1.0 on CPython 3.11 on Linux and Windows on x86_64: no wheel; pip builds it "
        "from the sdist at install"
    ]
    # With --only-binary, the sibling's answer does not serve Windows: the error says why.
    refused = FakeResolver(resolver.answers)
    with pytest.raises(InputError) as raised:
        place(host, ROOTS, [WINDOWS], refused, REQUEST, files_of, lambda env: {}, (":all:",))
    assert str(raised.value) == (
        "cannot resolve for CPython 3.11 on Windows on x86_64: sdonly 1.0 has no wheel there, "
        "and --only-binary forbids building it from its sdist"
    )


def test_the_siblings_are_tried_in_turn_and_pip_s_first_reason_stays(workdir: Path) -> None:
    """3.10 on Windows on x86_64 leads; on arm64, ``arm`` is lacking; this machine's tags
    cannot have it, the lead's can."""
    needs = ("win ; sys_platform == 'win32'", "arm ; platform_machine == 'ARM64'")
    host = Resolution((package("app", "1.0", *needs),), HOST)
    lead = Resolution((*host.packages, package("win")))
    resolver = FakeResolver(
        [
            ResolutionError("host: no win, no arm"),  # what the environments lack, on the host
            lead,  # the lead's own run
            ResolutionError("lead: no arm"),  # the lead's answer widened for arm64
            ResolutionError("no wheel of arm there"),  # arm64's own run
            ResolutionError("not on Linux either"),  # this machine's tags
            Resolution((*lead.packages, package("arm"))),  # the lead's tags
        ]
    )
    ordered = [OLD_WINDOWS, OLD_ARM]
    _, placed = place(host, ROOTS, ordered, resolver, REQUEST, files_of, lambda env: {})
    assert set(placed.packages) == {"app", "arm", "win"}
    assert [request.arguments[2:] for request in resolver.requests[-3:]] == [
        tags(OLD_ARM).arguments, tags(OLD_LINUX).arguments, tags(OLD_WINDOWS).arguments,
    ]  # fmt: skip
    # A sibling whose answer still lacks something does not serve; pip's own reason stays.
    lacking = FakeResolver(
        [ResolutionError("host: no"), ResolutionError("no wheel of arm there"), host]
    )
    with pytest.raises(InputError) as raised:
        place(host, ROOTS, [OLD_ARM], lacking, REQUEST, files_of, lambda env: {})
    assert str(raised.value).startswith(
        "cannot resolve for CPython 3.10 on Windows on arm64: no wheel of arm there (runs for "
        "another platform"
    )
    # The host, its own tags, this machine's tags, Windows on x86_64's: where a run for a real
    # interpreter fails, nothing else is tried.
    assert [request.arguments[2:] for request in lacking.requests[1:]] == [
        tags(OLD_ARM).arguments, tags(OLD_LINUX).arguments, tags(OLD_WINDOWS).arguments,
    ]  # fmt: skip
    real = FakeResolver([ResolutionError("host: no"), ResolutionError("pip says no"), host])
    with pytest.raises(InputError, match=r"pip says no$"):
        place(host, ROOTS, [OLD_ARM], real, REQUEST, files_of, lambda env: {},
              interpreter_for=lambda env: "/opt/python3.10")  # fmt: skip
    assert len(real.requests) == 2
