"""`python -m benchmarks.search [--sizes 100,1000]`: what search costs a reader, before and after.

For each N, a synthetic site of N reports plus the seed report is built four
ways: MkDocs and Zensical, each with the theme's own search ("before": one
index file with every page) and with reportgen's Pagefind search page
("after"). Headless Chromium, served on 127.0.0.1, counts the bytes
transferred for (a) opening the seed report page without searching and (b)
one query for a phrase of the seed. Writes search.json, shown in RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks.generate import REPO, generate
from benchmarks.transfer import Transfer, counted, measure, page_open, served

HERE = Path(__file__).resolve().parent
SEED = "reports/ice-local-police-data-sharing/"
QUERY = "Secure Communities"
INDEX_FILES = ("search_index.json", "search.json", "/pagefind/", "workers/search", "lunr")


def _project(root: Path, reports: int) -> Path:
    generate(root, reports)
    site = root / "reportgen"
    shutil.copy(REPO / "content" / "ice-local-police-data-sharing.yaml", site / "content")
    bib = site / "references.bib"
    bib.write_text(
        bib.read_text(encoding="utf-8") + "\n" + (REPO / "references.bib").read_text("utf-8"),
        encoding="utf-8",
    )
    return site


def _config(site: Path, theme_search: bool) -> None:
    text = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    if theme_search:
        text = text.replace("plugins:\n", "plugins:\n  - search\n")
        text = text.replace(
            "      bibliography: references.bib\n",
            "      bibliography: references.bib\n      search: theme\n",
        )
    (site / "mkdocs.yml").write_text(text, encoding="utf-8")


def _build(site: Path, engine: str, out: Path) -> float:
    started = time.perf_counter()
    command = [sys.executable, "-m", "reportgen", "build", "--engine", engine, "--out", str(out)]
    done = subprocess.run(command, cwd=site, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-2000:])
    return time.perf_counter() - started


def _theme_query(site_url: str) -> Transfer:
    """(a)+(b) with the theme's search: page open, then one query in its search box."""
    seen = Transfer()

    def steps(page: Any, current: Transfer) -> None:
        page.goto(site_url + SEED, wait_until="networkidle")
        page.wait_for_timeout(500)
        page.keyboard.press("/")
        page.keyboard.type(QUERY)
        page.wait_for_timeout(3000)
        page.wait_for_load_state("networkidle")
        seen.by_url.update(current.by_url)

    counted(site_url, steps)
    return seen


def one(size: int, workdir: Path) -> dict[str, Any]:
    site = _project(workdir / f"n{size}", size)
    row: dict[str, Any] = {"reports": size + 1}
    for engine in ("mkdocs", "zensical"):
        _config(site, theme_search=True)
        before = site / f"before-{engine}"
        row[f"{engine}_before_build_s"] = round(_build(site, engine, before), 1)
        with served(before) as url:
            page = page_open(url, SEED)
            query = _theme_query(url)
        row[f"{engine}_before_a"] = page.matching(*INDEX_FILES)
        row[f"{engine}_before_b"] = query.matching(*INDEX_FILES)
        _config(site, theme_search=False)
        after = site / f"after-{engine}"
        row[f"{engine}_after_build_s"] = round(_build(site, engine, after), 1)
        with served(after) as url:
            page, search, links = measure(url, SEED, QUERY)
        row[f"{engine}_after_a"] = page.matching(*INDEX_FILES)
        row[f"{engine}_after_b"] = search.matching(*INDEX_FILES)
        row[f"{engine}_after_b_total"] = search.total
        row[f"{engine}_seed_found"] = any(SEED in link for link in links)
        row[f"{engine}_index_bytes"] = sum(
            f.stat().st_size for f in (after / "pagefind").rglob("*") if f.is_file()
        )
        shutil.rmtree(before)
        shutil.rmtree(after)
    return row


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.search")
    parser.add_argument("--sizes", default="100,1000")
    parser.add_argument("--workdir", type=Path, default=HERE / ".work-search")
    args = parser.parse_args(argv)
    rows = [one(int(n), args.workdir) for n in args.sizes.split(",") if n]
    (HERE / "search.json").write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    for row in rows:
        print(row)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
