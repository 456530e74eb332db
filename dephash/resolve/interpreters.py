"""Real interpreters for target environments: where this machine has one, pip resolves with it.

pip resolving for another Python through ``--python-version`` takes wheels only and never
follows that Python's markers; pip run by a real interpreter of that version (``pip
--python PATH``) builds sdists and follows markers as an install there would. That holds
only for the machine's own OS and machine, and for the newest platform tag dephash names
for them (an older one, such as ``manylinux_2_17_x86_64``, accepts fewer wheels than the
machine would).
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable

from dephash.environments import NEWEST_PLATFORM, same_place
from dephash.model import Environment, MarkerEnvironment

# pip runs inside the interpreter it resolves for: pip >= 26 needs Python 3.10 there.
OLDEST = (3, 10)

Which = Callable[[str], str | None]
# The ``MAJOR.MINOR`` an interpreter says it is, or None where it does not run.
Probe = Callable[[str], str | None]
_VERSION = "import sys; print('%d.%d' % sys.version_info[:2])"


def probe(path: str) -> str | None:
    """The version the interpreter at ``path`` runs as (a shim without a Python behind it,
    such as pyenv's for a version not selected, does not run)."""
    try:
        done = subprocess.run(
            [path, "-c", _VERSION], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def interpreter_finder(
    host: MarkerEnvironment, which: Which = shutil.which, version_of: Probe = probe
) -> Callable[[Environment], str | None]:
    """A function naming, for an environment, a ``pythonX.Y`` on PATH that stands for it
    (``None`` where none does): the host's OS and machine, a Python pip can run in, one
    that runs and says it is that version."""
    found: dict[tuple[int, int], str | None] = {}

    def interpreter(env: Environment) -> str | None:
        if env.python < OLDEST or env.platform != NEWEST_PLATFORM[(env.os, env.machine)]:
            return None
        if not same_place(env, host):
            return None
        if env.python not in found:
            dotted = f"{env.python[0]}.{env.python[1]}"
            path = which(f"python{dotted}")
            found[env.python] = path if path and version_of(path) == dotted else None
        return found[env.python]

    return interpreter
