"""An HTTP server on 127.0.0.1 that behaves like the web's sources do, for link tests.

Live, gone (404, 410), slow, flaky (503 then 200), rate-limited (429 with
Retry-After), redirect chains and loops, and a fake Wayback Machine
(availability and Save Page Now). It counts requests per path and the
requests in flight per Host header, so tests can show the per-host limit.
"""

from __future__ import annotations

import http.server
import json
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from urllib.parse import parse_qs, urlsplit


class SourceWeb:
    """The state the handler reads and the tests inspect."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.hits: dict[str, int] = defaultdict(int)
        self.times: dict[str, list[float]] = defaultdict(list)
        """When each request to a path arrived (time.monotonic)."""
        self.active: dict[str, int] = defaultdict(int)
        self.peak: dict[str, int] = defaultdict(int)
        self.snapshots: dict[str, str] = {}
        """Address -> Wayback timestamp the fake availability API answers with."""
        self.saved: list[str] = []
        self.save_auth: list[str] = []
        self.slow_seconds = 3.0
        self.hold_seconds = 0.2
        self.base = ""

    def hit(self, path: str) -> int:
        with self.lock:
            self.hits[path] += 1
            self.times[path].append(time.monotonic())
            return self.hits[path]


def _handler(web: SourceWeb) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            pass

        def reply(self, code: int, body: bytes = b"ok", **headers: str) -> None:
            # The request stops counting as in flight before its answer leaves: the
            # client may start the next request as soon as it has read the headers.
            self.finished()
            self.send_response(code)
            for name, value in headers.items():
                self.send_header(name.replace("_", "-"), value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            with suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(body)

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            form = parse_qs(self.rfile.read(length).decode())
            if urlsplit(self.path).path == "/save":
                web.saved.extend(form.get("url", []))
                web.save_auth.append(self.headers.get("Authorization") or "")
                body = json.dumps({"url": form.get("url", [""])[0], "job_id": "spn2-test-1"})
                self.reply(200, body.encode(), Content_Type="application/json")
            else:
                self.reply(404)

        def finished(self) -> None:
            host = getattr(self, "counted", None)
            if host is not None:
                self.counted = None
                with web.lock:
                    web.active[host] -= 1

        def do_GET(self) -> None:
            host = self.headers.get("Host", "").split(":")[0]
            with web.lock:
                web.active[host] += 1
                web.peak[host] = max(web.peak[host], web.active[host])
            self.counted: str | None = host
            try:
                self.route()
            finally:
                self.finished()

        def route(self) -> None:
            parts = urlsplit(self.path)
            path = parts.path
            count = web.hit(path)
            if path.startswith("/live") or path.startswith("/page"):
                self.reply(200)
            elif path == "/gone":
                self.reply(404)
            elif path == "/removed":
                self.reply(410)
            elif path == "/forbidden":
                self.reply(403)
            elif path == "/slow":
                time.sleep(web.slow_seconds)
                self.reply(200)
            elif path == "/flaky":
                self.reply(503 if count == 1 else 200)
            elif path == "/busy":
                self.reply(429, Retry_After="1") if count == 1 else self.reply(200)
            elif path == "/busy-long":
                self.reply(429, Retry_After="3600")
            elif path == "/broken":
                self.reply(500)
            elif path == "/chain":
                self.reply(301, Location="/chain2")
            elif path == "/chain2":
                self.reply(302, Location=f"{web.base}live/end")
            elif path == "/moved":
                self.reply(308, Location="/live/new-home")
            elif path == "/moved-then-gone":
                self.reply(301, Location="/gone")
            elif path == "/loop-a":
                self.reply(302, Location="/loop-b")
            elif path == "/loop-b":
                self.reply(302, Location="/loop-a")
            elif path.startswith("/hold"):
                time.sleep(web.hold_seconds)
                self.reply(200)
            elif path == "/wayback/available":
                url = parse_qs(parts.query).get("url", [""])[0]
                stamp = web.snapshots.get(url)
                closest = (
                    {
                        "available": True,
                        "url": f"http://web.archive.org/web/{stamp}/{url}",
                        "timestamp": stamp,
                        "status": "200",
                    }
                    if stamp
                    else None
                )
                snapshots = {"closest": closest} if closest else {}
                body = json.dumps({"url": url, "archived_snapshots": snapshots}).encode()
                self.reply(200, body, Content_Type="application/json")
            else:
                self.reply(404)

    return Handler


class _QuietServer(http.server.ThreadingHTTPServer):
    request_queue_size = 256  # the default 5 drops connections a concurrent checker opens

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # clients that hang up early (timeouts, streamed checks) are expected


@contextmanager
def source_web() -> Iterator[tuple[SourceWeb, str]]:
    """Start the server on a free port of 127.0.0.1; stop it after the test."""
    web = SourceWeb()
    server = _QuietServer(("127.0.0.1", 0), _handler(web))
    server.daemon_threads = True
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    web.base = base
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield web, base
    finally:
        server.shutdown()
        server.server_close()
