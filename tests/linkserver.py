"""A small web server on 127.0.0.1 for the link checks: /ok answers 200, /missing 404,
/get-only refuses HEAD (405) and answers GET, /moved redirects to /ok, /silent never
answers (until the server stops), anything under /locked/ wants a login (401)."""

from __future__ import annotations

import contextlib
import http.server
import threading
from collections.abc import Iterator


class _Handler(http.server.BaseHTTPRequestHandler):
    def _answer(self, head: bool) -> None:
        if self.path == "/silent":
            self.server.stopping.wait(30)  # type: ignore[attr-defined]
            return
        if self.path == "/moved":
            self.send_response(302)
            self.send_header("Location", "/ok")
        elif self.path.startswith("/locked/"):
            self.send_response(401)
        elif self.path == "/get-only" and head:
            self.send_response(405)
        elif self.path in ("/ok", "/get-only"):
            self.send_response(200)
        else:
            self.send_response(404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_HEAD(self) -> None:
        self._answer(head=True)

    def do_GET(self) -> None:
        self._answer(head=False)

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def link_server() -> Iterator[str]:
    """The server's base URL (http://127.0.0.1:PORT), for the duration of the block."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    server.stopping = threading.Event()  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.stopping.set()  # type: ignore[attr-defined]
        server.shutdown()
        server.server_close()
        thread.join(10)
