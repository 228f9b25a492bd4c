"""Stage 3: checked models to Markdown pages, through jinja2 templates.

This is the citation engine. It knows nothing about MkDocs: it returns
`{relative path: Markdown}` so the MkDocs plugin, `reportgen render --out`
(for engines that skip plugins, such as Zensical) and the tests all use the
same output. Markup lives in `templates/`; this module computes numbers,
anchors and backlinks.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import multiprocessing
import re
from collections.abc import MutableMapping
from dataclasses import dataclass, field, replace
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape

from reportgen import citing
from reportgen.feeds import (
    CORRECTIONS_FEED,
    REPORTS_FEED,
    correction_entries,
    corrections_feed,
    reports_feed,
)
from reportgen.model import Diagnostic, Project, Report, Source
from reportgen.numbering import (
    ReportView,
    correction_anchor,
    number_sources,
    report_view,
)
from reportgen.opendata import data_files, jsonld
from reportgen.sourcefmt import (
    archive,
    archived_copy,
    creators,
    human_date,
    is_dead,
    issued_date,
    link,
    preview,
    publisher,
)
from reportgen.urls import SiteInfo, absolute, html_link, page_address

# Characters Python-Markdown treats as syntax and accepts backslash escapes for;
# `<`, `>` and `&` are turned into entities instead.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!])")
_ANCHOR_UNSAFE = re.compile(r"[^a-z0-9]+")


def md_inline(text: str) -> Markup:
    """Escape text for Markdown inline context (headings, link texts) so it stays text."""
    flat = " ".join(str(text).split())
    return Markup(str(escape(_MD_SPECIAL.sub(r"\\\1", flat))))


@dataclass(frozen=True)
class SourceEntry:
    """A bibliography entry on the sources page, with the reports that cite it."""

    source: Source
    anchor: str
    cited_in: tuple[tuple[Report, int], ...] = field(default_factory=tuple)


def source_entries(project: Project) -> list[SourceEntry]:
    """Every bib entry with the reports citing it; one pass over the reports, not one per entry."""
    cited_in: dict[str, list[tuple[Report, int]]] = {}
    for report in sorted_reports(project):
        for key, number in number_sources(report).items():
            cited_in.setdefault(key, []).append((report, number))
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
        entries.append(SourceEntry(source, anchor, tuple(cited_in.get(source.key, ()))))
    return entries


def sort_name(source: Source) -> str:
    return source.authors[0] if source.authors else source.get("title") or source.key


def sorted_reports(project: Project) -> list[Report]:
    """Newest first, then by title: the order of the home page."""
    by_title = sorted(project.reports, key=lambda r: (r.title.casefold(), r.slug))
    return sorted(by_title, key=lambda r: r.published, reverse=True)


HOME_LIMIT = 20
"""The home page lists this many newest reports; year pages list the rest."""


def by_year(reports: list[Report]) -> dict[str, list[Report]]:
    """Reports grouped by publication year, newest year first, keeping the given order."""
    groups: dict[str, list[Report]] = {}
    for report in reports:
        groups.setdefault(report.published[:4], []).append(report)
    return dict(sorted(groups.items(), reverse=True))


def year_path(year: str) -> str:
    return f"years/{year}.md"


def build_epoch(project: Project) -> int:
    """The newest `last_checked`, so two builds of one commit are byte-identical.

    Clamped to 32 bits, as a sitemap's gzip header stores it: any valid date builds.
    """
    dates = [r.last_checked for r in project.reports] or ["1970-01-01"]
    newest = datetime.datetime.fromisoformat(max(dates)).replace(tzinfo=datetime.UTC)
    return min(max(int(newest.timestamp()), 0), 2**32 - 1)


def site_nav(project: Project, *, list_reports_up_to: int = 50, search: bool = True) -> list[Any]:
    """A navigation that stays small: reports are grouped by year behind index pages.

    Engines render the whole navigation into every page, so listing N reports
    would cost O(N^2); past `list_reports_up_to` reports only the year pages
    are listed.
    """
    show = len(project.reports) <= list_reports_up_to
    years = [
        {year: [year_path(year), *(report_path(r) for r in reports)] if show else year_path(year)}
        for year, reports in by_year(sorted_reports(project)).items()
    ]
    return [
        {"Home": "index.md"},
        {"Reports": years},
        {"Open questions": "open-questions.md"},
        {"Sources": "sources.md"},
        {"Corrections": "corrections.md"},
        *([{"Search": "search.md"}] if search else []),
    ]


def report_path(report: Report) -> str:
    return f"reports/{report.slug}.md"


@functools.cache
def environment() -> jinja2.Environment:
    """One compiled set of templates per process; they ship with the package and never change."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("reportgen", "templates"),
        auto_reload=False,
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
        year_path=year_path,
        publisher=publisher,
        issued_date=issued_date,
        link=link,
        preview=preview,
        creators=creators,
        archive=archive,
        archived_copy=archived_copy,
        is_dead=is_dead,
        html_link=html_link,
        correction_anchor=correction_anchor,
    )
    return env


