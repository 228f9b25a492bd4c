"""`reportgen import`: plain-text briefs in, content files out, and back to the same text."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import FIXTURES, REPO, SEED_CONTENT, copy_project, run_reportgen
from reportgen.load import load_report
from reportgen.numbering import number_sources
from reportgen.pipeline import analyse
from reportgen.render import render_site
from reportgen.settings import Settings

BRIEFS = FIXTURES / "briefs"
CASES = sorted(p.name for p in BRIEFS.iterdir() if p.is_dir())
_MARKERS = re.compile(r"\[(\d+(?:\s*[,;\u2013-]\s*\d+)*)\]")


def expand(match: re.Match[str]) -> str:
    numbers: list[str] = []
    for item in re.split(r"\s*[,;]\s*", match.group(1)):
        if re.fullmatch(r"\d+\s*[\u2013-]\s*\d+", item):
            low, high = (int(x) for x in re.split(r"\s*[\u2013-]\s*", item))
            numbers.extend(str(n) for n in range(low, high + 1))
        else:
            numbers.append(item)
    return " " + " ".join(f"[{n}]" for n in numbers) + " "


def sentences(text: str, *, numbers: bool = True) -> list[str]:
    """Sentences with markers spelled `[n]` one by one; whitespace and quote styles aside."""
    text = _MARKERS.sub(expand if numbers else (lambda m: " "), text)
    for fancy, plain in (("\u201c", '"'), ("\u201d", '"'), ("\u2018", "'"), ("\u2019", "'")):
        text = text.replace(fancy, plain)
    text = " ".join(text.split())
    text = re.sub(r"\s+([.,;:?!])", r"\1", text)
    text = re.sub(r"([.?!])\s*(\[\d+\](?: \[\d+\])*)", r"\1 \2", text)
    return [s for s in re.split(r"(?<=[.?!])\s+(?=[^\[])", text) if s]


def brief_body(path: Path) -> str:
    """The brief's prose in reading order, without its title and headings."""
    lines = path.read_text(encoding="utf-8").splitlines()[1:]
    body = []
    for line in lines:
        stripped = line.strip()
        if not stripped or re.match(r"^\d+\. ", stripped) or stripped == "Executive summary":
            continue
        body.append(re.sub(r"^Bottom line:\s*", "", stripped))
    return " ".join(body)


def rendered_body(markdown: str) -> str:
    soup = BeautifulSoup(markdown, "html.parser")
    return " ".join(el.get_text() for el in soup.select("p.claims, li.open-question"))


MINIMAL_CONFIG = (
    "site_name: import test\nsite_url: https://briefs.example.org/\nplugins:\n  - reportgen\n"
)


def import_into(project: Path, case: Path, *extra: str) -> tuple[int, str, Path]:
    if not (project / "mkdocs.yml").exists():
        (project / "mkdocs.yml").write_text(MINIMAL_CONFIG, encoding="utf-8")
    result = run_reportgen(
        "import",
        str(case / "brief.txt"),
        "--sources",
        str(case / "sources.bib"),
        "--slug",
        case.name,
        "--merge-sources",
        *extra,
        cwd=project,
    )
    assert "Traceback" not in result.stderr
    return result.returncode, result.stdout, project / "content" / f"{case.name}.yaml"


def render_imported(path: Path, bib: Path, tmp: Path) -> str:
    shutil.copy(bib, tmp / "references.bib")
    settings = Settings(root=tmp)
    report, problems = load_report(path, settings)
    assert report is not None, problems
    analysis = analyse(settings)
    pages = render_site(analysis.project)
    return pages[f"reports/{report.slug}.md"]


def test_seed_import_reproduces_the_shipped_content(project: Path) -> None:
    (project / SEED_CONTENT).unlink()
    result = run_reportgen(
        "import",
        str(FIXTURES / "seed" / "brief.txt"),
        "--sources",
        "references.bib",
        "--slug",
        "ice-local-police-data-sharing",
        "--date",
        "2026-11-24",
        cwd=project,
    )
    assert result.returncode == 0, result.stdout
    assert run_reportgen("check", "--strict", cwd=project).returncode == 0
    imported, _ = load_report(project / SEED_CONTENT, Settings(root=project))
    shipped, _ = load_report(REPO / SEED_CONTENT, Settings(root=REPO))
    assert imported is not None and shipped is not None
    for name in ("slug", "title", "published", "last_checked", "open_questions_title"):
        assert getattr(imported, name) == getattr(shipped, name), name
    assert [s.title for s in imported.sections] == [s.title for s in shipped.sections]
    assert [(c.text, [x.key for x in c.citations]) for c in imported.claims] == [
        (c.text, [x.key for x in c.citations]) for c in shipped.claims
    ]
    assert number_sources(imported) == number_sources(shipped)


def test_seed_import_renders_the_brief_sentence_for_sentence(project: Path) -> None:
    (project / SEED_CONTENT).unlink()
    brief = FIXTURES / "seed" / "brief.txt"
    run_reportgen("import", str(brief), "--sources", "references.bib", cwd=project)
    markdown = render_site(analyse(Settings(root=project)).project)
    page = next(
        text
        for path, text in markdown.items()
        if path.startswith("reports/") and path.endswith(".md")
    )
    assert sentences(rendered_body(page)) == sentences(brief_body(brief))


