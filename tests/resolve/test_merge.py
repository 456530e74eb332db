"""Every environment's answer merged into one set of pins: order, markers and ``# via``."""

from __future__ import annotations

from dephash.environments import environment
from dephash.inputs.reqfile import RequirementLine, RequirementsFile
from dephash.model import OS, Machine, ResolvedPackage
from dephash.resolve.merge import merge, via_everywhere
from dephash.resolve.walk import Placement

LINUX = environment((3, 11), OS.LINUX, Machine.X86_64)
WINDOWS = environment((3, 11), OS.WINDOWS, Machine.X86_64)
MAC = environment((3, 11), OS.MACOS, Machine.ARM64)
WORLD = [LINUX, WINDOWS, MAC]


def package(name: str, version: str = "1.0", *requires: str) -> ResolvedPackage:
    return ResolvedPackage(
        name, version, f"https://files/{name}-{version}.whl", requires_dist=requires
    )


def placement(env: object, *packages: ResolvedPackage, **conditional: frozenset[str]) -> Placement:
    return Placement(env, {p.name: p for p in packages}, conditional)  # type: ignore[arg-type]


def test_pins_are_sorted_by_name_then_by_version_not_by_text() -> None:
    placements = [
        placement(LINUX, package("b", "1.10"), package("a", "2.0")),
        placement(WINDOWS, package("b", "1.9"), package("a", "2.0")),
        placement(MAC, package("b", "weird"), package("a", "10.0")),
    ]
    assert [(p.name, p.version) for p, _ in merge(placements, WORLD)] == [
        ("a", "2.0"),
        ("a", "10.0"),
        ("b", "1.9"),
        ("b", "1.10"),
        ("b", "weird"),
    ]


def test_a_version_only_some_patch_releases_need_keeps_their_conditions() -> None:
    early, late = 'python_full_version < "3.11.2"', 'python_full_version >= "3.11.9"'
    one = {"early": frozenset({early}), "either": frozenset({early})}
    two = {"both": frozenset({early, late})}
    placements = [
        placement(LINUX, package("early"), package("both"), package("either"), **one, **two),
        placement(WINDOWS, package("either"), **{"either": frozenset({early})}),
        placement(MAC, package("either"), **{"either": frozenset({late})}),
    ]
    markers = {p.name: marker for p, marker in merge(placements, WORLD)}
    assert markers == {
        "early": f'sys_platform == "linux" and {early}',
        "both": f'sys_platform == "linux" and ({early} or {late})',
        # Each environment under its own patch releases: macOS needs it late only.
        "either": (
            f'(sys_platform != "darwin" and {early}) or (sys_platform == "darwin" and {late})'
        ),
    }


def test_conditions_under_a_marker_with_an_or_are_grouped() -> None:
    condition = 'python_full_version < "3.11.2"'
    world = [*WORLD, environment((3, 11), OS.LINUX, Machine.ARM64)]
    both = frozenset({condition, f"{condition} or os_name == 'x'"})
    placements = [placement(LINUX, package("a"), a=both), placement(WINDOWS, package("a"), a=both)]
    ((_, marker),) = merge(placements, world)
    assert marker == (
        '(sys_platform != "darwin" and '
        '(platform_machine == "AMD64" or platform_machine == "x86_64"))'
        f" and ({condition} or ({condition} or os_name == 'x'))"
    )


def test_a_version_some_environments_always_need_keeps_the_condition_elsewhere() -> None:
    condition = 'python_full_version < "3.11.2"'
    placements = [
        placement(LINUX, package("a"), a=frozenset({condition})),
        placement(WINDOWS, package("a")),
        placement(MAC, package("a"), a=frozenset({condition})),
    ]
    assert [marker for _, marker in merge(placements, WORLD)] == [
        'sys_platform == "win32" or (sys_platform != "win32" and python_full_version < "3.11.2")'
    ]


def test_via_names_what_requires_a_package_in_every_environment() -> None:
    roots = RequirementsFile(
        requirements=[
            RequirementLine("app", "in.txt", 1, "app"),
            RequirementLine("pinned<2", "constraints.txt", 1, "pinned", constraint=True),
        ]
    )
    placements = [
        placement(LINUX, package("app", "1.0", "pinned", "lib"), package("pinned"), package("lib")),
        placement(
            WINDOWS,
            package("app", "1.0", "pinned", "colorama ; sys_platform == 'win32'"),
            package("pinned"),
            package("colorama"),
        ),
        placement(MAC, package("zapp", "1.0", "pinned"), package("pinned")),
    ]
    assert via_everywhere(placements, roots) == {
        "app": ("-r in.txt",),
        "pinned": ("-c constraints.txt", "app", "zapp"),
        "lib": ("app",),
        "colorama": ("app",),
    }
