"""Audit step 4: the pinned file is in sync with its input, resolved again keeping its pins."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence

from packaging.specifiers import SpecifierSet
from packaging.version import InvalidVersion, Version

from dephash.check.lines import location_of
from dephash.check.model import CheckOptions, Drift, Finding, FindingKind
from dephash.diff import diff_pins
from dephash.distributions import strip_fragment
from dephash.files import display_path
from dephash.http import NetworkSettings
from dephash.inputs import InputSource
from dephash.inputs.reqfile import RequirementLine, RequirementsFile
from dephash.markers import applies, python_environment, running_python
from dephash.model import MarkerEnvironment
from dephash.options import pip_arguments
from dephash.redact import redact
from dephash.resolve import Resolver, ResolveRequest
from dephash.resolve.graph import via_annotations
from dephash.resolve.keep import resolve_keeping

log = logging.getLogger(__name__)

NAME = "sync"


def resolution_arguments(
    options: CheckOptions, pinned: RequirementsFile, network: NetworkSettings
) -> list[str]:
    """gen's pip options, then the pinned file's own index options, in order."""
    args = pip_arguments(options.index, options.resolver, network)
    flags = {"index_url": "--index-url", "extra_index_url": "--extra-index-url"}
    for option, value in pinned.index_options:
        if option == "no_index":
            args.append("--no-index")
        else:
            args += [flags.get(option, "--find-links"), value]
    return args


def satisfies(specifier: str, version: str) -> bool:
    """Whether ``version`` satisfies ``specifier`` (an unparsable version does not)."""
    try:
        return SpecifierSet(specifier).contains(Version(version), prereleases=True)
    except InvalidVersion:
        return False


def in_sync(
    options: CheckOptions,
    pinned: RequirementsFile,
    source: InputSource,
    resolver: Resolver,
    args: Sequence[str],
) -> tuple[list[Finding], tuple[Drift, ...]]:
    """Resolve the input again keeping the pins that still fit, and compare."""
    shown = display_path(options.pinned)
    wanted_by = source.shown
    held: dict[str, str] = {}
    pins: dict[str, tuple[str, RequirementLine]] = {}
    # A portable file pins a name once per set of environments: the line for this one counts.
    here = python_environment(running_python())
    for line in pinned.requirements:
        if line.constraint or line.problem or not line.name or line.name in pins:
            continue
        if not applies(line.marker, here):
            continue
        if line.url:
            pins[line.name] = (f"{line.name} @ {redact(strip_fragment(line.url))}", line)
        elif line.pinned_version:
            pins[line.name] = (f"{line.name}=={line.pinned_version}", line)
            held[line.name] = line.pinned_version
    with source.pip_arguments() as input_arguments:
        request = ResolveRequest(tuple(input_arguments), tuple(args), (), options.resolver.python)
        resolution, released = resolve_keeping(resolver, request, held)
    if released:
        log.debug("pins that no longer fit the input: %s", ", ".join(released))
    requirements = source.requirements()
    findings = unsatisfied(requirements, pins, resolution.environment)
    reported = {finding.package for finding in findings}
    via = via_annotations(resolution, requirements)
    resolved = {package.name: package for package in resolution.packages}
    wanted = {
        name: f"{name} @ {redact(strip_fragment(package.url))}"
        if package.direct
        else f"{name}=={package.version}"
        for name, package in resolved.items()
    }
    differences = diff_pins({name: text for name, (text, _) in pins.items()}, wanted)
    drift: list[Drift] = []
    for name in differences.added:
        needed_by = f" (via {', '.join(via[name])})" if name in via else ""
        drift.append(Drift(name, None, wanted[name]))
        findings.append(
            Finding(
                name,
                resolved[name].version,
                FindingKind.MISSING,
                f"{wanted_by} now needs {wanted[name]}{needed_by}, but the file does not "
                "pin it: regenerate",
                location=shown,
            )
        )
    for name in differences.changed:
        needed_by = f" (via {', '.join(via[name])})" if name in via else ""
        text, line = pins[name]
        drift.append(Drift(name, text, wanted[name]))
        if name not in reported:
            findings.append(
                Finding(
                    name,
                    line.pinned_version,
                    FindingKind.CHANGED,
                    f"no longer fits {wanted_by}, which now resolves to "
                    f"{wanted[name]}{needed_by}: regenerate",
                    location=location_of(line),
                )
            )
    for name in differences.removed:
        text, line = pins[name]
        drift.append(Drift(name, text, None))
        findings.append(
            Finding(
                name,
                line.pinned_version,
                FindingKind.UNNEEDED,
                f"nothing in {wanted_by} needs it any more: remove it (regenerate)",
                location=location_of(line),
            )
        )
    return findings, tuple(sorted(drift, key=lambda entry: entry.package))


def unsatisfied(
    source: RequirementsFile,
    pins: Mapping[str, tuple[str, RequirementLine]],
    environment: MarkerEnvironment,
) -> list[Finding]:
    """The input's own requirements that the pins do not satisfy."""
    findings: list[Finding] = []
    for requirement in source.requirements:
        name = requirement.name
        if requirement.constraint or name is None or name not in pins:
            continue
        line = pins[name][1]
        version = line.pinned_version
        if version is None or not applies(requirement.marker, environment):
            continue
        if requirement.specifier and not satisfies(requirement.specifier, version):
            findings.append(
                Finding(
                    name,
                    version,
                    FindingKind.UNSATISFIED,
                    f"{location_of(requirement)} asks for {name}{requirement.specifier}, "
                    "which this pin does not satisfy: regenerate",
                    location=location_of(line),
                )
            )
    return findings
