"""Stage 2: semantic checks over loaded models; returns every diagnostic, raises on none.

Each check is a small generator over the project so new rules stay local;
`check` runs them all so an editor sees the whole list in one run.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Iterable, Iterator
from typing import Protocol
from urllib.parse import urlsplit

from reportgen.check_evidence import check_evidence, excerpt, in_future
from reportgen.diagnostics import error, suggest, warning
from reportgen.model import Bibliography, Diagnostic, Position, Project, Report, Source

SAFE_SCHEMES = ("http", "https")
IDENTIFIERS = ("doi", "eprint", "isbn", "issn", "isrn")
"""Any of these lets a reader (or a library) find a source, whatever its type."""
_DATED = ("year", "date")
_PUBLISHED = ("publisher", "organization", "institution")
# Entry types -> field groups (one field of each group present) -> what to tell the editor.
FINDABLE_BY_TYPE: tuple[tuple[frozenset[str], tuple[tuple[str, ...], ...], str], ...] = (
    (
        frozenset({"article", "periodical", "suppperiodical"}),
        (("journal", "journaltitle"), _DATED),
        "journal and year",
    ),
    (
        frozenset(
            {"book", "mvbook", "collection", "mvcollection", "proceedings", "mvproceedings"}
            | {"reference", "mvreference", "dataset", "software"}
        ),
        (_PUBLISHED, _DATED),
        "publisher and year",
    ),
    (
        frozenset({"inbook", "bookinbook", "suppbook", "incollection", "suppcollection"})
        | frozenset({"inproceedings", "conference", "inreference"}),
        (("booktitle", "maintitle"), _DATED),
        "booktitle and year",
    ),
    (
        frozenset({"thesis", "phdthesis", "mastersthesis"}),
        (("school", "institution"), _DATED),
        "school and year",
    ),
    (
        frozenset({"report", "techreport"}),
        ((*_PUBLISHED, "number"), (*_DATED, "number")),
        "a report number, or institution and year",
    ),
    (frozenset({"online", "www", "electronic", "webpage"}), ((),), ""),
    (frozenset({"patent", "standard"}), (("number",),), "number"),
    (frozenset({"manual"}), ((*_PUBLISHED, "author"),), "organization"),
    (frozenset({"booklet"}), (("howpublished", "publisher", "organization"),), "howpublished"),
)
_ANY_CONTAINER: tuple[str, ...] = (*_PUBLISHED, "journal", "journaltitle", "booktitle")
_ANY_CONTAINER += ("howpublished", "eventtitle", "venue", "number")
NOT_SOURCES = ("set", "xdata")
"""Entries that only group or feed others; they are never shown as sources."""
RESERVED_ANCHORS = ("summary", "open-questions", "bottom-line", "sources", "contents")
PLACEHOLDER = re.compile(r"\b(TODO|FIXME)\b")
"""Markers `reportgen new` and editors leave in unfinished text; such text never publishes."""


def check(
    project: Project, *, complete: bool = True, max_quote_words: int = 75
) -> list[Diagnostic]:
    """All semantic diagnostics, every rule, every report.

    `complete=False` (a content file failed to load) skips unused-source: that
    file's citations are unknown, so every such warning would be a guess.
    """
    out: list[Diagnostic] = []
    for report in project.reports:
        out.extend(check_report(report, project.bibliography, max_quote_words=max_quote_words))
    out.extend(duplicate_slugs(project.reports))
    out.extend(check_bibliography(project.bibliography))
    if complete and project.bibliography.readable:
        cited = {key for report in project.reports for key in cited_keys(report)}
        out.extend(unused_sources(cited, project.bibliography.sources.values()))
    return out


class ReportLike(Protocol):
    """What the rules across reports read of each: a report, or its cached facts."""

    @property
    def slug(self) -> str: ...
    @property
    def path(self) -> str: ...
    @property
    def position(self) -> Position: ...


class SourceLike(Protocol):
    """What the unused-source rule reads of an entry: a `Source`, or its cached facts."""

    @property
    def key(self) -> str: ...
    @property
    def entry_type(self) -> str: ...
    @property
    def position(self) -> Position: ...
    @property
    def parents(self) -> tuple[str, ...]: ...


def cited_keys(report: Report) -> set[str]:
    return {citation.key for claim in report.claims for citation in claim.citations}


def check_report(
    report: Report,
    bibliography: Bibliography,
    today: datetime.date | None = None,
    max_quote_words: int = 75,
) -> Iterator[Diagnostic]:
    yield from _placeholders(report)
    yield from _dates(report, today or datetime.date.today())
    yield from _uncited_claims(report, bibliography)
    yield from _empty_claims(report)
    yield from check_evidence(report, today or datetime.date.today(), max_quote_words)
    yield from _unknown_sources(report, bibliography)
    yield from _open_questions(report)
    yield from _duplicate_anchors(report)


def _uncited_claims(report: Report, bibliography: Bibliography) -> Iterator[Diagnostic]:
    for claim in report.claims:
        if claim.citations or claim.malformed:
            continue  # a malformed group is reported once, as citation-syntax
        yield error(
            "uncited-claim",
            f"{claim.kind.value} '{excerpt(claim.text)}' cites no source",
            claim.position,
            _citation_intent(claim.text, bibliography)
            or "add [@key] where the sources support it, or a 'cite:' list",
        )


_BRACKETED = re.compile(r"\[([^\[\]@;]+)\]")


def _citation_intent(text: str, bibliography: Bibliography) -> str | None:
    """A citation written another way: `[key]` without the @, or the brief's `[1]`."""
    for found in _BRACKETED.finditer(text):
        inner = found.group(1).strip()
        if inner in bibliography.sources:
            return f"did you mean '[@{inner}]'? A citation starts with @"
        if re.fullmatch(r"\d+(?:\s*[-,\u2013]\s*\d+)*", inner):
            return (
                f"'[{inner}]' numbers a source the way a brief does; cite it by its key,"
                " [@key], and the site numbers it"
            )
        close = suggest(inner, list(bibliography.sources))
        if close and " " not in inner:
            return f"'[{inner}]' is not a citation (no @); {close}"
    return None


