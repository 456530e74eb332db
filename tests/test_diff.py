"""Comparing an existing pinned file with new pins."""

from __future__ import annotations

from dephash.diff import (
    Changes,
    HashChange,
    PinDiff,
    VersionChange,
    compare,
    diff_pins,
    same_requirement,
    same_version,
    summary,
    warnings,
)
from dephash.inputs.reqfile import RequirementLine
from dephash.model import LockedFile, LockedPackage
from tests.support.locks import locked
from tests.support.locks import locked as Pin


def line(name: str, version: str, *hashes: str, constraint: bool = False) -> RequirementLine:
    return RequirementLine(
        f"{name}=={version}",
        "prod.txt",
        1,
        name,
        specifier=f"=={version}",
        hashes=hashes,
        constraint=constraint,
    )


OLD = [
    line("kept", "1.0", "sha512:aa"),
    line("grown", "1.0", "sha512:aa"),
    line("replaced", "1.0", "sha512:aa", "sha512:bb"),
    line("up", "1.0", "sha512:aa"),
    line("down", "2.0", "sha512:aa"),
    line("odd", "a", "sha512:aa"),
    line("gone", "1.0", "sha512:aa"),
    line("constraint-only", "1.0", constraint=True),
    RequirementLine("unpinned>=1", "prod.txt", 2, "unpinned", specifier=">=1"),
]
NEW = [
    Pin("kept", "1.0", ("sha512:aa",)),
    Pin("grown", "1.0", ("sha512:aa", "sha512:cc")),
    Pin("replaced", "1.0", ("sha512:aa", "sha512:dd")),
    Pin("up", "1.10", ("sha512:ee",)),
    Pin("down", "1.9", ("sha512:ee",)),
    Pin("odd", "b", ("sha512:ee",)),
    Pin("fresh", "3.0", ("sha512:ff",)),
]


def test_every_kind_of_change_is_found() -> None:
    changes = compare(OLD, NEW, "sha512")
    assert changes == Changes(
        added=(("fresh", "3.0"),),
        removed=(("gone", "1.0"),),
        upgraded=(VersionChange("odd", "a", "b"), VersionChange("up", "1.0", "1.10")),
        downgraded=(VersionChange("down", "2.0", "1.9"),),
        new_files=(
            HashChange("grown", "1.0", added=("sha512:cc",)),
            HashChange("replaced", "1.0", added=("sha512:dd",)),
        ),
        replaced_files=(HashChange("replaced", "1.0", vanished=("sha512:bb",)),),
    )
    assert summary(changes) == [
        "added: fresh 3.0",
        "removed: gone 1.0",
        "upgraded: odd a -> b",
        "upgraded: up 1.0 -> 1.10",
        "downgraded: down 2.0 -> 1.9",
        "new files hashed: grown 1.0 (+1 hash)",
        "new files hashed: replaced 1.0 (+1 hash)",
    ]
    (warning,) = warnings(changes)
    assert warning.startswith("replaced 1.0: 1 hash changed or vanished for an unchanged version")


def test_no_changes() -> None:
    same = compare([line("a", "1.0", "sha512:aa")], [Pin("a", "1.0", ("sha512:aa",))], "sha512")
    assert same.empty
    assert summary(same) == ["no changes: every pin and every hash is as before"]
    assert warnings(same) == []


def test_plural_counts() -> None:
    changes = Changes(
        new_files=(HashChange("a", "1", added=("x", "y")),),
        replaced_files=(HashChange("a", "1", vanished=("sha512:" + "0" * 40, "sha512:1")),),
    )
    assert summary(changes) == ["new files hashed: a 1 (+2 hashes)"]
    assert warnings(changes)[0].startswith("a 1: 2 hashes changed or vanished")
    assert "sha512:0000000000000…" in warnings(changes)[0]


def test_another_algorithm_is_not_compared_hash_by_hash() -> None:
    changes = compare([line("a", "1.0", "sha256:aa")], [Pin("a", "1.0", ("sha512:bb",))], "sha512")
    assert changes.replaced_files == ()
    assert summary(changes) == ["hash algorithm changed: sha256 -> sha512 (hashes not compared)"]
    mixed = compare(
        [line("a", "1.0", "sha256:aa"), line("b", "1.0", "sha384:aa")],
        [Pin("a", "1.0", ("sha512:bb",)), Pin("b", "1.0", ("sha512:bb",))],
        "sha512",
    )
    assert mixed.algorithm_changed == ("mixed", "sha512")


def test_a_name_pinned_per_environment_is_compared_per_marker() -> None:
    old = [
        RequirementLine(
            "numpy==1.0 ; python_version < '3.11'",
            "prod.txt",
            1,
            "numpy",
            specifier="==1.0",
            marker='python_version < "3.11"',
            hashes=("sha512:aa",),
        ),
        line("numpy", "2.0", "sha512:bb"),
    ]
    new = [
        LockedPackage(
            "numpy",
            "1.1",
            locked("numpy", "1.1", ("sha512:cc",)).files,
            marker='python_version < "3.11"',
        ),
        Pin("numpy", "2.0", ("sha512:bb",)),
    ]
    changes = compare(old, new, "sha512")
    assert changes.upgraded == (VersionChange('numpy (python_version < "3.11")', "1.0", "1.1"),)
    assert (changes.added, changes.removed, changes.new_files) == ((), (), ())


