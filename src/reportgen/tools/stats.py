"""Citation statistics: how well each report is sourced, and how much each source carries.

Editors and reviewers use these numbers in pull requests (the CI summary) to
spot thinly sourced reports and sources nothing cites.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from reportgen.diagnostics import plural
from reportgen.model import Project


@dataclass(frozen=True)
class ReportStats:
    slug: str
    claims: int
    citations: int
    distinct_sources: int
    multi_source_share: float
    single_source_claims: int
    open_questions: int


@dataclass(frozen=True)
class SourceStats:
    key: str
    claims: int
    reports: int


def compute(project: Project) -> tuple[list[ReportStats], list[SourceStats]]:
    reports = []
    claims_by_key: dict[str, int] = dict.fromkeys(project.bibliography.sources, 0)
    reports_by_key: dict[str, set[str]] = {k: set() for k in project.bibliography.sources}
    for report in sorted(project.reports, key=lambda r: r.slug):
        claims = report.claims
        keys_per_claim = [dict.fromkeys(c.key for c in claim.citations) for claim in claims]
        multi = sum(len(keys) >= 2 for keys in keys_per_claim)
        for keys in keys_per_claim:
            for key in keys:
                claims_by_key[key] = claims_by_key.get(key, 0) + 1
                reports_by_key.setdefault(key, set()).add(report.slug)
        reports.append(
            ReportStats(
                slug=report.slug,
                claims=len(claims),
                citations=sum(len(c.citations) for c in claims),
                distinct_sources=len({k for keys in keys_per_claim for k in keys}),
                multi_source_share=round(multi / len(claims), 3) if claims else 0.0,
                single_source_claims=sum(len(keys) == 1 for keys in keys_per_claim),
                open_questions=len(report.open_questions),
            )
        )
    sources = [
        SourceStats(key, claims_by_key[key], len(reports_by_key.get(key, ())))
        for key in sorted(claims_by_key, key=lambda k: (-claims_by_key[k], k))
    ]
    return reports, sources


def render_text(reports: list[ReportStats], sources: list[SourceStats]) -> str:
    lines = [
        f"{'report':<40} {'claims':>6} {'cites':>6} {'sources':>7} {'2+ src':>7} {'open q':>6}",
    ]
    for r in reports:
        lines.append(
            f"{r.slug[:40]:<40} {r.claims:>6} {r.citations:>6} {r.distinct_sources:>7}"
            f" {r.multi_source_share:>7.0%} {r.open_questions:>6}"
        )
    lines += ["", f"{'source':<40} {'claims':>6} {'reports':>7}"]
    lines += [f"{s.key[:40]:<40} {s.claims:>6} {s.reports:>7}" for s in sources]
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
        "| report | claims | citations | sources | claims with 2+ sources | open questions |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    lines += [
        f"| `{r.slug}` | {r.claims} | {r.citations} | {r.distinct_sources} |"
        f" {r.multi_source_share:.0%} | {r.open_questions} |"
        for r in reports
    ]
    if unused:
        lines += ["", "Unused sources: " + ", ".join(f"`{k}`" for k in unused)]
    return "\n".join(lines) + "\n"
