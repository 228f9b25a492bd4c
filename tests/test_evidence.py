"""Evidence readers can check: supporting quotes that open the source at the passage.

A quote shows in the preview and the reference list; its link carries a W3C
text fragment, and Chromium scrolls to the passage on a page served locally.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import FIXTURES, run_reportgen
from reportgen.model import Position, Source
from reportgen.sourcefmt import passage_link

PASSAGE = "Officers may share fingerprints only under a written agreement"


def source(url: str) -> Source:
    return Source("k", "online", {"title": "T", "url": url}, (), Position("references.bib"))


def test_a_text_fragment_encodes_what_the_spec_reserves() -> None:
    href = passage_link(source("https://example.org/a"), "cost-free, A & B", None)
    assert href == "https://example.org/a#:~:text=cost%2Dfree%2C%20A%20%26%20B"


def test_a_long_passage_links_by_its_first_and_last_words() -> None:
    passage = "one two three four five six seven eight nine ten eleven twelve"
    href = passage_link(source("https://example.org/a#part"), passage, None)
    assert href == (
        "https://example.org/a#part:~:text=one%20two%20three%20four,nine%20ten%20eleven%20twelve"
    )


def test_a_pdf_opens_at_the_page_of_the_locator() -> None:
    href = passage_link(source("https://example.org/report.PDF"), "x y", "pp. 33\u201335")
    assert href == "https://example.org/report.PDF#page=33"


def serve(directory: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(directory))
    handler.log_message = lambda *args: None  # type: ignore[attr-defined]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


@pytest.fixture()
def quoted_site(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """A source page on 127.0.0.1 with the passage far down, and a site quoting it."""
    pages = tmp_path / "sources"
    pages.mkdir()
    filler = "".join(f"<p>Unrelated paragraph {n} of the source.</p>\n" for n in range(200))
    (pages / "agreement.html").write_text(
        f"<!doctype html><html lang='en'><title>Source</title><body>{filler}"
        f"<p id='passage'>{PASSAGE}, the report says.</p>{filler}</body></html>",
        encoding="utf-8",
    )
    source_server, source_url = serve(pages)
    root = tmp_path / "site"
    shutil.copytree(FIXTURES / "base", root)
    (root / "docs").mkdir()
    bib = root / "references.bib"
    bib.write_text(
        bib.read_text(encoding="utf-8").replace(
            "https://example.org/alpha", f"{source_url}agreement.html"
        ),
        encoding="utf-8",
    )
    content = root / "content" / "mini.yaml"
    content.write_text(
        content.read_text(encoding="utf-8").replace(
            "      - A section claim cites two sources [@alpha; @beta].",
            "      - text: A section claim cites two sources [@alpha, para. 201; @beta].\n"
            f"        quotes:\n          alpha: {PASSAGE}",
        ),
        encoding="utf-8",
    )
    result = run_reportgen("build", cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr
    site_server, site_url = serve(root / "site")
    yield site_url, source_url
    site_server.shutdown()
    source_server.shutdown()


@pytest.mark.browser
def test_a_quoted_source_link_opens_at_the_highlighted_passage(
    quoted_site: tuple[str, str],
) -> None:
    from playwright.sync_api import sync_playwright

    from conftest import CHROMIUM_ARGS, chromium_path

    site_url, source_url = quoted_site
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        tab = browser.new_page(viewport={"width": 1000, "height": 700})
        tab.goto(f"{site_url}reports/mini/")
        marker = tab.locator("a.citation[href='#src-1']").nth(1)
        assert marker.inner_text() == "[1, para. 201]"
        marker.hover()
        tab.locator("#citation-preview").wait_for(state="visible")
        assert PASSAGE in tab.locator("#citation-preview").inner_text()
        link = tab.locator("ol.references a.quote-link")
        assert link.inner_text() == f"\u201c{PASSAGE}\u201d"
        href = link.get_attribute("href") or ""
        assert href.startswith(f"{source_url}agreement.html#:~:text=")
        tab.goto(href)
        tab.wait_for_function("window.scrollY > 1000", timeout=10_000)
        in_view = tab.evaluate(
            """() => { const r = document.getElementById('passage').getBoundingClientRect();
                       return r.top >= 0 && r.bottom <= window.innerHeight; }"""
        )
        assert in_view
        browser.close()


def test_the_claims_json_carries_quotes_and_locators(quoted_site: tuple[str, str]) -> None:
    import json
    import urllib.request

    site_url, _ = quoted_site
    with urllib.request.urlopen(f"{site_url}reports/mini.json", timeout=10) as response:
        claims = json.loads(response.read())["claims"]
    assert claims[1]["citations"][0] == {
        "key": "alpha",
        "number": 1,
        "locator": "para. 201",
        "quote": PASSAGE,
    }


def test_a_dead_link_sends_readers_to_the_archived_copy(tmp_path: Path) -> None:
    import json

    from bs4 import BeautifulSoup

    from reportgen.numbering import report_view
    from reportgen.opendata import jsonld
    from reportgen.pipeline import analyse
    from reportgen.render import render_site
    from reportgen.settings import Settings

    root = tmp_path / "site"
    shutil.copytree(FIXTURES / "base", root)
    bib = root / "references.bib"
    archived = "https://web.archive.org/web/20250102000000/https://example.org/alpha"
    bib.write_text(
        bib.read_text(encoding="utf-8").replace(
            "  url = {https://example.org/alpha},",
            "  url = {https://example.org/alpha},\n"
            f"  archive-url = {{{archived}}},\n  archive-date = {{2025-01-02}},\n"
            "  url-status = {dead},",
        ),
        encoding="utf-8",
    )
    analysis = analyse(Settings(root=root))
    assert analysis.ok, analysis.diagnostics
    soup = BeautifulSoup(render_site(analysis.project)["reports/mini.md"], "html.parser")
    reference = soup.select_one("#src-1")
    assert reference is not None
    link = reference.select_one("a.ref-archive")
    assert link is not None and link["href"] == archived
    assert "Archived copy (2 January 2025); the original address no longer works:" in (
        reference.get_text()
    )
    (report,) = analysis.project.reports
    view = report_view(report, analysis.project.bibliography.sources)
    work = json.loads(jsonld(view))["citation"][0]
    assert work["url"] == archived
    assert work["archivedAt"] == archived
