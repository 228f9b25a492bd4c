"""Stage 3: checked models to Markdown pages, through jinja2 templates.

This is the citation engine. It knows nothing about MkDocs: it returns
`{relative path: Markdown}` so the MkDocs plugin, `reportgen render --out`
(for engines that skip plugins, such as Zensical) and the tests all use the
same output. Markup lives in `templates/`; this module computes numbers,
anchors and backlinks.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import jinja2
from markupsafe import Markup, escape

from reportgen.check import url_problem
from reportgen.model import CitationGroup, Claim, Project, Report, Source

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

# Characters Python-Markdown treats as syntax and accepts backslash escapes for;
# `<`, `>` and `&` are turned into entities instead.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!])")
_ANCHOR_UNSAFE = re.compile(r"[^a-z0-9]+")


def md_inline(text: str) -> Markup:
    """Escape text for Markdown inline context (headings, link texts) so it stays text."""
    flat = " ".join(str(text).split())
    return Markup(str(escape(_MD_SPECIAL.sub(r"\\\1", flat))))


def human_date(value: str) -> str:
    """'2025-06-13' -> '13 June 2025'; partial dates keep their precision ('June 2025')."""
    parts = value.split("-")
    try:
        if len(parts) == 3:
            day = datetime.date.fromisoformat(value)
            return f"{day.day} {MONTHS[day.month - 1]} {day.year}"
        if len(parts) == 2 and 1 <= int(parts[1]) <= 12:
            return f"{MONTHS[int(parts[1]) - 1]} {int(parts[0])}"
    except ValueError:
        pass
    return value


def join_names(names: tuple[str, ...] | list[str]) -> str:
    """'A', 'A and B', 'A, B and C'."""
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def publisher(source: Source) -> str | None:
    """Who published it, unless that merely repeats the author."""
    for name in ("publisher", "institution", "organization", "journal", "journaltitle"):
        value = source.get(name)
        if value and value not in source.authors:
            return value
    return None


def issued(source: Source) -> str | None:
    """The publication date as ISO text, from biblatex `date` or BibTeX `year`/`month`."""
    if source.get("date"):
        return source.get("date")
    year = source.get("year")
    if year and source.get("month"):
        month = MONTHS_BY_NAME.get(str(source.get("month")).lower()[:3])
        if month:
            return f"{year}-{month:02d}"
    return year


MONTHS_BY_NAME = {m[:3].lower(): i for i, m in enumerate(MONTHS, start=1)}


def link(source: Source) -> str | None:
    """The address readers follow: the URL if it is safe, else the DOI resolver."""
    url = source.get("url")
    if url and url_problem(url) is None:
        return url
    doi = source.get("doi")
    if doi:
        return "https://doi.org/" + quote(doi.removeprefix("https://doi.org/"), safe="/:;()._-")
    return None


def preview(source: Source) -> str:
    """One line naming the source, for marker tooltips and accessible names."""
    parts = [join_names(source.authors)] if source.authors else []
    parts.append(source.get("title") or source.key)
    tail = ", ".join(x for x in (publisher(source), human_date(issued(source) or "")) if x)
    text = ": ".join(parts)
    return f"{text} ({tail})" if tail else text


@dataclass(frozen=True)
class Backlink:
    """One claim citing a reference; `label` is Wikipedia's a, b, c."""

    claim: Claim
    label: str


@dataclass(frozen=True)
class Reference:
    """A source as numbered within one report."""

    number: int
    source: Source
    backlinks: tuple[Backlink, ...]

    @property
    def anchor(self) -> str:
        return f"src-{self.number}"


@dataclass(frozen=True)
class Marker:
    """One rendered `[n]` marker."""

    number: int
    key: str
    source: Source | None


