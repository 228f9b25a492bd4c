"""Incremental builds (`reportgen build --cache DIR`) give exactly the pages of a full build.

After each kind of edit, an incremental build from the cache and a full build
of the same content are compared as whole trees, byte for byte (but for the
order of Pagefind's filter tables, compared as in test_build_integrity): a
claim, a bib entry cited by several reports, a title, a deleted report, a new
report, mkdocs.yml, and a cache from another reportgen (version or template
change), each of which must invalidate what it touches. Run with the default
navigation (every report listed) and with a small `nav_reports_limit` (year
pages only), where a dirty build must not rename pages it skips.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

from conftest import REPO, SEED_CONTENT, copy_project, run_reportgen
from test_build_integrity import SEARCH_FILTER_FILES, digest


def stable(site: Path) -> dict[str, str]:
    return {k: v for k, v in digest(site).items() if not SEARCH_FILTER_FILES.fullmatch(k)}


def project(root: Path, nav_limit: int | None) -> Path:
    import importlib
    import random

    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))  # the benchmark's generator of synthetic reports
    generate = importlib.import_module("benchmarks.generate")
    bib_entries, report_claims = generate.bib_entries, generate.report_claims
    reportgen_content = generate.reportgen_content

    root.mkdir(parents=True, exist_ok=True)
    copy_project(root)
    rng = random.Random(7)
    bib = [(root / "references.bib").read_text(encoding="utf-8")]
    for index in range(3):
        claims = report_claims(rng, index)
        bib.append(bib_entries(index, rng))
        # Two reports share sources: r0000-s1 is cited by reports 0 and 1.
        text = reportgen_content(index, claims)
        if index == 1:
            text = text.replace("[@r0001-s1", "[@r0000-s1; @r0001-s1", 1)
        (root / "content" / f"report-{index:04d}.yaml").write_text(text, encoding="utf-8")
    (root / "references.bib").write_text("\n".join(bib), encoding="utf-8")
    if nav_limit is not None:
        config = root / "mkdocs.yml"
        option = "      bibliography: references.bib\n"
        text = config.read_text(encoding="utf-8")
        config.write_text(
            text.replace(option, option + f"      nav_reports_limit: {nav_limit}\n"),
            encoding="utf-8",
        )
    return root


def build(root: Path, out: str, *cache: str) -> str:
    result = run_reportgen("build", "--out", out, *cache, cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout.strip().splitlines()[-1]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _claim(root: Path) -> None:
    edit(root / SEED_CONTENT, "formal\n    287(g) deputization", "formal\n    287(g) deputisation")


def _shared_source(root: Path) -> None:
    bib = root / "references.bib"
    text = bib.read_text(encoding="utf-8")
    start = text.index("@online{r0000-s1,")
    title = text.index("title = {", start)
    bib.write_text(text[:title] + "title = {Renamed " + text[title + 9 :], encoding="utf-8")


def _title(root: Path) -> None:
    edit(root / "content" / "report-0002.yaml", "Synthetic report 2:", "Synthetic report two:")


def _delete(root: Path) -> None:
    (root / "content" / "report-0002.yaml").unlink()
    bib = root / "references.bib"
    entries = bib.read_text(encoding="utf-8").split("\n@")
    kept = [entry for entry in entries if not entry.startswith("online{r0002-")]
    bib.write_text("\n@".join(kept), encoding="utf-8")


def _add(root: Path) -> None:
    shutil.copy(root / "content" / "report-0001.yaml", root / "content" / "report-0009.yaml")
    edit(root / "content" / "report-0009.yaml", "slug: report-0001", "slug: report-0009")


def _config(root: Path) -> None:
    edit(root / "mkdocs.yml", "site_name: reportgen briefs", "site_name: reportgen research")


EDITS = [
    ("claim", _claim, "incremental"),
    ("shared-source", _shared_source, "incremental"),
    ("title", _title, None),
    ("delete", _delete, None),
    ("add", _add, None),
    ("mkdocs-yml", _config, "full"),
]


@pytest.mark.parametrize("nav_limit", [None, 1], ids=["listed-nav", "year-nav"])
def test_incremental_builds_equal_full_builds_after_every_kind_of_edit(
    tmp_path: Path, nav_limit: int | None
) -> None:
    root = project(tmp_path / "site", nav_limit)
    first = build(root, "out", "--cache", ".cache")
    assert first.endswith("(full build; the cache is ready for the next one)")
    assert stable(root / "out") == stable(root / "out") and (root / "out" / "index.html").is_file()
    for name, change, kind in EDITS:
        change(root)
        note = build(root, "out", "--cache", ".cache")
        build(
            root,
            "full",
        )
        assert stable(root / "out") == stable(root / "full"), name
        if kind == "incremental":
            assert "(incremental: " in note, (name, note)
        elif kind == "full":
            assert note.endswith("(full build; the cache is ready for the next one)"), (name, note)
        shutil.rmtree(root / "full")


def test_an_edit_rebuilds_only_its_report_and_the_pages_that_list_it(tmp_path: Path) -> None:
    root = project(tmp_path / "site", None)
    build(root, "out", "--cache", ".cache")
    _claim(root)
    note = build(root, "out", "--cache", ".cache")
    # The seed page, its claims JSON and citation downloads stay; the page, its JSON, the
    # search records and the feed that carries its summary change.
    assert note.startswith("reportgen: built 4 report(s) into out (incremental: ")
    changed = int(note.split("(incremental: ")[1].split(" of ")[0])
    assert 2 <= changed <= 6, note


def test_a_cache_from_another_reportgen_is_not_trusted(tmp_path: Path) -> None:
    root = project(tmp_path / "site", None)
    build(root, "out", "--cache", ".cache")
    manifest = root / ".cache" / "manifest.json"
    data = json.loads(manifest.read_text(encoding="utf-8"))
    data["data"]["fingerprint"] = "built-by-another-version"
    manifest.write_text(json.dumps(data), encoding="utf-8")
    _claim(root)
    note = build(root, "out", "--cache", ".cache")
    assert note.endswith("(full build; the cache is ready for the next one)")
    build(root, "full")
    assert stable(root / "out") == stable(root / "full")
    # Written by other code (another version, or an edited install): every file of it ignored.
    data = json.loads(manifest.read_text(encoding="utf-8"))
    data["salt"] = "another-reportgen"
    manifest.write_text(json.dumps(data), encoding="utf-8")
    stores = sorted(p for p in (root / ".cache").iterdir() if p.is_dir() and "-" in p.name)
    assert [p.name.split("-")[0] for p in stores] == ["load", "rendered"]
    for store in stores:  # as another reportgen would have named them
        store.rename(store.with_name(store.name.split("-")[0] + "-0000000000000000"))
    edit(root / SEED_CONTENT, "formal\n    287(g) deputisation", "formal\n    287(g) agreements")
    note = build(root, "out", "--cache", ".cache")
    assert note.endswith("(full build; the cache is ready for the next one)")
    build(root, "full", "--force")
    assert stable(root / "out") == stable(root / "full")
    assert sorted(p for p in (root / ".cache").iterdir() if p.is_dir() and "-" in p.name) == stores


def test_a_failed_build_leaves_no_cache_to_trust(tmp_path: Path) -> None:
    root = project(tmp_path / "site", None)
    build(root, "out", "--cache", ".cache")
    edit(root / SEED_CONTENT, "[@crs-287g-if11898].", "[@no-such-source].")
    assert run_reportgen("build", "--out", "out", "--cache", ".cache", cwd=root).returncode == 1
    assert (root / ".cache" / "manifest.json").is_file()  # the check failed before any build
    edit(root / SEED_CONTENT, "[@no-such-source].", "[@crs-287g-if11898].")
    assert "(incremental: " in build(root, "out", "--cache", ".cache")


@pytest.mark.parametrize("cache", [".", "content", "docs", "out", "out/cache"])
def test_a_cache_folder_that_would_delete_the_editors_work_is_refused(
    tmp_path: Path, cache: str
) -> None:
    root = copy_project(tmp_path)
    result = run_reportgen("build", "--out", "out", "--cache", cache, cwd=root)
    assert result.returncode == 2
    assert "error[output-refused]: cache folder" in result.stderr
    assert (root / "content").is_dir() and (root / "docs").is_dir()
