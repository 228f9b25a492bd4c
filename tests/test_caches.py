"""What reportgen keeps between runs (`--cache DIR`) never changes what a run reports.

`check --cache` must print exactly what `check` prints, on the first run
(empty cache), on the next (every file remembered) and after edits; and the
parses it remembers must give back models equal to fresh ones. Compared on
every bad-input fixture, the seed, the evidence fixture and the real
bibliographies of ../shared/corpora/bib.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest

from conftest import FIXTURES, REPO, SEED_CONTENT, copy_project, run_reportgen
from reportgen.load import load_project
from reportgen.loadcache import LoadCache
from reportgen.model import Diagnostic
from reportgen.pipeline import analyse, diagnose
from reportgen.settings import Settings
from test_bad_fixtures import CASES, assemble
from test_build_integrity import digest
from test_incremental import stable

CORPUS = REPO.parent / "shared" / "corpora" / "bib"
BIBS = sorted(CORPUS.glob("*.bib")) if CORPUS.is_dir() else []


def uncached(root: Path) -> list[Diagnostic]:
    return analyse(Settings(root)).diagnostics


def cached(root: Path, cache: Path) -> list[Diagnostic]:
    found, save = diagnose(Settings(root), cache)
    save()
    return found


def built(root: Path, cache: Path) -> list[Diagnostic]:
    """What `build --cache` checks: the project loaded too, findings from the same cache."""
    analysis = analyse(Settings(root), cache=cache)
    analysis.save_cache()
    return analysis.diagnostics


def assert_same_reports(root: Path, cache: Path) -> None:
    expected = uncached(root)
    assert cached(root, cache) == expected  # cold: nothing remembered yet
    assert cached(root, cache) == expected  # warm: every file remembered
    assert json.loads((cache / "check.json").read_text(encoding="utf-8"))["data"]
    other = cache.with_name(cache.name + "-build")
    assert built(root, other) == expected
    assert built(root, other) == expected
    assert cached(root, other) == expected  # a check after a build, from the build's cache


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_a_cached_check_reports_exactly_what_a_check_reports(case: Path, tmp_path: Path) -> None:
    root = assemble(case, tmp_path / case.name)
    assert_same_reports(root, tmp_path / "cache")


@pytest.mark.parametrize("bib", BIBS, ids=[b.name for b in BIBS])
def test_real_bibliographies_come_back_from_the_cache_unchanged(bib: Path, tmp_path: Path) -> None:
    root = assemble(FIXTURES / "bad" / "unused-source", tmp_path / "site")
    shutil.copy(bib, root / "references.bib")
    assert_same_reports(root, tmp_path / "cache")
    fresh = load_project(Settings(root))
    memo = LoadCache(tmp_path / "cache")
    remembered = load_project(Settings(root), memo)
    assert memo.misses == 0 and memo.hits == 1 + len(fresh.project.reports)
    assert remembered.project == fresh.project
    assert remembered.diagnostics == fresh.diagnostics
    for key, source in fresh.project.bibliography.sources.items():  # fields compare=False too
        assert remembered.project.bibliography.sources[key].raw == source.raw


def test_remembered_reports_equal_fresh_ones_field_for_field(tmp_path: Path) -> None:
    for root in (copy_project(tmp_path), FIXTURES / "evidence"):
        fresh = load_project(Settings(root))
        memo = LoadCache(tmp_path / "cache")
        load_project(Settings(root), memo)
        memo.save()
        memo = LoadCache(tmp_path / "cache")
        again = load_project(Settings(root), memo)
        assert memo.misses == 0
        assert again.project == fresh.project
        for old, new in zip(fresh.project.reports, again.project.reports, strict=True):
            assert [(c.text, c.citations) for c in old.claims] == [
                (c.text, c.citations) for c in new.claims
            ]


def test_edits_after_a_cached_check_are_found(tmp_path: Path) -> None:
    (tmp_path / "site").mkdir()
    root = copy_project(tmp_path / "site")
    cache = tmp_path / "cache"
    assert_same_reports(root, cache)
    content = root / SEED_CONTENT
    # A claim loses its citation, then the bib loses an entry another claim cites.
    text = content.read_text(encoding="utf-8")
    uncited = text
    for group in (
        " [@ice-287g; @crs-287g-if11898; @kocher-287g-map-2025]",
        "\n    [@dhs-leis-pia-2019; @wriston-nlets-2025]",
        "\n    [@aic-secure-communities-2011]",
    ):
        assert group in uncited
        uncited = uncited.replace(group, "")
    content.write_text(uncited, encoding="utf-8")
    assert [d.code for d in cached(root, cache)] == [d.code for d in uncached(root)]
    assert "uncited-claim" in {d.code for d in cached(root, cache)}
    bib = root / "references.bib"
    first = re.search(r"@\w+\{([^,]+),", bib.read_text(encoding="utf-8"))
    assert first is not None
    bib.write_text(bib.read_text(encoding="utf-8").replace(first[0], first[0][:-1] + "-gone,"))
    assert cached(root, cache) == uncached(root)
    assert "unknown-source" in {d.code for d in cached(root, cache)}
    # The file comes back as it was: remembered findings are reused, and still right.
    content.write_text(text, encoding="utf-8")
    assert cached(root, cache) == uncached(root)


def test_a_cache_from_other_code_or_damaged_is_ignored(tmp_path: Path) -> None:
    root = assemble(FIXTURES / "bad" / "unknown-source", tmp_path / "site")
    cache = tmp_path / "cache"
    expected = uncached(root)
    cached(root, cache)
    data = json.loads((cache / "check.json").read_text(encoding="utf-8"))
    keys = list(data["data"])
    data["data"] = {key: ["damaged"] for key in keys}
    (cache / "check.json").write_text(json.dumps(data), encoding="utf-8")
    assert cached(root, cache) == expected  # a shape this code does not read: checked again
    data["salt"] = "another-reportgen"
    data["data"] = {key: [[], None] for key in keys}  # well formed, and says "nothing wrong"
    (cache / "check.json").write_text(json.dumps(data), encoding="utf-8")
    assert cached(root, cache) == expected
    (cache / "check.json").write_text("{not json", encoding="utf-8")
    for entry in cache.glob("load-*/*.json"):
        entry.write_text("[]", encoding="utf-8")
    assert cached(root, cache) == expected


def test_check_cache_on_the_command_line(tmp_path: Path) -> None:
    root = assemble(FIXTURES / "bad" / "unknown-source", tmp_path / "site")
    plain = run_reportgen("check", cwd=root)
    first = run_reportgen("check", "--cache", ".cache", cwd=root)
    second = run_reportgen("check", "--cache", ".cache", cwd=root)
    assert plain.returncode == first.returncode == second.returncode == 1
    assert plain.stdout == first.stdout == second.stdout
    assert first.stderr == second.stderr == ""
    assert (root / ".cache" / ".reportgen-cache").is_file()


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_an_unwritable_cache_costs_time_not_the_result(tmp_path: Path) -> None:
    root = assemble(FIXTURES / "bad" / "unknown-source", tmp_path / "site")
    run_reportgen("check", "--cache", ".cache", cwd=root)
    os.chmod(root / ".cache", 0o555)
    try:
        (root / "content" / "extra.yaml").write_text("slug: x\n", encoding="utf-8")
        result = run_reportgen("check", "--cache", ".cache", cwd=root)
    finally:
        os.chmod(root / ".cache", 0o755)
    assert result.stdout == run_reportgen("check", cwd=root).stdout
    assert "warning: cache" in result.stderr and "not updated" in result.stderr


def test_a_full_cache_folder_costs_time_not_the_result(tmp_path: Path) -> None:
    """The cache file cannot be replaced (a folder in its place): a warning, the same report."""
    root = assemble(FIXTURES / "bad" / "unknown-source", tmp_path / "site")
    (root / ".cache").mkdir()
    (root / ".cache" / ".reportgen-cache").write_text("x", encoding="utf-8")
    (root / ".cache" / "check.json").mkdir()
    (root / ".cache" / "check.json" / "keep").write_text("x", encoding="utf-8")
    result = run_reportgen("check", "--cache", ".cache", cwd=root)
    assert result.stdout == run_reportgen("check", cwd=root).stdout
    assert "reportgen: warning: cache" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


def test_an_incremental_build_never_writes_into_the_site_published_before(tmp_path: Path) -> None:
    """Unchanged files are hard links shared by the cache and both sites.

    An edit must reach only the new site, never the one already published from the cache.
    """
    (tmp_path / "site").mkdir()
    root = copy_project(tmp_path / "site")
    first = run_reportgen("build", "--out", "first", "--cache", ".cache", cwd=root)
    assert first.returncode == 0, first.stderr
    before = digest(root / "first")
    text = (root / SEED_CONTENT).read_text(encoding="utf-8")
    (root / SEED_CONTENT).write_text(text.replace("deputization", "deputizing", 1), "utf-8")
    second = run_reportgen("build", "--out", "second", "--cache", ".cache", cwd=root)
    assert second.returncode == 0, second.stderr
    assert "(incremental: " in second.stdout
    assert digest(root / "first") == before
    after = digest(root / "second")
    assert after != before
    full = run_reportgen("build", "--out", "full", cwd=root)
    assert full.returncode == 0, full.stderr
    assert stable(root / "second") == stable(root / "full")
