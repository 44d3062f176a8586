"""A reverse proxy on 127.0.0.1 that injects index faults in front of a real pypiserver:
answer 500 to the next uploads, or hold an upload until the test lets it go. It notes
every request it forwards (how often a run reads the listing)."""

from __future__ import annotations

import http.client
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit


@dataclass
class Faults:
    fail_uploads: int = 0  # answer 500 to this many upload POSTs, then forward again
    hold_upload: int | None = None  # the n-th upload POST (1-based) never gets an answer
    uploads_seen: int = 0
    held: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    requests: list[tuple[str, str]] = field(default_factory=list)  # (method, path) seen


@contextmanager
def fault_proxy(upstream: str, faults: Faults) -> Iterator[str]:
    """Yield the proxy's URL (with a trailing slash); stop it afterwards."""
    target = urlsplit(upstream)

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def _forward(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            body = self.rfile.read(length) if length else None
            faults.requests.append((self.command, self.path))
            if self.command == "POST":
                faults.uploads_seen += 1
                if faults.fail_uploads > 0:
                    faults.fail_uploads -= 1
                    self.send_response(500, "Internal Server Error")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if faults.hold_upload == faults.uploads_seen:
                    faults.held.set()
                    faults.release.wait(timeout=120)
                    self.close_connection = True
                    return
            conn = http.client.HTTPConnection(target.hostname, target.port, timeout=30)
            headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
            conn.request(self.command, self.path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
            self.send_response(response.status, response.reason)
            for key, value in response.getheaders():
                if key.lower() not in ("transfer-encoding", "connection", "content-length"):
                    self.send_header(key, value.replace(f"{target.hostname}:{target.port}",
                                                        f"127.0.0.1:{self.server.server_port}"))
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            conn.close()

        do_GET = do_POST = do_HEAD = _forward

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        faults.release.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