@dataclass(frozen=True)
class Output:
    """One report's share of the site: its files, its <head> data and its search record.

    The unit the render cache keeps: a report whose inputs did not change
    gets all three back without its view being computed again.
    """

    files: dict[str, str]
    head: HeadData | None = None
    record: str = ""


RenderCache = MutableMapping[str, tuple[str, Output]]
"""Report path -> (fingerprint of its inputs, its output); lets a preview server or a
build cache re-render only the reports whose content or cited sources changed. The
sources page is kept the same way, under its own path."""


@dataclass
class Rendered:
    """Everything the citation engine produces for one project."""

    pages: dict[str, str]
    """Generated files (pages and downloads), keyed by path under the docs directory."""
    head: dict[str, HeadData]
    """Per report page: what goes into its <head> (cards, citation tags, JSON-LD)."""
    nav: list[Any] = field(default_factory=list)
    """The site navigation, in the `nav:` shape engines read from mkdocs.yml."""
    epoch: int = 0
    """The build date engines write (sitemaps): from the content, never the clock."""
    records: dict[str, str] = field(default_factory=dict)
    """Search records (one HTML file per report) for the engines' Pagefind step."""


def render(
    project: Project,
    cache: RenderCache | None = None,
    *,
    directory_urls: bool = True,
    jsonld_in_page: bool = False,
    workers: int = 1,
    nav_limit: int = 50,
    site: SiteInfo | None = None,
    search: bool = True,
) -> Rendered:
    """Pages and head metadata from one set of per-report views.

    `directory_urls` is the site's URL style (MkDocs' `use_directory_urls`),
    needed where pages link to each other from raw HTML. `jsonld_in_page`
    also puts each report's JSON-LD at the end of its page, for engines
    that run no plugin to put it in the head. `workers` is the caller's
    choice of processes for the reports that need rendering (the renderer
    holds no process policy). `cache` keeps each report's output between
    calls. `site` names the site and its address for feeds and JSON-LD;
    `directory_urls` wins over its URL style. `search` adds the search page
    and the records its index is built from.
    """
    site = replace(site or SiteInfo(), directory_urls=directory_urls)
    rendered = _render(project, cache, site, max(1, workers), search)
    rendered.nav[:] = site_nav(project, list_reports_up_to=nav_limit, search=search)
    rendered.epoch = build_epoch(project)
    if not search:
        del rendered.pages["search.md"]
    if jsonld_in_page:
        for path, data in rendered.head.items():
            rendered.pages[path] += "\n" + data.html()
    return rendered


def _render(
    project: Project, cache: RenderCache | None, site: SiteInfo, workers: int, search: bool
) -> Rendered:
    reports = sorted_reports(project)
    sources = project.bibliography.sources
    numbers = {r.slug: number_sources(r) for r in reports}
    outputs: dict[str, Output] = {}
    fingerprints: dict[str, str] = {}
    if cache is not None:
        for report in reports:
            path = report_path(report)
            fingerprints[path] = _fingerprint(report, numbers[report.slug], sources, site, search)
            cached = cache.get(path)
            if cached is not None and cached[0] == fingerprints[path]:
                outputs[path] = cached[1]
    todo = [report_view(r, sources) for r in reports if report_path(r) not in outputs]
    if cache is not None:
        fingerprints[SOURCES_PAGE] = _sources_fingerprint(project, reports, numbers)
    cached = cache.get(SOURCES_PAGE) if cache is not None else None
    fresh_sources = cached is None or cached[0] != fingerprints[SOURCES_PAGE]
    fresh = _render_outputs(project, todo, site, search, workers, fresh_sources)
    if cache is not None:
        for path, output in fresh.items():  # only what was rendered again is written back
            cache[path] = (fingerprints[path], output)
    sources_output = fresh.pop(SOURCES_PAGE) if cached is None or fresh_sources else cached[1]
    sources_files = sources_output.files
    outputs.update(fresh)
    counts = {r.slug: sum(1 for key in numbers[r.slug] if key in sources) for r in reports}
    pages = shared_pages(project, reports, counts, site)
    pages.update(sources_files)
    head: dict[str, HeadData] = {}
    records: dict[str, str] = {}
    for report in reports:
        output = outputs[report_path(report)]
        pages.update(output.files)
        assert output.head is not None
        head[report_path(report)] = output.head
        if search:
            records[f"{report.slug}.html"] = output.record
    return Rendered(pages, head, records=records)


