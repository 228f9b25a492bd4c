"""Golden files: the Markdown the citation engine writes for the shipped content.

A change in rendering shows up as a reviewable diff of tests/golden/. After an
intended change, regenerate with `REPORTGEN_UPDATE_GOLDEN=1 make test`.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import REPO
from reportgen.pipeline import analyse
from reportgen.render import render_site
from reportgen.settings import Settings

GOLDEN = Path(__file__).resolve().parent / "golden"


def rendered() -> dict[str, str]:
    analysis = analyse(Settings(root=REPO))
    assert analysis.ok, analysis.diagnostics
    return render_site(analysis.project)


PAGES = rendered()


@pytest.mark.parametrize("page", sorted(PAGES))
def test_rendered_page_matches_golden(page: str) -> None:
    golden = GOLDEN / page
    if os.environ.get("REPORTGEN_UPDATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(PAGES[page], encoding="utf-8")
    assert golden.is_file(), f"no golden file for {page}; run with REPORTGEN_UPDATE_GOLDEN=1"
    assert PAGES[page] == golden.read_text(encoding="utf-8")


def test_no_stale_golden_files() -> None:
    stale = {p.relative_to(GOLDEN).as_posix() for p in GOLDEN.rglob("*.md")} - set(PAGES)
    assert not stale
