"""Run a real pypiserver on 127.0.0.1 for tests.

What pypiserver 2.4.2 does, as observed with curl on this machine
(``pypi-server run -i 127.0.0.1 -p PORT --disable-fallback -a . -P . ROOT``,
no ``watchdog`` installed); the first four points are also asserted by
``test_pypiserver_behaviour_as_documented`` in ``tests/test_support.py``:

* **Files added to ROOT after start are seen without a restart.**  Without
  ``watchdog`` the "auto" backend is the uncached ``simple-dir`` backend,
  which lists ROOT on every request; a file overwritten in place also gets
  its new hash on the next request.  (From its source, not tried: with
  ``watchdog`` installed the "auto" backend becomes ``cached-dir``, updated
  asynchronously by file events.)  :meth:`PyPIServer.wait_for_files` covers both: it polls the
  project page and, if the files still do not show, restarts the server on
  the same root and port.
* **No PEP 691 JSON.**  ``/simple/`` and ``/simple/<project>/`` answer
  ``text/html; charset=UTF-8`` (PEP 503) whatever the ``Accept`` header
  says.  There is a small non-standard JSON document at ``/<project>/json``
  (``{"info": {"version"}, "releases": {version: [{"url"}]}}``, no hashes);
  ``/pypi/<project>/json`` is a 404.
* **Hash fragments:** ``--hash-algo`` defaults to ``sha256``, so every link
  is ``/packages/<filename>#sha256=<hex>``, an absolute path on the server.
* **No ``data-requires-python`` and no ``data-yanked``** attributes, even
  for a wheel whose metadata has ``Requires-Python``; pypiserver has no
  notion of yanking.  Use :class:`tests.support.jsonindex.JsonIndex` for those.
* A non-normalized project name (``/simple/Alpha.Pkg/``) is redirected (301)
  to the normalized one; an unknown project is a 404 (``--disable-fallback``).
  Responses are HTTP/1.0 and never gzip-encoded.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import IO, TYPE_CHECKING, Protocol

from .builder import make_sdist, make_wheel

if TYPE_CHECKING:
    from typing_extensions import Self

__all__ = ["Publish", "PyPIServer", "free_port", "publish_to"]

_HOST = "127.0.0.1"


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((_HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def _listens(pid: int, port: int) -> bool | None:
    """Whether process ``pid`` holds a socket listening on 127.0.0.1:``port``.

    Linux only (reads /proc); None where that cannot be told.  Guards the
    readiness check against another process answering on the same port.
    """
    try:
        inodes = set()
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            with contextlib.suppress(OSError):
                target = os.readlink(fd)
                if target.startswith("socket:["):
                    inodes.add(target[len("socket:[") : -1])
        table = Path(f"/proc/{pid}/net/tcp").read_text().splitlines()[1:]
    except OSError:
        return None
    wanted = f"0100007F:{port:04X}"
    for line in table:
        fields = line.split()
        # local_address, rem_address, st (0A = LISTEN), ..., inode
        if fields[1] == wanted and fields[3] == "0A" and fields[9] in inodes:
            return True
    return False


_LIVE: set[PyPIServer] = set()
_atexit_registered = False


def _track(server: PyPIServer, *, live: bool) -> None:
    """Remember running servers so that none outlives the test process."""
    global _atexit_registered
    if live:
        if not _atexit_registered:
            atexit.register(_stop_all)
            _atexit_registered = True
        _LIVE.add(server)
    else:
        _LIVE.discard(server)


def _stop_all() -> None:
    for server in list(_LIVE):
        server.stop()


def _opener() -> urllib.request.OpenerDirector:
    # No proxies: the server is local, and tests must not go anywhere else.
    return urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _server_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    env["PIP_CONFIG_FILE"] = os.devnull
    return env


class PyPIServer:
    """A ``pypi-server`` subprocess serving the packages in ``root``.

    Use :meth:`start` (or ``with PyPIServer.start(root) as server:``).
    ``url`` is the simple index, ``http://127.0.0.1:PORT/simple/``.
    """

    root: Path
    port: int
    url: str

    def __init__(
        self,
        root: Path,
        port: int,
        process: subprocess.Popen[bytes],
        log: IO[bytes],
    ) -> None:
        self.root = root
        self.port = port
        self.url = f"http://{_HOST}:{port}/simple/"
        self._process: subprocess.Popen[bytes] | None = process
        self._log = log
        _track(self, live=True)

    # -- life cycle -----------------------------------------------------------

    @classmethod
    def start(cls, root: Path, *, port: int | None = None, timeout: float = 20.0) -> PyPIServer:
        """Start a server on ``root`` and wait until ``/simple/`` answers 200.

        A free port is picked unless ``port`` is given.  Raises RuntimeError,
        with the server's output, if it does not come up within ``timeout``.
        """
        root = Path(root).resolve()
        root.mkdir(parents=True, exist_ok=True)
        attempts = 1 if port is not None else 3
        error: RuntimeError | None = None
        for _ in range(attempts):
            chosen = port if port is not None else free_port()
            process, log = cls._spawn(root, chosen)
            server = cls(root, chosen, process, log)
            try:
                server._wait_ready(timeout)
            except RuntimeError as exc:
                server.stop()
                error = exc
                # Retry on a new port only if another process took this one.
                if "Address already in use" not in str(exc):
                    break
            else:
                return server
        assert error is not None
        raise error

    @staticmethod
    def _spawn(root: Path, port: int) -> tuple[subprocess.Popen[bytes], IO[bytes]]:
        script = Path(sys.executable).parent / "pypi-server"
        if not script.exists():
            raise RuntimeError(f"pypi-server script not found at {script}")
        command = [
            str(script),
            "run",
            "-i",
            _HOST,
            "-p",
            str(port),
            "--disable-fallback",
            "-a",
            ".",
            "-P",
            ".",
            str(root),
        ]
        # Closed by stop(); it has to outlive this function.
        log = tempfile.TemporaryFile()  # noqa: SIM115
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=_server_env(),
        )
        return process, log

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        opener = _opener()
        last_error = "no answer yet"
        while time.monotonic() < deadline:
            process = self._process
            if process is None or process.poll() is not None:
                code = None if process is None else process.returncode
                raise RuntimeError(
                    f"pypi-server exited (code {code}) before answering on "
                    f"{self.url}; output:\n{self.output()}"
                )
            if _listens(process.pid, self.port) is False:
                last_error = "the server is not listening yet"
                time.sleep(0.1)
                continue
            try:
                with opener.open(self.url, timeout=2) as response:
                    if response.status == 200:
                        return
                    last_error = f"HTTP {response.status}"
            except urllib.error.HTTPError as exc:
                last_error = f"HTTP {exc.code}"
            except OSError as exc:
                last_error = repr(exc)
            time.sleep(0.1)
        raise RuntimeError(
            f"pypi-server did not answer 200 on {self.url} within {timeout} s "
            f"(last: {last_error}); output:\n{self.output()}"
        )

    def stop(self, timeout: float = 5.0) -> None:
        """Terminate the server (kill it if it does not exit within ``timeout``).

        Safe to call more than once.  The server's output is discarded.
        """
        process, self._process = self._process, None
        _track(self, live=False)
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=timeout)
        self._log.close()

    def restart(self, timeout: float = 20.0) -> None:
        """Stop and start again on the same root and port (same ``url``)."""
        self.stop()
        self._process, self._log = self._spawn(self.root, self.port)
        _track(self, live=True)
        try:
            self._wait_ready(timeout)
        except RuntimeError:
            self.stop()
            raise

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def output(self) -> str:
        """Everything the server has written to stdout/stderr so far."""
        if self._log.closed:
            return ""
        self._log.flush()
        self._log.seek(0)
        text = self._log.read().decode("utf-8", "replace")
        self._log.seek(0, os.SEEK_END)
        return text

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- helpers ----------------------------------------------------------------

    @property
    def base(self) -> str:
        """``http://127.0.0.1:PORT`` (no trailing slash)."""
        return f"http://{_HOST}:{self.port}"

    def project_url(self, project: str) -> str:
        """The simple page of ``project`` (normalized name)."""
        return f"{self.url}{re.sub(r'[-_.]+', '-', project).lower()}/"

    def project_page(self, project: str) -> str | None:
        """The HTML of the project page, or None if the server answers 404."""
        try:
            with _opener().open(self.project_url(project), timeout=5) as response:
                body: bytes = response.read()
                return body.decode("utf-8")
        except urllib.error.HTTPError as exc:
            if exc.code == 404:
                return None
            raise

    def wait_for_files(self, project: str, filenames: Iterable[str], timeout: float = 5.0) -> None:
        """Make sure the server lists ``filenames`` on ``project``'s page.

        Polls the page; if the files are still missing after ``timeout``
        seconds, restarts the server (same root and port) and checks once
        more.  Raises RuntimeError if they still do not show.
        """
        wanted = set(filenames)

        def missing() -> set[str]:
            page = self.project_page(project) or ""
            return {name for name in wanted if f">{name}<" not in page}

        deadline = time.monotonic() + timeout
        while missing():
            if time.monotonic() >= deadline:
                self.restart()
                still = missing()
                if still:
                    raise RuntimeError(
                        f"pypi-server does not list {sorted(still)} for "
                        f"{project!r} even after a restart"
                    )
                return
            time.sleep(0.05)


