"""The bench venv and the environment every measured command runs in; what it ran on."""

from __future__ import annotations

import contextlib
import json
import os
import platform
import re
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from bench.config import INDEX, ROOT, log

STAMP = "bench-stamp.json"


def clean_env(**extra: str) -> dict[str, str]:
    """This process's environment without any pip, uv or dephash setting or config file.

    The machine's CA bundle variables (SSL_CERT_FILE, REQUESTS_CA_BUNDLE) stay: they
    are how every tool here, alike, trusts the network's TLS.
    """
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PIP_", "UV_", "DEPHASH_"))
        and key not in {"VIRTUAL_ENV", "CONDA_PREFIX", "PYTHONPATH", "PYTHONHOME"}
    }
    env.update(
        PIP_CONFIG_FILE=os.devnull,
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        PIP_NO_INPUT="1",
        UV_NO_CONFIG="1",
        UV_PYTHON_DOWNLOADS="never",
        PYTHONDONTWRITEBYTECODE="1",
    )
    env.update(extra)
    return env


def venv_bin(venv: Path, name: str) -> Path:
    return venv / "bin" / name


def pinned_pip_version() -> str:
    """The pip that dephash's own CI installs (requirements-prod.txt), else the minimum."""
    try:
        text = (ROOT / "requirements-prod.txt").read_text(encoding="utf-8")
    except OSError:
        return "pip>=25.3"
    match = re.search(r"^pip==(\S+)", text, re.MULTILINE)
    return f"pip=={match.group(1)}" if match else "pip>=25.3"


def ensure_venv(venv: Path, python: str, force: bool) -> None:
    """Create the bench venv and install the tools, unless its stamp says it is done."""
    wanted = {
        "pip": pinned_pip_version(),
        "tools": ["-e", str(ROOT), "pip-tools", "uv", "requests"],
        "python": python,
    }
    stamp = venv / STAMP
    if not force and stamp.is_file():
        with contextlib.suppress(ValueError, OSError):
            if json.loads(stamp.read_text(encoding="utf-8")) == wanted:
                return
    log(f"setting up {venv} (pip from PyPI only, this machine's pip config ignored)")
    if force and venv.exists():
        shutil.rmtree(venv)
    env = clean_env()
    subprocess.run([python, "-m", "venv", str(venv)], check=True, env=env)
    pip = [str(venv_bin(venv, "python")), "-m", "pip", "install", "--quiet", "-i", INDEX]
    subprocess.run([*pip, str(wanted["pip"])], check=True, env=env)
    subprocess.run([*pip, "--upgrade", *wanted["tools"]], check=True, env=env)
    stamp.write_text(json.dumps(wanted), encoding="utf-8")


def output_of(command: Sequence[str], env: dict[str, str] | None = None) -> str:
    completed = subprocess.run(
        command, capture_output=True, text=True, check=False, env=env, cwd=ROOT
    )
    return (completed.stdout or completed.stderr).strip()


def tool_versions(venv: Path) -> dict[str, str]:
    env = clean_env()
    python = str(venv_bin(venv, "python"))

    def version(*command: str) -> str:
        text = output_of(command, env)
        match = re.search(r"\d+\.\d+(?:\.\d+)*\S*", text)
        return match.group(0).rstrip(",") if match else text

    commit = output_of(["git", "rev-parse", "--short", "HEAD"])
    dirty = output_of(["git", "status", "--porcelain", "--", "dephash", "setup.py"])
    return {
        "Python": version(python, "--version"),
        "pip": version(python, "-m", "pip", "--version"),
        "pip-tools": version(str(venv_bin(venv, "pip-compile")), "--version"),
        "uv": version(str(venv_bin(venv, "uv")), "--version"),
        "dephash": version(str(venv_bin(venv, "dephash")), "--version")
        + f" (commit {commit}{', dephash/ modified' if dirty else ''})",
    }


def machine() -> dict[str, str]:
    model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory = ""
    with contextlib.suppress(OSError, IndexError, ValueError):
        kb = int(Path("/proc/meminfo").read_text(encoding="utf-8").split()[1])
        memory = f"{kb / 1024 / 1024:.0f} GiB"
    return {
        "cores": str(os.cpu_count()),
        "cpu": model or platform.processor(),
        "memory": memory,
        "system": f"{platform.system()} {platform.release()}",
    }


def in_venv(venv: Path) -> bool:
    return Path(sys.prefix).resolve() == venv.resolve()
