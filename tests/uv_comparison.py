"""One-off comparison, not a test: ``dephash gen`` and ``uv pip compile`` on the same
pyproject.toml projects, selections and local index must pin the same versions with the
same hashes.

    python -m tests.uv_comparison PATH/TO/uv

It starts a pypiserver on a scratch folder, publishes the fixture world of
``tests/support/pyprojects.py`` (setuptools included, to build the dynamic
project), and for each project and selection runs both tools for this
interpreter, with sha256 (uv's algorithm). Exits 1 on any difference.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.support.pinned import pinned
from tests.support.projects import SELECTIONS, publish_project_world, write_dynamic, write_static
from tests.support.pypiserver import PyPIServer


def _env(scratch: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "UV_", "DEPHASH_"))}
    env.update(
        PIP_CONFIG_FILE=os.devnull,
        PIP_CACHE_DIR=str(scratch / "pip-cache"),
        UV_NO_CONFIG="1",
        UV_CACHE_DIR=str(scratch / "uv-cache"),
        # This checkout's dephash, whatever the interpreter has installed.
        PYTHONPATH=str(Path(__file__).resolve().parents[1]),
    )
    return env


def _run(command: list[str], folder: Path, env: dict[str, str]) -> str:
    done = subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"failed ({done.returncode}): {' '.join(command)}\n{done.stderr}")
    return done.stdout


def compare(uv: str) -> int:
    """Run every project and selection through both tools; the number of differences."""
    differences = 0
    with tempfile.TemporaryDirectory(prefix="uv-comparison-") as name:
        scratch = Path(name)
        root = scratch / "index"
        root.mkdir()
        env = _env(scratch)
        with PyPIServer.start(root) as server:
            world = publish_project_world(server)
            for kind, write in (("static", write_static), ("dynamic", write_dynamic)):
                folder = scratch / kind
                write(folder)
                for selection, (options, _) in SELECTIONS.items():
                    common = ["--index-url", world.index, *options]
                    dephash = [sys.executable, "-m", "dephash", "gen", "--algorithm", "sha256"]
                    ours = _run([*dephash, "--no-cache", *common, "pyproject.toml"], folder, env)
                    compile_ = [uv, "pip", "compile", "--generate-hashes", "--no-header"]
                    theirs = _run(
                        [*compile_, "--python", sys.executable, *common, "pyproject.toml"],
                        folder,
                        env,
                    )
                    same = pinned(ours) == pinned(theirs)
                    differences += not same
                    pins = ", ".join(f"{n}=={v}" for n, (v, _) in sorted(pinned(ours).items()))
                    hashes = sum(len(h) for _, h in pinned(ours).values())
                    verdict = "same" if same else "DIFFERENT"
                    print(f"{kind:8} {selection:12} {verdict}: {pins} ({hashes} hashes)")
                    if not same:
                        print(f"  dephash: {pinned(ours)}\n  uv:      {pinned(theirs)}")
    return differences


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    sys.exit(1 if compare(sys.argv[1]) else 0)
