"""The pip runner: the only code that runs pip, always through its command line."""

from __future__ import annotations

import ast
import json
import logging
import os
import re
import shlex
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, cast

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from dephash.errors import IndexUnreachable, InputError, PipError, ResolutionError
from dephash.hashes import published_digests
from dephash.model import MarkerEnvironment, ProjectMetadata, Resolution, ResolvedPackage
from dephash.redact import redact

log = logging.getLogger(__name__)

MINIMUM_PIP = Version("25.3")
REPORT_VERSION = "1"

# pip's messages that mean the input cannot be resolved, not that pip is broken.
_INPUT_PROBLEMS = (
    "ResolutionImpossible",
    "conflicting dependencies",
    "No matching distribution found",
    "Could not find a version that satisfies",
    "Invalid requirement",
    "Could not open requirements file",
    "is not a valid wheel filename",
    "metadata-generation-failed",
    "Failed to build",
    "Requires-Python",
)
# pip's messages that mean the network or an index failed.
_NETWORK_PROBLEMS = (
    "Max retries exceeded",
    "NewConnectionError",
    "ConnectTimeoutError",
    "ReadTimeoutError",
    "Connection refused",
    "Could not fetch URL",
    "SSLError",
)
# pip's first line when it crashes, before its traceback.
_CRASH = "ERROR: Exception:"
# The first line of pip's diagnostic errors: "error: incomplete-download".
_DIAGNOSTIC = re.compile(r"error: [a-z0-9-]+")
# What pip draws before a diagnostic error's message and context lines.
_BOX = "\u00d7\u2570\u2500>\u2502 "
# pip's debug log line for an index page it skipped; a 404 only means "not on this index".
_FETCH_FAILURE = re.compile(r"Could not fetch URL (?P<url>\S+): (?P<reason>.*?) - skipping")


