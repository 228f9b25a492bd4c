"""Machine-readable companions of each report: claims JSON, CSL-JSON, BibTeX, JSON-LD.

Readers and other tools should be able to verify a report without scraping
it, so every report page links its claims with their citation keys and
numbers, and its sources in the two formats reference managers import.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from reportgen.citing import Author
from reportgen.dates import parse_date
from reportgen.model import ClaimKind, Name, Passage, Report, Source
from reportgen.numbering import ReportView, correction_anchor
from reportgen.sourcefmt import archive, archived_copy, issued_date, link, publisher

CSL_TYPES = {
    "online": "webpage",
    "misc": "document",
    "report": "report",
    "techreport": "report",
    "article": "article-journal",
    "book": "book",
    "inproceedings": "paper-conference",
    "incollection": "chapter",
    "thesis": "thesis",
    "phdthesis": "thesis",
}


def _dumps(data: Any) -> str:
    # No indentation: an indented dump runs Python's slow pure-Python encoder.
    return json.dumps(data, ensure_ascii=False) + "\n"


def claims_json(view: ReportView) -> str:
    """The report as data: every claim with its citation keys and the numbers readers see."""
    report = view.report
    section_of: dict[str, str] = {}
    for section in report.sections:
        for claim in section.claims:
            section_of[claim.id] = f"{section.number}. {section.title}"
    claims = [
        {
            "id": claim.id,
            "kind": claim.kind.name.lower(),
            "section": section_of.get(claim.id, _part_name(claim.kind, report)),
            "text": claim.text,
            "citations": [
                {"key": c.key, "number": view.numbers[c.key]}
                | ({"locator": c.locator} if c.locator else {})
                | _quote_data(claim.quote_for(c.key))
                for c in claim.citations
            ],
            **({"note": {"text": claim.note.text, "date": claim.note.date}} if claim.note else {}),
        }
        for claim in report.claims
    ]
    return _dumps(
        {
            "slug": report.slug,
            "title": report.title,
            "published": report.published,
            "last_checked": report.last_checked,
            "corrections": [
                {"date": c.date, "text": c.text, "claims": [claim_id for claim_id, _ in c.claims]}
                for c in report.corrections
            ],
            "claims": claims,
            "sources": [
                {"number": r.number, "key": r.source.key, "title": r.source.get("title")}
                for r in view.references
            ],
        }
    )


def _quote_data(passage: Passage | None) -> dict[str, Any]:
    if passage is None:
        return {}
    context = {"before": passage.before, "after": passage.after}
    return {"quote": passage.text} | {k: v for k, v in context.items() if v}


def _part_name(kind: ClaimKind, report: Report) -> str:
    if kind is ClaimKind.SUMMARY:
        return "Executive summary"
    if kind is ClaimKind.OPEN_QUESTION:
        return report.open_questions_title
    return "Bottom line"


def csl_item(source: Source) -> dict[str, Any]:
    """One CSL-JSON item, the format Zotero and citeproc read."""
    item: dict[str, Any] = {
        "id": source.key,
        "type": CSL_TYPES.get(source.entry_type, "document"),
        "title": source.get("title") or source.key,
    }
    if source.names:
        role = "author" if source.get("author") else "editor"
        item[role] = [csl_name(name) for name in source.names]
    date = issued_date(source)
    if date:
        item["issued"] = date.csl()
    if source.get("urldate"):
        accessed = parse_date(str(source.get("urldate")))
        item["accessed"] = accessed.csl() if accessed else {"literal": source.get("urldate")}
    url = link(source)
    if url:
        item["URL"] = url
    for field, csl in (("doi", "DOI"), ("number", "number"), ("type", "genre"), ("isbn", "ISBN")):
        value = source.get(field)
        if value:
            item[csl] = value
    who = publisher(source)
    if who:
        item["publisher"] = who
    return item | _csl_archive(source)


def _csl_archive(source: Source) -> dict[str, Any]:
    """The archived copy in CSL terms, and Wikipedia's three fields under CSL's `custom`.

    CSL has `archive` (the archive's name) and `archive_location` (where in
    it), which Zotero shows as Archive and Loc. in Archive; the copy's date
    and the original's status have no CSL variable, so `custom` carries them.
    """
    copy = archived_copy(source)
    if not copy:
        return {}
    host = urlsplit(copy).hostname or ""
    name = "Internet Archive" if host.endswith("archive.org") else host
    custom = {
        "archive-url": copy,
        "archive-date": archive(source, "date"),
        "url-status": (archive(source, "status") or "").lower(),
    }
    return {
        "archive": name,
        "archive_location": copy,
        "custom": {k: v for k, v in custom.items() if v},
    }


def csl_name(name: Name) -> dict[str, str]:
    """BibTeX's name parts as CSL's: von is the non-dropping particle, Jr the suffix."""
    if name.literal:
        return {"literal": name.family}
    parts = {
        "family": name.family,
        "given": name.given,
        "non-dropping-particle": name.particle,
        "suffix": name.suffix,
    }
    return {key: value for key, value in parts.items() if value}


def csl_json(view: ReportView) -> str:
    return _dumps([csl_item(r.source) for r in view.references])


def bibtex(view: ReportView) -> str:
    """The cited entries exactly as written in references.bib, in citation-number order."""
    blocks = [f"% [{r.number}]\n{r.source.raw}" for r in view.references if r.source.raw]
    return "\n\n".join(blocks) + "\n"


def jsonld(
    view: ReportView,
    page_url: str | None = None,
    authors: Sequence[Author] = (),
    publisher: str | None = None,
) -> str:
    """schema.org Article for the page head; safe to embed in a <script> element."""
    report = view.report
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": report.title,
        "datePublished": report.published,
        "dateModified": report.modified,
    }
    if authors:
        data["author"] = [
            {"@type": "Person", "name": a.name, "familyName": a.family, "givenName": a.given}
            if a.is_person
            else {"@type": "Organization", "name": a.name}
            for a in authors
        ]
    if publisher:
        data["publisher"] = {"@type": "Organization", "name": publisher}
    data["citation"] = [_creative_work(r.source) for r in view.references]
    if report.corrections:
        data["correction"] = [
            {
                "@type": "CorrectionComment",
                "text": correction.text,
                "datePublished": correction.date,
            }
            | ({"url": f"{page_url}#{correction_anchor(report, i)}"} if page_url else {})
            for i, correction in enumerate(report.corrections)
        ]
    if report.description:
        data["description"] = report.description
    if page_url:
        data["url"] = page_url
    text = json.dumps(data, ensure_ascii=False, sort_keys=False)
    # `</script>` inside a string must not close the element.
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _creative_work(source: Source) -> dict[str, Any]:
    work: dict[str, Any] = {"@type": "CreativeWork", "name": source.get("title") or source.key}
    if source.names:
        work["author"] = [_agent(name) for name in source.names]
    url = link(source)
    if url:
        work["url"] = url
    copy = archived_copy(source)
    if copy:
        work["archivedAt"] = copy
    date = issued_date(source)
    if date and (date.start or date.end):
        work["datePublished"] = date.iso
    who = publisher(source)
    if who:
        work["publisher"] = {"@type": "Organization", "name": who}
    return work


def _agent(name: Name) -> dict[str, str]:
    """schema.org Person with its name parts, or Organization for a braced name."""
    if name.literal:
        return {"@type": "Organization", "name": name.family}
    person = {"@type": "Person", "name": name.display, "familyName": name.family}
    family = " ".join(p for p in (name.particle, name.family) if p)
    person["familyName"] = family
    if name.given:
        person["givenName"] = name.given
    if name.suffix:
        person["honorificSuffix"] = name.suffix
    return person


def data_files(view: ReportView) -> dict[str, str]:
    """The downloads for one report, keyed by their path beside the report page."""
    slug = view.report.slug
    return {
        f"reports/{slug}.json": claims_json(view),
        f"reports/{slug}.csl.json": csl_json(view),
        f"reports/{slug}.bib": bibtex(view),
    }
