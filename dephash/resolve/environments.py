"""Resolving for every target environment with pip's command line only.

pip follows environment markers for the interpreter that runs it alone. So the
host's resolution comes first; then, for each target environment, dephash walks
the dependency graph itself with that environment's markers. Where the host's
packages serve the environment (every package it needs is there, in a version
whose Requires-Python and files fit it) nothing more runs. Where they do not,
pip resolves again with the environment's Python version and platform tags,
given the input's requirements that hold there and the requirements the
environment's markers add, until nothing is missing; where no wheel of a package fits
there, with its Python where the wheels are (resolve/nowheel.py), pip building the sdist
there at install.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Hashable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace

from packaging.version import Version

from dephash.environments import describe, same_place
from dephash.errors import InputError, ResolutionError
from dephash.inputs.reqfile import RequirementsFile
from dephash.model import Environment, Resolution, ResolvedPackage
from dephash.resolve import Resolver, ResolveRequest
from dephash.resolve.keep import resolve_keeping
from dephash.resolve.newer import NewerFiles, lead_environments, newer_in
from dephash.resolve.newer import outlook as _outlook
from dephash.resolve.nowheel import (
    Run,
    forbidden,
    hint_for,
    plain_reason,
    run_for,
    sibling_runs,
    warn_about_sdists,
)
from dephash.resolve.patches import split_by_patch
from dephash.resolve.pipinput import environment_input
from dephash.resolve.reuse import chains, in_turn, lasting_gaps, remembered, reused
from dephash.resolve.walk import FilesOf, Placement, Walk, patch_ends, placement_of, walk

log = logging.getLogger(__name__)

# pip runs for one environment before dephash gives up on closing its gaps.
ROUNDS = 6


def place(
    host: Resolution,
    roots: RequirementsFile,
    environments: Sequence[Environment],
    resolver: Resolver,
    request: ResolveRequest,
    files_of: FilesOf,
    keep_for: Callable[[Environment], Mapping[str, str]],
    only_binary: Sequence[str] = (),
    jobs: int = 2,
    interpreter_for: Callable[[Environment], str | None] = lambda env: None,
    newer_files: NewerFiles | None = None,
) -> tuple[Placement, ...]:
    """The packages each environment installs: the host's where they serve, else pip's answer
    for that environment. Raises InputError naming the environment pip cannot resolve for.

    What the environments lack is first asked of pip on the host, all at once (most of it
    is pure Python: ``colorama`` for Windows, a backport for an older Python), holding the
    pins ``keep_for`` keeps in any environment; pip runs for an environment of its own only
    where that does not serve it: with a real interpreter of the environment where
    ``interpreter_for`` names one, else with the environment's tags (wheels only; where
    none fits, as for its Python on this machine or on its lead's platform). An
    environment whose Python admits a newer release than the host's of a package it
    installs (``newer_files`` lists them) is resolved on its own too: each environment
    gets the version pip would choose there. A Python's lead runs pip only where no answer
    for another Python serves it (reuse.py); runs the widened one cannot change go beside it.
    """
    hosted = {package.name: package for package in host.packages}
    files = remembered(files_of)
    checks = None if newer_files is None else remembered(newer_files)
    host_python = host.environment.as_dict().get("python_full_version")
    keeps: dict[tuple[Environment, int], Mapping[str, str]] = {}

    def keep(env: Environment) -> Mapping[str, str]:
        if (env, env.patch) not in keeps:  # environments equal whatever their patch release
            keeps[env, env.patch] = keep_for(env)
        return keeps[env, env.patch]

    def newer(env: Environment) -> bool:
        if checks is None or host_python is None:
            return False
        reached = walks[env].reached
        found = newer_in(env, reached, hosted, Version(host_python), checks, keep(env), roots.pre)
        if found:
            log.debug("%s: pip would choose %s there", describe([env]), found)
        return bool(found)

    def resolve(
        env: Environment, gaps: Sequence[str], late: bool, lead: Environment | None = None
    ) -> Placement:
        python = interpreter(env, late)
        return _resolve_for(
            env, gaps, roots, resolver, request, files, keep(env), only_binary,
            python, hint_for(env, python, same_place(env, host.environment), late),
            # pip judges X.Y.0 where a release needs a later patch: no run elsewhere stands in.
            () if late else sibling_runs(env, lead, host.environment, request.python,
                                         interpreter_for),
        )  # fmt: skip

    def interpreter(env: Environment, late: bool) -> str | None:
        return None if late else interpreter_for(env)  # pip must judge X.Y.0: a real one is later

    def reuse(answer: Placement, env: Environment) -> Placement | None:
        if checks is None or keep(env) != keep(answer.environment):
            return None
        return reused(answer, env, roots, files, only_binary, checks, keep(env))

    def outlook(env: Environment) -> Hashable | None:
        if checks is None or walks[env].gaps:
            return None
        return _outlook(env, walks[env].reached, hosted, checks, roots.pre)

    def place_in_turn(chain: Sequence[Environment]) -> list[Placement]:
        return in_turn(chain, lambda env: settled(env), reuse)

    def settled(env: Environment, lead: Environment | None = None) -> Placement:
        # Its walk is final here: an early lead's lacks nothing, the others' are widened.
        return resolve(env, pending.get(env, ()), bool(walks[env].late), lead)

    walks = {env: walk(hosted, roots, env, files, only_binary) for env in environments}
    lacking = sorted({gap for walked in walks.values() for gap in walked.gaps})
    # The environment on the host's OS and machine leads its Python where pending. Where it
    # lacks nothing but pip would choose otherwise, or lacks a version the host's does not
    # fit, it is pending whatever the widened host run adds: its pip run starts alongside.
    here = [env for env in environments if same_place(env, host.environment)]
    here = [env for env in here if [other.python for other in here].count(env.python) == 1]
    early = [env for env in here if not walks[env].gaps and newer(env)]
    # Its gaps once widened, foreseen: those of versions that do not fit stay, the rest filled.
    foreseen = {
        env: (gaps, bool(walks[env].late))
        for env in here
        if (gaps := lasting_gaps(walks[env], hosted))
    }
    pending: dict[Environment, tuple[str, ...]] = {}
    placements: dict[Environment, Placement] = {}
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        widening = None
        if lacking:
            kept = {name: version for env in environments for name, version in keep(env).items()}
            widening = pool.submit(_widened, hosted, roots, resolver, request, lacking, kept)
        ahead = {env: pool.submit(resolve, env, *asked) for env, asked in foreseen.items()}
        chained: dict[Environment, tuple[Future[list[Placement]], int]] = {}

        def submit(chain: Sequence[Environment]) -> None:
            future = pool.submit(place_in_turn, chain)
            chained.update((env, (future, index)) for index, env in enumerate(chain))

        for chain in chains(early, outlook):
            submit(chain)
        if widening is not None:
            widened = widening.result()
            # What the widened run adds reaches no walk that lacked nothing, but by a URL.
            everyone = any(widened[name].direct for name in widened.keys() - hosted.keys())
            hosted, before = widened, dict(walks)
            for env in environments:
                if everyone or walks[env].gaps:
                    walks[env] = walk(hosted, roots, env, files, only_binary)
            if any(walks[env] != before[env] for env in early):
                early, chained = [], {}  # reached by what was added: asked as the others are
        pending.update((env, walks[env].gaps) for env in environments if walks[env].gaps)
        for env in pending:
            log.debug(
                "%s needs what the host resolution lacks: %s",
                describe([env]), ", ".join(pending[env]),
            )  # fmt: skip
        for env in environments:
            if env in early or (env not in pending and newer(env)):
                pending[env] = ()
        placements.update(
            (env, placement_of(env, hosted, walks[env]))
            for env in environments
            if env not in pending
        )  # fmt: skip
        unforeseen = [
            env for env in ahead if (pending[env], bool(walks[env].late)) != foreseen[env]
        ]
        for env in unforeseen:
            log.debug("%s: resolved again, its gaps were not foreseen", describe([env]))
            ahead[env].cancel()  # or run on in vain: it was not asked what is wanted
        # One environment of each Python, in chains that may reuse an earlier answer; the
        # others of that Python walk its lead's answer.
        leads = lead_environments(pending, host.environment)
        rest = [env for env in leads if env not in chained and env not in ahead]
        for chain in chains([*rest, *unforeseen], outlook):
            submit(chain)
        for lead in leads:  # in this order: the first lead pip cannot resolve for is named
            if lead in chained:
                future, index = chained[lead]
                placements[lead] = future.result()[index]
            else:
                placements[lead] = ahead[lead].result()
        groups = {
            lead: [env for env in pending if env.python == lead.python and env not in leads]
            for lead in leads
        }

        def serve(lead: Environment) -> dict[Environment, Placement]:
            return _served(
                placements[lead], groups[lead], roots, resolver, request, files,
                keep(lead), only_binary, interpreter(lead, bool(walks[lead].late)),
            )  # fmt: skip

        for served in pool.map(serve, [lead for lead in leads if groups[lead]]):
            placements.update(served)
        rest = [env for env in pending if env not in placements]
        lead_of = {lead.python: lead for lead in leads}
        for placement in pool.map(lambda env: settled(env, lead_of[env.python]), rest):
            placements[placement.environment] = placement
    placed = tuple(placements[env] for env in environments)
    if checks is not None:

        def place_from(env: Environment) -> Placement:
            # The host's answer where it serves the later patch releases of its own Python.
            walked = walk(hosted, roots, env, files, only_binary)
            if _dotted(env.python) == host.environment.python_version and not walked.gaps:
                return placement_of(env, hosted, walked)
            return _resolve_for(
                env, walked.gaps, roots, resolver, request, files, keep(env), only_binary,
                None, hint_for(env, None, same_place(env, host.environment), True),
            )  # fmt: skip

        placed = tuple(split_by_patch(placed, checks, keep, place_from, roots.pre))
    warn_about_sdists([(each.environment, each.packages.values()) for each in placed], files)
    return placed


def _dotted(python: tuple[int, int]) -> str:
    return f"{python[0]}.{python[1]}"


def _widened(
    packages: Mapping[str, ResolvedPackage],
    roots: RequirementsFile,
    resolver: Resolver,
    request: ResolveRequest,
    lacking: Sequence[str],
    keep: Mapping[str, str],
) -> dict[str, ResolvedPackage]:
    """``packages``, and what pip adds for the requirements other environments lack, asked
    as ``request`` asks (``packages``' versions held); ``packages`` alone where pip cannot."""
    held = {name: package.version for name, package in packages.items() if not package.direct}
    only_lacking = RequirementsFile(index_options=roots.index_options, pre=roots.pre)
    with environment_input(only_lacking, [], lacking) as input_arguments:
        pins = {**keep, **held}
        asked = replace(
            request,
            input_arguments=tuple(input_arguments),
            constraints=(*request.constraints, *sorted(pins.items())),
        )
        try:
            resolution = resolver.resolve(asked)
        except ResolutionError as exc:
            log.debug("pip cannot resolve what the environments lack: %s", exc)
            return dict(packages)
    return {**{package.name: package for package in resolution.packages}, **packages}


def _served(
    lead: Placement,
    others: Sequence[Environment],
    roots: RequirementsFile,
    resolver: Resolver,
    request: ResolveRequest,
    files_of: FilesOf,
    keep: Mapping[str, str],
    only_binary: Sequence[str],
    python: str | None,
) -> dict[Environment, Placement]:
    """The ``others`` (of ``lead``'s Python) that ``lead``'s packages serve, once what they
    lack is asked of pip as for ``lead``, all at once."""
    packages: Mapping[str, ResolvedPackage] = lead.packages
    walks = {env: walk(packages, roots, env, files_of, only_binary) for env in others}
    lacking = sorted({gap for walked in walks.values() for gap in walked.gaps})
    if lacking:
        run = run_for(lead.environment, python)
        asked = replace(request, arguments=(*request.arguments, *run.arguments), python=run.python)
        packages = _widened(packages, roots, resolver, asked, lacking, keep)
        walks = {env: walk(packages, roots, env, files_of, only_binary) for env in others}
    return {
        env: placement_of(env, packages, walked) for env, walked in walks.items() if not walked.gaps
    }


def _resolve_for(
    env: Environment,
    gaps: Sequence[str],
    roots: RequirementsFile,
    resolver: Resolver,
    request: ResolveRequest,
    files_of: FilesOf,
    keep: Mapping[str, str],
    only_binary: Sequence[str],
    python: str | None,
    hint: str,
    siblings: Sequence[Run] = (),
) -> Placement:
    """pip's answer for ``env``; where pip with its tags fails (no wheel fits there), the
    answer of the first of ``siblings`` (its Python elsewhere) that the walk says serves it.
    ``hint`` follows pip's reason in the error."""
    own = run_for(env, python)
    asked = functools.partial(
        _rounds, env, gaps, roots, resolver, request, files_of, keep, only_binary
    )
    try:
        found, walked = asked(own)
        if walked.late and own.python:
            # The interpreter is a later patch release than the environment's X.Y.0: pip
            # judges X.Y.0 by the environment's tags instead.
            own = run_for(env, None)
            found, walked = asked(own)
    except ResolutionError as exc:
        failure = exc
        for run in siblings if own.wheels_only else ():
            try:
                found, walked = asked(run)
            except ResolutionError:
                continue
            if not walked.gaps:
                log.debug("%s: no wheel fits there; resolved with %s", describe([env]), run.shown)
                return placement_of(env, found, walked)
            reason = forbidden(found.values(), env, files_of, only_binary)
            if reason:
                raise InputError(f"cannot resolve for {describe([env])}: {reason}") from None
        raise InputError(f"cannot resolve for {describe([env])}: {failure}{hint}") from None
    if walked.gaps:
        raise InputError(
            f"cannot resolve for {describe([env])}: pip's answer still lacks "
            f"{', '.join(walked.gaps)} (no release of it installs there?)"
        )
    return placement_of(env, found, walked)


def _rounds(
    env: Environment,
    gaps: Sequence[str],
    roots: RequirementsFile,
    resolver: Resolver,
    request: ResolveRequest,
    files_of: FilesOf,
    keep: Mapping[str, str],
    only_binary: Sequence[str],
    run: Run,
) -> tuple[dict[str, ResolvedPackage], Walk]:
    """pip's answer for ``env``'s requirements and ``gaps`` with ``run``, asked again with
    what the walk of each answer still finds lacking there, and that walk."""
    wanted = list(gaps)
    values = patch_ends(env)
    for _ in range(ROUNDS):
        with environment_input(roots, values, wanted) as input_arguments:
            asked = replace(
                request,
                input_arguments=tuple(input_arguments),
                arguments=(*request.arguments, *run.arguments),
                python=run.python,
            )
            try:
                resolution, _ = resolve_keeping(resolver, asked, keep)
            except ResolutionError as exc:
                reason = plain_reason(str(exc), exc.pip_output, input_arguments, run.wheels_only)
                raise ResolutionError(reason, exc.pip_output) from None
        found = {package.name: package for package in resolution.packages}
        walked = walk(found, roots, env, files_of, only_binary)
        new = [gap for gap in walked.gaps if gap not in wanted]
        if not new:
            break
        wanted += new
    return found, walked
