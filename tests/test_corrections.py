"""Evidence, second part: corrections, archived copies in open data, schema.org and Atom.

The evidence fixture (tests/fixtures/evidence) has locators, a quote with its
context, an editor's note, archived copies (one dead link) and two
corrections; it is built for real by both engines, and what readers and
programs receive is read back with a JSON-LD processor, a feed parser and
Chromium.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import feedparser
import pytest
from pyld import jsonld

if TYPE_CHECKING:
    from playwright.sync_api import Browser

from conftest import FIXTURES, run_reportgen, soup_of

EVIDENCE = FIXTURES / "evidence"
SLUG = "booking-data"
SCHEMA = "https://schema.org/"

# The schema.org terms reportgen writes, each with the types it is defined on
# (from schema.org's own definitions; CorrectionComment is a Comment, a CreativeWork).
_WORK = {"CreativeWork", "Article", "CorrectionComment"}
SCHEMA_PROPERTIES = {
    "headline": _WORK,
    "datePublished": _WORK,
    "dateModified": _WORK,
    "citation": _WORK,
    "correction": _WORK,
    "description": _WORK | {"Person", "Organization"},
    "name": _WORK | {"Person", "Organization"},
    "url": _WORK | {"Person", "Organization"},
    "text": _WORK,
    "author": _WORK,
    "publisher": _WORK,
    "archivedAt": _WORK,
    "familyName": {"Person"},
    "givenName": {"Person"},
    "honorificSuffix": {"Person"},
}
SCHEMA_TYPES = _WORK | {"Person", "Organization"}
SCHEMA_CONTEXT = {"@context": {"@vocab": SCHEMA, "url": {"@id": f"{SCHEMA}url", "@type": "@id"}}}
"""schema.org's context reduced to what matters here; the real one is fetched over the
network, which tests never do."""


def _offline_loader(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    assert url.rstrip("/") in ("https://schema.org", "http://schema.org"), url
    return {"contextUrl": None, "documentUrl": url, "document": SCHEMA_CONTEXT}


@pytest.fixture(scope="module", params=["mkdocs", "zensical"])
def evidence_site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp(f"evidence-{request.param}") / "project"
    shutil.copytree(EVIDENCE, root)
    result = run_reportgen("build", "--engine", request.param, "--out", "site", cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr
    return root / "site"


def page_jsonld(site: Path) -> dict[str, Any]:
    soup = soup_of(site / "reports" / SLUG / "index.html")
    scripts = soup.find_all("script", type="application/ld+json")
    assert len(scripts) == 1
    data: dict[str, Any] = json.loads(scripts[0].string)
    return data


def _check_schema_org(node: Any, owner: str | None = None) -> list[str]:
    """Every type and property of an expanded JSON-LD tree that schema.org does not define."""
    problems: list[str] = []
    if isinstance(node, list):
        for item in node:
            problems += _check_schema_org(item, owner)
        return problems
    if not isinstance(node, dict) or "@value" in node:
        return problems
    types = [t.removeprefix(SCHEMA) for t in node.get("@type", [])]
    problems += [f"type {t}" for t in types if t not in SCHEMA_TYPES]
    kind = types[0] if types else owner
    for key, value in node.items():
        if key.startswith("@"):
            continue
        if not key.startswith(SCHEMA):
            problems.append(f"property {key} is not schema.org")
            continue
        name = key.removeprefix(SCHEMA)
        if kind not in SCHEMA_PROPERTIES.get(name, set()):
            problems.append(f"{name} on {kind}")
        problems += _check_schema_org(value, kind)
    return problems


def test_jsonld_expands_to_schema_org_with_corrections(evidence_site: Path) -> None:
    data = page_jsonld(evidence_site)
    expanded = jsonld.expand(data, {"documentLoader": _offline_loader})
    assert len(expanded) == 1
    article = expanded[0]
    assert article["@type"] == [f"{SCHEMA}Article"]
    assert _check_schema_org(expanded) == []
    corrections = article[f"{SCHEMA}correction"]
    assert [c["@type"] for c in corrections] == [[f"{SCHEMA}CorrectionComment"]] * 2
    assert [c[f"{SCHEMA}datePublished"][0]["@value"] for c in corrections] == [
        "2025-09-10",
        "2025-08-20",
    ]
    assert corrections[0][f"{SCHEMA}url"] == [
        {"@id": f"https://briefs.example.org/reports/{SLUG}/#correction-2"}
    ]
    # The newest change readers should know of: the last check (2025-09-15) is after both.
    assert article[f"{SCHEMA}dateModified"] == [{"@value": "2025-09-15"}]
    cited = article[f"{SCHEMA}citation"]
    archived = [c[f"{SCHEMA}archivedAt"][0]["@value"] for c in cited if f"{SCHEMA}archivedAt" in c]
    assert archived == [
        "https://web.archive.org/web/20250701000000/https://journal.example.org/reyes-2025",
        "https://web.archive.org/web/20250101000000/https://sheriff.example.gov/policy/412",
    ]


def test_the_corrections_feed_parses_newest_first(evidence_site: Path) -> None:
    feed = feedparser.parse((evidence_site / "feeds" / "corrections.xml").read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert feed.feed.title == "Evidence desk: corrections"
    assert [e.published[:10] for e in feed.entries] == ["2025-09-10", "2025-08-20"]
    assert feed.entries[0].link == f"https://briefs.example.org/reports/{SLUG}/#correction-2"
    assert feed.entries[1].summary == (
        'The summary said transfers took "minutes"; the audit says "within four hours".'
    )
    assert all(e.id.startswith("urn:uuid:") for e in feed.entries)


def test_the_corrections_page_lists_every_correction_with_its_claims(
    evidence_site: Path,
) -> None:
    soup = soup_of(evidence_site / "corrections" / "index.html")
    items = soup.select("ul.corrections-hub > li")
    assert [li.time["datetime"] for li in items] == ["2025-09-10", "2025-08-20"]
    # Exact relative addresses under both engines: Zensical resolves raw-HTML links like
    # Markdown links, so it is given the Markdown file; MkDocs gets the final address.
    links = [a["href"] for a in items[0].find_all("a")]
    assert links == [
        f"../reports/{SLUG}/#correction-2",
        f"../reports/{SLUG}/#s2-1",
        f"../reports/{SLUG}/#summary-2",
    ]
    feed_link = soup.find("a", string="Atom feed of corrections")
    assert feed_link is not None
    assert (evidence_site / "corrections" / str(feed_link["href"])).resolve() == (
        evidence_site / "feeds" / "corrections.xml"
    ).resolve()


def test_open_data_carries_archives_locators_quotes_and_corrections(evidence_site: Path) -> None:
    reports = evidence_site / "reports"
    csl = {item["id"]: item for item in json.loads((reports / f"{SLUG}.csl.json").read_text())}
    assert csl["sheriff-policy"]["archive"] == "Internet Archive"
    assert csl["sheriff-policy"]["custom"] == {
        "archive-url": "https://web.archive.org/web/20250101000000/https://sheriff.example.gov/policy/412",
        "archive-date": "2025-01-01",
        "url-status": "dead",
    }
    assert csl["reyes-2025"]["custom"]["url-status"] == "live"
    assert "archive" not in csl["county-audit"]
    claims = json.loads((reports / f"{SLUG}.json").read_text())
    assert claims["corrections"][0] == {
        "date": "2025-09-10",
        "text": "The policy section named the wrong section of Policy 412 (section 2, not 3).",
        "claims": ["s2-1", "summary-2"],
    }
    by_id = {claim["id"]: claim for claim in claims["claims"]}
    assert by_id["s1-2"]["citations"] == [
        {
            "key": "reyes-2025",
            "number": 2,
            "locator": "para. 18",
            "quote": "reviewed by federal officers",
            "before": "prints are",
            "after": "within the hour",
        }
    ]
    bib = (reports / f"{SLUG}.bib").read_text()
    assert "url-status = {dead}" in bib and "archiveurl = {https://web.archive.org/" in bib


def test_the_page_announces_corrections_and_marks_the_claims(evidence_site: Path) -> None:
    soup = soup_of(evidence_site / "reports" / SLUG / "index.html")
    banner = soup.select_one("aside.corrections")
    assert banner is not None
    assert [li["id"] for li in banner.select("li")] == ["correction-2", "correction-1"]
    assert [a["href"] for a in banner.select("a")] == ["#s2-1", "#summary-2", "#summary-1"]
    assert [a.get_text() for a in banner.select("a")] == [
        "section 2, claim 1",
        "summary sentence 2",
        "summary sentence 1",
    ]
    corrected = sorted(str(el["id"]) for el in soup.select(".claim.corrected"))
    assert corrected == ["s2-1", "summary-1", "summary-2"]
    # Backlinks say where in the source each claim points.
    first = soup.select_one("#src-1 .backlinks")
    assert first is not None
    assert " ".join(first.get_text().split()) == "^ a (p. 12) b (p. 7) c d e"


def test_stats_count_how_checkable_each_report_and_source_is() -> None:
    result = run_reportgen("stats", "--format", "json", cwd=EVIDENCE)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    (report,) = data["reports"]
    assert (report["claims"], report["located_claims"], report["quoted_claims"]) == (7, 5, 2)
    assert (report["checkable_share"], report["noted_claims"], report["corrections"]) == (
        0.714,
        1,
        2,
    )
    sources = {s["key"]: s for s in data["sources"]}
    assert (sources["county-audit"]["located"], sources["county-audit"]["quoted"]) == (2, 1)
    assert [k for k, s in sources.items() if s["archived"]] == ["sheriff-policy", "reyes-2025"]
    text = run_reportgen("stats", cwd=EVIDENCE).stdout
    assert text.splitlines()[1].split() == [
        "booking-data",
        *["7", "10", "3", "43%", "1", "5", "2", "71%", "1", "2"],
    ]


@pytest.fixture(scope="module")
def served_evidence(evidence_site: Path) -> Iterator[str]:
    from test_browser import serve

    server, url = serve(evidence_site)
    yield url
    server.shutdown()


@pytest.mark.browser
def test_the_banner_links_to_the_corrected_claims_and_passes_axe(
    served_evidence: str, browser: Browser
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    tab = browser.new_page(viewport={"width": 1000, "height": 700})
    requests: list[str] = []
    tab.on("request", lambda r: requests.append(r.url))
    tab.goto(f"{served_evidence}reports/{SLUG}/")
    link = tab.locator("aside.corrections a[href='#s2-1']")
    assert link.inner_text() == "section 2, claim 1"
    link.click()
    tab.wait_for_function("location.hash === '#s2-1'")
    claim = tab.locator("#s2-1")
    assert "The policy limits detainers" in claim.inner_text()
    assert claim.evaluate("e => e.matches(':target')")
    box = claim.bounding_box()
    assert box is not None and 0 <= box["y"] < 700
    marker = tab.locator("a.citation[href='#src-3']").first
    assert marker.inner_text() == "[3, sec. 3]"
    tab.wait_for_load_state("networkidle")
    tab.wait_for_timeout(500)
    violations = [
        (v["id"], [n["target"] for n in v["nodes"]])
        for v in Axe().run(tab).response["violations"]
        if v["impact"] in ("serious", "critical")
        and not any(len(n["target"][0]) > 1 for n in v["nodes"] if isinstance(n["target"][0], list))
    ]
    assert violations == []
    assert all(r.startswith(served_evidence) for r in requests), requests
    tab.close()