SOURCES_PAGE = "sources.md"


def _fingerprint(
    report: Report,
    numbers: dict[str, int],
    sources: dict[str, Source],
    site: SiteInfo,
    search: bool,
) -> str:
    """Everything a report's output depends on: a digest, the same in every process.

    The report itself is named by the digest of the text it was parsed from
    (equal texts, equal reports), the sources it cites (`numbers`) by their contents.
    """
    cited = [sources.get(key) for key in numbers]
    inputs = repr((report.source_digest or report, cited, site, search))
    return hashlib.sha1(inputs.encode("utf-8")).hexdigest()


def _sources_fingerprint(
    project: Project, reports: list[Report], numbers: dict[str, dict[str, int]]
) -> str:
    """The sources page shows every entry and, for each, the reports citing it."""
    bibliography = project.bibliography
    citing = [(r.slug, r.title, tuple(numbers[r.slug].items())) for r in reports]
    inputs = repr((bibliography.source_digest or bibliography, citing))
    return hashlib.sha1(inputs.encode("utf-8")).hexdigest()


def report_output(view: ReportView, site: SiteInfo, search: bool = True) -> Output:
    return Output(
        report_files(view, site),
        report_head(view, site),
        search_record(view, site.directory_urls) if search else "",
    )


def _render_outputs(
    project: Project,
    views: list[ReportView],
    site: SiteInfo,
    search: bool,
    workers: int,
    with_sources: bool,
) -> dict[str, Output]:
    """Outputs of these reports (and of the sources page, keyed by its path, if asked)."""
    if workers > 1 and len(views) > 1:
        outputs = _render_parallel(project, views, site, search, workers, with_sources)
        if outputs is not None:
            return outputs
    return _outputs(project, views, site, search, with_sources)


def _outputs(
    project: Project, views: list[ReportView], site: SiteInfo, search: bool, with_sources: bool
) -> dict[str, Output]:
    outputs = {report_path(v.report): report_output(v, site, search) for v in views}
    if with_sources:
        outputs[SOURCES_PAGE] = Output(sources_page(project))
    return outputs


@dataclass(frozen=True)
class HeadData:
    """A report page's <head> additions as data, for any engine's way of printing them."""

    meta: tuple[tuple[str, str, str], ...]
    """(`property` or `name`, its value, `content`) of each <meta> tag."""
    jsonld: str

    def html(self) -> str:
        return self._html

    @functools.cached_property
    def _html(self) -> str:
        """Printed once: an incremental build signs it and the page carries it."""
        return environment().get_template("head.html.j2").render(head=self)


def report_head(view: ReportView, site: SiteInfo) -> HeadData:
    """Sharing cards, Highwire citation_* tags and the JSON-LD of one report page."""
    report = view.report
    url = _absolute_page(site, report_path(report))
    summary = report.description or " ".join(claim.text for claim in report.summary)
    if len(summary) > 300:
        summary = summary[:299].rsplit(" ", 1)[0] + "\u2026"
    authors = citing.authors(report, site)
    og = [("og:type", "article"), ("og:title", report.title), ("og:description", summary)]
    og += [("og:site_name", site.name), *([("og:url", url)] if url else [])]
    og += [("article:published_time", report.published)]
    og += [("article:modified_time", report.modified)]
    named = [("twitter:card", "summary"), ("twitter:title", report.title)]
    named += [("twitter:description", summary), ("citation_title", report.title)]
    named += [("citation_author", author.name) for author in authors]
    named += [("citation_publication_date", report.published.replace("-", "/"))]
    named += [("citation_publisher", site.name), ("citation_language", "en")]
    if url:
        named += [("citation_public_url", url), ("citation_fulltext_html_url", url)]
    return HeadData(
        meta=tuple(("property", k, v) for k, v in og) + tuple(("name", k, v) for k, v in named),
        jsonld=jsonld(view, url, authors, site.name),
    )


def feed_links(site: SiteInfo, prefix: str) -> str:
    """The <link>s to the site's feeds, for a page `prefix` (`../`) below the site root."""
    return environment().get_template("feed-links.html.j2").render(site=site, prefix=prefix)


def _absolute_page(site: SiteInfo, path: str) -> str | None:
    return absolute(site.url, page_address(path, site.directory_urls)) if site.url else None


