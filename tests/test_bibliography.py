"""Real-world BibTeX: every word the editor wrote arrives, decoded as a careful reader expects.

The corpus and the decode cases are read from ../shared/corpora/bib/ (real
files written by others; see SOURCES.md there), never copied into the repo.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest

from conftest import REPO, SEED_SLUG
from reportgen.bib import NAME_FIELDS, SKIPPED_FIELDS, URL_FIELDS, parse_bibliography
from reportgen.check import check_bibliography
from reportgen.model import Bibliography, Diagnostic, Source
from reportgen.numbering import report_view
from reportgen.opendata import bibtex, csl_item, jsonld
from reportgen.pipeline import analyse
from reportgen.settings import Settings
from reportgen.sourcefmt import creators, issued_date, link

CORPUS = REPO.parent / "shared" / "corpora" / "bib"
CORPUS_FILES = sorted(CORPUS.glob("*.bib"))
XAMPL_PREAMBLE = (
    '@preamble{ "\\newcommand{\\noopsort}[1]{} "\n'
    '  # "\\newcommand{\\printfirst}[2]{#1} "\n'
    '  # "\\newcommand{\\singleletter}[1]{#1} "\n'
    '  # "\\newcommand{\\switchargs}[2]{#2#1} " }\n'
)


def load(text: str) -> tuple[Bibliography, list[Diagnostic]]:
    bibliography, problems = parse_bibliography(text, "references.bib")
    return bibliography, problems + list(check_bibliography(bibliography))


def one(text: str) -> Source:
    bibliography, _ = load(text)
    (source,) = bibliography.sources.values()
    return source


def decode_cases() -> list[tuple[str, str, str]]:
    """(field, value as written, expected text); the comment above a line says the field."""
    cases, previous = [], ""
    for line in (CORPUS / "decode-cases.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        if line.startswith("#"):
            previous = line
            continue
        written, expected = line.split("\t")
        kind = "note"
        if "url field" in previous:
            kind = "url"
        elif "date field" in previous:
            kind = "date"
        elif "value expression" in previous:
            kind = "expression"
        cases.append((kind, written, expected))
        previous = ""
    return cases


DECODE_CASES = decode_cases()


def test_the_decode_cases_file_has_all_its_lines() -> None:
    assert len(DECODE_CASES) == 116


@pytest.mark.parametrize(("kind", "written", "expected"), DECODE_CASES)
def test_decode_case_reads_as_a_careful_editor_wants(
    kind: str, written: str, expected: str
) -> None:
    """Each value goes through the bibliography loader, exactly as the site reads it."""
    if kind == "expression":
        entry = f"@misc{{k, title = {{T}}, note = {written}}}\n"
        field = "note"
    else:
        field = {"url": "url", "date": "date", "note": "note"}[kind]
        entry = f"@misc{{k, title = {{T}}, {field} = {{{written}}}}}\n"
    source = one(XAMPL_PREAMBLE + entry)
    assert source.fields[field] == expected


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        (r"The {\TeX}book", "The TeXbook"),
        (r"\TeX: The Program", "TeX: The Program"),
        (r"The \LaTeX\ Companion", "The LaTeX Companion"),
        ("Growth of 50% in 2020 at scale", "Growth of 50% in 2020 at scale"),
        ("Taylor & Francis", "Taylor & Francis"),
        ("costs $5 and $10 now", "costs $5 and $10 now"),
        ("Issue #42 of the_series", "Issue #42 of the_series"),
        (r"a $\alpha$-helix and $x_1$", "a \u03b1-helix and x_1"),
        (r"literal \{braces\} stay", "literal {braces} stay"),
    ],
)
def test_no_text_is_ever_dropped(written: str, expected: str) -> None:
    source = one(f"@misc{{k, title = {{{written}}}, url = {{https://example.org/}}}}\n")
    assert source.fields["title"] == expected


def test_an_unknown_command_keeps_its_text_and_is_reported() -> None:
    bibliography, problems = load(
        "@misc{k, title = {A \\newthing{Word} and \\XeTeXlike here},"
        " url = {https://example.org/}}\n"
    )
    assert bibliography.sources["k"].fields["title"] == "A Word and XeTeXlike here"
    lines = [f"{d.position}: {d.severity.value}[{d.code}]: {d.message}" for d in problems]
    assert lines == [
        "references.bib:1:1: warning[bib-latex]: field 'title' of 'k' uses the LaTeX command"
        " \\newthing, which reportgen does not know; its text is kept, the command dropped",
        "references.bib:1:1: warning[bib-latex]: field 'title' of 'k' uses the LaTeX command"
        " \\XeTeXlike, which reportgen does not know; its text is kept, the command dropped",
    ]


def test_month_macros_and_capitalised_field_names() -> None:
    source = one(
        "@Article{k, Author = {Doe, Jane and Roe, Rick}, TITLE = {T}, Journal = {J},"
        " year = 2020, month = jan}\n"
    )
    assert source.authors == ("Jane Doe", "Rick Roe")
    assert source.fields["month"] == "January"
    date = issued_date(source)
    assert date is not None and date.iso == "2020-01"
    assert csl_item(source)["issued"] == {"date-parts": [[2020, 1]]}


def test_crossref_inherits_as_biblatex_defines_and_uses_the_parent() -> None:
    text = (
        "@inproceedings{child, author = {Doe, Jane}, title = {Paper}, crossref = {conf}}\n"
        "@proceedings{conf, title = {Proceedings of X}, publisher = {ACM}, year = 2019}\n"
    )
    bibliography, problems = load(text)
    child = bibliography.sources["child"]
    assert child.fields["booktitle"] == "Proceedings of X"
    assert child.fields["title"] == "Paper"
    assert child.fields["publisher"] == "ACM"
    assert child.fields["year"] == "2019"
    assert child.parents == ("conf",)
    assert [d.code for d in problems] == []


def test_a_crossref_child_cited_alone_leaves_its_parent_used(project: Path) -> None:
    bib = project / "references.bib"
    text = bib.read_text(encoding="utf-8").replace(
        "@report{crs-287g-if11898,", "@report{crs-287g-if11898,\n  crossref = {crs-series},", 1
    )
    bib.write_text(
        text + "\n@report{crs-series, title = {CRS reports},"
        " institution = {Congressional Research Service}, year = 2021}\n",
        encoding="utf-8",
    )
    analysis = analyse(Settings(root=project), strict=True)
    assert analysis.ok, analysis.diagnostics


def test_xdata_fills_fields_and_is_never_a_source() -> None:
    bibliography, problems = load(
        "@xdata{pub, publisher = {Polity}, location = {Cambridge}}\n"
        "@book{b, title = {B}, year = 2016, xdata = {pub}}\n"
    )
    assert list(bibliography.sources) == ["b"]
    assert bibliography.sources["b"].fields["publisher"] == "Polity"
    assert problems == []


@pytest.mark.parametrize(
    ("fields", "href"),
    [
        ("doi = {http://dx.doi.org/10.1000/xyz}", "https://doi.org/10.1000/xyz"),
        ("doi = {doi:10.1000/abc}", "https://doi.org/10.1000/abc"),
        ("url = {https://example.org/\\%7Euser}", "https://example.org/%7Euser"),
        ("url = {\\url{https://example.org/a_b}}", "https://example.org/a_b"),
        ("eprint = {2101.00001}, eprinttype = {arxiv}", "https://arxiv.org/abs/2101.00001"),
        ("eprint = {2101.00001}, archiveprefix = {arXiv}", "https://arxiv.org/abs/2101.00001"),
        ("eprint = {12345}, eprinttype = {jstor}", "https://www.jstor.org/stable/12345"),
        ("howpublished = {\\url{https://example.org/x}}", "https://example.org/x"),
    ],
)
def test_ways_to_find_a_source(fields: str, href: str) -> None:
    bibliography, problems = load(f"@misc{{k, title = {{T}}, {fields}}}\n")
    assert link(bibliography.sources["k"]) == href
    assert [d.code for d in problems] == []


def test_findability_follows_the_entry_type() -> None:
    text = (CORPUS / "biblatex-examples.bib").read_text(encoding="utf-8")
    bibliography, problems = load(text)
    refused = [d for d in problems if d.code == "incomplete-source"]
    assert len(bibliography.sources) >= 90
    assert len(refused) <= 2, [d.message for d in refused]


def test_date_ranges_as_biblatex_defines_them() -> None:
    source = one("@book{k, title = {T}, publisher = {P}, date = {2020/2021}}\n")
    assert csl_item(source)["issued"] == {"date-parts": [[2020], [2021]]}
    date = issued_date(source)
    assert date is not None and date.human == "2020\u20132021"
    open_ended = one("@book{k, title = {T}, publisher = {P}, date = {2004-01-01/..}}\n")
    date = issued_date(open_ended)
    assert date is not None and date.human == "1 January 2004\u2013\u2026"
    approximate = one("@book{k, title = {T}, publisher = {P}, date = {1723?~}}\n")
    date = issued_date(approximate)
    assert date is not None and date.human == "c. 1723?"


def test_downloads_expand_string_macros() -> None:
    bibliography, _ = load(
        "@string{nasa = {NASA}}\n"
        '@report{k, title = {T}, institution = nasa # " Ames", year = 1999}\n'
    )
    source = bibliography.sources["k"]
    assert source.fields["institution"] == "NASA Ames"
    assert "nasa" not in source.raw
    assert "institution = {NASA Ames}" in source.raw
    reparsed, problems = load(source.raw)
    assert reparsed.sources["k"].fields == source.fields
    assert problems == []


def test_and_others_is_et_al() -> None:
    source = one("@misc{k, author = {Doe, Jane and others}, title = {T}, url = {https://e.org/}}\n")
    assert source.authors == ("Jane Doe",)
    assert source.et_al
    assert creators(source) == "Jane Doe et al."
    assert csl_item(source)["author"] == [{"family": "Doe", "given": "Jane"}]


@pytest.mark.parametrize(
    ("written", "csl"),
    [
        ("Al Elew, Mohamed", {"family": "Al Elew", "given": "Mohamed"}),
        (
            "van der Meer, Jan",
            {"family": "Meer", "given": "Jan", "non-dropping-particle": "van der"},
        ),
        ("Bennett, Jr., Frank G.", {"family": "Bennett", "given": "Frank G.", "suffix": "Jr."}),
        ("{U.S. Bureau of the Census}", {"literal": "U.S. Bureau of the Census"}),
        (
            "Jean de La Fontaine",
            {"family": "La Fontaine", "given": "Jean", "non-dropping-particle": "de"},
        ),
    ],
)
def test_names_keep_bibtex_parts(written: str, csl: dict[str, str]) -> None:
    source = one(f"@misc{{k, author = {{{written}}}, title = {{T}}, url = {{https://e.org/}}}}\n")
    assert csl_item(source)["author"] == [csl]


def test_seed_json_ld_tells_people_from_organizations() -> None:
    project = analyse(Settings(root=REPO)).project
    (report,) = [r for r in project.reports if r.slug == SEED_SLUG]
    data = json.loads(jsonld(report_view(report, project.bibliography.sources)))
    agents = {a["name"]: a["@type"] for work in data["citation"] for a in work.get("author", [])}
    assert agents["Austin Kocher"] == "Person"
    assert agents["Mohamed Al Elew"] == "Person"
    assert agents["Khari Johnson"] == "Person"
    assert agents["Congressional Research Service"] == "Organization"
    assert agents["U.S. Immigration and Customs Enforcement"] == "Organization"
    person = next(
        a
        for work in data["citation"]
        for a in work.get("author", [])
        if a["name"] == "Mohamed Al Elew"
    )
    assert person["familyName"] == "Al Elew" and person["givenName"] == "Mohamed"


def test_seed_csl_json_round_trips_every_name() -> None:
    """CSL names put back together give BibTeX's own reading of every seed name."""
    from bibtexparser.middlewares.names import (
        parse_single_name_into_parts,
        split_multiple_persons_names,
    )

    project = analyse(Settings(root=REPO)).project
    for source in project.bibliography.sources.values():
        written = source.raw_fields.get("author")
        if not written:
            continue
        items = csl_item(source)["author"]
        expected = []
        for name in split_multiple_persons_names(written):
            if name.startswith("{"):
                expected.append({"literal": name[1:-1]})
                continue
            parts = parse_single_name_into_parts(name)
            expected.append(
                {
                    key: " ".join(value)
                    for key, value in (
                        ("family", parts.last),
                        ("given", parts.first),
                        ("non-dropping-particle", parts.von),
                        ("suffix", parts.jr),
                    )
                    if value
                }
            )
        assert items == expected, source.key


