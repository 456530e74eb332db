"""Reading requirements files in pip's format.

The parser follows pip's rules for what dephash needs to know before pip runs:
which lines are requirements (and whether they can be pinned by hash), which
files are included, and which index options the files set.
"""

from __future__ import annotations

import os
import posixpath
import re
import shlex
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from dephash.distributions import ARCHIVE_SUFFIXES
from dephash.errors import InputError
from dephash.files import display_path, read_text
from dephash.model import LockedFile

# pip's comment rule: "#" at the start of a line or after white space.
_COMMENT = re.compile(r"(^|\s+)#.*$")
_ENV_VAR = re.compile(r"\$\{([A-Z0-9_]+)\}")
_VCS_SCHEMES = ("git+", "hg+", "svn+", "bzr+")
_URL_SCHEMES = ("http://", "https://", "file:")

# Options that take a value, by every spelling pip accepts in a requirements file.
_VALUE_OPTIONS = {
    "-r": "requirement",
    "--requirement": "requirement",
    "-c": "constraint",
    "--constraint": "constraint",
    "-e": "editable",
    "--editable": "editable",
    "-i": "index_url",
    "--index-url": "index_url",
    "--extra-index-url": "extra_index_url",
    "-f": "find_links",
    "--find-links": "find_links",
    "--only-binary": "only_binary",
    "--no-binary": "no_binary",
    "--trusted-host": "ignored",
    "--use-feature": "ignored",
    "--config-settings": "ignored",
    "--global-option": "ignored",
}
_FLAG_OPTIONS = {
    "--no-index": "no_index",
    "--pre": "pre",
    "--prefer-binary": "ignored",
    "--require-hashes": "ignored",
}
# Deeper than any real project's includes; deeper still would exhaust Python's stack.
MAX_INCLUDE_DEPTH = 100


_HASH_OPTION = re.compile(r"--hash(?:=|\s+)(\S+)")


class UnhashableRequirement(InputError):
    """A requirement ``pip install --require-hashes`` cannot install."""


@dataclass(frozen=True)
class RequirementLine:
    """One requirement of a requirements file, where it stands, and what it says.

    ``problem`` is set (only when parsing leniently) for lines that cannot be
    pinned by hash: editables, VCS and local-directory requirements. ``via`` is
    how ``# via`` names where the line comes from, when ``-r SOURCE`` would not.
    ``files`` are the files a lock names for the pin, each with its own digests and size
    (a ``pylock.toml``); a requirements line names none: its hashes cover the release.
    """

    text: str
    source: str
    lineno: int
    name: str | None
    extras: tuple[str, ...] = ()
    constraint: bool = False
    specifier: str = ""
    marker: str | None = None
    hashes: tuple[str, ...] = ()
    url: str | None = None
    problem: str | None = None
    via: str | None = None
    files: tuple[LockedFile, ...] = ()

    @property
    def pinned_version(self) -> str | None:
        """The exact version of a ``==V`` / ``===V`` pin, else ``None``."""
        match = re.fullmatch(r"(===?)\s*([^\s,*]+)", self.specifier)
        return match.group(2) if match else None


@dataclass
class RequirementsFile:
    """What a requirements file (with its includes) says."""

    requirements: list[RequirementLine] = field(default_factory=list)
    # Index options in file order, as (option, value): pip applies them in order.
    index_options: list[tuple[str, str]] = field(default_factory=list)
    pre: bool = False
    # The Pythons the input supports (a project's requires-python), where it says.
    requires_python: str | None = None


def logical_lines(text: str) -> Iterator[tuple[int, str]]:
    """Join continuation lines and strip comments, exactly as pip does.

    Yields ``(first line number, content)`` for every non-empty logical line.
    """
    for number, line in _joined_lines(text):
        line = _COMMENT.sub("", line).strip()
        if line:
            yield number, line


def _joined_lines(text: str) -> Iterator[tuple[int, str]]:
    pending: list[str] = []
    first = 0
    for number, line in enumerate(text.splitlines(), start=1):
        is_comment = _COMMENT.match(line) is not None
        if not line.endswith("\\") or is_comment:
            if is_comment:
                # A comment ends a continuation and is dropped with it.
                line = " " + line
            if pending:
                pending.append(line)
                yield first, "".join(pending)
                pending = []
            else:
                yield number, line
        else:
            if not pending:
                first = number
            pending.append(line.strip("\\"))
    if pending:
        yield first, "".join(pending)