class Publish(Protocol):
    """The type of the ``publish`` fixture (see :func:`publish_to`)."""

    def __call__(
        self,
        name: str,
        version: str,
        *,
        requires: Sequence[str] = (),
        requires_python: str | None = None,
        tags: Sequence[str] = ("py3-none-any",),
        sdist: bool = True,
        extras: Mapping[str, Sequence[str]] | None = None,
        payload: str = "",
    ) -> list[Path]: ...


def publish_to(
    server: PyPIServer,
    name: str,
    version: str,
    *,
    requires: Sequence[str] = (),
    requires_python: str | None = None,
    tags: Sequence[str] = ("py3-none-any",),
    sdist: bool = True,
    extras: Mapping[str, Sequence[str]] | None = None,
    payload: str = "",
) -> list[Path]:
    """Build one wheel per tag (and an sdist) into ``server.root``.

    Returns the paths in ``server.root`` once the server lists them.  The
    files are built elsewhere and moved in atomically under a hidden name.
    Publishing a byte-identical file again is a no-op; a *different* file of
    the same name raises ValueError, because the server is shared by many
    tests (use unique project names per test).
    """
    with tempfile.TemporaryDirectory(prefix="publish-") as scratch:
        built = [
            make_wheel(
                Path(scratch),
                name,
                version,
                requires=requires,
                requires_python=requires_python,
                tag=tag,
                extras=extras,
                payload=payload,
            )
            for tag in tags
        ]
        if sdist:
            built.append(
                make_sdist(Path(scratch), name, version, requires=requires, payload=payload)
            )
        published: list[Path] = []
        for path in built:
            target = server.root / path.name
            data = path.read_bytes()
            if target.exists():
                if target.read_bytes() != data:
                    raise ValueError(
                        f"{target.name} is already published with different "
                        "content; the pypiserver fixture is shared by the whole "
                        "session, so use a project name unique to the test"
                    )
            else:
                partial = server.root / f".{path.name}.partial"
                partial.write_bytes(data)
                os.replace(partial, target)
            published.append(target)
    server.wait_for_files(name, [p.name for p in published])
    return published
