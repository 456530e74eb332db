"""Option groups: the options several commands share, each group reaching a command as one
frozen dataclass (or value), and the checks of single option values."""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from datetime import datetime, timezone
from typing import Any, TypeVar, cast

import click
from packaging.utils import InvalidName, canonicalize_name
from packaging.version import InvalidVersion, Version

from dephash.environments import from_platform
from dephash.environments import python_versions as expand_python_versions
from dephash.errors import InputError
from dephash.guards.cutoff import parse_cutoff
from dephash.hashing.cache import default_cache_dir
from dephash.http import NetworkSettings
from dephash.options import IndexOptions, ResolverOptions, Selection
from dephash.redact import redact

F = TypeVar("F", bound=Callable[..., Any])


class Seconds(click.FloatRange):
    """A time limit in seconds: a finite number from 0.1 to a day."""

    name = "seconds"

    def __init__(self) -> None:
        super().__init__(min=0.1, max=86400)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        seconds = super().convert(value, param, ctx)
        if not math.isfinite(seconds):
            self.fail(f"{value!r} is not a number of seconds", param, ctx)
        return seconds


def python_versions(
    context: click.Context, parameter: click.Parameter, values: tuple[str, ...]
) -> tuple[str, ...]:
    """--python-version values, each checked and written MAJOR.MINOR (a range: every version
    it admits), each once, in order."""
    try:
        found = [version for value in values for version in expand_python_versions(value)]
    except InputError as exc:
        raise click.BadParameter(str(exc)) from None
    return tuple(dict.fromkeys(found))


def platforms(
    context: click.Context, parameter: click.Parameter, values: tuple[str, ...]
) -> tuple[str, ...]:
    """--platform values, each an OS name or a wheel platform tag dephash can place."""
    for value in values:
        try:
            from_platform(value, [(3, 0)])
        except InputError as exc:
            raise click.BadParameter(str(exc).removeprefix("--platform ")) from None
    return values


def upgrade_packages(
    context: click.Context, parameter: click.Parameter, values: tuple[str, ...]
) -> tuple[str, ...]:
    """-P values: canonical ``NAME`` or ``NAME==VERSION``."""
    specs = []
    for value in values:
        name, sep, version = value.partition("==")
        try:
            canonical = canonicalize_name(name, validate=True)
            if sep:
                Version(version)
        except (InvalidName, InvalidVersion):
            raise click.BadParameter(f"expected NAME or NAME==VERSION, got {value!r}") from None
        specs.append(f"{canonical}=={version}" if sep else canonical)
    return tuple(specs)


def names(
    context: click.Context, parameter: click.Parameter, values: tuple[str, ...]
) -> tuple[str, ...]:
    """--extra and --group values: valid names, canonical, each once, in order."""
    try:
        canonical = (canonicalize_name(value, validate=True) for value in values)
        return tuple(dict.fromkeys(canonical))
    except InvalidName as exc:
        raise click.BadParameter(f"not a valid name: {exc}") from None


def _apply(command: F, *decorators: Callable[[F], F]) -> F:
    for decorator in reversed(decorators):
        command = decorator(command)
    return command


def _group(
    keyword: str, names: Sequence[str], build: Callable[..., Any], *decorators: Callable[[F], F]
) -> Callable[[F], F]:
    """Options that reach the command as one value: ``keyword=build(**those options)``."""

    def decorate(command: F) -> F:
        @functools.wraps(command)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            values = {name: kwargs.pop(name) for name in names}
            return command(*args, **kwargs, **{keyword: build(**values)})

        return _apply(cast(F, wrapper), *decorators)

    return decorate


def _index(
    index_url: str | None,
    extra_index_url: tuple[str, ...],
    find_links: tuple[str, ...],
    no_index: bool,
) -> IndexOptions:
    return IndexOptions(index_url, extra_index_url, find_links, no_index)


index_options = _group(
    "index",
    ("index_url", "extra_index_url", "find_links", "no_index"),
    _index,
    click.option("-i", "--index-url", metavar="URL", help="Base URL of the package index (pip's)."),
    click.option(
        "--extra-index-url",
        metavar="URL",
        multiple=True,
        help="Another index to use (repeatable).",
    ),
    click.option(
        "-f",
        "--find-links",
        metavar="PATH_OR_URL",
        multiple=True,
        help="A folder or page of archives to use (repeatable).",
    ),
    click.option("--no-index", is_flag=True, help="Use no index: only --find-links locations."),
)
"""-i, --extra-index-url, -f and --no-index (where packages come from, as in pip): ``index``."""


