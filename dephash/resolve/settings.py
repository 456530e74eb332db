"""Which indexes pip will use: its configuration, the command's options, the input's own lines."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from dephash.model import IndexSettings
from dephash.options import IndexOptions

PYPI_SIMPLE = "https://pypi.org/simple/"
_TRUE = {"1", "true", "yes", "on", "y", "t"}


def _config_value(config: Mapping[str, str], key: str) -> str | None:
    """pip's precedence for one key: environment, then [install], then [global]."""
    for section in (":env:", "install", "global"):
        value = config.get(f"{section}.{key}")
        if value is not None:
            return value
    return None


def settings_for(
    config: Mapping[str, str],
    options: IndexOptions,
    file_options: Sequence[tuple[str, str]] = (),
) -> IndexSettings:
    """:func:`index_settings` for a command's options and a file's option lines."""
    return index_settings(
        config,
        index_url=options.index_url,
        extra_index_urls=options.extra_index_urls,
        find_links=options.find_links,
        no_index=options.no_index,
        file_options=file_options,
    )


def index_settings(
    config: Mapping[str, str],
    *,
    index_url: str | None = None,
    extra_index_urls: Sequence[str] = (),
    find_links: Sequence[str] = (),
    no_index: bool = False,
    file_options: Sequence[tuple[str, str]] = (),
) -> IndexSettings:
    """The indexes pip will use: configuration, then options, then the file's lines."""
    configured_extra = (_config_value(config, "extra-index-url") or "").split()
    configured_links = (_config_value(config, "find-links") or "").split()
    urls = [index_url or _config_value(config, "index-url") or PYPI_SIMPLE]
    urls += [*configured_extra, *extra_index_urls]
    links = [*configured_links, *find_links]
    disabled = no_index or (_config_value(config, "no-index") or "").lower() in _TRUE
    if disabled:
        urls = []
    # A requirements file's options act in order, as in pip's handle_option_line.
    for option, value in file_options:
        if option == "no_index":
            disabled = True
            urls = []
        elif option == "find_links":
            links.append(value)
        elif not disabled:
            urls = [value] if option == "index_url" else [*urls, value]
    urls = _unique(urls)
    return IndexSettings(
        index_url=urls[0] if urls else PYPI_SIMPLE,
        extra_index_urls=tuple(urls[1:]),
        find_links=tuple(_unique(links)),
        no_index=disabled or not urls,
    )


def _unique(values: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(values))