def _expand_env(value: str) -> str:
    return _ENV_VAR.sub(lambda match: os.environ.get(match.group(1), match.group(0)), value)


def _is_url(value: str) -> bool:
    return value.startswith(_URL_SCHEMES) or value.startswith(_VCS_SCHEMES)


def _local_target(value: str, base: Path) -> Path | None:
    """The local path a requirement string points to, if it is one."""
    if value.startswith("file:"):
        parsed = urllib.parse.urlsplit(value)
        return Path(urllib.parse.unquote(parsed.path))
    if _is_url(value):
        return None
    looks_like_path = value.startswith((".", "/", "~")) or os.sep in value or "/" in value
    candidate = base / os.path.expanduser(value)
    if looks_like_path or _exists(candidate):
        return candidate
    return None


def _exists(path: Path) -> bool:
    """Whether ``path`` exists; a name the system cannot even look up (too long) does not."""
    try:
        return path.exists()
    except OSError:
        return False


def _check_hashable(value: str, where: str, line: str, base: Path) -> None:
    """Refuse requirements that ``pip install --require-hashes`` cannot install."""
    target = value.split("#", 1)[0]
    if target.startswith(_VCS_SCHEMES):
        raise UnhashableRequirement(
            f"{where}: VCS requirement cannot be pinned by hash: {line!r} "
            "(publish it to an index, or point to an archive URL)"
        )
    local = _local_target(target, base)
    if local is not None and not target.lower().endswith(ARCHIVE_SUFFIXES):
        raise UnhashableRequirement(
            f"{where}: local directory requirement cannot be pinned by hash: {line!r} "
            "(build it into a wheel and publish it)"
        )


def _split_options(line: str, where: str) -> list[str]:
    try:
        return shlex.split(line, posix=True)
    except ValueError as exc:
        raise InputError(f"{where}: cannot parse {line!r}: {exc}") from None


def _resolve_location(value: str, base: Path) -> str:
    """A file or find-links location relative to the file that names it."""
    if _is_url(value):
        return value
    return str(base / os.path.expanduser(value))


def parse_requirements(
    path: str | os.PathLike[str],
    *,
    text: str | None = None,
    display: str | None = None,
    lenient: bool = False,
) -> RequirementsFile:
    """Parse a requirements file and its ``-r``/``-c`` includes.

    ``text`` supplies the content directly (standard input), in which case
    relative paths are taken relative to the current directory.  Requirements
    that cannot be pinned by hash raise :class:`UnhashableRequirement`, or with
    ``lenient`` are kept with their ``problem`` said.
    """
    parser = _Parser(lenient)
    parser.parse(Path(path), text=text, display=display, constraint=False, where="")
    return parser.result


def _include_display(parent: str, value: str) -> str:
    """How an included file is named: relative to the file that includes it."""
    if os.path.isabs(value):
        return display_path(value)
    folder = "" if parent == "-" else posixpath.dirname(parent)
    return posixpath.normpath(posixpath.join(folder, Path(value).as_posix()))


