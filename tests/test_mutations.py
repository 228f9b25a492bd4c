"""Breaking the shipped project the ways editors do: both front ends must refuse it."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import SEED_CONTENT, run_mkdocs, run_reportgen


def lines_citing(project: Path, key: str) -> list[int]:
    text = (project / SEED_CONTENT).read_text(encoding="utf-8").splitlines()
    return [n for n, line in enumerate(text, start=1) if f"@{key}" in line]


def remove_entry(project: Path, key: str) -> None:
    bib = project / "references.bib"
    text = bib.read_text(encoding="utf-8")
    pattern = re.compile(r"@\w+\{" + re.escape(key) + r",.*?\n\}\n", re.DOTALL)
    assert pattern.search(text)
    bib.write_text(pattern.sub("", text), encoding="utf-8")


def test_deleting_a_bib_entry_fails_check_naming_key_and_citing_lines(project: Path) -> None:
    remove_entry(project, "wriston-nlets-2025")
    result = run_reportgen("check", cwd=project)
    assert result.returncode == 1
    citing = lines_citing(project, "wriston-nlets-2025")
    assert len(citing) == 6
    for line in citing:
        assert re.search(
            rf"^{re.escape(SEED_CONTENT)}:{line}:\d+: error\[unknown-source\]: "
            r"unknown source 'wriston-nlets-2025'",
            result.stdout,
            re.MULTILINE,
        ), result.stdout


def test_deleting_a_bib_entry_fails_mkdocs_build(project: Path) -> None:
    remove_entry(project, "wriston-nlets-2025")
    result = run_mkdocs("build", "--site-dir", "out", cwd=project)
    assert result.returncode != 0
    first = lines_citing(project, "wriston-nlets-2025")[0]
    assert f"{SEED_CONTENT}:{first}:" in result.stderr
    assert "wriston-nlets-2025" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (project / "out").exists()


def test_deleting_a_bib_entry_fails_reportgen_build_and_keeps_the_old_site(
    project: Path,
) -> None:
    assert run_reportgen("build", cwd=project).returncode == 0
    before = {p: p.read_bytes() for p in (project / "site").rglob("*") if p.is_file()}
    remove_entry(project, "wriston-nlets-2025")
    result = run_reportgen("build", cwd=project)
    assert result.returncode == 1
    assert "unknown-source" in result.stderr
    after = {p: p.read_bytes() for p in (project / "site").rglob("*") if p.is_file()}
    assert after == before


def test_removing_a_claims_citations_fails_with_uncited_claim_at_its_line(project: Path) -> None:
    path = project / SEED_CONTENT
    lines = path.read_text(encoding="utf-8").splitlines()
    claim_line = (
        next(n for n, text in enumerate(lines, 1) if "Those written agreements" in text) - 1
    )
    assert lines[claim_line - 1].strip() == "- >-"
    cite_line = claim_line + 3
    assert lines[cite_line - 1].strip() == "[@crs-287g-if11898]."
    lines[cite_line - 1] = lines[cite_line - 1].replace("[@crs-287g-if11898]", "")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_reportgen("check", cwd=project)
    assert result.returncode == 1
    assert re.search(
        rf"^{re.escape(SEED_CONTENT)}:{claim_line}:\d+: error\[uncited-claim\]",
        result.stdout,
        re.MULTILINE,
    ), result.stdout


def test_removing_the_open_questions_fails_with_missing_open_questions(project: Path) -> None:
    path = project / SEED_CONTENT
    text = path.read_text(encoding="utf-8")
    text, count = re.subn(r"^open_questions:\n(  .*\n)+", "", text, flags=re.MULTILINE)
    assert count == 1
    path.write_text(text, encoding="utf-8")
    result = run_reportgen("check", cwd=project)
    assert result.returncode == 1
    assert f"{SEED_CONTENT}:1:1: error[missing-open-questions]" in result.stdout
    assert run_mkdocs("build", "--site-dir", "out", cwd=project).returncode != 0
