"""A real HTTP server on 127.0.0.1 that answers each GET with a fixed response: for
responses no index would serve (a page pip crashes on, a charset nobody knows, a JSON API
that is not what it should be)."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager

# A request's path -> the headers and the body to answer with (``:status``, if given, is
# the status instead of 200).
Responder = Callable[[str], tuple[Mapping[str, str], bytes]]


def always(body: bytes, headers: Mapping[str, str]) -> Responder:
    """The same response at every path."""
    return lambda path: (headers, body)


@contextmanager
def serving(respond: Responder) -> Iterator[str]:
    """Serve what ``respond`` gives for each path (with its Content-Length); yields the
    server's base URL, ``http://127.0.0.1:PORT/``."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            headers, body = respond(self.path)
            self.send_response(int(headers.get(":status", "200")))
            for key, value in headers.items():
                if key != ":status":
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
        thread.join()
