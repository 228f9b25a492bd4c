"""`reportgen serve`: a real preview server that rebuilds when content or the bib changes."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import SEED_CONTENT, SEED_SLUG

pytestmark = pytest.mark.e2e


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return str(response.read().decode("utf-8"))
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def wait_for(url: str, needle: str, seconds: float = 60) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        page = fetch(url)
        if page is not None and needle in page:
            return page
        time.sleep(0.3)
    raise AssertionError(f"{needle!r} never appeared at {url}")


@pytest.fixture()
def server(project: Path) -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "reportgen", "serve", "-a", f"127.0.0.1:{port}"],
        cwd=project,
        stdout=subprocess.DEVNULL,
        stderr=(project / "serve.log").open("w"),
    )
    try:
        yield f"http://127.0.0.1:{port}/reports/{SEED_SLUG}/"
    finally:
        process.send_signal(signal.SIGINT)  # Ctrl-C: the server shuts down cleanly
        process.wait(timeout=20)


def test_editing_content_and_bib_rebuilds_the_preview(project: Path, server: str) -> None:
    wait_for(server, "What legal authorities")
    content = project / SEED_CONTENT
    content.write_text(
        content.read_text(encoding="utf-8").replace("What legal authorities", "Which legal powers"),
        encoding="utf-8",
    )
    wait_for(server, "Which legal powers")
    bib = project / "references.bib"
    bib.write_text(
        bib.read_text(encoding="utf-8").replace("Secure Communities: A Fact Sheet", "S-Comm facts"),
        encoding="utf-8",
    )
    wait_for(server, "S-Comm facts")


def test_preview_started_on_broken_content_waits_for_the_fix(project: Path) -> None:
    content = project / SEED_CONTENT
    good = content.read_text(encoding="utf-8")
    content.write_text(good.replace("[@crs-287g-if11898].", "[@crs-287g-if1189]."), "utf-8")
    port = free_port()
    log = project / "serve.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "reportgen", "serve", "-a", f"127.0.0.1:{port}"],
        cwd=project,
        stdout=subprocess.DEVNULL,
        stderr=log.open("w"),
    )
    try:
        deadline = time.monotonic() + 60
        while "waiting for the errors above" not in log.read_text(encoding="utf-8"):
            assert time.monotonic() < deadline, log.read_text(encoding="utf-8")
            time.sleep(0.2)
        assert "unknown source 'crs-287g-if1189'" in log.read_text(encoding="utf-8")
        content.write_text(good, encoding="utf-8")
        wait_for(f"http://127.0.0.1:{port}/reports/{SEED_SLUG}/", "What legal authorities")
    finally:
        process.send_signal(signal.SIGINT)  # Ctrl-C: the server shuts down cleanly
        process.wait(timeout=20)