class _Parser:
    """Walks a file and its includes, collecting requirements and index options."""

    def __init__(self, lenient: bool) -> None:
        self.lenient = lenient
        self.result = RequirementsFile()
        self.seen: set[Path] = set()
        # The files being read, outermost first: a file found here again is a loop.
        self.chain: list[tuple[Path, str]] = []

    def parse(
        self, path: Path, *, text: str | None, display: str | None, constraint: bool, where: str
    ) -> None:
        shown = display if display is not None else display_path(path)
        if text is None:
            key = Path(os.path.abspath(path))
            self._check_include(key, shown, where)
            if key in self.seen:
                return
            self.seen.add(key)
            text = read_text(path, shown, "requirements file", where)
            base = path.parent
        else:
            key = Path("-")
            base = Path.cwd()
        self.chain.append((key, shown))
        try:
            self._lines(text.removeprefix("\ufeff"), shown, base, constraint)
        finally:
            self.chain.pop()

    def _check_include(self, key: Path, shown: str, where: str) -> None:
        """A file that includes itself, directly or not, or includes nested too deep."""
        if any(key == outer for outer, _ in self.chain):
            loop = " -> ".join([*(name for _, name in self.chain), shown])
            raise InputError(f"{where}: requirements files include each other in a loop: {loop}")
        if len(self.chain) > MAX_INCLUDE_DEPTH:
            raise InputError(
                f"{where}: requirements files nested more than {MAX_INCLUDE_DEPTH} deep: {shown}"
            )

    def _lines(self, text: str, shown: str, base: Path, constraint: bool) -> None:
        for lineno, line in logical_lines(text):
            line = _expand_env(line)
            try:
                if line.startswith("-"):
                    self._option_line(line, shown, lineno, base, constraint)
                else:
                    self.result.requirements.append(
                        parse_requirement(line, shown, lineno, base, constraint)
                    )
            except UnhashableRequirement as exc:
                if not self.lenient:
                    raise
                self.result.requirements.append(
                    RequirementLine(
                        line, shown, lineno, None, constraint=constraint, problem=str(exc)
                    )
                )

    def _option_line(
        self, line: str, shown: str, lineno: int, base: Path, constraint: bool
    ) -> None:
        where = f"{shown}:{lineno}"
        tokens = _split_options(line, where)
        option, _, inline_value = tokens[0].partition("=")
        if option in _FLAG_OPTIONS:
            kind = _FLAG_OPTIONS[option]
            if kind == "no_index":
                self.result.index_options.append(("no_index", ""))
            elif kind == "pre":
                self.result.pre = True
            return
        if option not in _VALUE_OPTIONS:
            raise InputError(f"{where}: unknown option in requirements file: {line!r}")
        values = ([inline_value] if inline_value else []) + tokens[1:]
        if not values:
            raise InputError(f"{where}: option {option} needs a value: {line!r}")
        value = values[0]
        kind = _VALUE_OPTIONS[option]
        if kind == "editable":
            raise UnhashableRequirement(
                f"{where}: editable requirement cannot be pinned by hash: {line!r} "
                "(pip install --require-hashes refuses editables)"
            )
        if kind in ("requirement", "constraint"):
            if _is_url(value):
                raise InputError(f"{where}: remote includes are not supported: {line!r}")
            self.parse(
                base / value,
                text=None,
                display=_include_display(shown, value),
                constraint=constraint or kind == "constraint",
                where=where,
            )
        elif kind in ("index_url", "extra_index_url"):
            self.result.index_options.append((kind, value))
        elif kind == "find_links":
            self.result.index_options.append((kind, _resolve_location(value, base)))


def parse_requirement(
    line: str, source: str, lineno: int, base: Path, constraint: bool = False
) -> RequirementLine:
    """One requirement line (with its per-requirement options) of ``source``; one that
    ``pip install --require-hashes`` cannot install raises :class:`UnhashableRequirement`."""
    where = f"{source}:{lineno}"
    # Per-requirement options (--hash=..., --config-settings=...) follow the requirement.
    requirement_text = re.split(r"\s+--?[a-zA-Z]", line, maxsplit=1)[0].strip()
    hashes = tuple(_HASH_OPTION.findall(line))
    try:
        requirement = Requirement(requirement_text)
    except InvalidRequirement:
        requirement = None
    if requirement is None:
        # A bare URL or path: pip accepts it, dephash can pin it only if it is an archive.
        _check_hashable(requirement_text, where, line, base)
        if not _is_url(requirement_text) and _local_target(requirement_text, base) is None:
            raise InputError(f"{where}: not a valid requirement: {line!r}")
        return RequirementLine(
            line, source, lineno, None, constraint=constraint, hashes=hashes, url=requirement_text
        )
    if requirement.url:
        _check_hashable(requirement.url, where, line, base)
    return RequirementLine(
        line,
        source,
        lineno,
        canonicalize_name(requirement.name),
        tuple(sorted(requirement.extras)),
        constraint,
        specifier=str(requirement.specifier),
        marker=str(requirement.marker) if requirement.marker else None,
        hashes=hashes,
        url=requirement.url,
    )
