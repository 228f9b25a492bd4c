"""Stage 3 (cite this brief): the report itself as a source others can cite.

A brief that asks readers to check its sources should be as easy to cite as
they are: a formatted citation to copy, and the same data as BibTeX, CSL-JSON
and RIS for reference managers. Authors are the report's `authors`, else the
site as an organization; the address is absolute when `site_url` is known.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from reportgen.model import Report
from reportgen.sourcefmt import human_date
from reportgen.urls import SiteInfo

_BIBTEX_SPECIAL = re.compile(r"([\\{}&%$#_~^])")
_BIBTEX_ESCAPES = {"\\": r"\textbackslash{}", "~": r"\textasciitilde{}", "^": r"\^{}"}


@dataclass(frozen=True)
class Author:
    """A person ('Reyes, Ana') or an organization (the site, or a name without parts)."""

    name: str
    family: str | None = None
    given: str | None = None

    @property
    def is_person(self) -> bool:
        return self.family is not None


def authors(report: Report, site: SiteInfo) -> list[Author]:
    """'Family, Given' is a person; any other name is taken whole, as an organization."""
    out = []
    for written in report.authors or (site.name,):
        family, comma, given = written.partition(",")
        if comma and family.strip() and given.strip():
            out.append(Author(f"{given.strip()} {family.strip()}", family.strip(), given.strip()))
        else:
            out.append(Author(written))
    return out


def formatted(report: Report, site: SiteInfo, url: str | None) -> str:
    """The citation readers copy: 'Who. "Title." Site, 24 November 2026. URL'."""
    names = [a.name for a in authors(report, site)]
    who = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    title = report.title.rstrip()
    quoted = f"\u201c{title}\u201d" if title[-1:] in ".?!" else f"\u201c{title}.\u201d"
    where = human_date(report.published)
    if who != site.name:
        where = f"{site.name}, {where}"
    return f"{who}. {quoted} {where}." + (f" {url}" if url else "")


def _bibtex_text(text: str) -> str:
    return _BIBTEX_SPECIAL.sub(lambda m: _BIBTEX_ESCAPES.get(m.group(1), "\\" + m.group(1)), text)


def bibtex(report: Report, site: SiteInfo, url: str | None) -> str:
    names = " and ".join(
        f"{_bibtex_text(a.family or '')}, {_bibtex_text(a.given or '')}"
        if a.is_person
        else f"{{{_bibtex_text(a.name)}}}"
        for a in authors(report, site)
    )
    fields = [
        ("author", names),
        ("title", "{" + _bibtex_text(report.title) + "}"),
        ("date", report.published),
        ("year", report.published[:4]),
        ("organization", _bibtex_text(site.name)),
        ("langid", "english"),
    ]
    if url:
        fields.append(("url", url))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@online{{{report.slug},\n{body}\n}}\n"


def csl(report: Report, site: SiteInfo, url: str | None) -> str:
    year, month, day = (int(part) for part in report.published.split("-"))
    item: dict[str, object] = {
        "id": report.slug,
        "type": "report",
        "title": report.title,
        "author": [
            {"family": a.family, "given": a.given} if a.is_person else {"literal": a.name}
            for a in authors(report, site)
        ],
        "issued": {"date-parts": [[year, month, day]]},
        "publisher": site.name,
        "language": "en",
    }
    if url:
        item["URL"] = url
    return json.dumps([item], ensure_ascii=False, indent=2) + "\n"


def ris(report: Report, site: SiteInfo, url: str | None) -> str:
    """RIS, which every reference manager imports; one tag per line, `ER` ends the record."""

    def line(tag: str, value: str) -> str:
        return f"{tag}  - {' '.join(value.split())}"

    lines = [line("TY", "RPRT"), line("TI", report.title)]
    lines += [
        line("AU", f"{a.family}, {a.given}" if a.is_person else a.name)
        for a in authors(report, site)
    ]
    lines += [
        line("PY", report.published[:4]),
        line("DA", report.published.replace("-", "/")),
        line("PB", site.name),
        line("LA", "en"),
    ]
    if url:
        lines.append(line("UR", url))
    lines.append("ER  - ")
    return "\r\n".join(lines) + "\r\n"


def citation_files(report: Report, site: SiteInfo, url: str | None) -> dict[str, str]:
    """The downloads beside the report page, keyed by path under the docs directory."""
    stem = f"reports/{report.slug}.citation"
    return {
        f"{stem}.bib": bibtex(report, site, url),
        f"{stem}.json": csl(report, site, url),
        f"{stem}.ris": ris(report, site, url),
    }
