"""Golden files: what the citation engine writes for the shipped content and the evidence fixture.

A change in rendering shows up as a reviewable diff of tests/golden/ (the
shipped seed) or tests/golden-evidence/ (locators, quotes with context, notes,
archived copies, corrections, feeds). After an intended change, regenerate with
`REPORTGEN_UPDATE_GOLDEN=1 make test`.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import FIXTURES, REPO
from reportgen.pipeline import analyse
from reportgen.render import render_site
from reportgen.siteconfig import open_site

TESTS = Path(__file__).resolve().parent
PROJECTS = {"golden": REPO, "golden-evidence": FIXTURES / "evidence"}
"""Golden folder -> the project rendered into it."""


def rendered(root: Path) -> dict[str, str]:
    site = open_site(root / "mkdocs.yml")
    analysis = analyse(site.settings, strict=True)
    assert analysis.ok, analysis.diagnostics
    return render_site(analysis.project, site=site.site)


PAGES = {folder: rendered(root) for folder, root in PROJECTS.items()}


@pytest.mark.parametrize(
    ("folder", "page"), [(folder, page) for folder in PAGES for page in sorted(PAGES[folder])]
)
def test_rendered_page_matches_golden(folder: str, page: str) -> None:
    golden = TESTS / folder / page
    if os.environ.get("REPORTGEN_UPDATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_bytes(PAGES[folder][page].encode("utf-8"))
    assert golden.is_file(), f"no golden file for {page}; run with REPORTGEN_UPDATE_GOLDEN=1"
    # Bytes, not text: RIS ends its lines with CRLF, which text mode would hide.
    assert PAGES[folder][page].encode("utf-8") == golden.read_bytes()


@pytest.mark.parametrize("folder", sorted(PROJECTS))
def test_no_stale_golden_files(folder: str) -> None:
    root = TESTS / folder
    stale = {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}
    assert not stale - set(PAGES[folder])