def resolver_options(
    pre: str, only_binary: str, no_binary: str, python: str, uploaded_prior_to: str
) -> Callable[[F], F]:
    """--pre, --only-binary, --no-binary, --python and --uploaded-prior-to, with these help
    texts: ``resolver``."""
    return _group(
        "resolver",
        ("pre", "only_binary", "no_binary", "python_path", "uploaded_prior_to"),
        _resolver,
        click.option("--pre", is_flag=True, help=pre),
        click.option("--only-binary", metavar="FORMAT", multiple=True, help=only_binary),
        click.option("--no-binary", metavar="FORMAT", multiple=True, help=no_binary),
        click.option("--python", "python_path", metavar="PATH", help=python),
        click.option(
            "--uploaded-prior-to",
            metavar="DATE|P<n>D",
            envvar="DEPHASH_UPLOADED_PRIOR_TO",
            callback=cutoff,
            help=uploaded_prior_to,
        ),
    )


def _resolver(
    pre: bool,
    only_binary: tuple[str, ...],
    no_binary: tuple[str, ...],
    python_path: str | None,
    uploaded_prior_to: datetime | None,
) -> ResolverOptions:
    return ResolverOptions(pre, only_binary, no_binary, python_path, uploaded_prior_to)


def cutoff(
    context: click.Context, parameter: click.Parameter, value: str | None
) -> datetime | None:
    """--uploaded-prior-to as an absolute UTC time (``P<n>D``: days before today, UTC)."""
    if value is None:
        return None
    try:
        return parse_cutoff(value, datetime.now(timezone.utc))
    except InputError as exc:
        raise click.BadParameter(str(exc)) from None


def index_assignments(
    context: click.Context, parameter: click.Parameter, values: tuple[str, ...]
) -> tuple[tuple[str, str], ...]:
    """--index-for values: ``NAME=URL`` as (canonical name, URL or location)."""
    pairs = []
    for value in values:
        name, sep, location = value.partition("=")
        try:
            canonical: str = canonicalize_name(name.strip(), validate=True)
        except InvalidName:
            canonical = ""
        if not sep or not canonical or not location.strip():
            raise click.BadParameter(f"expected NAME=URL, got {redact(value)!r}")
        pairs.append((canonical, location.strip()))
    return tuple(pairs)


def index_for_option(help: str) -> Callable[[F], F]:
    """--index-for NAME=URL (repeatable), with this help text: ``index_for``."""
    return click.option(
        "--index-for",
        "index_for",
        metavar="NAME=URL",
        multiple=True,
        callback=index_assignments,
        help=help,
    )


def _network(jobs: int, timeout: float, retries: int) -> NetworkSettings:
    return NetworkSettings(
        connect_timeout=timeout, read_timeout=timeout, retries=retries, pool_size=jobs
    )


network_options = _group(
    "network",
    ("jobs", "timeout", "retries"),
    _network,
    click.option(
        "-j",
        "--jobs",
        type=click.IntRange(1, 64),
        default=8,
        show_default=True,
        help="Index pages and downloads to run at once.",
    ),
    click.option(
        "--timeout",
        type=Seconds(),
        default=60.0,
        show_default=True,
        help="Seconds to wait for a server: to connect, to read, and for a whole page "
        "(or each MiB of a download). pip gets it too.",
    ),
    click.option(
        "--retries",
        type=click.IntRange(0, 20),
        default=5,
        show_default=True,
        help="Retries of a failed request (connection errors, 429, 5xx), with backoff.",
    ),
)
"""-j, --timeout and --retries (how hard dephash works the network): ``network``."""


def cache_location(cache_dir: str | None, no_cache: bool) -> str | None:
    """The cache folder the options name, or None when the cache is off."""
    if no_cache:
        return None
    return cache_dir or str(default_cache_dir())


cache_options = _group(
    "cache_dir",
    ("cache_dir", "no_cache"),
    cache_location,
    click.option(
        "--cache-dir",
        type=click.Path(file_okay=False),
        help="Where computed digests are remembered [default: $DEPHASH_CACHE_DIR, "
        "else the user cache folder].",
    ),
    click.option("--no-cache", is_flag=True, help="Neither read nor write the digest cache."),
)
"""--cache-dir and --no-cache (the digest cache gen and check share): ``cache_dir``."""


def _selection(extras: tuple[str, ...], all_extras: bool, groups: tuple[str, ...]) -> Selection:
    if all_extras and extras:
        raise click.UsageError("--all-extras already chooses every extra: drop --extra")
    return Selection(extras, all_extras, groups)


selection_options = _group(
    "selection",
    ("extras", "all_extras", "groups"),
    _selection,
    click.option(
        "--extra",
        "extras",
        metavar="NAME",
        multiple=True,
        callback=names,
        help="With a pyproject.toml: add this extra's optional dependencies (repeatable).",
    ),
    click.option(
        "--all-extras",
        is_flag=True,
        help="With a pyproject.toml: add every extra's optional dependencies.",
    ),
    click.option(
        "--group",
        "groups",
        metavar="NAME",
        multiple=True,
        callback=names,
        help="With a pyproject.toml: add this dependency group, its includes followed "
        "(repeatable).",
    ),
)
"""--extra, --all-extras and --group (the parts of a pyproject.toml to lock): ``selection``."""
