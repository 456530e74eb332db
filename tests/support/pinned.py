"""Reading back a pinned file, and installing it the way users will."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def pinned(text: str) -> dict[str, tuple[str, list[str]]]:
    """name -> (version, sorted hashes), read back from a rendered file (markers left out)."""
    pins: dict[str, tuple[str, list[str]]] = {}
    for block in text.replace("\\\n", " ").splitlines():
        words = block.split()
        if not words or words[0].startswith("#"):
            continue
        name, version = words[0].split("==")
        hashes = [word for word in words[1:] if word.startswith("--hash=")]
        pins[name] = (version, sorted(w.removeprefix("--hash=") for w in hashes))
    return pins


def install_with_hashes(
    venv: Path, index: str, requirements: str, env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    """``pip install --require-hashes --no-deps -r requirements`` into a new venv (no pip)."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(venv / "bin" / "python"),
            "install",
            "--require-hashes",
            "--no-deps",
            "-i",
            index,
            "-r",
            requirements,
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
