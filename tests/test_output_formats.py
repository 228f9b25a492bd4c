"""The diagnostic formats are an interface: exact text, JSON and GitHub annotations."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import FIXTURES, run_reportgen

CASE = FIXTURES / "bad" / "unknown-source"


def test_text_format_is_compiler_style_and_sorted() -> None:
    result = run_reportgen("check", cwd=CASE)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "content/mini.yaml:6:40: error[unknown-source]: unknown source 'alpah': no entry with"
        " this key in references.bib (did you mean 'alpha'?)",
        " 6 |   - The summary cites a misspelt key [@alpah].",
        "   |                                        ^",
        "content/mini.yaml:10:52: error[unknown-source]: unknown source 'Beta': no entry with"
        " this key in references.bib (keys are case-sensitive: did you mean 'beta'?)",
        " 10 |       - A claim cites a key that differs in case [@Beta; @alpha].",
        "    |                                                    ^",
        "content/mini.yaml:15:19: error[unknown-source]: unknown source 'gamma': no entry with"
        " this key in references.bib",
        " 15 |     cite: [alpha, gamma]",
        "    |                   ^",
        "Found 3 errors and 0 warnings.",
    ]


def test_concise_format_is_one_line_per_diagnostic() -> None:
    result = run_reportgen("check", "--format", "concise", cwd=CASE)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 4
    assert lines[0].startswith("content/mini.yaml:6:40: error[unknown-source]: ")


def test_a_long_line_is_shown_as_a_window_around_the_column(tmp_path: Path) -> None:
    from reportgen.diagnostics import format_text
    from reportgen.model import Diagnostic, Position, Severity

    line = "x" * 300 + " [@bad] " + "y" * 300
    diagnostic = Diagnostic(
        Severity.ERROR, "unknown-source", "m", Position("f.yaml", 3, 303), excerpt=line
    )
    shown = format_text([diagnostic]).splitlines()
    assert shown[1] == " 3 | \u2026" + "x" * 48 + " [@bad] " + "y" * 44 + "\u2026"
    assert shown[2] == "   | " + " " * 51 + "^"


def test_json_format_has_diagnostics_and_summary() -> None:
    result = run_reportgen("check", "--format", "json", cwd=CASE)
    payload = json.loads(result.stdout)
    assert payload["summary"] == {"errors": 3, "warnings": 0, "files": 1}
    first = payload["diagnostics"][0]
    assert first == {
        "severity": "error",
        "code": "unknown-source",
        "file": "content/mini.yaml",
        "line": 6,
        "column": 40,
        "message": "unknown source 'alpah': no entry with this key in references.bib",
        "hint": "did you mean 'alpha'?",
    }


def test_github_format_is_workflow_annotations() -> None:
    result = run_reportgen("check", "--format", "github", cwd=CASE)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "::error file=content/mini.yaml,line=6,col=40,title=unknown-source::unknown source"
        " 'alpah': no entry with this key in references.bib (did you mean 'alpha'?)",
        "::error file=content/mini.yaml,line=10,col=52,title=unknown-source::unknown source"
        " 'Beta': no entry with this key in references.bib (keys are case-sensitive: did you"
        " mean 'beta'?)",
        "::error file=content/mini.yaml,line=15,col=19,title=unknown-source::unknown source"
        " 'gamma': no entry with this key in references.bib",
    ]


def test_clean_project_passes_with_exit_zero() -> None:
    result = run_reportgen("check", cwd=FIXTURES.parent.parent)
    assert result.returncode == 0
    assert result.stdout == "All checks passed.\n"


def test_usage_errors_exit_two_without_traceback() -> None:
    result = run_reportgen("check", "--format", "xml", cwd=CASE)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


def test_stats_count_claims_citations_and_sources_of_the_seed() -> None:
    result = run_reportgen("stats", "--format", "json", cwd=FIXTURES.parent.parent)
    assert result.returncode == 0
    payload = json.loads(result.stdout)
    assert payload["reports"] == [
        {
            "slug": "ice-local-police-data-sharing",
            "claims": 17,
            "citations": 41,
            "distinct_sources": 10,
            "multi_source_share": 0.588,
            "single_source_claims": 7,
            "open_questions": 3,
            "located_claims": 0,
            "quoted_claims": 0,
            "checkable_share": 0.0,
            "noted_claims": 2,
            "corrections": 0,
        }
    ]
    by_key = {s["key"]: s["claims"] for s in payload["sources"]}
    assert by_key["caag-alpr-press-2023"] == 1
    assert by_key["wriston-nlets-2025"] == 6


def test_stats_markdown_is_a_pull_request_summary() -> None:
    result = run_reportgen("stats", "--format", "markdown", cwd=FIXTURES.parent.parent)
    assert result.stdout.startswith("## Citation summary\n\n1 report, 17 claims, 10 sources,")
    assert "| `ice-local-police-data-sharing` | 17 | 41 | 10 | 59% | 3 |" in result.stdout


def test_missing_content_directory_is_a_diagnostic(tmp_path: Path) -> None:
    (tmp_path / "references.bib").write_text("", encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text("site_name: x\nplugins: [reportgen]\n", encoding="utf-8")
    result = run_reportgen("check", cwd=tmp_path)
    assert result.returncode == 1
    assert "content:1:1: error[no-content]: content directory 'content' does not exist" in (
        result.stdout
    )
