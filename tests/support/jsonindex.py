"""A small, real HTTP package index for tests: PEP 503/691/700 plus faults.

:class:`JsonIndex` runs :class:`http.server.ThreadingHTTPServer` in a daemon
thread on ``127.0.0.1`` (port picked by the OS) and serves:

``GET /simple/`` and ``GET /simple/<project>/``
    PEP 691 JSON (``application/vnd.pypi.simple.v1+json``, api-version 1.1
    with the PEP 700 ``versions`` and ``size`` keys) when the ``Accept``
    header lists that type (with q > 0) and ``json_enabled`` is true;
    otherwise PEP 503 HTML (``text/html``, or
    ``application/vnd.pypi.simple.v1+html`` when the client asked for that
    type) with a ``#sha256=`` fragment (else the first hash given, else none),
    ``data-requires-python`` and ``data-yanked``.  A non-normalized project
    name, or a missing trailing slash, is redirected with 301 to the
    normalized URL, as PyPI does; an unknown project is a 404.  Bodies are
    gzip-encoded when ``Accept-Encoding`` lists gzip.
``GET /files/<filename>``
    The bytes of the registered file, read from disk at request time (so a
    test may change the file after registering it).  Never gzip-encoded.
    A ``Range: bytes=...`` request (one range) is answered 206 with that range
    (416 if it cannot be), unless ``ranges_enabled`` is false.
``GET /files/<filename>.metadata``
    The file's PEP 658 metadata file, where ``add_file`` was given one (else 404),
    advertised on the page (``core-metadata``, ``data-core-metadata``) only as asked.
``GET /pypi/<project>/json`` and ``GET /pypi/<project>/<version>/json``
    A PyPI-style JSON API (``info``, ``urls``, ``vulnerabilities``; the
    project-level one also ``releases``), or 404 when
    ``pypi_json_enabled`` is false.

Responses are HTTP/1.1 with a ``Content-Length``; ``HEAD`` works as well.
With :attr:`JsonIndex.auth` set, every request needs those HTTP Basic credentials
(else 401).  :meth:`JsonIndex.serve_raw` answers a path with a body given as is
(a malformed page), to every client or to one ``User-Agent`` (dephash's, not pip's).
Every request is logged in :attr:`JsonIndex.requests` before it is answered.
Faults queued with :meth:`JsonIndex.add_faults` are consumed one per request.

Paths given to :meth:`add_faults` and :meth:`count` may be plain paths
(``/files/x-1.0-py3-none-any.whl``) or full URLs (what :meth:`add_file`
returns); they are compared with the request's path after percent-decoding,
ignoring any query string.
"""

from __future__ import annotations

import base64
import contextlib
import gzip
import hashlib
import html
import json
import re
import socket
import struct
import threading
import traceback
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import quote, unquote, urlsplit

from packaging.version import InvalidVersion, Version

if TYPE_CHECKING:
    from typing_extensions import Self

__all__ = ["FAULTS", "JSON_TYPE", "JsonIndex", "normalize"]

JSON_TYPE = "application/vnd.pypi.simple.v1+json"
HTML_TYPE = "application/vnd.pypi.simple.v1+html"
API_VERSION = "1.1"
#: Fault names accepted by :meth:`JsonIndex.add_faults` (plus ``stall:SECONDS`` and
#: ``trickle:SECONDS``).
FAULTS = frozenset({"500", "503", "429", "reset", "truncate", "corrupt"})

_HOST = "127.0.0.1"
_SDIST_SUFFIXES = (".tar.gz", ".zip", ".tar.bz2", ".tgz", ".tar")


