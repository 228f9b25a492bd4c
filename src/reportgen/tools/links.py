"""Editor tool: `reportgen links`, the health of every source address.

Link checkers for docs sites see URLs; reportgen knows that a URL is the
source of claims. So each result names the bib entry (file:line) and the
claims and reports that cite it, and dead links that claims rely on come
first. With `--archive` it finds archived copies for sources without one
and, with `--write`, adds them to the bibliography with a minimal edit.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from reportgen.check import url_problem
from reportgen.diagnostics import plural, visible
from reportgen.model import Project, Source
from reportgen.sourcefmt import archive
from reportgen.tools import bibedit, linkcache
from reportgen.tools.linkmodel import DEAD, OK, REDIRECTED, STATUSES, UNKNOWN, Lookup, Result


@dataclass(frozen=True)
class Use:
    """A place an address is used: a bib entry's field, and the claims citing the entry."""

    source: Source
    field: str
    """`url` or `archive-url`."""
    claims: tuple[tuple[str, str], ...]
    """(report slug, claim id) of every claim citing the entry."""


@dataclass
class Target:
    """One address to check, with everything that depends on it."""

    url: str
    uses: list[Use] = field(default_factory=list)
    result: Result | None = None
    cached: bool = False

    @property
    def claims(self) -> list[tuple[str, str]]:
        return list(dict.fromkeys(c for use in self.uses for c in use.claims))

    @property
    def is_original(self) -> bool:
        return any(use.field == "url" for use in self.uses)


def citing_claims(project: Project) -> dict[str, list[tuple[str, str]]]:
    """Bib key -> the (report, claim) pairs citing it, in reading order."""
    found: dict[str, list[tuple[str, str]]] = {}
    for report in sorted(project.reports, key=lambda r: r.slug):
        for claim in report.claims:
            for key in dict.fromkeys(c.key for c in claim.citations):
                found.setdefault(key, []).append((report.slug, claim.id))
    return found


def targets(project: Project) -> list[Target]:
    """Every checkable address of the bibliography: each entry's URL and archived copy."""
    citing = citing_claims(project)
    by_url: dict[str, Target] = {}
    for source in project.bibliography.sources.values():
        claims = tuple(citing.get(source.key, ()))
        for name, url in (("url", source.get("url")), ("archive-url", archive(source, "url"))):
            if url and url_problem(url) is None:
                target = by_url.setdefault(url, Target(url))
                target.uses.append(Use(source, name, claims))
    return list(by_url.values())


def order(found: list[Target]) -> list[Target]:
    """Worst first; within a status, addresses that claims rely on first, then by entry."""

    def key(t: Target) -> tuple[int, int, str, int]:
        status = t.result.status if t.result else UNKNOWN
        first = t.uses[0].source.position
        return (STATUSES.index(status), 0 if t.claims else 1, first.file, first.line)

    return sorted(found, key=key)


def apply_cache(
    found: list[Target], cache: dict[str, Result], now: datetime.datetime, max_age: float
) -> list[Target]:
    """Fill in fresh cached results; returns the targets still to check."""
    stale = []
    for target in found:
        cached = cache.get(target.url)
        if cached is not None and linkcache.is_fresh(cached, now, max_age):
            target.result, target.cached = cached, True
        else:
            stale.append(target)
    return stale


def _cited_by(target: Target) -> str:
    claims = target.claims
    if not claims:
        return "cited by no claim"
    reports: dict[str, list[str]] = {}
    for slug, claim_id in claims:
        reports.setdefault(slug, []).append(claim_id)
    where = "; ".join(f"{slug}: {', '.join(ids)}" for slug, ids in reports.items())
    return f"cited by {plural(len(claims), 'claim')} in {plural(len(reports), 'report')} ({where})"


def _what(target: Target) -> str:
    result = target.result
    assert result is not None
    text = result.detail
    if result.redirects:
        text += f"; redirected to {result.final_url}"
    if result.moved_to:
        text += f"; moved permanently: cite {result.moved_to}"
    return text


def _entries(target: Target) -> str:
    return ", ".join(
        f"{use.source.key}" + (" (archived copy)" if use.field != "url" else "")
        for use in target.uses
    )


def summary(found: list[Target]) -> str:
    counts = {s: sum(1 for t in found if t.result and t.result.status == s) for s in STATUSES}
    cached = sum(t.cached for t in found)
    parts = ", ".join(f"{counts[s]} {s}" for s in (OK, REDIRECTED, DEAD, UNKNOWN))
    count = f"{len(found)} address{'es' if len(found) != 1 else ''}"
    return f"Checked {count} ({cached} from the cache): {parts}."


def format_text(found: list[Target]) -> str:
    lines = []
    for target in order(found):
        assert target.result is not None
        position = target.uses[0].source.position
        lines.append(
            f"{position}: {target.result.status}: {visible(target.url)} ({_what(target)})"
            f" [{_entries(target)}], {_cited_by(target)}"
        )
    return "\n".join([*lines, summary(found)]) + "\n"