def render_site(
    project: Project,
    cache: RenderCache | None = None,
    *,
    directory_urls: bool = True,
    site: SiteInfo | None = None,
) -> dict[str, str]:
    """Every generated file (pages and downloads), keyed by its path under the docs directory."""
    return render(project, cache, directory_urls=directory_urls, site=site).pages


def shared_pages(
    project: Project,
    reports: list[Report],
    counts: dict[str, int],
    site: SiteInfo | None = None,
) -> dict[str, str]:
    """The home page, the open-questions and corrections hubs, the year pages and feeds.

    `reports` come newest first; `counts` is each report's number of sources, by slug.
    """
    site = site or SiteInfo()
    env = environment()
    open_questions = sum(len(r.open_questions) for r in reports)
    years = by_year(reports)
    pages = {
        "index.md": env.get_template("index.md.j2").render(
            reports=reports[:HOME_LIMIT],
            total=len(reports),
            years=years,
            counts=counts,
            open_questions=open_questions,
        ),
        "open-questions.md": env.get_template("open-questions.md.j2").render(
            reports=reports, open_questions=open_questions, site=site
        ),
        "corrections.md": env.get_template("corrections.md.j2").render(
            entries=correction_entries(reports),
            corrected_reports=sum(1 for r in reports if r.corrections),
            site=site,
            feed_url=CORRECTIONS_FEED,
        ),
        "search.md": env.get_template("search.md.j2").render(years=list(years)),
        CORRECTIONS_FEED: corrections_feed(reports, site),
        REPORTS_FEED: reports_feed(reports, site),
    }
    year_template = env.get_template("year.md.j2")
    for year, listed in years.items():
        pages[year_path(year)] = year_template.render(year=year, reports=listed, counts=counts)
    return pages


def sources_page(project: Project) -> dict[str, str]:
    template = environment().get_template("sources.md.j2")
    return {"sources.md": template.render(entries=source_entries(project))}


def report_files(view: ReportView, site: SiteInfo | None = None) -> dict[str, str]:
    """One report's page and its downloads (open data, and the brief's own citation)."""
    site = site or SiteInfo()
    report = view.report
    url = _absolute_page(site, report_path(report))
    page = (
        environment()
        .get_template("report.md.j2")
        .render(view=view, citation=citing.formatted(report, site, url), has_url=bool(url))
    )
    return {
        report_path(report): page,
        **data_files(view),
        **citing.citation_files(report, site, url),
    }


def _render_parallel(
    project: Project,
    views: list[ReportView],
    site: SiteInfo,
    search: bool,
    workers: int,
    with_sources: bool,
) -> dict[str, Output] | None:
    """Render on `workers` processes: forked children take shares of the reports.

    Forking shares the loaded models for free (nothing is pickled in; only the
    rendered outputs travel back through a pipe), and the children are plain
    closures, so no module state carries the work. Returns None where fork is
    unavailable or a child fails; the caller then renders serially.
    """
    try:
        context = multiprocessing.get_context("fork")
    except ValueError:
        return None
    shares = [views[i::workers] for i in range(workers)]
    children = []
    try:
        for index in range(1, workers):
            reader, writer = context.Pipe(duplex=False)

            def work(
                share: list[ReportView] = shares[index],
                sources: bool = with_sources and index == 1,
                pipe: Connection = writer,
            ) -> None:
                pipe.send(_outputs(project, share, site, search, sources))
                pipe.close()

            child = context.Process(target=work, daemon=True)
            child.start()
            children.append((child, reader))
        outputs = _outputs(project, shares[0], site, search, with_sources and workers == 1)
        for child, reader in children:
            outputs.update(reader.recv())
            child.join()
            if child.exitcode != 0:
                return None
        return outputs
    except (OSError, EOFError, ValueError):
        return None
    finally:
        for child, _ in children:
            if child.is_alive():
                child.kill()


def search_record(view: ReportView, directory_urls: bool = True) -> str:
    """A report's HTML record for the search index (see `engines.search`)."""
    return (
        environment()
        .get_template("search-record.html.j2")
        .render(
            report=view.report,
            view=view,
            url="/" + page_address(report_path(view.report), directory_urls),
        )
    )


def preview_overlay(diagnostics: list[Diagnostic]) -> str:
    """The HTML a preview puts over each page while the content has errors."""
    errors = sum(d.is_error for d in diagnostics)
    template = environment().get_template("preview-overlay.html.j2")
    return template.render(diagnostics=diagnostics, errors=errors)


def write_pages(pages: dict[str, str], out: Path) -> list[Path]:
    """Write rendered pages for engines that read plain files (Zensical, plain MkDocs)."""
    written = []
    for relative, text in sorted(pages.items()):
        target = out / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        written.append(target)
    return written