@dataclass(frozen=True)
class PipRunner:
    """Runs ``<python> -m pip``; ``python`` is the interpreter whose pip is used."""

    python: str = field(default_factory=lambda: sys.executable)
    env: Mapping[str, str] | None = None
    # Called with each line pip prints while it resolves, as it prints it.
    on_output: Callable[[str], None] | None = None

    def _run(self, args: Sequence[str], stream: bool = False) -> subprocess.CompletedProcess[str]:
        command = [self.python, "-m", "pip", *args]
        log.debug("running: %s", redact(shlex.join(command)))
        env = dict(self.env) if self.env is not None else None
        try:
            if not stream or self.on_output is None:
                return subprocess.run(
                    command,
                    capture_output=True,
                    text=True,
                    env=env,
                    check=False,
                    stdin=subprocess.DEVNULL,
                )
            return self._stream(command, env, self.on_output)
        except OSError as exc:
            raise PipError(f"cannot run {self.python}: {exc.strerror}") from None

    @staticmethod
    def _stream(
        command: list[str], env: dict[str, str] | None, on_output: Callable[[str], None]
    ) -> subprocess.CompletedProcess[str]:
        with subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
            env=env,
        ) as process:
            # Both are pipes, as asked for above.
            stdout = cast(IO[str], process.stdout)
            stderr = cast(IO[str], process.stderr)
            errors: list[str] = []
            reader = threading.Thread(target=lambda: errors.append(stderr.read()))
            reader.start()
            lines = []
            try:
                for line in stdout:
                    lines.append(line)
                    on_output(line)
            except KeyboardInterrupt:
                _interrupt(process)
                raise
            reader.join()
            returncode = process.wait()
        return subprocess.CompletedProcess(command, returncode, "".join(lines), "".join(errors))

    def version(self) -> Version:
        """pip's version; fails clearly when pip is missing or too old."""
        completed = self._run(["--version"])
        match = re.match(r"pip (\S+)", completed.stdout)
        if completed.returncode != 0 or match is None:
            raise PipError(
                f"pip is not available for {self.python}; install it with: "
                f"{self.python} -m ensurepip && {self.python} -m pip install 'pip>={MINIMUM_PIP}'"
            )
        return self._require(match.group(1))

    def _require(self, version: str) -> Version:
        """``version`` as a Version; fails clearly when it is older than dephash needs."""
        try:
            found = Version(version)
        except InvalidVersion:
            raise PipError(f"cannot read pip's version from {version!r}") from None
        if found < MINIMUM_PIP:
            raise PipError(
                f"pip {found} is too old: dephash needs pip >= {MINIMUM_PIP}; "
                f"upgrade it with: {self.python} -m pip install -U 'pip>={MINIMUM_PIP}'"
            )
        return found

    def config(self) -> dict[str, str]:
        """pip's effective configuration, as ``pip config list`` reports it."""
        completed = self._run(["config", "list"])
        if completed.returncode != 0:
            raise PipError(f"pip config list failed: {_last_errors(completed.stderr)}")
        values: dict[str, str] = {}
        for line in completed.stdout.splitlines():
            key, sep, raw = line.partition("=")
            if not sep:
                continue
            # pip prints each value as a Python literal (repr).
            try:
                value = ast.literal_eval(raw.strip())
            except (ValueError, SyntaxError):
                value = raw.strip().strip("'\"")
            values[key.strip()] = " ".join(str(value).split())
        return values

    def resolve(self, args: Sequence[str], python: str | None = None) -> Resolution:
        """Resolve with ``pip install --dry-run --report``; ``args`` end with the input's own
        (``-r FILE``); ``python`` is the interpreter to resolve for (pip's ``--python``)."""
        return parse_report(self._report(args, python, stream=True))

    def project_metadata(
        self, project: str, args: Sequence[str] = (), python: str | None = None
    ) -> ProjectMetadata:
        """The metadata of the project in folder ``project``, which pip has its build backend
        write (``install --dry-run --no-deps``); ``args`` say where the backend comes from."""
        # A bare folder name would be a project name to pip.
        folder = project if os.path.isabs(project) else os.path.join(".", project)
        try:
            report = self._report([*args, "--no-deps", folder], python, stream=False)
        except ResolutionError as exc:
            reason = str(exc).partition(": ")[2]
            raise InputError(f"pip could not build the metadata of {folder}: {reason}") from None
        try:
            metadata = report["install"][0]["metadata"]
            return ProjectMetadata(
                name=metadata["name"],
                requires_dist=tuple(metadata.get("requires_dist") or ()),
                provides_extra=tuple(metadata.get("provides_extra") or ()),
                requires_python=metadata.get("requires_python") or None,
            )
        except (KeyError, IndexError, TypeError):
            raise PipError(f"pip reported no metadata for the project in {project}") from None

    def _report(self, args: Sequence[str], python: str | None, *, stream: bool) -> Any:
        """pip's installation report for ``install --dry-run ARGS``, from a pip new enough."""
        with tempfile.TemporaryDirectory(prefix="dephash-") as scratch:
            report_path = Path(scratch) / "report.json"
            command = [*(["--python", python] if python else []), "install", "--dry-run"]
            # Not --quiet: pip explains a conflict on standard output, at its default level.
            command += ["--ignore-installed", "--progress-bar", "off", "--report", str(report_path)]
            completed = self._run([*command, *args], stream=stream)
            if completed.returncode != 0:
                # A missing or too old pip explains any failure best.
                self.version()
                raise _classify_failure(completed.stderr, completed.stdout)
            try:
                report = json.loads(report_path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise PipError(f"pip wrote no readable installation report: {exc}") from None
        # The report names the pip that wrote it: no separate ``pip --version`` run.
        self._require(str(report.get("pip_version") if isinstance(report, dict) else None))
        return report

    def list_outdated(self, python: str, args: Sequence[str] = ()) -> str:
        """``pip --python PYTHON list --outdated --format=json``: its report, as text.

        pip skips an index page it cannot fetch and reports nothing on its
        console; its log says so, and then this fails instead of looking up to date.
        """
        with tempfile.TemporaryDirectory(prefix="dephash-") as scratch:
            log_path = Path(scratch) / "pip.log"
            command = ["--python", python, "--log", str(log_path), "list", "--outdated"]
            completed = self._run([*command, "--format=json", *args])
            if completed.returncode != 0:
                raise PipError(f"pip list --outdated failed: {_last_errors(completed.stderr)}")
            try:
                pip_log = log_path.read_text(encoding="utf-8", errors="replace")
            except OSError as exc:
                raise PipError(f"pip wrote no log of its index requests: {exc.strerror}") from None
        failures = index_failures(pip_log)
        if failures:
            more = f" (and {len(failures) - 1} more)" if len(failures) > 1 else ""
            raise IndexUnreachable(f"pip could not read an index: {failures[0]}{more}")
        return completed.stdout


def _interrupt(process: subprocess.Popen[str]) -> None:
    """Stop pip as Ctrl-C would (it removes its temporary files), then for good."""
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=2)
    except subprocess.TimeoutExpired:
        process.kill()


