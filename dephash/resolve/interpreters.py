"""Real interpreters for target environments: where this machine has one, pip resolves with it.

pip resolving for another Python through ``--python-version`` takes wheels only and never
follows that Python's markers; pip run by a real interpreter of that version (``pip
--python PATH``) builds sdists and follows markers as an install there would. That holds
only for the machine's own OS and machine, and for the newest platform tag dephash names
for them (an older one, such as ``manylinux_2_17_x86_64``, accepts fewer wheels than the
machine would). A ``pythonX.Y`` on PATH counts only where it runs as that Python: a
version manager's shim answers to every name and fails for the versions it does not select.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable, Mapping

from dephash.environments import NEWEST_PLATFORM, marker_values
from dephash.model import Environment, MarkerEnvironment

# pip runs inside the interpreter it resolves for: pip >= 26 needs Python 3.10 there.
OLDEST = (3, 10)

Which = Callable[[str], str | None]

_VERSION = "import sys; print('%d.%d' % sys.version_info[:2])"


def runnable_python(name: str, path: str | None = None) -> str | None:
    """The ``pythonX.Y`` called ``name`` on PATH (or ``path``), where it runs as Python X.Y."""
    found = shutil.which(name, path=path)
    if found is None:
        return None
    try:
        done = subprocess.run(
            [found, "-c", _VERSION],
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return found if done.returncode == 0 and f"python{done.stdout.strip()}" == name else None


def interpreter_finder(
    host: MarkerEnvironment, which: Which = runnable_python
) -> Callable[[Environment], str | None]:
    """A function naming, for an environment, a ``pythonX.Y`` on PATH that stands for it
    (``None`` where none does): the host's OS and machine, a Python pip can run in."""
    values = host.as_dict()
    found: dict[tuple[int, int], str | None] = {}

    def interpreter(env: Environment) -> str | None:
        if env.python < OLDEST or env.platform != NEWEST_PLATFORM[(env.os, env.machine)]:
            return None
        if not _same_place(marker_values(env).as_dict(), values):
            return None
        if env.python not in found:
            found[env.python] = which(f"python{env.python[0]}.{env.python[1]}")
        return found[env.python]

    return interpreter


def _same_place(env: Mapping[str, str], host: Mapping[str, str]) -> bool:
    keys = ("sys_platform", "platform_machine")
    return all(env[key] == host.get(key) for key in keys)
