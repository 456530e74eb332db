"""Resolving again while keeping pins: real pip against the local pypiserver."""

from __future__ import annotations

from pathlib import Path

import pytest

from dephash.errors import ResolutionError
from dephash.resolve import PipResolver, ResolveRequest
from dephash.resolve.keep import ROUNDS, conflicting_pins, resolve_keeping
from dephash.resolve.pip import PipRunner
from tests.support.pypiserver import PyPIServer, publish_to


@pytest.fixture(scope="module")
def index(pypiserver: PyPIServer) -> str:
    publish_to(pypiserver, "keep-dep", "1.0", sdist=False)
    publish_to(pypiserver, "keep-dep", "2.0", sdist=False)
    publish_to(pypiserver, "keep-top", "1.0", requires=["keep-dep>=1"], sdist=False)
    publish_to(pypiserver, "keep-top", "2.0", requires=["keep-dep>=2"], sdist=False)
    publish_to(pypiserver, "keep-other", "1.0", sdist=False)
    publish_to(pypiserver, "keep-other", "2.0", sdist=False)
    return pypiserver.url


def versions(
    path: Path, index: str, pins: dict[str, str], rounds: int = ROUNDS
) -> tuple[dict[str, str], list[str]]:
    request = ResolveRequest(("-r", str(path)), ("--index-url", index))
    resolution, released = resolve_keeping(PipResolver(PipRunner()), request, pins, rounds=rounds)
    return {p.name: p.version for p in resolution.packages}, released


def test_pins_that_fit_are_kept(index: str, tmp_path: Path) -> None:
    (tmp_path / "in.txt").write_text("keep-top\nkeep-other\n")
    pins = {"keep-top": "1.0", "Keep_Dep": "1.0", "keep-other": "1.0", "keep-gone": "9"}
    assert versions(tmp_path / "in.txt", index, pins) == (
        {"keep-top": "1.0", "keep-dep": "1.0", "keep-other": "1.0"},
        [],
    )


def test_only_the_conflicting_pins_are_released(index: str, tmp_path: Path) -> None:
    # keep-top>=2 needs keep-dep>=2: pip names the top pin, then the dep pin.
    (tmp_path / "in.txt").write_text("keep-top>=2\nkeep-other\n")
    pins = {"keep-top": "1.0", "keep-dep": "1.0", "keep-other": "1.0"}
    assert versions(tmp_path / "in.txt", index, pins) == (
        {"keep-top": "2.0", "keep-dep": "2.0", "keep-other": "1.0"},
        ["keep-dep", "keep-top"],
    )


def test_when_the_rounds_run_out_every_pin_is_released(index: str, tmp_path: Path) -> None:
    (tmp_path / "in.txt").write_text("keep-top>=2\nkeep-other\n")
    pins = {"keep-top": "1.0", "keep-dep": "1.0", "keep-other": "1.0"}
    assert versions(tmp_path / "in.txt", index, pins, rounds=1) == (
        {"keep-top": "2.0", "keep-dep": "2.0", "keep-other": "2.0"},
        ["keep-dep", "keep-other", "keep-top"],
    )


def test_a_pin_on_a_release_that_does_not_exist_is_released(index: str, tmp_path: Path) -> None:
    (tmp_path / "in.txt").write_text("keep-other\n")
    assert versions(tmp_path / "in.txt", index, {"keep-other": "7.0"}) == (
        {"keep-other": "2.0"},
        ["keep-other"],
    )


def test_an_input_that_cannot_be_resolved_still_fails(index: str, tmp_path: Path) -> None:
    (tmp_path / "in.txt").write_text("keep-top>=2\nkeep-dep<2\n")
    with pytest.raises(ResolutionError, match="conflicting dependencies"):
        versions(tmp_path / "in.txt", index, {"keep-top": "2.0"})
    with pytest.raises(ResolutionError, match="conflicting dependencies"):
        versions(tmp_path / "in.txt", index, {})


def test_a_failure_that_names_no_pin_releases_them_all(index: str, tmp_path: Path) -> None:
    (tmp_path / "in.txt").write_text("keep-no-such-project\nkeep-other\n")
    with pytest.raises(ResolutionError, match="No matching distribution found"):
        versions(tmp_path / "in.txt", index, {"keep-other": "1.0"})


@pytest.mark.parametrize(
    ("output", "named"),
    [
        (
            "The conflict is caused by:\n"
            "    keep-top 2.0 depends on keep-dep>=2\n"
            "    The user requested (constraint) keep-dep==1.0\n",
            ["keep-dep"],
        ),
        ("ERROR: No matching distribution found for Keep.Other==7.0\n", ["keep-other"]),
        (
            "ERROR: Could not find a version that satisfies the requirement keep-top==3 "
            "(from versions: 1.0)\n",
            ["keep-top"],
        ),
        ("    The user requested (constraint) ==broken==\n", []),
        ("    The user requested (constraint) unrelated==1.0\n", []),
        ("", []),
    ],
)
def test_conflicting_pins_are_read_from_pips_explanation(output: str, named: list[str]) -> None:
    held = {"keep-dep": "1.0", "keep-other": "7.0", "keep-top": "3"}
    assert conflicting_pins(output, held) == named
