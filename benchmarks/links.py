"""`python -m benchmarks.links`: `reportgen links`' checker on 500 addresses served locally.

Two runs: 500 addresses over 50 hosts with the default, polite policy (2
requests at once per host, starts 0.5 s apart), as a real bibliography
spreads over many sites; and 500 addresses on one host with no spacing, the
throughput bound. Each host is a server on its own loopback address
(127.0.0.1-127.0.0.50) answering after 20 ms; the servers count the
requests in flight, so the peak per host is measured on their side.
Writes links.json, which RESULTS.md shows.
"""

from __future__ import annotations

import http.server
import json
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from reportgen.tools.linkcheck import check_urls
from reportgen.tools.linkmodel import Policy

HERE = Path(__file__).resolve().parent
LATENCY = 0.02


class _Counter:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.active: dict[str, int] = defaultdict(int)
        self.peak: dict[str, int] = defaultdict(int)


def _server(address: str, counter: _Counter) -> http.server.ThreadingHTTPServer:
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            with counter.lock:
                counter.active[address] += 1
                counter.peak[address] = max(counter.peak[address], counter.active[address])
            time.sleep(LATENCY)
            with counter.lock:
                counter.active[address] -= 1
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

    class Server(http.server.ThreadingHTTPServer):
        daemon_threads = True
        request_queue_size = 256

        def handle_error(self, request: object, client_address: object) -> None:
            pass  # the checker hangs up kept-alive connections when it is done

    server = Server((address, 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def measure(hosts: int, per_host_urls: int, policy: Policy) -> dict[str, Any]:
    counter = _Counter()
    servers = [_server(f"127.0.0.{i + 1}", counter) for i in range(hosts)]
    urls = [
        f"http://{s.server_address[0]}:{s.server_address[1]}/source/{n}"
        for s in servers
        for n in range(per_host_urls)
    ]
    started = time.perf_counter()
    results, peaks = check_urls(urls, policy)
    seconds = time.perf_counter() - started
    for server in servers:
        server.shutdown()
        server.server_close()
    return {
        "urls": len(urls),
        "hosts": hosts,
        "per_host": policy.per_host,
        "interval": policy.interval,
        "seconds": round(seconds, 2),
        "ok": sum(r.status == "ok" for r in results.values()),
        "peak_per_host_server": max(counter.peak.values()),
        "peak_per_host_checker": max(peaks.values()),
    }


def run() -> list[dict[str, Any]]:
    return [
        measure(50, 10, Policy()),
        measure(1, 500, Policy(interval=0.0)),
    ]


def main() -> int:
    rows = run()
    (HERE / "links.json").write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    for row in rows:
        print(row)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
