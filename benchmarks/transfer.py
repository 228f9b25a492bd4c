"""Bytes a reader's browser transfers, counted in headless Chromium (CDP network events).

(a) opening a report page without searching, and (b) one search query on the
search page, both against a built site served on 127.0.0.1. Used by the
benchmark (RESULTS.md) and by the browser tests' budget checks.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def served(site: Path) -> Iterator[str]:
    handler = functools.partial(_Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class Transfer:
    """Bytes over the wire per URL during one step."""

    by_url: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.by_url.values())

    def matching(self, *needles: str) -> int:
        return sum(n for url, n in self.by_url.items() if any(s in url for s in needles))


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        raise RuntimeError("Chromium is not installed (apt-get install chromium)")
    return found


def counted(site_url: str, steps: Callable[[Any, Transfer], None]) -> None:
    """Run `steps(page, transfer)` in Chromium, `transfer` counting every byte received.

    Bodies and headers, from the page and its workers (Pagefind's), cache off.
    """
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium(), args=CHROMIUM_ARGS)
        context = browser.new_context()
        current = Transfer()

        def finished(request: Any) -> None:
            sizes = request.sizes()
            size = int(sizes["responseBodySize"]) + int(sizes["responseHeadersSize"])
            current.by_url[request.url] = current.by_url.get(request.url, 0) + size

        context.on("requestfinished", finished)
        steps(context.new_page(), current)
        browser.close()


def page_open(site_url: str, path: str) -> Transfer:
    """(a): a page opened and left alone for a second."""
    seen = Transfer()

    def steps(page: Any, current: Transfer) -> None:
        page.goto(site_url + path, wait_until="networkidle")
        page.wait_for_timeout(1000)
        seen.by_url.update(current.by_url)

    counted(site_url, steps)
    return seen


def measure(site_url: str, report_path: str, query: str) -> tuple[Transfer, Transfer, list[str]]:
    """(a) a report page opened, (b) one query typed on the search page; and result links."""
    report, search, links = Transfer(), Transfer(), []

    def steps(page: Any, current: Transfer) -> None:
        page.goto(site_url + report_path, wait_until="networkidle")
        page.wait_for_timeout(300)
        report.by_url.update(current.by_url)
        page.goto(site_url + "search/", wait_until="networkidle")
        page.wait_for_timeout(300)
        current.by_url.clear()
        page.fill("#search-query", query)
        page.wait_for_selector("#search-results a.search-claim", timeout=20_000)
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(300)
        search.by_url.update(current.by_url)
        links.extend(
            a.get_attribute("href") or "" for a in page.query_selector_all("a.search-claim")
        )

    counted(site_url, steps)
    return report, search, links
