"""Open data downloads and JSON-LD: valid, complete, and round-tripping through parsers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bibtexparser.entrypoint import parse_string

from conftest import REPO, SEED_SLUG, soup_of
from reportgen.bib import load_bibliography
from reportgen.settings import Settings

pytestmark = pytest.mark.e2e

SEED_KEYS = [
    "ice-287g",
    "crs-287g-if11898",
    "kocher-287g-map-2025",
    "dhs-leis-pia-2019",
    "wriston-nlets-2025",
    "aic-secure-communities-2011",
    "calmatters-alpr-ice-2025",
    "caag-alpr-bulletin-2023",
    "flock-ca-ice-404media-2025",
    "caag-alpr-press-2023",
]


def titles() -> list[str]:
    bibliography, _ = load_bibliography(REPO / "references.bib", Settings(root=REPO))
    return [str(bibliography.sources[k].get("title")) for k in SEED_KEYS]


def test_jsonld_in_head_is_json_and_names_all_ten_sources(built_site: Path) -> None:
    page = soup_of(built_site / "reports" / SEED_SLUG / "index.html")
    assert page.head is not None
    scripts = page.head.find_all("script", type="application/ld+json")
    assert len(scripts) == 1
    data = json.loads(scripts[0].get_text())
    assert data["@type"] == "Article"
    assert data["dateModified"] == "2026-11-24"
    assert [c["name"] for c in data["citation"]] == titles()
    assert data["citation"][0]["url"] == "https://www.ice.gov/287g"


def test_claims_json_lists_every_claim_with_keys_and_numbers(built_site: Path) -> None:
    data = json.loads((built_site / "reports" / f"{SEED_SLUG}.json").read_text(encoding="utf-8"))
    assert len(data["claims"]) == 17
    assert all(claim["citations"] for claim in data["claims"])
    first = data["claims"][0]
    assert [c["number"] for c in first["citations"]] == [1, 2, 3, 4, 5, 6]
    assert [c["key"] for c in first["citations"]][:3] == SEED_KEYS[:3]
    assert [s["key"] for s in data["sources"]] == SEED_KEYS


def test_csl_json_round_trips_and_keeps_names_apart(built_site: Path) -> None:
    text = (built_site / "reports" / f"{SEED_SLUG}.csl.json").read_text(encoding="utf-8")
    items = json.loads(text)
    assert json.loads(json.dumps(items)) == items
    assert [item["id"] for item in items] == SEED_KEYS
    by_id = {item["id"]: item for item in items}
    assert by_id["ice-287g"]["author"] == [{"literal": "U.S. Immigration and Customs Enforcement"}]
    assert by_id["calmatters-alpr-ice-2025"]["author"][0] == {"family": "Johnson", "given": "Khari"}
    assert by_id["calmatters-alpr-ice-2025"]["issued"] == {"date-parts": [[2025, 6, 13]]}
    assert by_id["crs-287g-if11898"]["type"] == "report"


def test_bibtex_download_round_trips_through_bibtexparser(built_site: Path) -> None:
    text = (built_site / "reports" / f"{SEED_SLUG}.bib").read_text(encoding="utf-8")
    library = parse_string(text)
    assert library.failed_blocks == []
    assert [entry.key for entry in library.entries] == SEED_KEYS
    original = parse_string((REPO / "references.bib").read_text(encoding="utf-8"))
    assert {e.key: e.fields_dict["title"].value for e in library.entries} == {
        e.key: e.fields_dict["title"].value for e in original.entries
    }


def test_report_page_links_its_downloads(built_site: Path) -> None:
    page = soup_of(built_site / "reports" / SEED_SLUG / "index.html")
    hrefs = {str(a["href"]) for a in page.select("p.report-data a")}
    for suffix in (".json", ".csl.json", ".bib"):
        assert f"../{SEED_SLUG}{suffix}" in hrefs
        assert (built_site / "reports" / f"{SEED_SLUG}{suffix}").is_file()


def test_open_questions_hub_groups_by_report_and_links_each_question(built_site: Path) -> None:
    hub = soup_of(built_site / "open-questions" / "index.html")
    links = hub.select("article li a")
    assert len(links) == 3
    report = soup_of(built_site / "reports" / SEED_SLUG / "index.html")
    for link in links:
        anchor = str(link["href"]).split("#")[1]
        assert report.find(id=anchor) is not None
    home = soup_of(built_site / "index.html")
    assert "3 open questions" in home.get_text()
