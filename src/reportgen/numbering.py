"""Per-report numbering: sources in order of first citation, markers and backlinks.

The numbers readers see are computed once here and shared by the page, the
open-data downloads and the tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from reportgen.model import CitationGroup, Claim, Passage, Report, Source
from reportgen.sourcefmt import passage_link, preview


@dataclass(frozen=True)
class Backlink:
    """One claim citing a reference; `label` is Wikipedia's a, b, c."""

    claim: Claim
    label: str
    locators: tuple[str, ...] = ()
    """Where in the source this claim points ('p. 33'), shown beside the backlink."""


@dataclass(frozen=True)
class Quote:
    """A passage of a source that supports one claim, and the link that opens at it."""

    claim: Claim
    passage: str
    href: str | None


@dataclass(frozen=True)
class Reference:
    """A source as numbered within one report."""

    number: int
    source: Source
    backlinks: tuple[Backlink, ...]
    quotes: tuple[Quote, ...] = ()

    @property
    def anchor(self) -> str:
        return f"src-{self.number}"


@dataclass(frozen=True)
class Marker:
    """One rendered `[n]` marker, with its tooltip text and accessible name."""

    number: int
    preview: str
    label: str
    locator: str | None = None
    """Where in the source this citation points: shown as `[2, p. 33]`."""


@dataclass(frozen=True)
class ReportView:
    """Everything the report template needs, computed once."""

    report: Report
    numbers: dict[str, int]
    references: tuple[Reference, ...]
    open_questions_number: int
    markers: dict[str, Marker]
    claim_names: dict[str, str] = field(default_factory=dict)
    """Each claim's place in words ('section 2, claim 1'), for links that name it."""
    corrected: frozenset[str] = frozenset()
    """Ids of the claims a correction names."""

    def pieces(self, claim: Claim) -> list[str | list[Marker]]:
        """Claim prose interleaved with marker runs, for the template to lay out."""
        return [
            [
                _quoted(_located(self.markers[c.key], c.locator), claim.quote_for(c.key))
                for c in segment.citations
            ]
            if isinstance(segment, CitationGroup)
            else segment
            for segment in claim.segments
        ]


def _quoted(marker: Marker, passage: Passage | None) -> Marker:
    """The marker's preview with the passage that supports the claim."""
    if passage is None:
        return marker
    return replace(marker, preview=f"{marker.preview} \u2014 \u201c{passage.text}\u201d")


def _located(marker: Marker, locator: str | None) -> Marker:
    """The source's marker, pointing at one place in it (`[2, p. 33]`)."""
    if locator is None:
        return marker
    return replace(
        marker,
        locator=locator,
        preview=f"{marker.preview}, {locator}",
        label=f"{marker.label}, {locator}",
    )


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
            backlinks=tuple(
                Backlink(c, _letter(i), _locators(c, key)) for i, c in enumerate(citing[key])
            ),
            quotes=_quotes(report, key, sources[key]),
        )
        for key, number in numbers.items()
        if key in sources
    )
    markers = {}
    for key, number in numbers.items():
        source = sources.get(key)
        title = (source.get("title") if source else None) or key
        markers[key] = Marker(
            number, preview(source) if source else key, f"Source {number}: {title}"
        )
    corrected = frozenset(i for c in report.corrections for i, _ in c.claims)
    return ReportView(
        report,
        numbers,
        references,
        len(report.sections) + 1,
        markers,
        claim_names(report),
        corrected,
    )


def claim_names(report: Report) -> dict[str, str]:
    """Claim id -> where readers find it: 'summary sentence 2', 'section 1, claim 3'."""
    names = {c.id: f"summary sentence {i}" for i, c in enumerate(report.summary, 1)}
    for section in report.sections:
        for i, claim in enumerate(section.claims, 1):
            names[claim.id] = f"section {section.number}, claim {i}"
    for i, claim in enumerate(report.open_questions, 1):
        names[claim.id] = f"open question {i}"
    for i, claim in enumerate(report.bottom_line, 1):
        names[claim.id] = f"bottom line, claim {i}"
    return names


def correction_anchor(report: Report, index: int) -> str:
    """A correction's anchor, numbered oldest first so new ones never renumber old links."""
    return f"correction-{len(report.corrections) - index}"


def _quotes(report: Report, key: str, source: Source) -> tuple[Quote, ...]:
    """Every passage of `source` quoted in support of a claim of the report."""
    out = []
    for claim in report.claims:
        passage = claim.quote_for(key)
        if passage is not None:
            locator = next((c.locator for c in claim.citations if c.key == key), None)
            href = passage_link(
                source, passage.text, locator, before=passage.before, after=passage.after
            )
            out.append(Quote(claim, passage.text, href))
    return tuple(out)


def _locators(claim: Claim, key: str) -> tuple[str, ...]:
    """The distinct places in one source a claim points at, in reading order."""
    return tuple(dict.fromkeys(c.locator for c in claim.citations if c.key == key and c.locator))


def _letter(index: int) -> str:
    """a..z, then aa, ab..: Wikipedia's backlink labels."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("a") + rest) + letters
    return letters
