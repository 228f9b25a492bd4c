"""How a source is presented: names, dates, publisher, the link readers follow.

Shared by the page templates, the open-data exports and the tooltips, so a
source reads the same everywhere.
"""

from __future__ import annotations

import datetime
from urllib.parse import quote

from reportgen.check import url_problem
from reportgen.model import Source

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