def normalize(name: str) -> str:
    """PEP 503 normalized project name."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _url_path(path_or_url: str) -> str:
    return unquote(urlsplit(path_or_url).path)


def _version_of(filename: str) -> str:
    if filename.endswith(".whl"):
        parts = filename[: -len(".whl")].split("-")
        if len(parts) in (5, 6):
            return parts[1]
    for suffix in _SDIST_SUFFIXES:
        if filename.endswith(suffix):
            stem = filename[: -len(suffix)]
            if "-" in stem:
                return stem.rsplit("-", 1)[1]
    raise ValueError(f"cannot tell the version from the file name {filename!r}")


def _version_key(version: str) -> tuple[int, Version | str]:
    try:
        return (1, Version(version))
    except InvalidVersion:
        return (0, version)


def _accepted(header: str, media_type: str) -> bool:
    """Whether an Accept-style header lists ``media_type`` with q > 0."""
    for item in header.split(","):
        kind, *params = (part.strip() for part in item.split(";"))
        if kind.lower() != media_type:
            continue
        quality = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality > 0:
            return True
    return False


@dataclass
class _File:
    project: str
    filename: str
    path: Path
    version: str
    hashes: dict[str, str]
    yanked: bool | str
    requires_python: str | None
    absolute_url: bool
    upload_time: str | None
    metadata: bytes | None = None
    core_metadata: Any = None

    @property
    def is_yanked(self) -> bool:
        return isinstance(self.yanked, str) or self.yanked


@dataclass
class _Project:
    name: str  # as first registered (display name)
    files: dict[str, _File] = field(default_factory=dict)


@dataclass
class _Response:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


def _text(status: int, message: str) -> _Response:
    return _Response(
        status, message.encode() + b"\n", {"Content-Type": "text/plain; charset=utf-8"}
    )


def _html_value(entry: _File) -> str:
    """What ``data-core-metadata`` says for ``entry.core_metadata`` (see ``add_file``)."""
    value = entry.core_metadata
    if value is True:
        return "true"
    if isinstance(value, Mapping):
        return "=".join(next(iter(value.items())))
    return str(value)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, index: JsonIndex) -> None:
        super().__init__((_HOST, 0), _Handler)
        self.index = index

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients going away (resets, timeouts in tests) are expected.
        text = traceback.format_exc()
        if "ConnectionError" in text or "BrokenPipe" in text or "timed out" in text:
            return
        self.index.errors.append(text)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "dephash-test-index/1"

    @property
    def index(self) -> JsonIndex:
        return cast(_Server, self.server).index

    def setup(self) -> None:
        super().setup()
        self.index._track(self.connection, add=True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.index._track(self.connection, add=False)

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self._serve(head=False)

    def do_HEAD(self) -> None:
        self._serve(head=True)

    def _serve(self, *, head: bool) -> None:
        index = self.index
        headers: dict[str, str] = {}
        for key, value in self.headers.items():
            headers[key] = f"{headers[key]}, {value}" if key in headers else value
        path = _url_path(self.path)
        fault = index._record(self.path, headers, path)

        if fault == "reset":
            self._reset()
            return
        if (
            fault is not None
            and fault.startswith("stall:")
            and index._stopping.wait(float(fault.split(":", 1)[1]))
        ):
            # Stopped while stalling: drop the connection without answering.
            self.close_connection = True
            return

        if fault in ("500", "503", "429"):
            response = _text(int(fault), f"injected fault {fault}")
        elif not index._authorized(headers):
            response = _text(401, "Unauthorized")
            response.headers["WWW-Authenticate"] = 'Basic realm="test index"'
        else:
            response = index._raw(path, headers) or index._respond(path, headers)
        body = response.body
        if fault == "corrupt":
            body = bytes(b ^ 0xFF for b in body)

        self.send_response(response.status)
        for key, value in response.headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        if fault == "truncate":
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if head:
            return
        if fault == "truncate":
            body = body[: len(body) // 2]
        if fault is not None and fault.startswith("trickle:"):
            self._trickle(body, float(fault.split(":", 1)[1]))
            return
        self.wfile.write(body)

    def _trickle(self, body: bytes, interval: float) -> None:
        """Send ``body`` a byte every ``interval`` seconds (until :meth:`JsonIndex.stop`)."""
        for offset in range(len(body)):
            self.wfile.write(body[offset : offset + 1])
            self.wfile.flush()
            if self.index._stopping.wait(interval):
                self.close_connection = True
                return

    def _reset(self) -> None:
        """Close the connection with a RST instead of an answer."""
        self.close_connection = True
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()


class JsonIndex:
    """A local package index for tests; see the module docstring.

    ``with JsonIndex() as index:`` starts and stops it; so do :meth:`start`
    and :meth:`stop`.  ``url``/``base``/``port`` are available once started.
    """

    def __init__(self) -> None:
        #: When false, ``/simple/`` pages are HTML whatever the client asks.
        self.json_enabled: bool = True
        #: When false, range requests for files are answered with the whole file.
        self.ranges_enabled: bool = True
        #: When false, ``/pypi/...`` JSON API endpoints answer 404.
        self.pypi_json_enabled: bool = True
        #: (request target, headers) of every request, in arrival order.
        self.requests: list[tuple[str, dict[str, str]]] = []
        #: Tracebacks of unexpected errors in request handlers.
        self.errors: list[str] = []
        #: When set, (user, password) every request must send as HTTP Basic auth.
        self.auth: tuple[str, str] | None = None
        self._raw_pages: dict[str, tuple[str, _Response]] = {}
        self._lock = threading.Lock()
        self._projects: dict[str, _Project] = {}
        self._files: dict[str, _File] = {}
        self._vulnerabilities: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self._faults: dict[str, deque[str]] = {}
        self._connections: set[socket.socket] = set()
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._port: int | None = None

    # -- life cycle -----------------------------------------------------------

    def start(self) -> JsonIndex:
        """Bind 127.0.0.1 on a free port and serve in a daemon thread."""
        if self._server is not None:
            return self
        self._stopping.clear()
        server = _Server(self)
        self._server = server
        self._port = int(server.server_address[1])
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"JsonIndex:{self._port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving; wakes stalled handlers and closes open connections."""
        server, self._server = self._server, None
        if server is None:
            return
        self._stopping.set()
        server.shutdown()
        with self._lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("JsonIndex is not started")
        return self._port

    @property
    def base(self) -> str:
        """``http://127.0.0.1:PORT`` (no trailing slash)."""
        return f"http://{_HOST}:{self.port}"

    @property
    def url(self) -> str:
        """The simple index, ``http://127.0.0.1:PORT/simple/``."""
        return f"{self.base}/simple/"

    # -- content --------------------------------------------------------------

    def add_file(
        self,
        project: str,
        path: Path,
        *,
        hashes: Mapping[str, str] | None = None,
        yanked: bool | str = False,
        requires_python: str | None = None,
        absolute_url: bool = False,
        upload_time: str | None = None,
        metadata: bytes | None = None,
        core_metadata: Any = None,
    ) -> str:
        """Register ``path`` as a file of ``project``; return its absolute URL.

        ``hashes`` defaults to ``{"sha256": <real sha256>}``; any mapping
        (wrong digests, sha512 only, ``{}`` for none) is served as given.
        ``yanked`` is False, True, or a reason string (any string, even
        empty, means yanked).  The version is read from the file name.  A
        file of the same name registered again replaces the earlier one.
        The project page links to ``../../files/<filename>`` unless
        ``absolute_url``.  ``metadata`` is served at the file's URL + ``.metadata``;
        ``core_metadata`` is what the page advertises for it, as given (a JSON value; in
        HTML ``true`` for True, ``ALGORITHM=DIGEST`` for a mapping's first item, else the
        string); ``None`` advertises nothing.  Needs a started index (the URL has the port).
        """
        path = Path(path)
        if hashes is None:
            hashes = {"sha256": hashlib.sha256(path.read_bytes()).hexdigest()}
        filename = path.name
        entry = _File(
            project=normalize(project),
            filename=filename,
            path=path,
            version=_version_of(filename),
            hashes=dict(hashes),
            yanked=yanked,
            requires_python=requires_python,
            absolute_url=absolute_url,
            upload_time=upload_time,
            metadata=metadata,
            core_metadata=core_metadata,
        )
        with self._lock:
            old = self._files.get(filename)
            if old is not None:
                self._projects[old.project].files.pop(filename, None)
            proj = self._projects.setdefault(entry.project, _Project(name=project))
            proj.files[filename] = entry
            self._files[filename] = entry
        return self.file_url(filename)

    def file_url(self, filename: str) -> str:
        """Absolute URL of a registered (or future) file."""
        return f"{self.base}/files/{quote(filename)}"

    def set_vulnerabilities(
        self, project: str, version: str, vulnerabilities: Sequence[Mapping[str, Any]]
    ) -> None:
        """Set the ``vulnerabilities`` list the PyPI JSON API shows for a release."""
        with self._lock:
            self._vulnerabilities[(normalize(project), version)] = [
                dict(v) for v in vulnerabilities
            ]

    # -- faults and the request log -------------------------------------------

    def serve_raw(
        self,
        path: str,
        body: str | bytes,
        content_type: str = JSON_TYPE,
        *,
        user_agent: str = "",
    ) -> None:
        """Answer ``path`` with ``body`` as given (200, ``content_type``, never gzipped) for
        requests whose ``User-Agent`` starts with ``user_agent`` (every request by default)."""
        data = body.encode() if isinstance(body, str) else body
        with self._lock:
            self._raw_pages[_url_path(path)] = (
                user_agent,
                _Response(200, data, {"Content-Type": content_type}),
            )

    def add_faults(self, path: str, *faults: str) -> None:
        """Queue ``faults`` for ``path``, one consumed per request to it.

        ``"500"``, ``"503"``, ``"429"``: answer that status (no Retry-After).
        ``"reset"``: close the socket with a RST, no answer.
        ``"stall:SECONDS"``: wait that long (or until :meth:`stop`), then
        answer normally.  ``"trickle:SECONDS"``: headers at once, then the
        body a byte every SECONDS.  ``"truncate"``: full ``Content-Length``, half the
        body, then close.  ``"corrupt"``: every body byte inverted (same
        length).  Once the queue is empty, requests are served normally.
        """
        for fault in faults:
            if fault in FAULTS:
                continue
            if fault.startswith(("stall:", "trickle:")):
                try:
                    float(fault.split(":", 1)[1])
                except ValueError:
                    pass
                else:
                    continue
            raise ValueError(f"unknown fault {fault!r}")
        with self._lock:
            self._faults.setdefault(_url_path(path), deque()).extend(faults)

    def count(self, path: str) -> int:
        """How many requests were received for ``path`` (a path or a URL)."""
        wanted = _url_path(path)
        with self._lock:
            return sum(1 for target, _ in self.requests if _url_path(target) == wanted)

    def _record(self, target: str, headers: dict[str, str], path: str) -> str | None:
        with self._lock:
            self.requests.append((target, headers))
            queue = self._faults.get(path)
            return queue.popleft() if queue else None

    def _authorized(self, headers: Mapping[str, str]) -> bool:
        if self.auth is None:
            return True
        expected = base64.b64encode(":".join(self.auth).encode()).decode()
        sent = {k.lower(): v for k, v in headers.items()}.get("authorization", "")
        return sent == f"Basic {expected}"

    def _raw(self, path: str, headers: Mapping[str, str]) -> _Response | None:
        agent = {k.lower(): v for k, v in headers.items()}.get("user-agent", "")
        with self._lock:
            user_agent, response = self._raw_pages.get(path, ("", None))
        if response is None or not agent.startswith(user_agent):
            return None
        return _Response(response.status, response.body, dict(response.headers))

    def _track(self, connection: socket.socket, *, add: bool) -> None:
        with self._lock:
            if add:
                self._connections.add(connection)
            else:
                self._connections.discard(connection)

    # -- routing ----------------------------------------------------------------

    def _respond(self, path: str, headers: Mapping[str, str]) -> _Response:
        lowered = {k.lower(): v for k, v in headers.items()}
        if path == "/simple":
            return self._redirect("/simple/")
        if path == "/simple/":
            return self._encode(self._root_page(lowered), lowered)
        match = re.fullmatch(r"/simple/([^/]+)(/?)", path)
        if match:
            name, slash = match.groups()
            if name != normalize(name) or not slash:
                return self._redirect(f"/simple/{quote(normalize(name))}/")
            with self._lock:
                project = self._projects.get(name)
                files = list(project.files.values()) if project else []
            if project is None:
                return _text(404, "Not Found")
            return self._encode(self._project_page(project, files, lowered), lowered)
        match = re.fullmatch(r"/files/([^/]+)\.metadata", path)
        with self._lock:
            described = self._files.get(match.group(1)) if match else None
        if described is not None and described.metadata is not None:
            return _Response(200, described.metadata, {"Content-Type": "application/octet-stream"})
        match = re.fullmatch(r"/files/([^/]+)", path)
        if match:
            with self._lock:
                entry = self._files.get(match.group(1))
            if entry is None:
                return _text(404, "Not Found")
            return self._ranged(entry.path.read_bytes(), lowered.get("range"))
        match = re.fullmatch(r"/pypi/([^/]+)(?:/([^/]+))?/json/?", path)
        if match and self.pypi_json_enabled:
            return self._pypi_json(normalize(match.group(1)), match.group(2))
        return _text(404, "Not Found")

    def _ranged(self, data: bytes, wanted: str | None) -> _Response:
        """``data``, or the one range of it ``wanted`` names (RFC 9110)."""
        headers = {"Content-Type": "application/octet-stream", "Accept-Ranges": "bytes"}
        found = re.fullmatch(r"bytes=(\d*)-(\d*)", wanted or "")
        if not self.ranges_enabled or found is None or found.groups() == ("", ""):
            return _Response(200, data, headers)
        first, last = found.groups()
        if first:
            start, end = int(first), min(len(data), int(last) + 1 if last else len(data))
        else:
            start, end = max(0, len(data) - int(last)), len(data)
        if start >= end:
            return _Response(416, b"", {"Content-Range": f"bytes */{len(data)}"})
        headers["Content-Range"] = f"bytes {start}-{end - 1}/{len(data)}"
        return _Response(206, data[start:end], headers)

    def _redirect(self, path: str) -> _Response:
        response = _text(301, "Moved Permanently")
        response.headers["Location"] = f"{self.base}{path}"
        return response

    @staticmethod
    def _encode(response: _Response, headers: Mapping[str, str]) -> _Response:
        response.headers["Vary"] = "Accept, Accept-Encoding"
        if _accepted(headers.get("accept-encoding", ""), "gzip"):
            response.body = gzip.compress(response.body, mtime=0)
            response.headers["Content-Encoding"] = "gzip"
        return response

    def _wants_json(self, headers: Mapping[str, str]) -> bool:
        return self.json_enabled and _accepted(headers.get("accept", ""), JSON_TYPE)

    def _html_type(self, headers: Mapping[str, str]) -> str:
        if self.json_enabled and _accepted(headers.get("accept", ""), HTML_TYPE):
            return HTML_TYPE
        return "text/html; charset=utf-8"

    def _root_page(self, headers: Mapping[str, str]) -> _Response:
        with self._lock:
            projects = sorted(self._projects.items())
        if self._wants_json(headers):
            doc = {
                "meta": {"api-version": API_VERSION},
                "projects": [{"name": p.name} for _, p in projects],
            }
            return _Response(200, json.dumps(doc).encode(), {"Content-Type": JSON_TYPE})
        links = "".join(
            f'    <a href="{quote(key)}/">{html.escape(p.name)}</a><br/>\n' for key, p in projects
        )
        page = (
            "<!DOCTYPE html>\n<html>\n<head>\n"
            f'<meta name="pypi:repository-version" content="{API_VERSION}">\n'
            "<title>Simple index</title>\n</head>\n<body>\n"
            f"{links}</body>\n</html>\n"
        )
        return _Response(200, page.encode(), {"Content-Type": self._html_type(headers)})

    def _link(self, entry: _File) -> str:
        if entry.absolute_url:
            return self.file_url(entry.filename)
        return f"../../files/{quote(entry.filename)}"

    def _project_page(
        self, project: _Project, files: list[_File], headers: Mapping[str, str]
    ) -> _Response:
        if self._wants_json(headers):
            versions = sorted({f.version for f in files}, key=_version_key)
            doc = {
                "meta": {"api-version": API_VERSION},
                "name": normalize(project.name),
                "files": [self._json_file(f) for f in files],
                "versions": versions,
            }
            return _Response(200, json.dumps(doc).encode(), {"Content-Type": JSON_TYPE})
        anchors = []
        for entry in files:
            href = self._link(entry)
            if "sha256" in entry.hashes:
                href += f"#sha256={entry.hashes['sha256']}"
            elif entry.hashes:
                algorithm, digest = next(iter(entry.hashes.items()))
                href += f"#{algorithm}={digest}"
            attributes = f'href="{html.escape(href)}"'
            if entry.requires_python is not None:
                attributes += f' data-requires-python="{html.escape(entry.requires_python)}"'
            if entry.is_yanked:
                reason = entry.yanked if isinstance(entry.yanked, str) else ""
                attributes += f' data-yanked="{html.escape(reason)}"'
            if entry.core_metadata is not None:
                attributes += f' data-core-metadata="{html.escape(_html_value(entry))}"'
            anchors.append(f"    <a {attributes}>{html.escape(entry.filename)}</a><br/>\n")
        title = f"Links for {html.escape(project.name)}"
        page = (
            "<!DOCTYPE html>\n<html>\n<head>\n"
            f'<meta name="pypi:repository-version" content="{API_VERSION}">\n'
            f"<title>{title}</title>\n</head>\n<body>\n<h1>{title}</h1>\n"
            f"{''.join(anchors)}</body>\n</html>\n"
        )
        return _Response(200, page.encode(), {"Content-Type": self._html_type(headers)})

    def _json_file(self, entry: _File) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "filename": entry.filename,
            "url": self._link(entry),
            "hashes": dict(entry.hashes),
        }
        if entry.requires_python is not None:
            doc["requires-python"] = entry.requires_python
        doc["yanked"] = entry.yanked
        doc["size"] = entry.path.stat().st_size
        if entry.upload_time is not None:
            doc["upload-time"] = entry.upload_time
        if entry.core_metadata is not None:
            doc["core-metadata"] = entry.core_metadata
        return doc

    # -- PyPI JSON API ----------------------------------------------------------

    def _pypi_file(self, entry: _File) -> dict[str, Any]:
        return {
            "filename": entry.filename,
            "url": self.file_url(entry.filename),
            "digests": dict(entry.hashes),
            "packagetype": "bdist_wheel" if entry.filename.endswith(".whl") else "sdist",
            "requires_python": entry.requires_python,
            "size": entry.path.stat().st_size,
            "upload_time_iso_8601": entry.upload_time,
            "yanked": entry.is_yanked,
            "yanked_reason": entry.yanked if isinstance(entry.yanked, str) else None,
        }

    def _pypi_json(self, key: str, version: str | None) -> _Response:
        with self._lock:
            project = self._projects.get(key)
            files = list(project.files.values()) if project else []
            vulnerabilities = dict(self._vulnerabilities)
        if project is None:
            return _text(404, "Not Found")
        releases: dict[str, list[_File]] = {}
        for entry in files:
            releases.setdefault(entry.version, []).append(entry)
        project_level = version is None
        if version is None:
            ordered = sorted(releases, key=_version_key)
            live = [v for v in ordered if not all(f.is_yanked for f in releases[v])]
            version = (live or ordered)[-1]
        elif version not in releases:
            return _text(404, "Not Found")
        chosen = releases[version]
        reasons = [f.yanked for f in chosen if isinstance(f.yanked, str)]
        yanked = all(f.is_yanked for f in chosen)
        requires_python = next(
            (f.requires_python for f in chosen if f.requires_python is not None), None
        )
        doc: dict[str, Any] = {
            "info": {
                "name": project.name,
                "version": version,
                "requires_python": requires_python,
                "yanked": yanked,
                "yanked_reason": (reasons[0] or None) if yanked and reasons else None,
            },
            "urls": [self._pypi_file(f) for f in chosen],
            "vulnerabilities": vulnerabilities.get((key, version), []),
        }
        if project_level:
            doc["releases"] = {
                v: [self._pypi_file(f) for f in releases[v]]
                for v in sorted(releases, key=_version_key)
            }
        return _Response(200, json.dumps(doc).encode(), {"Content-Type": "application/json"})
