"""Reading user files and writing output files: one set of rules for both."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from dephash.errors import InputError


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
        return Path(path).read_text(encoding=encoding)
    except FileNotFoundError:
        raise InputError(f"{prefix}{what} not found: {shown}") from None
    except IsADirectoryError:
        raise InputError(f"{prefix}{what} is a directory: {shown}") from None
    except UnicodeDecodeError:
        raise InputError(f"{prefix}{what} is not UTF-8 text: {shown}") from None
    except OSError as exc:
        raise InputError(f"{prefix}cannot read {what} {shown}: {exc.strerror}") from None


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