@pytest.mark.parametrize("name", CASES)
def test_brief_imports_with_the_diagnostics_its_flaws_deserve(tmp_path: Path, name: str) -> None:
    case = BRIEFS / name
    code, output, written = import_into(tmp_path, case)
    assert written.is_file()
    found = sorted(
        (m.group(2), m.group(3), int(m.group(1)))
        for m in re.finditer(r"brief\.txt:(\d+):\d+: (\w+)\[([\w-]+)\]", output)
    )
    expected = sorted(
        (severity, code_name, int(line))
        for severity, code_name, line in (
            row.split() for row in (case / "expected.txt").read_text().splitlines() if row
        )
    )
    assert found == expected, output
    assert code == (1 if any(row[0] == "error" for row in expected) else 0)


@pytest.mark.parametrize("name", ["wrapped-nonascii", "comma-groups", "quotes-ranges"])
def test_brief_round_trips_sentence_for_sentence(tmp_path: Path, name: str) -> None:
    case = BRIEFS / name
    _, _, written = import_into(tmp_path, case)
    markdown = render_imported(written, case / "sources.bib", tmp_path)
    assert sentences(rendered_body(markdown)) == sentences(brief_body(case / "brief.txt"))


def test_renumbered_brief_keeps_its_text(tmp_path: Path) -> None:
    case = BRIEFS / "numbering"
    _, _, written = import_into(tmp_path, case)
    text = written.read_text(encoding="utf-8").replace(
        "claims: []", "claims:\n      - Added [@oversight]."
    )
    written.write_text(text, encoding="utf-8")
    markdown = render_imported(written, case / "sources.bib", tmp_path)
    body = brief_body(case / "brief.txt") + " "
    assert sentences(rendered_body(markdown), numbers=False) == sentences(
        body.replace("Whether", "Added. Whether"), numbers=False
    )


def test_explicit_map_overrides_file_order(tmp_path: Path) -> None:
    case = BRIEFS / "numbering"
    _, output, written = import_into(
        tmp_path, case, "--map", "1=reporting,2=contracts,3=oversight,5=oversight", "--force"
    )
    text = written.read_text(encoding="utf-8")
    assert "without warrants [@contracts; @reporting]" in text
    assert "import-unknown-number" not in output


def test_import_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    case = BRIEFS / "quotes-ranges"
    assert import_into(tmp_path, case)[0] == 0
    code, _, _ = import_into(tmp_path, case)
    assert code == 2
    assert import_into(tmp_path, case, "--force")[0] == 0