def test_seed_bib_download_is_the_entries_as_written() -> None:
    project = analyse(Settings(root=REPO)).project
    (report,) = [r for r in project.reports if r.slug == SEED_SLUG]
    text = bibtex(report_view(report, project.bibliography.sources))
    assert "@report{crs-287g-if11898," in text
    reparsed, problems = load(text)
    assert problems == []
    assert len(reparsed.sources) == 10


def test_a_braced_key_cites_a_key_pandoc_would_not_read(project: Path) -> None:
    bib = project / "references.bib"
    bib.write_text(
        bib.read_text(encoding="utf-8").replace("@report{crs-287g-if11898,", "@report{-crs,"),
        encoding="utf-8",
    )
    content = project / "content" / f"{SEED_SLUG}.yaml"
    content.write_text(
        content.read_text(encoding="utf-8")
        .replace("@crs-287g-if11898", "@{-crs}")
        .replace("[crs-287g-if11898]", "['-crs']"),
        encoding="utf-8",
    )
    analysis = analyse(Settings(root=project), strict=True)
    assert analysis.ok, analysis.diagnostics


# --- the corpus: every real file loads, and every word of every shown field arrives ---

_COMMAND = re.compile(r"\\[A-Za-z]+")
_DROPPED_ARGUMENT = re.compile(
    r"\\(?:href)\s*\{(?:[^{}]|\{[^{}]*\})*\}|\\(?:noopsort|sortnoop)\s*\{[^{}]*\}"
)


