"""Timing one command: its wall time, CPU time and peak memory; a series of such runs."""

from __future__ import annotations

import contextlib
import json
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bench.config import ROOT


@dataclass
class Run:
    """One timed run of one command."""

    seconds: float
    cpu_seconds: float  # user + system, of the process and its waited-for children
    maxrss_mb: float  # wait4: the largest RSS of the process or any of its children
    returncode: int
    own_peak_mb: float | None = None  # VmHWM of the process itself (memory runs)
    child_peak_mb: float | None = None  # the largest VmHWM among its descendants
    load: float = 0.0  # 1-minute load average when it started


def _status_kb(pid: int, key: str) -> int | None:
    try:
        with open(f"/proc/{pid}/status", encoding="utf-8") as stream:
            for line in stream:
                if line.startswith(key):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None


def _descendants(root: int) -> list[int]:
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8") as stream:
                parents[int(entry)] = int(stream.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
    found: list[int] = []
    frontier = [root]
    while frontier:
        current = frontier.pop()
        children = [pid for pid, parent in parents.items() if parent == current]
        found += children
        frontier += children
    return found


class PeakSampler:
    """Polls the peak RSS (VmHWM) of a process, and of its descendants, while it runs."""

    def __init__(self, pid: int, interval: float = 0.05, scan_every: int = 4) -> None:
        self.pid = pid
        self.interval = interval
        self.scan_every = scan_every
        self.own_kb = 0
        self.child_kb = 0
        self.children: set[int] = set()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._loop, daemon=True)

    def __enter__(self) -> PeakSampler:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join()

    def _loop(self) -> None:
        tick = 0
        while not self.stop.is_set():
            own = _status_kb(self.pid, "VmHWM")
            if own is not None:
                self.own_kb = max(self.own_kb, own)
            if tick % self.scan_every == 0:
                self.children.update(_descendants(self.pid))
            for child in list(self.children):
                peak = _status_kb(child, "VmHWM")
                if peak is None:
                    self.children.discard(child)
                else:
                    self.child_kb = max(self.child_kb, peak)
            tick += 1
            self.stop.wait(self.interval)


class ToolFailed(RuntimeError):
    """A measured command failed: the run, and the benchmark's numbers, are void."""


# A tiny launcher starts each measured command. wait4's ru_maxrss of a child counts the
# memory of the process that spawned it (Linux records the old address space's peak at
# exec), so a command spawned straight from this script would inherit the script's own
# peak; spawned from the launcher (about 10 MB), its peak is its own.
LAUNCHER = """
import json, os, sys, time
started = time.perf_counter()
pid = os.posix_spawnp(sys.argv[1], sys.argv[1:], os.environ,
                      file_actions=[(os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0)])
print(pid, flush=True)
_, status, usage = os.wait4(pid, 0)
print(json.dumps([time.perf_counter() - started, usage.ru_utime + usage.ru_stime,
                  usage.ru_maxrss, os.waitstatus_to_exitcode(status)]), flush=True)
"""


def measure(
    command: Sequence[str],
    env: dict[str, str],
    *,
    timeout: float,
    sample_memory: bool = False,
    ok_codes: Sequence[int] = (0,),
    cwd: Path = ROOT,
) -> Run:
    """Run ``command`` once: wall time, and CPU time and peak RSS from wait4.

    CPU time and ru_maxrss cover the command and the children it waited for
    (ru_maxrss: the largest single process, not a sum).
    """
    load = os.getloadavg()[0]
    launcher = [sys.executable, "-I", "-S", "-c", LAUNCHER, *command]
    with tempfile.TemporaryFile() as stderr:
        process = subprocess.Popen(
            launcher,
            env=env,
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=stderr,
            start_new_session=True,
            text=True,
        )
        timer = threading.Timer(timeout, _kill_group, args=(process.pid,))
        timer.start()
        try:
            assert process.stdout is not None
            pid = process.stdout.readline().strip()
            sampler = PeakSampler(int(pid)) if sample_memory and pid.isdigit() else None
            with sampler or contextlib.nullcontext():
                result = process.stdout.readline()
            process.wait()
        finally:
            timer.cancel()
        try:
            seconds, cpu_seconds, maxrss_kb, returncode = json.loads(result)
        except ValueError:
            seconds, cpu_seconds, maxrss_kb, returncode = 0.0, 0.0, 0, process.returncode
        if returncode not in ok_codes:
            stderr.seek(0)
            tail = stderr.read().decode("utf-8", "replace").strip().splitlines()[-5:]
            raise ToolFailed(
                f"{shlex.join(command)} exited {returncode}"
                + (f" (killed after {timeout:.0f} s)" if returncode < 0 else "")
                + ":\n  "
                + "\n  ".join(tail)
            )
    return Run(
        seconds=seconds,
        cpu_seconds=cpu_seconds,
        maxrss_mb=maxrss_kb / 1024,
        returncode=returncode,
        own_peak_mb=sampler.own_kb / 1024 if sampler else None,
        child_peak_mb=sampler.child_kb / 1024 if sampler else None,
        load=load,
    )


def _kill_group(pid: int) -> None:
    """Ends a measured command that ran past its time limit (its own session only)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, 9)


@dataclass
class Series:
    """The runs of one tool on one input in one scenario."""

    scenario: str
    input: str
    tool: str
    cache: str  # "cold" or "warm", and what that means for this tool
    runs: list[Run] = field(default_factory=list)
    skipped: str | None = None
    note: str = ""

    def seconds(self) -> list[float]:
        return [run.seconds for run in self.runs]

    def median(self) -> float | None:
        return statistics.median(self.seconds()) if self.runs else None