def test_a_direct_url_is_compared_by_its_url() -> None:
    def url_line(url: str) -> RequirementLine:
        return RequirementLine(
            f"direct @ {url}", "prod.txt", 1, "direct", url=url, hashes=("sha512:aa",)
        )

    same = Pin("direct", "0.5", ("sha512:aa",), url="https://h/direct-0.5.whl")
    assert compare([url_line("https://h/direct-0.5.whl")], [same], "sha512").empty
    moved = Pin("direct", "0.6", ("sha512:bb",), url="https://h/direct-0.6.whl")
    changes = compare([url_line("https://h/direct-0.5.whl")], [moved], "sha512")
    assert changes.upgraded == (
        VersionChange("direct", "https://h/direct-0.5.whl", "https://h/direct-0.6.whl"),
    )
    gone = compare([url_line("https://h/direct-0.5.whl")], [], "sha512")
    assert gone.removed == (("direct", "https://h/direct-0.5.whl"),)


def test_a_lock_that_names_each_file_is_compared_in_the_new_algorithm() -> None:
    files = (
        LockedFile("x-1-py3-none-any.whl", "https://h/1", (("sha256", "01"), ("sha512", "aa"))),
        LockedFile("x-1.tar.gz", "https://h/2", (("sha256", "02"), ("sha512", "bb"))),
    )
    old = RequirementLine(
        "x==1",
        "pylock.toml",
        3,
        "x",
        specifier="==1",
        hashes=("sha256:01", "sha256:02", "sha512:aa", "sha512:bb"),
        files=files,
    )
    assert compare([old], [Pin("x", "1", ("sha512:aa", "sha512:bb"))], "sha512").empty
    grown = compare([old], [Pin("x", "1", ("sha256:01", "sha256:02", "sha256:03"))], "sha256")
    assert grown.new_files == (HashChange("x", "1", added=("sha256:03",)),)
    partial = RequirementLine(
        "x==1",
        "pylock.toml",
        3,
        "x",
        specifier="==1",
        files=(files[0], LockedFile("x-1.zip", "u", (("sha256", "03"),))),
    )
    changed = compare([partial], [Pin("x", "1", ("sha512:aa",))], "sha512")
    assert changed.algorithm_changed == ("mixed", "sha512")


def test_versions_are_ordered_as_versions_not_as_text() -> None:
    # As text "1.10" < "1.9" and "2.0" > "10.0"; as versions the other way round.
    changes = compare(
        [line("a", "1.9"), line("b", "10.0"), line("c", "1.0rc1")],
        [Pin("a", "1.10", ()), Pin("b", "2.0", ()), Pin("c", "1.0", ())],
        "sha512",
    )
    assert changes.upgraded == (
        VersionChange("a", "1.9", "1.10"),
        VersionChange("c", "1.0rc1", "1.0"),
    )
    assert changes.downgraded == (VersionChange("b", "10.0", "2.0"),)


def test_versions_that_are_no_versions_are_ordered_as_text() -> None:
    changes = compare(
        [line("a", "b"), line("z", "y")], [Pin("a", "c", ()), Pin("z", "x", ())], "sha512"
    )
    assert changes.upgraded == (VersionChange("a", "b", "c"),)
    assert changes.downgraded == (VersionChange("z", "y", "x"),)


def test_another_algorithm_still_reports_every_version_change() -> None:
    changes = compare(
        [
            line("a", "1.0", "sha256:aa"),
            line("b", "1.0", "sha256:bb"),
            line("c", "1.0", "sha256:cc"),
        ],
        [Pin("a", "1.0", ("sha512:aa",)), Pin("b", "1.0", ("sha512:bb",)), Pin("c", "2.0", ())],
        "sha512",
    )
    assert changes.upgraded == (VersionChange("c", "1.0", "2.0"),)
    assert changes.algorithm_changed == ("sha256", "sha512")


def test_pins_of_the_same_version_spelled_differently_are_the_same() -> None:
    assert same_requirement("a==1.0", "a==1.0.0")
    assert same_requirement("a==1.0", "a==1.0")
    assert not same_requirement("a==1.0", "b==1.0")
    assert not same_requirement("a==1.0", "a==1.1")
    assert not same_requirement("a @ https://h/a-1.0.tar.gz", "a==1.0")
    assert same_requirement("a @ https://h/a-1.0.tar.gz", "a @ https://h/a-1.0.tar.gz")
    assert not same_requirement("a==x", "a==y")
    assert same_requirement("a==x", "a==x")
    assert same_version("1.0", "1.0.0")
    assert not same_version("1.0", "1.1")
    assert same_version("x", "x")
    assert not same_version("x", "y")
    assert diff_pins({"a": "a==1.0", "b": "b==1"}, {"a": "a==1.0.0", "c": "c==1"}) == PinDiff(
        added=("c",), removed=("b",), changed=()
    )


def test_every_vanished_hash_is_named_in_the_warning() -> None:
    changes = Changes(
        replaced_files=(HashChange("a", "1", vanished=("sha512:" + "1" * 40, "sha512:2")),)
    )
    (warning,) = warnings(changes)
    assert warning.endswith("the index): sha512:1111111111111…, sha512:2…")
