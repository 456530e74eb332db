"""One-off study, not a test: do the files ``dephash gen`` writes install everywhere they
claim to, for real requirement lists, on the public index?

    python -m tests.portability_study PATH/TO/uv [WORK_DIR [LIST...]]

For each list of ``tests/study/`` (requirements of the kinds well-known public projects
keep) it writes a portable file (``--python-version '>=3.10,<3.15'``, every platform;
narrowed to the platforms with most wheels only where that fails) and a ``--host-only``
file, judges each one with ``uv pip install --dry-run --require-hashes`` for Linux x86_64
and arm64, macOS arm64 and Windows x86_64 and arm64 on Python 3.10 to 3.14, runs ``dephash
check`` on the portable file, compares its pins for this interpreter with ``uv pip compile
--generate-hashes``, and installs a few lists for real with the pyenv interpreters this
machine has. WORK_DIR (default: a temporary folder) keeps every file and log; its
``results.md`` holds the table and the failures; a list done there is not run again.
LIST names lists of ``tests/study/`` (default: all of them), run in that order. Exits 1
when a portable file fails.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from packaging.markers import Marker

CHECKOUT = Path(__file__).resolve().parents[1]
LISTS = CHECKOUT / "tests" / "study"
INDEX = "https://pypi.org/simple/"
PYTHONS = ("3.10", "3.11", "3.12", "3.13", "3.14")
PLATFORMS = {
    "linux": "x86_64-unknown-linux-gnu",
    "macos": "aarch64-apple-darwin",
    "windows": "x86_64-pc-windows-msvc",
    "linux-arm64": "aarch64-unknown-linux-gnu",
    "windows-arm64": "aarch64-pc-windows-msvc",
}
# A list whose portable resolution takes longer than this is dropped from the study.
GEN_LIMIT = 600
# One uv judgement; an sdist pinned for a foreign platform may make uv build its metadata.
JUDGE_LIMIT = 300
# Where a list's portable file cannot cover every environment, the narrower fallback:
# Windows on arm64 (fewest wheels) left out; ansible-lint refuses Windows.
NARROWED = ("--platform", "linux", "--platform", "macos", "--platform", "win_amd64")
NARROWER = {"ansible": ("--platform", "linux", "--platform", "macos")}
# The judged platforms each --platform value covers (linux and windows: both machines).
JUDGED = {
    "linux": ("linux", "linux-arm64"),
    "macos": ("macos",),
    "windows": ("windows", "windows-arm64"),
    "win_amd64": ("windows",),
}
# Lists installed for real with each pyenv interpreter (wheels with compiled code included).
INSTALLED = ("flask-app", "keyring", "pytest-dev")


@dataclass(frozen=True)
class Pin:
    name: str
    version: str
    marker: str
    hashes: frozenset[str]


@dataclass
class Outcome:
    """What happened to one list; plain data, dumped to results.json."""

    name: str
    gen: str = ""
    failed_gens: list[str] = field(default_factory=list)
    gen_seconds: float = 0.0
    gen_warnings: list[str] = field(default_factory=list)
    options: list[str] = field(default_factory=list)
    portable: dict[str, str] = field(default_factory=dict)
    host_only: dict[str, str] = field(default_factory=dict)
    check: str = ""
    compile: str = ""
    installs: dict[str, str] = field(default_factory=dict)


def _env(work: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "UV_", "DEPHASH_"))}
    # pyenv's shims answer to every pythonX.Y and fail for all but the global one; this
    # study measures pip's --python-version runs, not the shims (see docs/PORTABILITY.md).
    path = [p for p in env.get("PATH", "").split(os.pathsep) if "/.pyenv/" not in p]
    env.update(
        PATH=os.pathsep.join(path),
        PIP_CONFIG_FILE=os.devnull,
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        UV_NO_CONFIG="1",
        UV_PYTHON_DOWNLOADS="never",
        UV_CACHE_DIR=str(work / "uv-cache"),
        # This checkout's dephash, whatever the interpreter has installed.
        PYTHONPATH=str(CHECKOUT),
    )
    return env


def _run(
    command: list[str], env: dict[str, str], timeout: float = 900
) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(
            command, env=env, capture_output=True, text=True, check=False, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        return subprocess.CompletedProcess(command, -1, "", f"timed out after {timeout:.0f} s")


def _first_error(stderr: str) -> str:
    """uv's first error line and the reason it gives under it, on one line."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    for at, line in enumerate(lines):
        if line.startswith(("error", "\N{MULTIPLICATION SIGN}", "ERROR")):
            reason = [
                n for n in lines[at + 1 : at + 3] if n.startswith(("╰─▶", "Caused by", "cause:"))
            ]
            return " ".join([line, *reason])
    return lines[-1] if lines else "(no output)"