def index_failures(pip_log: str) -> list[str]:
    """The index pages pip's log says it could not fetch, other than 404s, in order."""
    failures = [
        redact(f"{match.group('url')}: {match.group('reason')}")
        for match in _FETCH_FAILURE.finditer(pip_log)
        if not match.group("reason").startswith("404 ")
    ]
    return list(dict.fromkeys(failures))


def _last_errors(stderr: str) -> str:
    """pip's own explanation of what went wrong, in a line, credentials removed."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    explanation = _diagnostic(lines)
    if explanation is None and _CRASH in lines:
        # pip crashed: the last line of its traceback names the exception.
        explanation = f"pip crashed with {lines[-1]}"
    if explanation is None:
        errors = [line for line in lines if line.startswith("ERROR:")]
        explanation = " ".join((errors or lines[-2:] or ["(pip printed nothing)"])[-2:])
    return redact(explanation)


def _diagnostic(lines: Sequence[str]) -> str | None:
    """The message and context of pip's diagnostic error (a line "error: NAME", then the
    message and its context, drawn with box characters), without the note and hint after."""
    for number, line in enumerate(lines):
        if _DIAGNOSTIC.fullmatch(line):
            parts = []
            for part in lines[number + 1 :]:
                if part.startswith(("note:", "hint:")):
                    break
                parts.append(part.lstrip(_BOX))
            return " ".join(part for part in parts if part) or line
    return None


def _classify_failure(stderr: str, stdout: str = "") -> Exception:
    reason = _last_errors(stderr)
    if any(marker in stderr for marker in _NETWORK_PROBLEMS):
        return PipError(f"pip could not reach an index: {reason}")
    if any(marker in stderr for marker in _INPUT_PROBLEMS):
        return ResolutionError(
            f"pip could not resolve the requirements: {reason}", redact(f"{stdout}\n{stderr}")
        )
    return PipError(f"pip failed: {reason}")


def parse_report(report: Any) -> Resolution:
    """Read pip's installation report (format version 1)."""
    if not isinstance(report, dict) or str(report.get("version")) != REPORT_VERSION:
        version = report.get("version") if isinstance(report, dict) else None
        raise PipError(f"unsupported pip installation report version: {version!r}")
    packages = []
    for item in report.get("install", []):
        metadata = item["metadata"]
        info = item.get("download_info", {})
        url = info.get("url", "")
        if "vcs_info" in info or "dir_info" in info:
            raise InputError(
                f"{metadata['name']} comes from a VCS checkout or a local directory "
                f"({redact(url)}): it cannot be pinned by hash"
            )
        hashes, rejected = published_digests(info.get("archive_info", {}).get("hashes", {}).items())
        for algorithm in rejected:
            log.warning(
                "%s: pip's report gives a %s digest that is not one; ignored",
                metadata["name"],
                algorithm,
            )
        packages.append(
            ResolvedPackage(
                name=canonicalize_name(metadata["name"]),
                version=metadata["version"],
                url=url,
                requested=bool(item.get("requested", False)),
                direct=bool(item.get("is_direct", False)),
                requested_extras=tuple(sorted(item.get("requested_extras") or ())),
                requires_dist=tuple(metadata.get("requires_dist") or ()),
                archive_hashes=hashes,
                requires_python=metadata.get("requires_python") or None,
            )
        )
    environment = MarkerEnvironment.of(report.get("environment") or {})
    return Resolution(tuple(sorted(packages, key=lambda p: p.name)), environment)