@dataclass(frozen=True)
class ReportView:
    """Everything the report template needs, computed once."""

    report: Report
    numbers: dict[str, int]
    references: tuple[Reference, ...]
    open_questions_number: int

    def pieces(self, claim: Claim) -> list[str | list[Marker]]:
        """Claim prose interleaved with marker runs, for the template to lay out."""
        out: list[str | list[Marker]] = []
        by_number = {r.number: r.source for r in self.references}
        for segment in claim.segments:
            if isinstance(segment, CitationGroup):
                out.append(
                    [
                        Marker(self.numbers[c.key], c.key, by_number.get(self.numbers[c.key]))
                        for c in segment.citations
                    ]
                )
            else:
                out.append(segment)
        return out


def number_sources(report: Report) -> dict[str, int]:
    """Per-report numbering in order of first citation, in reading order."""
    numbers: dict[str, int] = {}
    for claim in report.claims:
        for citation in claim.citations:
            numbers.setdefault(citation.key, len(numbers) + 1)
    return numbers


def report_view(report: Report, sources: dict[str, Source]) -> ReportView:
    numbers = number_sources(report)
    citing: dict[str, list[Claim]] = {key: [] for key in numbers}
    for claim in report.claims:
        for key in dict.fromkeys(c.key for c in claim.citations):
            citing[key].append(claim)
    references = tuple(
        Reference(
            number=number,
            source=sources[key],
            backlinks=tuple(Backlink(c, _letter(i)) for i, c in enumerate(citing[key])),
        )
        for key, number in numbers.items()
        if key in sources
    )
    return ReportView(report, numbers, references, len(report.sections) + 1)


def _letter(index: int) -> str:
    """a..z, then aa, ab..: Wikipedia's backlink labels."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("a") + rest) + letters
    return letters


@dataclass(frozen=True)
class SourceEntry:
    """A bibliography entry on the sources page, with the reports that cite it."""

    source: Source
    anchor: str
    cited_in: tuple[tuple[Report, int], ...] = field(default_factory=tuple)


def source_entries(project: Project) -> list[SourceEntry]:
    numbering = {r.slug: number_sources(r) for r in project.reports}
    used: set[str] = set()
    entries = []
    ordered = sorted(
        project.bibliography.sources.values(),
        key=lambda s: (sort_name(s).casefold(), s.get("title") or "", s.key),
    )
    for source in ordered:
        anchor = "source-" + (_ANCHOR_UNSAFE.sub("-", source.key.lower()).strip("-") or "key")
        while anchor in used:
            anchor += "-x"
        used.add(anchor)
        cited_in = tuple(
            (report, numbering[report.slug][source.key])
            for report in sorted_reports(project)
            if source.key in numbering[report.slug]
        )
        entries.append(SourceEntry(source, anchor, cited_in))
    return entries


def sort_name(source: Source) -> str:
    return source.authors[0] if source.authors else source.get("title") or source.key


def sorted_reports(project: Project) -> list[Report]:
    """Newest first, then by title: the order of the home page."""
    by_title = sorted(project.reports, key=lambda r: (r.title.casefold(), r.slug))
    return sorted(by_title, key=lambda r: r.published, reverse=True)


def report_path(report: Report) -> str:
    return f"reports/{report.slug}.md"


def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("reportgen", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = md_inline
    env.filters["human_date"] = human_date
    env.globals.update(
        report_path=report_path,
        publisher=publisher,
        issued=issued,
        link=link,
        preview=preview,
        join_names=join_names,
    )
    return env


def render_site(project: Project) -> dict[str, str]:
    """Every generated page, keyed by its path under the docs directory."""
    env = environment()
    sources = project.bibliography.sources
    reports = sorted_reports(project)
    views = {r.slug: report_view(r, sources) for r in reports}
    pages = {
        "index.md": env.get_template("index.md.j2").render(reports=reports, views=views),
        "sources.md": env.get_template("sources.md.j2").render(entries=source_entries(project)),
    }
    report_template = env.get_template("report.md.j2")
    for report in reports:
        pages[report_path(report)] = report_template.render(view=views[report.slug])
    return pages


def write_pages(pages: dict[str, str], out: Path) -> list[Path]:
    """Write rendered pages for engines that read plain files (Zensical, plain MkDocs)."""
    written = []
    for relative, text in sorted(pages.items()):
        target = out / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        written.append(target)
    return written
