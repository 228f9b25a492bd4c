"""One negative fixture per diagnostic code: each must yield exactly its expected findings.

A fixture is a directory under tests/fixtures/bad/ holding `content/`, a
`references.bib` and `expected.txt` with one `severity code file line` per line.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import FIXTURES, run_reportgen

BAD = FIXTURES / "bad"
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
}


def expected(case: Path) -> list[tuple[str, str, str, int]]:
    rows = []
    for line in (case / "expected.txt").read_text(encoding="utf-8").splitlines():
        if line.strip():
            severity, code, file, number = line.split()
            rows.append((severity, code, file, int(number)))
    return sorted(rows)


def test_every_documented_code_has_a_fixture() -> None:
    covered = {row[1] for case in CASES for row in expected(case)}
    assert covered >= DOCUMENTED_CODES


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_fixture_yields_exactly_its_diagnostics(case: Path) -> None:
    result = run_reportgen("check", "--format", "json", "-f", "mkdocs.yml", cwd=case)
    assert "Traceback" not in result.stderr + result.stdout
    payload = json.loads(result.stdout)
    found = sorted((d["severity"], d["code"], d["file"], d["line"]) for d in payload["diagnostics"])
    assert found == expected(case)
    has_error = any(row[0] == "error" for row in found)
    assert result.returncode == (1 if has_error else 0)
    assert payload["summary"]["errors"] == sum(row[0] == "error" for row in found)


def test_strict_turns_the_unused_source_warning_into_a_failure() -> None:
    case = BAD / "unused-source"
    result = run_reportgen("check", "--strict", "-f", "mkdocs.yml", cwd=case)
    assert result.returncode == 1
    assert "references.bib:11:1: error[unused-source]" in result.stdout
