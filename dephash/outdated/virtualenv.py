"""A virtualenv, asked through its own pip: ``pip --python ENV list --outdated``."""

from __future__ import annotations

import json

from packaging.utils import canonicalize_name

from dephash.errors import InputError, PipError
from dephash.files import display_path
from dephash.outdated.allowed import apply_allowlist, stale_entries, versions_by_name
from dephash.outdated.model import OutdatedOptions, OutdatedPackage, OutdatedReport, PathKind
from dephash.resolve.pip import PipRunner


def pip_arguments(options: OutdatedOptions) -> list[str]:
    """The options ``pip list --outdated`` gets: indexes, --pre, and timeout and retries
    when given (otherwise pip's own configuration decides)."""
    args = options.index.pip_arguments()
    if options.pre:
        args.append("--pre")
    if options.timeout is not None:
        args += ["--timeout", str(options.timeout)]
    if options.retries is not None:
        args += ["--retries", str(options.retries)]
    return args


def check_virtualenv(options: OutdatedOptions, python: str, runner: PipRunner) -> OutdatedReport:
    """What is outdated in the virtualenv whose interpreter is ``python``."""
    if options.python_version is not None:
        raise InputError(
            "--python-version applies to requirements files: "
            "a virtualenv is checked for its own Python"
        )
    runner.version()
    found = parse_outdated(runner.list_outdated(python, pip_arguments(options)))
    outdated, allowed = apply_allowlist(found, options.allowlist)
    known = versions_by_name(found)
    shown = display_path(options.path)
    return OutdatedReport(
        path=shown,
        kind=PathKind.VIRTUALENV,
        outdated=outdated,
        allowed=allowed,
        stale=stale_entries(options.allowlist, allowed, (), known, f"no outdated {{}} in {shown}"),
    )


def parse_outdated(text: str) -> tuple[OutdatedPackage, ...]:
    """Read ``pip list --outdated --format=json``, sorted by name."""
    try:
        packages = [
            OutdatedPackage(
                name=canonicalize_name(item["name"]),
                current=str(item["version"]),
                latest=str(item["latest_version"]),
                latest_filetype=item.get("latest_filetype"),
            )
            for item in json.loads(text)
        ]
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise PipError(f"cannot read pip's list of outdated packages: {exc!r}") from None
    return tuple(sorted(packages, key=lambda package: (package.name, package.current)))