def format_github(found: list[Target]) -> str:
    """Annotations on the bib lines of dead (error) and uncertain or moved (warning) links."""
    lines = []
    for target in order(found):
        result = target.result
        assert result is not None
        if result.status == OK or (result.status == REDIRECTED and not result.moved_to):
            continue
        level = "error" if result.status == DEAD else "warning"
        p = target.uses[0].source.position
        message = f"{result.status} link {target.url}: {_what(target)}; {_cited_by(target)}"
        message = message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        lines.append(
            f"::{level} file={p.file},line={p.line},col={p.column},"
            f"title=reportgen links ({result.status})::{message}"
        )
    return "\n".join([*lines, summary(found)]) + "\n"


def format_markdown(found: list[Target]) -> str:
    """The job summary of the scheduled workflow: problems first, as a table."""

    def cell(text: str) -> str:
        return visible(text).replace("|", "\\|").replace("\n", " ")

    problems = [t for t in order(found) if t.result and t.result.status != OK]
    lines = ["## Source links", "", summary(found), ""]
    if problems:
        lines += [
            "| status | address | what happened | bib entry | cited by |",
            "| --- | --- | --- | --- | --- |",
        ]
        for t in problems:
            assert t.result is not None
            p = t.uses[0].source.position
            lines.append(
                f"| {t.result.status} | {cell(t.url)} | {cell(_what(t))} |"
                f" `{cell(_entries(t))}` ({p.file}:{p.line}) | {cell(_cited_by(t))} |"
            )
    else:
        lines.append("Every source address answered.")
    return "\n".join(lines) + "\n"


def format_json(found: list[Target]) -> str:
    items = []
    for target in order(found):
        result = target.result
        assert result is not None
        items.append(
            {
                "url": target.url,
                "status": result.status,
                "code": result.code,
                "detail": result.detail,
                "redirects": [list(hop) for hop in result.redirects],
                "moved_to": result.moved_to,
                "checked": result.checked,
                "cached": target.cached,
                "entries": [
                    {
                        "key": use.source.key,
                        "field": use.field,
                        "file": use.source.position.file,
                        "line": use.source.position.line,
                    }
                    for use in target.uses
                ],
                "claims": [{"report": r, "claim": c} for r, c in target.claims],
            }
        )
    counts = {s: sum(1 for i in items if i["status"] == s) for s in STATUSES}
    return json.dumps({"links": items, "summary": counts}, indent=2, ensure_ascii=False) + "\n"


FORMATTERS: dict[str, Callable[[list[Target]], str]] = {
    "text": format_text,
    "json": format_json,
    "github": format_github,
    "markdown": format_markdown,
}


def needs_archive(project: Project) -> list[Source]:
    """Sources with an address to archive and no archived copy yet."""
    return [
        s
        for s in project.bibliography.sources.values()
        if s.get("url") and url_problem(str(s.get("url"))) is None and not archive(s, "url")
    ]


def archive_edits(
    sources: list[Source], lookups: dict[str, Lookup], dead: set[str], bib_text: str
) -> tuple[str, list[str]]:
    """The bibliography with archive fields added where a snapshot was found."""
    url_name, date_name, status_name = bibedit.archive_field_names(bib_text)
    added = []
    # From the bottom up, so earlier line numbers stay valid.
    for source in sorted(sources, key=lambda s: s.position.line, reverse=True):
        lookup = lookups.get(str(source.get("url")))
        if lookup is None or lookup.snapshot is None:
            continue
        fields = [(url_name, lookup.snapshot.url), (date_name, lookup.snapshot.date)]
        if str(source.get("url")) in dead and not archive(source, "status"):
            fields.append((status_name, "dead"))
        bib_text = bibedit.add_fields(bib_text, source.position.line, fields)
        added.append(source.key)
    return bib_text, sorted(added)


def mark_unknown_runs(result: Result, previous: Result | None) -> Result:
    """An address uncertain run after run says so, with the date it started."""
    if result.status != UNKNOWN or previous is None or previous.status != UNKNOWN:
        return result
    since = previous.checked[:10]
    return replace(result, detail=f"{result.detail}; uncertain since {since}")


def archive_report(
    lookups: dict[str, Lookup], sources: list[Source], *, markdown: bool = False
) -> str:
    """What the archive holds for each source without an archived copy."""
    lines = []
    found = 0
    for source in sources:
        lookup = lookups.get(str(source.get("url")))
        if lookup is None:
            continue
        where = (
            f"`{source.key}` ({source.position})"
            if markdown
            else f"{source.position}: {source.key}"
        )
        if lookup.snapshot is not None:
            found += 1
            lines.append(f"{where}: archived copy {lookup.snapshot.url} ({lookup.snapshot.date})")
        elif lookup.saved:
            lines.append(f"{where}: no archived copy; {lookup.saved}")
        else:
            lines.append(f"{where}: no archived copy{'; ' + lookup.error if lookup.error else ''}")
    total = (
        f"{found} of {plural(len(sources), 'source')} without an archived copy have one in the"
        " archive" + ("; `reportgen links --archive --write` adds them." if found else ".")
    )
    if markdown:
        return (
            "\n".join(["## Archived copies", "", total, "", *(f"- {line}" for line in lines)])
            + "\n"
        )
    return "\n".join([*lines, total]) + "\n"


def cache_path(root: Path, given: Path | None) -> Path:
    return given if given is not None else root / linkcache.DEFAULT_CACHE
