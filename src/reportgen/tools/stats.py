"""Citation statistics: how well each report is sourced, and how much each source carries.

Editors and reviewers use these numbers in pull requests (the CI summary) to
spot thinly sourced reports and sources nothing cites.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from reportgen.diagnostics import plural
from reportgen.model import Project
from reportgen.sourcefmt import archived_copy


@dataclass(frozen=True)
class ReportStats:
    slug: str
    claims: int
    citations: int
    distinct_sources: int
    multi_source_share: float
    single_source_claims: int
    open_questions: int
    located_claims: int = 0
    """Claims pointing at a place in a source (`[@key, p. 33]`)."""
    quoted_claims: int = 0
    """Claims quoting the passage that supports them."""
    checkable_share: float = 0.0
    """Share of claims with a locator or a quote: how checkable the report is."""
    noted_claims: int = 0
    corrections: int = 0


@dataclass(frozen=True)
class SourceStats:
    key: str
    claims: int
    reports: int
    located: int = 0
    """Claims citing this source at a given place."""
    quoted: int = 0
    """Claims quoting this source."""
    archived: bool = False
    """The bib gives an archived copy a reader can follow when the link rots."""


def compute(project: Project) -> tuple[list[ReportStats], list[SourceStats]]:
    reports = []
    claims_by_key: dict[str, int] = dict.fromkeys(project.bibliography.sources, 0)
    reports_by_key: dict[str, set[str]] = {k: set() for k in project.bibliography.sources}
    located_by_key: dict[str, int] = {}
    quoted_by_key: dict[str, int] = {}
    for report in sorted(project.reports, key=lambda r: r.slug):
        claims = report.claims
        keys_per_claim = [dict.fromkeys(c.key for c in claim.citations) for claim in claims]
        multi = sum(len(keys) >= 2 for keys in keys_per_claim)
        for keys in keys_per_claim:
            for key in keys:
                claims_by_key[key] = claims_by_key.get(key, 0) + 1
                reports_by_key.setdefault(key, set()).add(report.slug)
        located = quoted = checkable = 0
        for claim in claims:
            keys_located = {c.key for c in claim.citations if c.locator}
            keys_quoted = {p.key for p in claim.quotes}
            for key in keys_located:
                located_by_key[key] = located_by_key.get(key, 0) + 1
            for key in keys_quoted:
                quoted_by_key[key] = quoted_by_key.get(key, 0) + 1
            located += bool(keys_located)
            quoted += bool(keys_quoted)
            checkable += bool(keys_located or keys_quoted)
        reports.append(
            ReportStats(
                slug=report.slug,
                claims=len(claims),
                citations=sum(len(c.citations) for c in claims),
                distinct_sources=len({k for keys in keys_per_claim for k in keys}),
                multi_source_share=round(multi / len(claims), 3) if claims else 0.0,
                single_source_claims=sum(len(keys) == 1 for keys in keys_per_claim),
                open_questions=len(report.open_questions),
                located_claims=located,
                quoted_claims=quoted,
                checkable_share=round(checkable / len(claims), 3) if claims else 0.0,
                noted_claims=sum(claim.note is not None for claim in claims),
                corrections=len(report.corrections),
            )
        )
    bib = project.bibliography.sources
    sources = [
        SourceStats(
            key,
            claims_by_key[key],
            len(reports_by_key.get(key, ())),
            located_by_key.get(key, 0),
            quoted_by_key.get(key, 0),
            key in bib and archived_copy(bib[key]) is not None,
        )
        for key in sorted(claims_by_key, key=lambda k: (-claims_by_key[k], k))
    ]
    return reports, sources


def render_text(reports: list[ReportStats], sources: list[SourceStats]) -> str:
    lines = [
        f"{'report':<40} {'claims':>6} {'cites':>6} {'sources':>7} {'2+ src':>7} {'open q':>6}"
        f" {'located':>7} {'quoted':>6} {'checkable':>9} {'notes':>5} {'corr.':>5}",
    ]
    for r in reports:
        lines.append(
            f"{r.slug[:40]:<40} {r.claims:>6} {r.citations:>6} {r.distinct_sources:>7}"
            f" {r.multi_source_share:>7.0%} {r.open_questions:>6} {r.located_claims:>7}"
            f" {r.quoted_claims:>6} {r.checkable_share:>9.0%} {r.noted_claims:>5}"
            f" {r.corrections:>5}"
        )
    lines += [
        "",
        f"{'source':<40} {'claims':>6} {'reports':>7} {'located':>7} {'quoted':>6} {'archived':>8}",
    ]
    lines += [
        f"{s.key[:40]:<40} {s.claims:>6} {s.reports:>7} {s.located:>7} {s.quoted:>6}"
        f" {'yes' if s.archived else 'no':>8}"
        for s in sources
    ]
    unused = [s.key for s in sources if s.claims == 0]
    lines += ["", f"unused sources: {', '.join(unused) if unused else 'none'}"]
    return "\n".join(lines) + "\n"


def render_json(reports: list[ReportStats], sources: list[SourceStats]) -> str:
    return (
        json.dumps(
            {"reports": [asdict(r) for r in reports], "sources": [asdict(s) for s in sources]},
            indent=2,
        )
        + "\n"
    )


def render_markdown(reports: list[ReportStats], sources: list[SourceStats]) -> str:
    """The pull-request summary GitHub shows from $GITHUB_STEP_SUMMARY."""
    unused = [s.key for s in sources if s.claims == 0]
    single = sum(r.single_source_claims for r in reports)
    lines = [
        "## Citation summary",
        "",
        f"{plural(len(reports), 'report')}, {plural(sum(r.claims for r in reports), 'claim')},"
        f" {plural(len(sources), 'source')}, {plural(single, 'claim')} with a single source,"
        f" {plural(len(unused), 'unused source')}.",
        "",
        "| report | claims | citations | sources | claims with 2+ sources | open questions"
        " | checkable claims (locator or quote) | corrections |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    lines += [
        f"| `{r.slug}` | {r.claims} | {r.citations} | {r.distinct_sources} |"
        f" {r.multi_source_share:.0%} | {r.open_questions} | {r.checkable_share:.0%} |"
        f" {r.corrections} |"
        for r in reports
    ]
    if unused:
        lines += ["", "Unused sources: " + ", ".join(f"`{k}`" for k in unused)]
    return "\n".join(lines) + "\n"
