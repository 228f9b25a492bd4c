"""Readers beyond the page: feeds, sharing cards, citation tags, "cite this brief", search.

Each check runs on the shipped site built by MkDocs and by Zensical (and, for
the head tags, on the hostile fixture), with a feed parser, BibTeX parser and
headless Chromium reading what a feed reader, Zotero or a reader would.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import bibtexparser
import feedparser
import pytest
from bs4 import BeautifulSoup

if TYPE_CHECKING:
    from playwright.sync_api import Browser

from conftest import SEED_SLUG, run_reportgen, soup_of

SITE_URL = "https://reportgen.example.org/"
PAGE = f"{SITE_URL}reports/{SEED_SLUG}/"
TITLE = "What legal authorities allow local police to share data with ICE for identity checks?"


@pytest.fixture(scope="module", params=["built_site", "zensical_site"])
def site(request: pytest.FixtureRequest) -> Path:
    built: Path = request.getfixturevalue(request.param)
    return built


def head_of(path: Path) -> BeautifulSoup:
    head = soup_of(path).head
    assert head is not None
    return head


def test_every_page_links_both_feeds_from_its_head(site: Path) -> None:
    for page in (site / "index.html", site / "reports" / SEED_SLUG / "index.html"):
        links = head_of(page).find_all("link", rel="alternate", type="application/atom+xml")
        targets = {(page.parent / str(link["href"])).resolve() for link in links}
        assert targets == {
            (site / "feeds" / "reports.xml").resolve(),
            (site / "feeds" / "corrections.xml").resolve(),
        }


def test_the_reports_feed_parses_with_summary_and_last_check(site: Path) -> None:
    feed = feedparser.parse((site / "feeds" / "reports.xml").read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert feed.feed.title == "reportgen briefs: reports"
    (entry,) = feed.entries
    assert entry.title == TITLE
    assert entry.link == PAGE
    assert entry.published.startswith("2026-11-24")
    assert entry.summary.startswith("Local police share identity-relevant data with ICE")
    assert entry.summary.endswith("Sources last checked 24 November 2026.")


def test_highwire_open_graph_and_twitter_tags_are_in_the_head(site: Path) -> None:
    head = head_of(site / "reports" / SEED_SLUG / "index.html")

    def meta(name: str) -> list[str]:
        found = head.find_all("meta", attrs={"name": name}) or head.find_all(
            "meta", attrs={"property": name}
        )
        return [str(tag["content"]) for tag in found]

    # What Zotero's "Embedded Metadata" translator and Google Scholar read.
    assert meta("citation_title") == [TITLE]
    assert meta("citation_author") == ["reportgen briefs"]
    assert meta("citation_publication_date") == ["2026/11/24"]
    assert meta("citation_fulltext_html_url") == [PAGE]
    assert meta("og:title") == [TITLE]
    assert meta("og:url") == [PAGE]
    assert meta("og:site_name") == ["reportgen briefs"]
    assert meta("og:description")[0].startswith("Local police share identity-relevant data")
    assert meta("twitter:card") == ["summary"]
    assert head.find("link", rel="canonical")["href"] == PAGE
    data = json.loads(head.find("script", type="application/ld+json").string)
    assert data["author"] == [{"@type": "Organization", "name": "reportgen briefs"}]


@pytest.mark.parametrize("fixture", ["hostile_site", "zensical_hostile_site"])
def test_hostile_titles_stay_text_in_the_head(fixture: str, request: pytest.FixtureRequest) -> None:
    site: Path = request.getfixturevalue(fixture)
    for page in (site / "reports").glob("*/index.html"):
        head = head_of(page)
        title = head.find("meta", attrs={"name": "citation_title"})
        assert title is not None
        scripts = [s.get("type") for s in head.find_all("script")]
        assert scripts.count("application/ld+json") == 1
        assert not head.find_all(["img", "iframe", "svg"])
        assert str(title["content"]) == str(head.find("meta", property="og:title")["content"])


def test_cite_this_brief_in_three_formats(site: Path) -> None:
    reports = site / "reports"
    library = bibtexparser.parse_string(
        (reports / f"{SEED_SLUG}.citation.bib").read_text(encoding="utf-8")
    )
    (entry,) = library.entries
    assert entry.key == SEED_SLUG
    assert entry["title"] == "{" + TITLE + "}"
    assert entry["author"] == "{reportgen briefs}"
    assert (entry["date"], entry["url"]) == ("2026-11-24", PAGE)
    (item,) = json.loads((reports / f"{SEED_SLUG}.citation.json").read_text(encoding="utf-8"))
    assert item["issued"] == {"date-parts": [[2026, 11, 24]]}
    assert item["author"] == [{"literal": "reportgen briefs"}]
    ris = (reports / f"{SEED_SLUG}.citation.ris").read_bytes().decode("utf-8")
    lines = ris.split("\r\n")
    assert lines[0] == "TY  - RPRT" and lines[-2] == "ER  - " and lines[-1] == ""
    assert f"UR  - {PAGE}" in lines
    page = soup_of(reports / SEED_SLUG / "index.html")
    text = page.find(id="cite-text").get_text()
    assert text == f"reportgen briefs. \u201c{TITLE}\u201d 24 November 2026. {PAGE}"


def test_named_authors_are_cited_as_people(tmp_path: Path) -> None:
    from conftest import copy_project
    from reportgen import citing
    from reportgen.pipeline import analyse
    from reportgen.settings import Settings
    from reportgen.urls import SiteInfo

    root = copy_project(tmp_path)
    content = root / "content" / f"{SEED_SLUG}.yaml"
    text = content.read_text(encoding="utf-8")
    content.write_text(
        text.replace("published:", "authors: ['Reyes, Ana María', 'The Data Desk']\npublished:"),
        encoding="utf-8",
    )
    (report,) = analyse(Settings(root=root)).project.reports
    site = SiteInfo("City desk", "https://x.example/")
    assert citing.formatted(report, site, "https://x.example/r/") == (
        f"Ana María Reyes and The Data Desk. \u201c{TITLE}\u201d City desk, 24 November 2026."
        " https://x.example/r/"
    )
    bib = citing.bibtex(report, site, None)
    assert "author = {Reyes, Ana María and {The Data Desk}}" in bib
    csl = json.loads(citing.csl(report, site, None))[0]
    assert csl["author"] == [
        {"family": "Reyes", "given": "Ana María"},
        {"literal": "The Data Desk"},
    ]
    assert "AU  - Reyes, Ana María\r\nAU  - The Data Desk\r\n" in citing.ris(report, site, None)


def test_init_without_an_address_is_told_to_set_one(tmp_path: Path) -> None:
    assert run_reportgen("init", "site", cwd=tmp_path).returncode == 0
    result = run_reportgen("check", "--format", "concise", cwd=tmp_path / "site")
    assert result.returncode == 1
    assert result.stdout.splitlines()[0] == (
        "mkdocs.yml:1:1: error[missing-site-url]: mkdocs.yml has no site_url: feeds, sharing"
        " cards and citations cannot give the reports' full address (add 'site_url: https://...'"
        " with the address the site is published at)"
    )
    refused = run_reportgen("init", "other", "--url", "ftp://x.example/", cwd=tmp_path)
    assert refused.returncode == 2
    assert "--url must be the site's http(s) address" in refused.stderr


# --- in the browser ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def served(site: Path) -> Iterator[str]:
    from test_browser import serve

    server, url = serve(site)
    yield url
    server.shutdown()


@pytest.mark.browser
def test_search_finds_the_seed_claim_and_its_permalink_works(served: str, browser: Browser) -> None:
    tab = browser.new_page()
    requests: list[str] = []
    tab.on("request", lambda r: requests.append(r.url))
    tab.goto(f"{served}search/")
    tab.fill("#search-query", "Secure Communities detainers")
    first = tab.locator("#search-results a.search-claim").first
    first.wait_for(timeout=20_000)
    assert "Secure" in first.inner_text()
    assert tab.locator("#search-results mark").count() >= 2
    href = first.get_attribute("href") or ""
    assert href.startswith(f"{served}reports/{SEED_SLUG}/#")
    claim_id = href.rsplit("#", 1)[1]
    assert "?q=Secure+Communities+detainers" in tab.url
    first.click()
    tab.wait_for_function("id => location.hash === '#' + id", arg=claim_id)
    claim = tab.locator(f"[id='{claim_id}']")
    assert "Secure Communities" in claim.inner_text()
    assert claim.evaluate("e => e.matches(':target')")
    # Filters: a year with no report finds nothing; the seed's year finds it.
    tab.goto(f"{served}search/?q=Secure+Communities&year=2026")
    tab.locator("#search-results a.search-claim").first.wait_for(timeout=20_000)
    tab.goto(f"{served}search/?q=fingerprints&source=aic-secure-communities-2011")
    tab.locator("#search-results a.search-claim").first.wait_for(timeout=20_000)
    assert all(url.startswith(served) for url in requests), requests
    tab.close()


@pytest.mark.browser
def test_the_feed_is_discovered_from_the_head_and_the_citation_copies(
    served: str, browser: Browser
) -> None:
    import urllib.request

    context = browser.new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=served.rstrip("/"))
    tab = context.new_page()
    tab.goto(f"{served}reports/{SEED_SLUG}/")
    feeds = tab.eval_on_selector_all(
        "head link[rel=alternate][type='application/atom+xml']",
        "links => links.map(l => l.href)",
    )
    assert feeds[0] == f"{served}feeds/reports.xml"
    with urllib.request.urlopen(feeds[0], timeout=10) as response:
        parsed = feedparser.parse(response.read())
    assert parsed.entries[0].title == TITLE
    button = tab.locator("button.cite-copy")
    button.focus()
    tab.keyboard.press("Enter")
    tab.locator(".cite-status").filter(has_text="Copied.").wait_for(timeout=5_000)
    copied = tab.evaluate("navigator.clipboard.readText()")
    assert copied == f"reportgen briefs. \u201c{TITLE}\u201d 24 November 2026. {PAGE}"
    context.close()
