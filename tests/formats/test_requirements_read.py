"""A pinned requirements file read back through the format registry."""

from __future__ import annotations

from pathlib import Path

from dephash.formats import FORMATS


def test_a_pinned_file_is_read_back_keeping_what_cannot_be_hashed(tmp_path: Path) -> None:
    path = tmp_path / "prod.txt"
    path.write_text("six==1.16.0 \\\n    --hash=sha256:aa\n-e ./here\n")
    fmt = FORMATS["requirements"]
    assert fmt.name == "requirements"
    six, editable = fmt.read(str(path)).requirements
    assert (six.name, six.pinned_version, six.hashes, six.lineno) == (
        "six",
        "1.16.0",
        ("sha256:aa",),
        1,
    )
    assert editable.problem is not None
    assert (editable.lineno, editable.name) == (3, None)
