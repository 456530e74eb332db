"""A real HTTP server on 127.0.0.1 that answers every GET with one fixed response: for
responses no index would serve (a page pip crashes on, a charset nobody knows)."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager


@contextmanager
def serving(body: bytes, headers: Mapping[str, str]) -> Iterator[str]:
    """Serve ``body`` with ``headers`` (and its Content-Length) at every path; yields the
    server's base URL, ``http://127.0.0.1:PORT/``."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