def test_merge_sources_appends_missing_entries(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    case = BRIEFS / "quotes-ranges"
    code, _, _ = import_into(project, case, "--merge-sources")
    assert code == 0
    assert "@article{sensor-study," in (project / "references.bib").read_text(encoding="utf-8")
    assert run_reportgen("check", cwd=project).returncode == 0


def test_new_scaffolds_every_required_part(project: Path) -> None:
    result = run_reportgen("new", "street-cameras", cwd=project)
    assert result.returncode == 0
    path = project / "content" / "street-cameras.yaml"
    text = path.read_text(encoding="utf-8")
    for field in (
        "slug:",
        "title:",
        "published:",
        "last_checked:",
        "summary:",
        "sections:",
        "open_questions:",
        "bottom_line:",
    ):
        assert field in text
    assert text.count("\n# ") >= 8
    report, problems = load_report(path, Settings(root=project))
    assert report is not None, problems
    check = run_reportgen("check", cwd=project)
    assert check.returncode == 1
    assert "content/street-cameras.yaml" in check.stdout
    assert run_reportgen("new", "street-cameras", cwd=project).returncode == 2


SELF = FIXTURES / "briefs-self"


def site(tmp_path: Path) -> Path:
    project = tmp_path / "site"
    project.mkdir()
    (project / "mkdocs.yml").write_text(MINIMAL_CONFIG, encoding="utf-8")
    return project


def markdown_body(path: Path) -> str:
    """A Markdown brief's prose in reading order, without headings, marks and its source list."""
    body = []
    for line in path.read_text(encoding="utf-8").split("## Sources")[0].splitlines()[1:]:
        stripped = line.strip()
        if not stripped or stripped.startswith("#") or stripped.startswith("Published:"):
            continue
        stripped = re.sub(r"^- ", "", stripped).replace("**", "")
        body.append(re.sub(r"^Bottom line:\s*", "", stripped))
    return " ".join(body)


def test_markdown_brief_with_its_own_sources_imports_and_round_trips(tmp_path: Path) -> None:
    project = site(tmp_path)
    brief = SELF / "markdown" / "brief.md"
    result = run_reportgen("import", str(brief), "--merge-sources", cwd=project)
    assert result.returncode == 0, result.stdout
    assert "reportgen: added 3 source(s) to references.bib" in result.stdout
    (written,) = (project / "content").glob("*.yaml")
    text = written.read_text(encoding="utf-8")
    assert 'title: "Do school districts share student data with immigration authorities?"' in text
    assert "published: 2026-10-01" in text
    assert "- " not in text.split("open_questions:")[1].split("bottom_line")[0].replace("  - ", "")
    assert run_reportgen("check", "--strict", cwd=project).returncode == 0
    pages = render_site(analyse(Settings(root=project)).project)
    page = pages[f"reports/{written.stem}.md"]
    assert sentences(rendered_body(page)) == sentences(markdown_body(brief))
    bib = (project / "references.bib").read_text(encoding="utf-8")
    assert "author = {{Los Angeles Unified School District}}" in bib
    assert "url = {https://www.ed.gov/ferpa}" in bib


def test_a_plain_source_list_is_never_read_as_claims(tmp_path: Path) -> None:
    project = site(tmp_path)
    brief = SELF / "plain-list" / "brief.txt"
    result = run_reportgen(
        "import", str(brief), "--merge-sources", "--date", "2026-05-04", cwd=project
    )
    assert result.returncode == 1
    shown = Path(os.path.relpath(brief, project)).as_posix()
    assert result.stdout.splitlines()[1] == (
        f"{shown}:19:5: error[incomplete-source]: source 'harbour-watch-no-address' gives"
        " readers no way to find it (add a url or doi, or a publisher (or journal, event) and"
        " year)"
    )
    (written,) = (project / "content").glob("*.yaml")
    text = written.read_text(encoding="utf-8")
    bottom = text.split("bottom_line:")[1]
    assert "Port of Example" not in bottom and "Harbour Watch" not in bottom
    assert "published: 2026-05-04" in text
    page = render_site(analyse(Settings(root=project)).project)[f"reports/{written.stem}.md"]
    body = brief.read_text(encoding="utf-8").split("\n[1] ")[0]
    prose = " ".join(
        re.sub(r"^Bottom line:\s*", "", line.strip())
        for line in body.splitlines()[1:]
        if line.strip() and line.strip() != "Executive summary" and not re.match(r"^\d+\. ", line)
    )
    assert sentences(rendered_body(page)) == sentences(prose)


def test_without_merge_the_missing_sources_are_reported_at_the_brief(tmp_path: Path) -> None:
    project = site(tmp_path)
    brief = SELF / "markdown" / "brief.md"
    result = run_reportgen("import", str(brief), cwd=project)
    assert result.returncode == 1
    assert "All checks passed." not in result.stdout
    lines = [line for line in result.stdout.splitlines() if "error[unknown-source]" in line]
    assert len(lines) == 3
    assert lines[0].endswith(
        "error[unknown-source]: source 'u-s-department-of-2024' is not in references.bib"
        " (rerun with --merge-sources to add it, or add it to the bibliography)"
    )
    assert ":26:4: " in lines[0]


def test_a_key_that_means_another_source_is_a_conflict_with_both_places(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    bib = tmp_path / "brief-sources.bib"
    bib.write_text(
        "@online{ice-287g,\n  title = {A different page},\n  url = {https://example.org/x}\n}\n",
        encoding="utf-8",
    )
    brief = tmp_path / "brief.txt"
    brief.write_text(
        "A question?\n\nExecutive summary\n\nA claim. [1]\n\n1. Open questions\n\n"
        "What is open? [1]\n\nBottom line: It is settled [1].\n",
        encoding="utf-8",
    )
    result = run_reportgen("import", str(brief), "--sources", str(bib), cwd=project)
    assert result.returncode == 1
    conflict = [line for line in result.stdout.splitlines() if "import-conflict" in line]
    assert conflict == [
        "brief-sources.bib:1:1: error[import-conflict]: source 'ice-287g' differs from the entry"
        " with the same key at references.bib:7 (title 'A different page' here, 'Delegation of"
        " Immigration Authority Section 287(g) Immigration and Nationality Act' there); the"
        " report would cite that entry (give one of them another key, or make them the same"
        " source)"
    ]


def test_a_sources_file_that_is_not_bibtex_is_reported(tmp_path: Path) -> None:
    project = site(tmp_path)
    notes = tmp_path / "sources.txt"
    notes.write_text("[1] Some source, https://example.org/\n", encoding="utf-8")
    brief = BRIEFS / "quotes-ranges" / "brief.txt"
    result = run_reportgen("import", str(brief), "--sources", str(notes), cwd=project)
    assert result.returncode == 1
    assert (
        "../sources.txt:1:1: error[import-structure]: ../sources.txt has no BibTeX entries"
        " (pass a .bib file, or leave out --sources to use the brief's own list)"
    ) in result.stdout


def test_import_diagnostics_point_at_the_marker_column(tmp_path: Path) -> None:
    case = BRIEFS / "numbering"
    _, output, _ = import_into(tmp_path, case)
    lines = [line for line in output.splitlines() if "import-unknown-number" in line]
    brief_lines = (case / "brief.txt").read_text(encoding="utf-8").splitlines()
    found = re.match(r".*brief\.txt:(\d+):(\d+): ", lines[0])
    assert found is not None
    line, column = int(found.group(1)), int(found.group(2))
    assert column > 1
    assert brief_lines[line - 1][column - 1] == "["
