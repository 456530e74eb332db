"""What pip is given to resolve for one environment: the input as that environment reads
it (its markers judged there, dropped for pip) and the options that choose its files."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager

from dephash.environments import platform_tags
from dephash.files import scratch_file
from dephash.inputs.reqfile import RequirementLine, RequirementsFile
from dephash.markers import applies
from dephash.model import Environment, MarkerEnvironment

# A requirements file's index options, as lines of one again.
_OPTION_LINES = {
    "index_url": "--index-url {}",
    "extra_index_url": "--extra-index-url {}",
    "find_links": "--find-links {}",
    "no_index": "--no-index",
}


def requirement_text(line: RequirementLine) -> str:
    """A requirement line without its marker, as pip reads one."""
    extras = f"[{','.join(line.extras)}]" if line.extras else ""
    if line.url:
        return f"{line.name}{extras} @ {line.url}"
    return f"{line.name}{extras}{line.specifier}"


def environment_arguments(env: Environment, wheels_only: bool = True) -> list[str]:
    """pip's options that choose files for ``env``: its platform tags, Python and ABIs.

    pip then honours Requires-Python and wheel tags for ``env`` (binaries only: an
    sdist cannot be judged for another platform), never its markers. Without
    ``wheels_only`` (pip allows it with ``--no-deps`` only) pip takes an sdist where no
    wheel fits, and builds its metadata here.
    """
    python = f"{env.python[0]}{env.python[1]}"
    # A patch release is named where the environment starts at one (pip takes X.Y as X.Y.0).
    version = f"{env.python[0]}.{env.python[1]}" + (f".{env.patch}" if env.patch else "")
    args = [arg for tag in platform_tags(env) for arg in ("--platform", tag)]
    args += ["--python-version", version, "--implementation", "cp"]
    args += ["--abi", f"cp{python}", "--abi", "abi3", "--abi", "none"]
    return [*args, "--only-binary", ":all:"] if wheels_only else args


@contextmanager
def environment_input(
    roots: RequirementsFile, values: Sequence[MarkerEnvironment], wanted: Sequence[str]
) -> Iterator[list[str]]:
    """The input as an environment reads it, for pip (which would judge its markers for the
    host): the requirements whose markers hold for any of ``values``, without markers, and
    ``wanted``."""
    lines = [_OPTION_LINES[option].format(value) for option, value in roots.index_options]
    lines += ["--pre"] if roots.pre else []
    constraints: list[str] = []
    for line in roots.requirements:
        if line.name is None or not any(applies(line.marker, each) for each in values):
            continue
        (constraints if line.constraint else lines).append(requirement_text(line))
    lines += wanted
    with ExitStack() as scratch:
        args = ["-r", scratch.enter_context(scratch_file(lines, "dephash-env-"))]
        if constraints:
            args = ["-c", scratch.enter_context(scratch_file(constraints, "dephash-env-")), *args]
        yield args
