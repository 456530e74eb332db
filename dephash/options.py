"""Option groups every command shares, each one frozen dataclass the CLI builds once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from dephash.guards.cutoff import cutoff_text
from dephash.http import NetworkSettings


@dataclass(frozen=True)
class IndexOptions:
    """Where packages come from, as given on the command line (pip's options)."""

    index_url: str | None = None
    extra_index_urls: tuple[str, ...] = ()
    find_links: tuple[str, ...] = ()
    no_index: bool = False
    # --index-for: (project name, index URL or find-links location) it alone is hashed from.
    index_for: tuple[tuple[str, str], ...] = ()

    def pip_arguments(self) -> list[str]:
        """These options as pip's command-line arguments (pip has no --index-for)."""
        args: list[str] = []
        if self.index_url:
            args += ["--index-url", self.index_url]
        for url in self.extra_index_urls:
            args += ["--extra-index-url", url]
        for location in self.find_links:
            args += ["--find-links", location]
        if self.no_index:
            args.append("--no-index")
        return args


@dataclass(frozen=True)
class ResolverOptions:
    """What shapes a resolution besides the indexes: pre-releases, binaries, the interpreter."""

    pre: bool = False
    only_binary: tuple[str, ...] = ()
    no_binary: tuple[str, ...] = ()
    # Resolve for this interpreter (pip's --python) instead of the running one.
    python: str | None = None
    # The release cooldown: only files uploaded before this UTC time.
    uploaded_prior_to: datetime | None = None

    def pip_arguments(self) -> list[str]:
        """``--pre``, ``--only-binary``, ``--no-binary`` and ``--uploaded-prior-to`` (the
        absolute time) as pip takes them."""
        args = ["--pre"] if self.pre else []
        for value in self.only_binary:
            args += ["--only-binary", value]
        for value in self.no_binary:
            args += ["--no-binary", value]
        cutoff = self.cutoff()
        if cutoff is not None:
            args += ["--uploaded-prior-to", cutoff]
        return args

    def cutoff(self) -> str | None:
        """The release cooldown's cutoff as written down (``2024-01-01T00:00:00Z``), if any."""
        return None if self.uploaded_prior_to is None else cutoff_text(self.uploaded_prior_to)


def pip_arguments(
    index: IndexOptions, resolver: ResolverOptions, network: NetworkSettings
) -> list[str]:
    """The pip options a resolution passes through: indexes, the resolver's, the network's."""
    return [*index.pip_arguments(), *resolver.pip_arguments(), *network.pip_arguments()]


@dataclass(frozen=True)
class Selection:
    """Which parts of a project to lock: extras (``--extra``, ``--all-extras``) and dependency
    groups (``--group``), names canonical. The project's own dependencies are always in."""

    extras: tuple[str, ...] = ()
    all_extras: bool = False
    groups: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.extras or self.all_extras or self.groups)

    def command_arguments(self) -> list[str]:
        """These choices as ``dephash`` options, for a reproduce command."""
        args = ["--all-extras"] if self.all_extras else []
        for extra in self.extras:
            args += ["--extra", extra]
        for group in self.groups:
            args += ["--group", group]
        return args
