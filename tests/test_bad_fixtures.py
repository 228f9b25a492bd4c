"""The bad-input corpus: each case must yield exactly its expected diagnostics.

A case is a directory under tests/fixtures/bad/ with `expected.txt` (the whole
lines `reportgen check` must print, in order, as an editor reads them) and the
broken half of a project: its own
`content/` and/or `references.bib` (and `mkdocs.yml` for limits). The missing
half comes from tests/fixtures/base/, a minimal valid project.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from conftest import FIXTURES, run_reportgen

BAD = FIXTURES / "bad"
BASE = FIXTURES / "base"
CASES = sorted(p for p in BAD.iterdir() if (p / "expected.txt").is_file())

DOCUMENTED_CODES = {
    "uncited-claim",
    "unknown-source",
    "duplicate-source",
    "bib-syntax",
    "incomplete-source",
    "unsafe-url",
    "missing-open-questions",
    "duplicate-claim-id",
    "schema",
    "yaml-syntax",
    "unused-source",
    "citation-syntax",
    "duplicate-slug",
    "encoding",
    "file-too-large",
    "placeholder",
    "note-without-date",
    "quote-not-cited",
    "quote-too-long",
    "quote-needs-context",
    "correction-unknown-claim",
    "date-order",
    "missing-site-url",
}


LINE = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+):\d+: (?P<severity>\w+)\[(?P<code>[\w-]+)\]: ")


def expected_lines(case: Path) -> list[str]:
    text = (case / "expected.txt").read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line.strip()]


def expected(case: Path) -> list[tuple[str, str, str, int]]:
    rows = []
    for line in expected_lines(case):
        found = LINE.match(line)
        assert found, f"{case.name}: not a diagnostic line: {line}"
        rows.append((found["severity"], found["code"], found["file"], int(found["line"])))
    return sorted(rows)


def test_every_documented_code_has_a_fixture() -> None:
    covered = {row[1] for case in CASES for row in expected(case)}
    assert covered >= DOCUMENTED_CODES


def assemble(case: Path, target: Path) -> Path:
    shutil.copytree(case, target)
    if not (target / "references.bib").exists():
        shutil.copy(BASE / "references.bib", target / "references.bib")
    if not (target / "mkdocs.yml").exists():
        shutil.copy(BASE / "mkdocs.yml", target / "mkdocs.yml")
    if not (target / "content").exists():
        shutil.copytree(BASE / "content", target / "content")
    return target


def test_corpus_has_at_least_forty_cases() -> None:
    assert len(CASES) >= 40


def test_base_project_is_clean(tmp_path: Path) -> None:
    shutil.copytree(BASE, tmp_path / "base")
    result = run_reportgen("check", "--strict", cwd=tmp_path / "base")
    assert result.returncode == 0, result.stdout


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_fixture_yields_exactly_its_diagnostics(case: Path, tmp_path: Path) -> None:
    project = assemble(case, tmp_path / case.name)
    text = run_reportgen("check", "--format", "concise", cwd=project)
    assert text.stdout.splitlines()[:-1] == expected_lines(case)
    result = run_reportgen("check", "--format", "json", "-f", "mkdocs.yml", cwd=project)
    assert "Traceback" not in result.stderr + result.stdout
    payload = json.loads(result.stdout)
    found = sorted((d["severity"], d["code"], d["file"], d["line"]) for d in payload["diagnostics"])
    assert found == expected(case)
    has_error = any(row[0] == "error" for row in found)
    assert result.returncode == (1 if has_error else 0)
    assert payload["summary"]["errors"] == sum(row[0] == "error" for row in found)


def test_strict_turns_the_unused_source_warning_into_a_failure(tmp_path: Path) -> None:
    case = assemble(BAD / "unused-source", tmp_path / "case")
    result = run_reportgen("check", "--strict", "-f", "mkdocs.yml", cwd=case)
    assert result.returncode == 1
    assert "references.bib:11:1: error[unused-source]" in result.stdout
