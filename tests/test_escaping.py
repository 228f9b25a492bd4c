"""Text from content and the bib never becomes markup on a reader's page."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import soup_of

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def page(hostile_site: Path) -> BeautifulSoup:
    return soup_of(hostile_site / "reports" / "hostile" / "index.html")


def test_no_script_or_handler_from_content_reaches_the_page(hostile_site: Path) -> None:
    for path in hostile_site.rglob("*.html"):
        soup = soup_of(path)
        article = soup.select_one("article")
        assert article is not None
        assert article.find_all(["script", "iframe", "img", "div"], recursive=True) == [], path
        for element in soup.find_all(True):
            for name, value in element.attrs.items():
                assert not name.lower().startswith("on"), (path, element.name, name)
                text = " ".join(value) if isinstance(value, list) else str(value)
                assert not text.strip().lower().startswith("javascript:"), (path, name, text)


def test_title_cannot_break_out_of_the_head_title(page: BeautifulSoup) -> None:
    assert page.title is not None
    assert page.title.get_text().startswith("</title><script>alert('title')</script> # *not*")
    for script in page.find_all("script"):
        if script.get("type") == "application/ld+json":
            assert "<" not in script.get_text()
            headline = json.loads(script.get_text())["headline"]
            assert headline.startswith("</title><script>alert('title')</script>")
        else:
            assert "alert" not in script.get_text()


def test_hostile_text_is_visible_as_text(page: BeautifulSoup) -> None:
    article = page.select_one("article")
    assert article is not None
    text = article.get_text()
    for literal in (
        "<script>alert('summary')</script> must show as text",
        "[markdown link](javascript:alert('md'))",
        "<a href='javascript:alert(2)'>raw</a>",
        "**bold?** `code?`",
        '!!! warning "Material admonition" [^1] {: onclick=alert(4) } &amp; &lt;b&gt;',
        "{{ 7*7 }} {% if 1 %}jinja{% endif %}",
        "{{ config }} and {# comment #} stay literal",
        'Title with <script>alert("bib")</script> and été',
    ):
        assert literal in text, literal
    heading = article.find("h1")
    assert heading is not None
    assert "# *not* emphasis [link](javascript:alert(1))" in heading.get_text()
    assert article.find("strong") is None
    assert article.find("code") is None
    assert article.select(".admonition") == []


def test_url_with_query_characters_survives_as_one_link(page: BeautifulSoup) -> None:
    link = page.select_one("a.ref-url")
    assert link is not None
    assert link["href"] == 'https://example.org/alpha?a=1&b="2"'
