"""How a source is presented: names, dates, publisher, the link readers follow.

Shared by the page templates, the open-data exports and the tooltips, so a
source reads the same everywhere.
"""

from __future__ import annotations

import datetime
import re
from urllib.parse import quote

from reportgen.check import url_problem
from reportgen.dates import MONTHS, DateValue, from_year_month, parse_date
from reportgen.model import Source

EPRINT_URLS = {
    "arxiv": "https://arxiv.org/abs/{}",
    "jstor": "https://www.jstor.org/stable/{}",
    "pubmed": "https://pubmed.ncbi.nlm.nih.gov/{}/",
    "pmid": "https://pubmed.ncbi.nlm.nih.gov/{}/",
    "pmcid": "https://www.ncbi.nlm.nih.gov/pmc/articles/{}/",
    "hdl": "https://hdl.handle.net/{}",
    "handle": "https://hdl.handle.net/{}",
    "googlebooks": "https://books.google.com/books?id={}",
    "doi": "https://doi.org/{}",
    "ssrn": "https://ssrn.com/abstract={}",
}
"""biblatex's eprint types (and common others) and where readers find them."""
_URL_IN_TEXT = re.compile(r"https?://[^\s<>\"'{}]+")


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


def join_names(names: tuple[str, ...] | list[str], et_al: bool = False) -> str:
    """'A', 'A and B', 'A, B and C'; 'A, B et al.' when the bib says `and others`."""
    if et_al:
        return ", ".join(names) + " et al." if names else "et al."
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def creators(source: Source) -> str:
    return join_names(source.authors, source.et_al)


def publisher(source: Source) -> str | None:
    """Who published it, unless that merely repeats the author."""
    for name in ("publisher", "institution", "organization", "journal", "journaltitle"):
        value = source.get(name)
        if value and value not in source.authors:
            return value
    return None


def issued_date(source: Source) -> DateValue | None:
    """When it was published: biblatex `date` (EDTF, ranges), else BibTeX `year`/`month`.

    A value that is not a date (`year = {1984a}`) is kept as written, with no
    machine-readable form, rather than dropped.
    """
    written = source.get("date")
    if written:
        return parse_date(written) or DateValue(written, None)
    year = source.get("year")
    if year:
        return from_year_month(year, source.get("month")) or DateValue(year, None)
    return None


def issued(source: Source) -> str | None:
    """The publication date as ISO text (the start of a range), or as written."""
    date = issued_date(source)
    return date.iso if date else None


ARCHIVE_FIELDS = {
    "url": ("archiveurl", "archive-url", "archive_url"),
    "date": ("archivedate", "archive-date", "archive_date"),
    "status": ("urlstatus", "url-status", "url_status"),
}
"""Wikipedia's archive-url / archive-date / url-status, as bib fields (any spelling)."""


def archive(source: Source, what: str) -> str | None:
    """An archived-copy field of the source (`url`, `date` or `status`), however spelt."""
    return next((v for name in ARCHIVE_FIELDS[what] if (v := source.get(name))), None)


def archived_copy(source: Source) -> str | None:
    """The archived copy's address, when it is one a reader may follow."""
    url = archive(source, "url")
    return url if url and url_problem(url) is None else None


def is_dead(source: Source) -> bool:
    return (archive(source, "status") or "").lower() in ("dead", "unfit", "usurped")


def link(source: Source) -> str | None:
    """The address readers follow.

    The URL (its archived copy when the bib marks it dead), else the DOI, else
    an eprint, else a URL in howpublished.
    """
    url = source.get("url")
    if is_dead(source) and archived_copy(source):
        return archived_copy(source)
    if url and url_problem(url) is None:
        return url
    doi = source.get("doi")
    if doi:
        return "https://doi.org/" + quote(doi, safe="/:;()._-<>")
    eprint = source.get("eprint")
    kind = (source.get("eprinttype") or source.get("archiveprefix") or "").lower()
    if eprint and kind in EPRINT_URLS:
        return EPRINT_URLS[kind].format(quote(eprint, safe="/:._-"))
    for name in ("howpublished", "note"):
        found = _URL_IN_TEXT.search(source.get(name) or "")
        if found and url_problem(found.group(0).rstrip(".,;")) is None:
            return found.group(0).rstrip(".,;")
    return None


def preview(source: Source) -> str:
    """One line naming the source, for marker tooltips and accessible names."""
    parts = [creators(source)] if source.authors or source.et_al else []
    parts.append(source.get("title") or source.key)
    date = issued_date(source)
    tail = ", ".join(x for x in (publisher(source), date.human if date else "") if x)
    text = ": ".join(parts)
    return f"{text} ({tail})" if tail else text


def _fragment_text(text: str) -> str:
    """Percent-encoding for a text directive: also '-', '&' and ',' (they are syntax there)."""
    return quote(text, safe="").replace("-", "%2D")


def passage_link(
    source: Source,
    passage: str,
    locator: str | None,
    *,
    before: str | None = None,
    after: str | None = None,
) -> str | None:
    """The source's address opened at the passage: a W3C text fragment, or a PDF page.

    Long passages use `text=start,end` (first and last four words) so the link
    stays short and survives small differences in the middle. The words
    around a short or repeated passage become the fragment's `prefix-` and
    `-suffix`, which pick the right occurrence.
    """
    base = link(source)
    if base is None:
        return None
    address, _, fragment = base.partition("#")
    page = re.fullmatch(r"pp?\. (\d+)(?:\u2013\d+)?", locator or "")
    if address.lower().split("?")[0].endswith(".pdf"):
        return f"{address}#page={page.group(1)}" if page else base
    words = passage.split()
    if len(words) > 10:
        directive = f"{_fragment_text(' '.join(words[:4]))},{_fragment_text(' '.join(words[-4:]))}"
    else:
        directive = _fragment_text(passage)
    if before:
        directive = f"{_fragment_text(before)}-,{directive}"
    if after:
        directive = f"{directive},-{_fragment_text(after)}"
    return f"{address}#{fragment}:~:text={directive}"