def _empty_claims(report: Report) -> Iterator[Diagnostic]:
    """A claim that is only a citation: the reader would see a marker backing nothing."""
    for claim in report.claims:
        if claim.citations and not re.search(r"\w", claim.text):
            yield error(
                "empty-claim",
                f"this {claim.kind.value} is only a citation, with no text for it to support",
                claim.position,
                "write the statement the sources support before the citation",
            )


def _dates(report: Report, today: datetime.date) -> Iterator[Diagnostic]:
    """Dates that cannot be right: checked before publication, or in the future."""
    published = datetime.date.fromisoformat(report.published)
    checked = datetime.date.fromisoformat(report.last_checked)
    if checked < published:
        yield error(
            "date-order",
            f"last_checked {report.last_checked} is before published {report.published}",
            report.position_of("last_checked"),
            "sources are checked when or after a report is published",
        )
    for name in ("published", "last_checked"):
        yield from in_future(
            name, getattr(report, name), report.position_of(name), today, "the work was done"
        )


def _placeholders(report: Report) -> Iterator[Diagnostic]:
    """Scaffold text left in a report: a page titled 'TODO: ...' must never reach readers."""
    texts: list[tuple[str, str, Position]] = [
        (f"the {name.replace('_', ' ')}", value, report.position_of(name))
        for name, value in (
            ("title", report.title),
            ("description", report.description or ""),
            ("open_questions_title", report.open_questions_title),
        )
    ]
    texts += [(f"the title of section {s.number}", s.title, s.position) for s in report.sections]
    texts += [(f"{c.kind.value} '{excerpt(c.text)}'", c.text, c.position) for c in report.claims]
    for what, text, position in texts:
        found = PLACEHOLDER.search(text)
        if found:
            yield error(
                "placeholder",
                f"{what} still contains the placeholder '{found.group(1)}'",
                position,
                "replace it with the finished text before publishing",
            )


def _unknown_sources(report: Report, bibliography: Bibliography) -> Iterator[Diagnostic]:
    if not bibliography.readable:
        return  # the bib's own diagnostic is the one worth reading
    keys = list(bibliography.sources)
    for claim in report.claims:
        for citation in claim.citations:
            if citation.key in bibliography.sources:
                continue
            yield error(
                "unknown-source",
                f"unknown source '{citation.key}': no entry with this key in {bibliography.path}",
                citation.position,
                suggest(citation.key, keys),
            )


def _open_questions(report: Report) -> Iterator[Diagnostic]:
    if report.open_questions:
        return
    if report.open_questions_position is None:
        yield error(
            "missing-open-questions",
            f"report '{report.slug}' has no open_questions; every report says what its sources"
            " do not settle",
            report.position,
            "add an 'open_questions:' list with at least one cited question",
        )
    else:
        yield error(
            "missing-open-questions",
            f"report '{report.slug}' has an empty open_questions list",
            report.open_questions_position,
            "list at least one question the sources leave open",
        )