def pins(text: str) -> list[Pin]:
    """Every pin of a rendered file, its marker kept (one line per version per marker)."""
    found = []
    for block in text.replace("\\\n", " ").splitlines():
        if not block.strip() or block.lstrip().startswith(("#", "-")):
            continue
        head, _, rest = block.partition("--hash=")
        requirement, _, marker = head.partition(";")
        name, version = requirement.strip().split("==")
        hashes = frozenset(w.removeprefix("--hash=") for w in ("--hash=" + rest).split())
        found.append(Pin(name, version, marker.strip(), hashes))
    return found


def _here(found: list[Pin]) -> dict[str, Pin]:
    """The pins whose markers hold for this interpreter."""
    return {p.name: p for p in found if not p.marker or Marker(p.marker).evaluate()}


def gen(
    source: Path, out: Path, options: list[str], env: dict[str, str], limit: float = GEN_LIMIT
) -> tuple[str, float, list[str]]:
    """Run ``dephash gen``: ("ok" or its error, seconds, warnings)."""
    command = [sys.executable, "-m", "dephash", "gen", "--algorithm", "sha256", *options]
    started = time.monotonic()
    done = _run([*command, "-o", str(out), str(source)], env, limit)
    seconds = time.monotonic() - started
    (out.parent / f"{out.stem}.stderr").write_text(done.stderr)
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    warnings = [line for line in lines if "warning" in line.lower()]
    if done.returncode != 0:
        errors = [line for line in lines if "error" in line.lower()] or lines[-1:]
        return f"exit {done.returncode}: {' | '.join(errors)}", seconds, warnings
    return "ok", seconds, warnings


def judge(uv: str, pinned: Path, env: dict[str, str], platforms: list[str]) -> dict[str, str]:
    """``os/python`` -> "ok" or uv's first error, for every pair."""
    verdicts = {}
    target = pinned.parent / "target"
    for os_name in platforms:
        for python in PYTHONS:
            command = [uv, "pip", "install", "--dry-run", "--require-hashes", "--no-progress"]
            command += ["--python-platform", PLATFORMS[os_name], "--python-version", python]
            command += ["--target", str(target), "--index-url", INDEX, "-r", str(pinned)]
            done = _run(command, env, JUDGE_LIMIT)
            ok = done.returncode == 0
            verdicts[f"{os_name}/{python}"] = "ok" if ok else _first_error(done.stderr)
    return verdicts


def check(pinned: Path, env: dict[str, str]) -> str:
    done = _run([sys.executable, "-m", "dephash", "check", str(pinned)], env)
    (pinned.parent / "check.log").write_text(done.stdout + done.stderr)
    lines = [line for line in (done.stdout + done.stderr).splitlines() if line.strip()]
    return f"exit {done.returncode}: {' | '.join(lines[-3:])}"


