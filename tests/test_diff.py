"""Comparing an existing pinned file with new pins."""

from __future__ import annotations

from dephash.diff import Changes, HashChange, VersionChange, compare, summary, warnings
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