def _duplicate_anchors(report: Report) -> Iterator[Diagnostic]:
    """Claim ids are permalink anchors; two equal anchors would send readers to the wrong text."""
    seen: dict[str, str] = {name: "a built-in heading" for name in RESERVED_ANCHORS}
    for section in report.sections:
        seen.setdefault(section.anchor, f"section {section.number}")
    for claim in report.claims:
        if claim.id in seen or claim.id.startswith("src-"):
            owner = seen.get(claim.id, "the reference list")
            yield error(
                "duplicate-claim-id",
                f"claim id '{claim.id}' is already used by {owner}",
                claim.position,
                "give this claim its own 'id'",
            )
            continue
        seen[claim.id] = f"the claim at line {claim.position.line}"


def duplicate_slugs(reports: Iterable[ReportLike]) -> Iterator[Diagnostic]:
    first: dict[str, ReportLike] = {}
    for report in reports:
        if report.slug in first:
            yield error(
                "duplicate-slug",
                f"slug '{report.slug}' is already used by {first[report.slug].path};"
                " two reports cannot share one page",
                report.position,
            )
        else:
            first[report.slug] = report


def check_bibliography(bibliography: Bibliography) -> Iterator[Diagnostic]:
    for source in bibliography.sources.values():
        yield from _incomplete(source)
        yield from _unsafe_url(source)


def _incomplete(source: Source) -> Iterator[Diagnostic]:
    if source.entry_type in NOT_SOURCES:
        return
    if not source.get("title"):
        yield error("incomplete-source", f"source '{source.key}' has no title", source.position)
    needs = findable(source)
    if needs is not None:
        yield error(
            "incomplete-source",
            f"source '{source.key}' gives readers no way to find it",
            source.position,
            f"add a url or doi, or {needs}" if needs else "add a url or doi",
        )


def findable(source: Source) -> str | None:
    """None when readers can find the source, else what its entry type would need.

    As reference managers judge it: any address or identifier is enough; an
    article is also found by journal and year, a book by publisher and year,
    a chapter by the book's title and year, a report by institution and
    number; other types by any publisher, container or event, and a year.
    """
    from reportgen.sourcefmt import link

    if source.get("url") or link(source) or any(source.get(n) for n in IDENTIFIERS):
        return None  # an unsafe url is reported as such, not twice
    for types, groups, needs in FINDABLE_BY_TYPE:
        if source.entry_type in types:
            found = all(any(source.get(name) for name in group) for group in groups)
            return None if found else needs
    if any(source.get(n) for n in _ANY_CONTAINER) and any(source.get(n) for n in _DATED):
        return None
    return "a publisher (or journal, event) and year"


def _unsafe_url(source: Source) -> Iterator[Diagnostic]:
    from reportgen.sourcefmt import ARCHIVE_FIELDS

    for name in ("url", *ARCHIVE_FIELDS["url"]):
        url = source.get(name)
        if url is None:
            continue
        problem = url_problem(url)
        if problem:
            what = "" if name == "url" else f" ({name})"
            yield error(
                "unsafe-url",
                f"source '{source.key}'{what}: {problem}",
                source.field_positions.get(name, source.position),
                "use a full http:// or https:// address",
            )


def url_problem(url: str) -> str | None:
    """Why a URL must not become a link on a reader's page, or None if it is fine."""
    if any(char.isspace() or ord(char) < 32 for char in url):
        return f"url {url!r} contains whitespace or control characters"
    hidden = (
        []
        if url.isascii()
        else [char for char in url if unicodedata.category(char) in ("Cf", "Cc", "Co", "Cn")]
    )
    if hidden:
        codes = ", ".join(f"U+{ord(char):04X}" for char in dict.fromkeys(hidden))
        return (
            f"url contains invisible or direction-changing characters ({codes}),"
            " so the link could display text unlike its target"
        )
    try:
        parts = urlsplit(url)
    except ValueError:
        return f"url {url!r} cannot be parsed"
    if parts.scheme.lower() not in SAFE_SCHEMES:
        scheme = f"scheme '{parts.scheme}:'" if parts.scheme else "no scheme"
        return f"url {url!r} has {scheme}; only http and https are allowed"
    if not parts.netloc:
        return f"url {url!r} has no host"
    return None


def unused_sources(cited: set[str], entries: Iterable[SourceLike]) -> Iterator[Diagnostic]:
    sources = {source.key: source for source in entries}
    used = set(cited)
    for key in cited:  # citing an entry uses what it inherits from
        used.update(sources[key].parents if key in sources else ())
    for source in sources.values():
        if source.key not in used and source.entry_type not in NOT_SOURCES:
            yield warning(
                "unused-source",
                f"source '{source.key}' is not cited by any report",
                source.position,
                "cite it or remove it from the bibliography",
            )