def compare(uv: str, source: Path, portable: Path, env: dict[str, str]) -> str:
    """The portable file's pins for this interpreter against ``uv pip compile``'s."""
    command = [uv, "pip", "compile", "--generate-hashes", "--no-header", "--python"]
    done = _run([*command, sys.executable, "--index-url", INDEX, str(source)], env)
    if done.returncode != 0:
        return f"uv pip compile failed: {_first_error(done.stderr)}"
    (portable.parent / "uv-compile.txt").write_text(done.stdout)
    ours, theirs = _here(pins(portable.read_text())), _here(pins(done.stdout))
    names = sorted(ours.keys() | theirs.keys())
    same = [n for n in names if n in ours and n in theirs and ours[n].version == theirs[n].version]
    equal = [n for n in same if ours[n].hashes == theirs[n].hashes]
    subset = [n for n in same if ours[n].hashes < theirs[n].hashes]
    other = [n for n in same if n not in equal and n not in subset]
    words = [f"{len(same)}/{len(names)} same versions"]
    words += [f"hashes equal {len(equal)}, a subset of uv's {len(subset)}, other {len(other)}"]
    differ = [f"{n} {_version(ours, n)}/{_version(theirs, n)}" for n in names if n not in same]
    if differ:
        words.append("differ (dephash/uv): " + ", ".join(differ))
    if other:
        words.append("hashes not in uv's: " + ", ".join(other))
    return "; ".join(words)


def _version(found: dict[str, Pin], name: str) -> str:
    return found[name].version if name in found else "-"


def interpreters() -> list[Path]:
    """This machine's pyenv CPythons that pip can install for (3.10 and later)."""
    root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    found = []
    for folder in sorted(root.glob("3.*")):
        parts = folder.name.split(".")
        if len(parts) == 3 and parts[1].isdigit() and int(parts[1]) >= 10:
            found.append(folder / "bin" / "python")
    return found


