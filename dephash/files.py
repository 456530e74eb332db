"""Reading user files and writing output files: one set of rules for both."""

from __future__ import annotations

import os
import stat
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

from dephash.errors import InputError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10 has the backport
    import tomli as tomllib

# More than any requirements file, pinned file or allowlist: past it, a file is a mistake
# (a log, an image, /dev/zero behind a symlink) and reading on would only fill memory.
TEXT_LIMIT = 16 << 20


class NotRegularFile(OSError):
    """A path that is a FIFO, a device or a socket: reading it could block or never end."""


class FileTooLarge(OSError):
    """A file larger than its reader accepts."""


def read_bytes(path: str | os.PathLike[str], limit: int) -> bytes:
    """The bytes of the regular file at ``path``, if at most ``limit`` of them.

    A FIFO, a device or a socket raises :class:`NotRegularFile` without blocking or
    reading; a larger file raises :class:`FileTooLarge`; a directory ``IsADirectoryError``.
    """
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        mode = os.fstat(descriptor).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(os.fspath(path))
        if not stat.S_ISREG(mode):
            raise NotRegularFile(os.fspath(path))
        with os.fdopen(descriptor, "rb", closefd=False) as stream:
            data = stream.read(limit + 1)
    finally:
        os.close(descriptor)
    if len(data) > limit:
        raise FileTooLarge(os.fspath(path))
    return data


def _text(data: bytes, encoding: str) -> str:
    # Universal newlines, as a file opened in text mode reads them.
    return data.decode(encoding).replace("\r\n", "\n").replace("\r", "\n")


def display_path(path: str | os.PathLike[str], cwd: Path | None = None) -> str:
    """A path as it may be shown in output: relative, never absolute."""
    text = os.fspath(path)
    if text == "-":
        return text
    candidate = Path(text)
    if not candidate.is_absolute():
        return candidate.as_posix()
    base = Path(os.path.abspath(cwd or Path.cwd()))
    try:
        return Path(os.path.abspath(candidate)).relative_to(base).as_posix()
    except ValueError:
        return candidate.name


def read_text(
    path: str | os.PathLike[str], shown: str, what: str, where: str = "", encoding: str = "utf-8"
) -> str:
    """A file's text; an unreadable file is an InputError naming ``what`` it is and ``where``."""
    prefix = f"{where}: " if where else ""
    try:
        return _text(read_bytes(path, TEXT_LIMIT), encoding)
    except FileNotFoundError:
        raise InputError(f"{prefix}{what} not found: {shown}") from None
    except IsADirectoryError:
        raise InputError(f"{prefix}{what} is a directory: {shown}") from None
    except NotRegularFile:
        raise InputError(
            f"{prefix}{what} is not a regular file (a FIFO, a device or a socket): {shown}"
        ) from None
    except FileTooLarge:
        raise InputError(f"{prefix}{what} is larger than {TEXT_LIMIT >> 20} MiB: {shown}") from None
    except UnicodeDecodeError:
        raise InputError(f"{prefix}{what} is not UTF-8 text: {shown}") from None
    except OSError as exc:
        raise InputError(f"{prefix}cannot read {what} {shown}: {exc.strerror}") from None


def parse_toml(text: str, shown: str) -> dict[str, Any]:
    """A TOML file's tables; invalid TOML is an InputError naming the file, line and column."""
    try:
        data: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # tomllib names the line and column, except at the end of the file.
        last = f"(at line {len(text.splitlines()) or 1}, the end of the file)"
        reason = str(exc).replace("(at end of document)", last)
        raise InputError(f"{shown}: not valid TOML: {reason}") from None
    return data


def read_stream(stream: TextIO, what: str) -> str:
    """A text stream's content (standard input), at most :data:`TEXT_LIMIT` characters."""
    try:
        text = stream.read(TEXT_LIMIT + 1)
    except UnicodeDecodeError:
        raise InputError(f"{what} is not UTF-8 text") from None
    if len(text) > TEXT_LIMIT:
        raise InputError(f"{what} is larger than {TEXT_LIMIT >> 20} MiB")
    return text


def check_output(path: str, input_path: str | None = None) -> None:
    """Refuse, before any work is done, an output file that cannot or must not be written:
    no name, the input itself, a directory, a FIFO or a device, a folder that is missing."""
    if not path:
        raise InputError("-o needs a file name (it was given an empty one)")
    shown = path  # as typed: /dev/null must not read as "null"
    try:
        mode: int | None = os.stat(path).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise InputError(f"cannot write {shown}: {exc.strerror}") from None
    if mode is not None:
        if stat.S_ISDIR(mode):
            raise InputError(f"cannot write {shown}: it is a directory")
        if not stat.S_ISREG(mode):
            raise InputError(
                f"cannot write {shown}: it is not a regular file (a FIFO or a device); "
                "-o replaces a file by renaming a new one over it"
            )
        if input_path not in (None, "-") and _same_file(path, input_path):
            raise InputError(
                f"-o {shown} names the input file: it would be overwritten; write elsewhere"
            )
    folder = Path(os.path.abspath(path)).parent
    if not folder.is_dir():
        raise InputError(f"cannot write {shown}: the folder {folder} does not exist")


def _same_file(first: str, second: str) -> bool:
    try:
        return os.path.samefile(first, second)
    except OSError:
        return False


def write_atomic(path: str | os.PathLike[str], content: str) -> None:
    """Write ``content`` to ``path`` through a temporary file and a rename.

    Either the whole new content is in place afterwards, or the old file is
    untouched.
    """
    target = Path(path)
    directory = target.parent
    try:
        handle, temp_name = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=".tmp", dir=directory
        )
    except OSError as exc:
        raise InputError(f"cannot write {display_path(target)}: {exc.strerror}") from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(content)
        if target.exists():
            os.chmod(temp_name, target.stat().st_mode & 0o7777)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temp_name, 0o666 & ~umask)
        os.replace(temp_name, target)
    except OSError as exc:
        os.unlink(temp_name)
        raise InputError(f"cannot write {display_path(target)}: {exc.strerror}") from None


@contextmanager
def scratch_file(lines: Sequence[str], prefix: str) -> Iterator[str]:
    """A temporary file holding ``lines`` (a requirements file for pip), gone afterwards."""
    handle, name = tempfile.mkstemp(prefix=prefix, suffix=".txt")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write("".join(f"{line}\n" for line in lines))
        yield name
    finally:
        os.unlink(name)
