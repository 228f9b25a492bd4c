"""End to end: the shipped seed brief, built by `reportgen build`, checked in the HTML.

These parse the built pages (not the Markdown), so they test what readers get.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag

from conftest import FIXTURES, REPO, SEED_SLUG, run_mkdocs, soup_of

BRIEF = FIXTURES / "seed" / "brief.txt"
pytestmark = pytest.mark.e2e


def brief_lines() -> list[str]:
    return [line for line in BRIEF.read_text(encoding="utf-8").splitlines() if line.strip()]


def norm(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def page(built_site: Path) -> BeautifulSoup:
    return soup_of(built_site / "reports" / SEED_SLUG / "index.html")


@pytest.fixture(scope="module")
def article(page: BeautifulSoup) -> Tag:
    found = page.select_one("article")
    assert found is not None
    for anchor in found.select("a.headerlink"):
        anchor.decompose()
    return found


def test_shipped_brief_copy_matches_the_shared_seed() -> None:
    shared = REPO.parent / "shared" / "seed" / "brief.txt"
    if not shared.exists():
        pytest.skip("shared/ is not beside this checkout")
    assert shared.read_bytes() == BRIEF.read_bytes()


def test_every_claim_element_carries_a_citation_link(article: Tag) -> None:
    claims = article.select(".claim")
    assert len(claims) == 17
    for claim in claims:
        assert claim.select("a.citation"), claim.get("id")


def test_every_citation_link_resolves_to_its_reference_on_the_same_page(article: Tag) -> None:
    references = article.select("ol.references > li")
    for link in article.select("a.citation"):
        href = str(link["href"])
        assert href.startswith("#")
        target = article.find(id=href[1:])
        assert isinstance(target, Tag), href
        assert "reference" in target.get_attribute_list("class")
        number = int(link.get_text().strip("[]"))
        assert references.index(target) + 1 == number


def test_citation_numbers_in_page_order_equal_the_briefs_markers(article: Tag) -> None:
    markers = [int(n) for n in re.findall(r"\[(\d+)\]", BRIEF.read_text(encoding="utf-8"))]
    shown = [int(a.get_text().strip("[]")) for a in article.select("a.citation")]
    assert shown == markers
    assert len(shown) == 41


def test_page_carries_the_brief_sentence_for_sentence(article: Tag) -> None:
    lines = brief_lines()
    h1 = article.find("h1")
    assert h1 is not None
    assert norm(h1.get_text()) == lines[0]
    headings = [norm(h.get_text()) for h in article.find_all("h2")]
    assert headings[0] == lines[1]
    section_lines = [line for line in lines if re.match(r"^\d+\. ", line)]
    assert headings[1 : 1 + len(section_lines)] == section_lines
    paragraphs = [norm(p.get_text()) for p in article.select("p.claims")]
    open_questions = norm(" ".join(li.get_text() for li in article.select("li.open-question")))
    bodies = [paragraphs[0], *paragraphs[1:-1], open_questions]
    expected_bodies = [lines[2]] + [lines[lines.index(s) + 1] for s in section_lines]
    assert bodies == expected_bodies
    assert "Bottom line: " + paragraphs[-1] == lines[-1]


def test_each_reference_links_back_to_every_claim_citing_it(article: Tag) -> None:
    citing: dict[str, list[str]] = {}
    for claim in article.select(".claim"):
        for link in claim.select("a.citation"):
            ids = citing.setdefault(str(link["href"])[1:], [])
            if claim["id"] not in ids:
                ids.append(str(claim["id"]))
    for reference in article.select("ol.references > li"):
        backlinks = [str(a["href"])[1:] for a in reference.select(".backlinks a")]
        assert backlinks == citing[str(reference["id"])]
        for target in backlinks:
            assert article.find(id=target) is not None


def test_reference_shows_author_title_publisher_date_url_and_access_date(article: Tag) -> None:
    reference = article.find(id="src-7")
    assert isinstance(reference, Tag)
    text = norm(reference.get_text())
    for part in (
        "Khari Johnson and Mohamed Al Elew",
        "California police are illegally sharing license plate data with ICE and Border Patrol",
        "CalMatters",
        "13 June 2025",
        "Accessed 24 November 2026",
    ):
        assert part in text
    url = reference.select_one("a.ref-url")
    assert url is not None
    assert str(url["href"]).startswith("https://calmatters.org/")


def test_open_questions_are_a_titled_section_reachable_from_the_top(
    page: BeautifulSoup, article: Tag
) -> None:
    jump = article.select_one("nav.report-jump a[href='#open-questions']")
    assert jump is not None
    heading = article.find(id="open-questions")
    assert isinstance(heading, Tag)
    assert heading.name == "h2"
    assert len(article.select("ul.open-questions > li[id]")) == 3
    toc = page.select("nav.md-nav--secondary a[href='#open-questions']")
    assert toc


def test_sources_page_lists_every_entry_with_the_reports_citing_it(built_site: Path) -> None:
    sources = soup_of(built_site / "sources" / "index.html")
    entries = sources.select("article p.reference")
    assert len(entries) == 10
    assert sources.select("article h2") == []  # no table of contents growing with the bib
    report = soup_of(built_site / "reports" / SEED_SLUG / "index.html")
    links = [a for a in sources.select("article a[href*='#src-']")]
    assert len(links) == 10
    for link in links:
        anchor = str(link["href"]).split("#")[1]
        assert report.find(id=anchor) is not None


def test_home_page_lists_the_report(built_site: Path) -> None:
    home = soup_of(built_site / "index.html")
    link = home.select_one(f"article a[href*='{SEED_SLUG}']")
    assert link is not None
    assert "What legal authorities" in link.get_text()


def test_site_loads_nothing_from_third_party_hosts(built_site: Path) -> None:
    for path in built_site.rglob("*"):
        if path.suffix in {".html", ".css", ".js", ".xml", ".json"}:
            text = path.read_text(encoding="utf-8", errors="replace")
            assert "googleapis" not in text, path
            assert "gstatic" not in text, path
    # Links that the browser loads; canonical and feed links only name addresses.
    loaded = {"stylesheet", "icon", "preload", "modulepreload", "manifest", "prefetch"}
    for path in built_site.rglob("*.html"):
        soup = soup_of(path)
        for tag, attribute in (("script", "src"), ("link", "href"), ("img", "src")):
            for element in soup.find_all(tag):
                if tag == "link" and not loaded & set(element.get("rel") or ()):
                    continue
                value = str(element.get(attribute) or "")
                assert not re.match(r"^(https?:)?//", value), (path, value)


def test_plain_mkdocs_build_strict_works_from_mkdocs_yml(project: Path) -> None:
    result = run_mkdocs("build", "--strict", "--site-dir", "out", cwd=project)
    assert result.returncode == 0, result.stderr
    assert (project / "out" / "reports" / SEED_SLUG / "index.html").is_file()