def install(python: Path, pinned: Path, work: Path, env: dict[str, str]) -> str:
    """``pip install --require-hashes -r pinned`` into a new venv of ``python``."""
    venv = work / "venvs" / f"{pinned.parent.name}-{python.parent.parent.name}"
    subprocess.run([str(python), "-m", "venv", "--clear", str(venv)], check=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip"]
    version = _run([*pip, "--version"], env).stdout.split()[1]
    env = {**env, "PIP_CACHE_DIR": str(work / "pip-cache")}
    done = _run([*pip, "install", "--require-hashes", "-i", INDEX, "-r", str(pinned)], env)
    (venv.parent / f"{venv.name}.log").write_text(done.stdout + done.stderr)
    if done.returncode == 0:
        return f"ok (pip {version})"
    first = _first_error(done.stderr)
    _run([*pip, "install", "-q", "-i", INDEX, "--upgrade", "pip"], env)
    again = _run([*pip, "install", "--require-hashes", "-i", INDEX, "-r", str(pinned)], env)
    if again.returncode == 0:
        return f"ok after upgrading pip (pip {version}: {first})"
    return f"FAILED: {_first_error(again.stderr)}"


def study(uv: str, work: Path, names: list[str]) -> list[Outcome]:
    env = _env(work)
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    outcomes = []
    for source in [LISTS / f"{name}.txt" for name in names]:
        folder = work / source.stem
        done = folder / "outcome.json"
        if done.exists():  # from an earlier run into the same WORK_DIR
            outcomes.append(Outcome(**json.loads(done.read_text())))
            continue
        outcome = Outcome(source.stem)
        folder.mkdir(parents=True, exist_ok=True)
        portable, host = folder / "portable.txt", folder / "host-only.txt"
        pythons = ["--python-version", ">=3.10,<3.15"]
        tries = [pythons, [*pythons, *NARROWED]]
        tries += [[*pythons, *NARROWER[source.stem]]] if source.stem in NARROWER else []
        for options in tries:
            outcome.options = options
            outcome.gen, outcome.gen_seconds, outcome.gen_warnings = gen(
                source, portable, options, env
            )
            shown = " ".join(options[2:]) or "every platform"
            print(f"{source.stem} ({shown}): gen {outcome.gen} ({outcome.gen_seconds:.0f} s)")
            if outcome.gen == "ok":
                break
            outcome.failed_gens.append(f"{shown}: {outcome.gen}")
            stderr = folder / "portable.stderr"
            stderr.rename(folder / f"portable-failed-{len(outcome.failed_gens)}.stderr")
        host_gen = gen(source, host, ["--host-only"], env)[0]
        if outcome.gen == "ok":
            named = {p for o in outcome.options for p in JUDGED.get(o, ())}
            platforms = [p for p in PLATFORMS if p in named] or list(PLATFORMS)
            outcome.portable = judge(uv, portable, env, platforms)
            outcome.check = check(portable, env)
            outcome.compile = compare(uv, source, portable, env)
        outcome.host_only = judge(uv, host, env, list(PLATFORMS)) if host_gen == "ok" else {}
        if outcome.gen == "ok" and source.stem in INSTALLED:
            for python in interpreters():
                outcome.installs[python.parent.parent.name] = install(python, portable, work, env)
        print(f"  {json.dumps(asdict(outcome), indent=1)}")
        outcomes.append(outcome)
        done.write_text(json.dumps(asdict(outcome), indent=1))
        (work / "results.json").write_text(json.dumps([asdict(o) for o in outcomes], indent=1))
    return outcomes


def _passed(verdicts: dict[str, str]) -> str:
    if not verdicts:
        return "-"
    return f"{sum(v == 'ok' for v in verdicts.values())}/{len(verdicts)}"


def report(outcomes: list[Outcome]) -> str:
    """The table and the failures, in Markdown."""
    rows = [
        "| list | portable gen | portable: uv | host-only: uv | check | real installs |",
        "|---|---|---|---|---|---|",
    ]
    failures = []
    for o in outcomes:
        gen_cell = f"ok, {o.gen_seconds:.0f} s" if o.gen == "ok" else "failed"
        gen_cell += " (" + (" ".join(o.options[2:]) or "every platform") + ")"
        ok_installs = sum(v.startswith("ok") for v in o.installs.values())
        installs = f"{ok_installs}/{len(o.installs)}" if o.installs else "-"
        check_cell = o.check.split(":")[0] if o.check else "-"
        rows.append(
            f"| {o.name} | {gen_cell} | {_passed(o.portable)} | {_passed(o.host_only)} "
            f"| {check_cell} | {installs} |"
        )
        failures += [f"- {o.name}, gen {failed}" for failed in o.failed_gens]
        for kind, verdicts in (("portable", o.portable), ("host-only", o.host_only)):
            for pair, verdict in verdicts.items():
                if verdict != "ok":
                    failures.append(f"- {o.name}, {kind}, {pair}: {verdict}")
        if o.check and not o.check.startswith("exit 0"):
            failures.append(f"- {o.name}, check: {o.check}")
        for python, verdict in o.installs.items():
            if not verdict.startswith("ok"):
                failures.append(f"- {o.name}, install with {python}: {verdict}")
    portable = [v for o in outcomes for v in o.portable.values()]
    host = [v for o in outcomes for v in o.host_only.values()]
    summary = (
        f"Portable files: {portable.count('ok')}/{len(portable)} judged pairs pass; "
        f"host-only files: {host.count('ok')}/{len(host)}."
    )
    compile_lines = [f"- {o.name}: {o.compile}" for o in outcomes if o.compile]
    warning_lines = [f"- {o.name}: {w}" for o in outcomes if o.gen == "ok" for w in o.gen_warnings]
    return "\n".join(
        [
            *rows,
            "",
            summary,
            "",
            "Failures:",
            "",
            *failures,
            "",
            "Against uv pip compile:",
            "",
            *compile_lines,
            "",
            "Warnings of the portable gen:",
            "",
            *(warning_lines or ["- none"]),
            "",
        ]
    )


def main(uv: str, work: Path, names: list[str]) -> int:
    outcomes = study(uv, work, names or sorted(path.stem for path in LISTS.glob("*.txt")))
    text = report(outcomes)
    (work / "results.md").write_text(text)
    print(text)
    return 0 if all(v == "ok" for o in outcomes for v in o.portable.values()) else 1


if __name__ == "__main__":
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    if len(sys.argv) >= 3:
        sys.exit(main(sys.argv[1], Path(sys.argv[2]).resolve(), sys.argv[3:]))
    with tempfile.TemporaryDirectory(prefix="portability-study-") as name:
        sys.exit(main(sys.argv[1], Path(name), []))