def fold(text: str) -> str:
    r"""Case, accents and ligatures folded, so 'Ä' matches 'A' written as \"A."""
    text = text.replace("ß", "ss").replace("æ", "ae").replace("œ", "oe").replace("ø", "o")
    text = text.replace("ł", "l").replace("Ł", "L").replace("\u0131", "i").replace("đ", "d")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def words(raw: str) -> list[str]:
    """The words of a raw value: commands, accents, braces and punctuation are separators."""
    text = _DROPPED_ARGUMENT.sub(" ", raw)
    text = _COMMAND.sub(" ", text)
    text = re.sub(r"\\.", " ", text)
    found = re.findall(r"\w+", text)
    return [w for w in found if len(w) >= 3 or (w.isdigit() and len(w) >= 2)]


def test_the_corpus_is_there() -> None:
    assert len(CORPUS_FILES) == 10, "../shared/corpora/bib/ is missing files"


@pytest.mark.parametrize("path", CORPUS_FILES, ids=[p.name for p in CORPUS_FILES])
def test_corpus_file_loads_and_keeps_every_word(path: Path) -> None:
    bibliography, problems = load(path.read_text(encoding="utf-8"))
    assert [d for d in problems if d.code == "bib-syntax"] == []
    assert len(bibliography.sources) > 0
    leftovers, lost = [], []
    for source in bibliography.sources.values():
        for name, shown in source.fields.items():
            raw = source.raw_fields.get(name)
            if raw is None or name in SKIPPED_FIELDS or name in URL_FIELDS:
                continue
            if name in NAME_FIELDS:
                shown = " ".join(n.display for n in source.names) + " " + shown
            command = _COMMAND.search(shown)
            if command and "textbackslash" not in raw and "\\\\" not in raw:
                leftovers.append((source.key, name, shown[:80]))
            folded = fold(shown)
            for word in words(raw):
                if name in NAME_FIELDS and word in ("and", "others"):
                    continue  # the separator of BibTeX's name lists, not a word
                if fold(word) not in folded:
                    lost.append((source.key, name, word))
    assert leftovers == []
    assert lost == []
