"""User files read with bounds, and output files refused before any work: real files,
FIFOs and devices."""

from __future__ import annotations

import io
import os
import stat
import tempfile
from pathlib import Path

import pytest

from dephash.errors import InputError
from dephash.files import (
    TEXT_LIMIT,
    FileTooLarge,
    NotRegularFile,
    check_output,
    read_bytes,
    read_stream,
    read_text,
    write_atomic,
)


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "fifo"
    os.mkfifo(path)
    return path


def test_a_regular_file_is_read_whole_up_to_its_limit(tmp_path: Path) -> None:
    path = tmp_path / "r.txt"
    path.write_bytes(b"a\r\nb\rc\n")
    assert read_bytes(path, 7) == b"a\r\nb\rc\n"
    with pytest.raises(FileTooLarge):
        read_bytes(path, 6)
    assert read_text(path, "r.txt", "requirements file") == "a\nb\nc\n"  # universal newlines


def test_a_fifo_is_refused_without_blocking(fifo: Path) -> None:
    # Nothing writes to it: opening it for reading the usual way would block for ever.
    with pytest.raises(NotRegularFile):
        read_bytes(fifo, 100)
    with pytest.raises(InputError, match=r"is not a regular file .*: fifo$"):
        read_text(fifo, "fifo", "requirements file")


def test_a_device_is_refused_without_reading_it() -> None:
    with pytest.raises(InputError, match="allowlist is not a regular file"):
        read_text("/dev/zero", "/dev/zero", "allowlist")


def test_a_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="is a directory"):
        read_text(tmp_path, "here", "requirements file")


def test_a_file_past_the_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    with path.open("wb") as stream:
        stream.truncate(TEXT_LIMIT + 1)  # sparse: no need to write 16 MiB
    with pytest.raises(InputError, match="where: requirements file is larger than 16 MiB: big"):
        read_text(path, "big", "requirements file", "where")


def test_a_stream_is_read_up_to_the_limit() -> None:
    assert read_stream(io.StringIO("x\n"), "standard input") == "x\n"
    with pytest.raises(InputError, match=r"^standard input is larger than 16 MiB$"):
        read_stream(io.StringIO("\0" * (TEXT_LIMIT + 1)), "standard input")
    undecodable = io.TextIOWrapper(io.BytesIO(b"\xff\xfe"), encoding="utf-8")
    with pytest.raises(InputError, match=r"^standard input is not UTF-8 text$"):
        read_stream(undecodable, "standard input")


def test_outputs_that_can_be_written(tmp_path: Path) -> None:
    check_output(str(tmp_path / "new.txt"))
    (tmp_path / "old.txt").write_text("x\n")
    check_output(str(tmp_path / "old.txt"), str(tmp_path / "in.txt"))
    check_output(str(tmp_path / "old.txt"), "-")


def test_outputs_refused_before_any_work(tmp_path: Path, fifo: Path) -> None:
    source = tmp_path / "in.txt"
    source.write_text("x\n")
    (tmp_path / "link.txt").symlink_to(source)
    cases = {
        "": "-o needs a file name",
        str(source): f"-o {source} names the input file",
        str(tmp_path / "link.txt"): "names the input file",
        str(tmp_path): "it is a directory",
        str(fifo): "it is not a regular file (a FIFO or a device)",
        "/dev/null": "cannot write /dev/null: it is not a regular file",
        str(tmp_path / "gone" / "out.txt"): f"the folder {tmp_path / 'gone'} does not exist",
        str(source / "out.txt"): "out.txt: Not a directory",
    }
    for path, message in cases.items():
        with pytest.raises(InputError) as caught:
            check_output(path, str(source))
        assert message in str(caught.value)


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_a_new_output_file_gets_the_mode_a_new_file_gets(
    tmp_path: Path, umask: int, mode: int
) -> None:
    # Never executable, setuid or world-writable: what open() would give under the umask.
    previous = os.umask(umask)
    try:
        write_atomic(tmp_path / "out.txt", "x\n")
        assert os.umask(umask) == umask  # the umask is left as it was
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "out.txt").stat().st_mode) == mode


def test_a_replaced_output_file_keeps_every_mode_bit(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old\n")
    target.chmod(0o2751)
    write_atomic(target, "new\n")
    assert stat.S_IMODE(target.stat().st_mode) == 0o2751


def test_the_new_content_is_written_beside_the_target_whatever_the_temporary_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Beside it, the rename is atomic: never a copy across file systems.
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "no-such-folder"))
    write_atomic(tmp_path / "out.txt", "naïve\n")
    assert (tmp_path / "out.txt").read_bytes() == "naïve\n".encode()
    assert os.listdir(tmp_path) == ["out.txt"]


def test_a_stream_of_exactly_the_limit_is_read() -> None:
    assert len(read_stream(io.StringIO("x" * TEXT_LIMIT), "standard input")) == TEXT_LIMIT


def test_refusals_of_an_output_say_why_in_full(tmp_path: Path, fifo: Path) -> None:
    with pytest.raises(InputError) as caught:
        check_output("")
    assert str(caught.value) == "-o needs a file name (it was given an empty one)"
    with pytest.raises(InputError) as caught:
        check_output(str(fifo))
    assert str(caught.value) == (
        f"cannot write {fifo}: it is not a regular file (a FIFO or a device); "
        "-o replaces a file by renaming a new one over it"
    )
