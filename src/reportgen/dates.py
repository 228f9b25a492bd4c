"""Bibliography dates as biblatex reads them (EDTF level 1), for display, CSL and JSON-LD.

`date = {1984/1986}`, `{2004-01-01/..}`, `{1723?~}`, `{199u}`, `{-0876}`,
`{2012-10-17T12:50:00+00:00}` and plain `year`/`month` all occur in real
bibliographies. A date that cannot be read is shown exactly as written,
never dropped or guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

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
SEASONS = {21: "Spring", 22: "Summer", 23: "Autumn", 24: "Winter"}
_MONTH_NAMES = {name[:3].lower(): number for number, name in enumerate(MONTHS, start=1)}
_POINT = re.compile(
    r"(?P<year>-?\d{4}|\d{3}[uX]|\d{2}[uX]{2})"
    r"(?:-(?P<month>\d{2}|[uX]{2})(?:-(?P<day>\d{2}|[uX]{2}))?)?"
    r"(?:T[\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?"
    r"(?P<qualifier>[?~%]*)"
)


@dataclass(frozen=True)
class Point:
    """One end of a date: year, and month/day when known; qualifiers as EDTF writes them."""

    year: int
    month: int | None = None
    day: int | None = None
    unspecified: str = ""
    """The year as written when some digits are unknown ('199u')."""
    uncertain: bool = False
    approximate: bool = False

    @property
    def parts(self) -> list[int]:
        return [p for p in (self.year, self.month, self.day) if p is not None]

    @property
    def iso(self) -> str:
        year = f"{self.year:04d}" if self.year >= 0 else f"-{-self.year:04d}"
        if self.month is None:
            return year
        if self.day is None:
            return f"{year}-{self.month:02d}"
        return f"{year}-{self.month:02d}-{self.day:02d}"

    @property
    def human(self) -> str:
        if self.unspecified:
            stem = self.unspecified.rstrip("uX")
            zeros = len(self.unspecified) - len(stem)
            text = f"{stem}{'0' * zeros}s"
        elif self.year < 0:
            text = f"{-self.year} BCE"
        else:
            text = str(self.year)
        if self.month in SEASONS:
            text = f"{SEASONS[self.month]} {text}"
        elif self.month is not None:
            text = f"{MONTHS[self.month - 1]} {text}"
            if self.day is not None:
                text = f"{self.day} {text}"
        if self.approximate:
            text = f"c. {text}"
        if self.uncertain:
            text += "?"
        return text


@dataclass(frozen=True)
class DateValue:
    """A point or a range; `None` ends are open (`..`) or unknown."""

    written: str
    start: Point | None
    end: Point | None = None
    is_range: bool = False

    @property
    def iso(self) -> str:
        """ISO 8601 text of the start (or the end of a range open at the start)."""
        point = self.start or self.end
        return point.iso if point else self.written

    @property
    def human(self) -> str:
        if not self.is_range:
            return self.start.human if self.start else self.written
        start = self.start.human if self.start else "…"
        end = self.end.human if self.end else "…"
        if self.start and self.end and self.start.parts == self.end.parts:
            return start
        return f"{start}\u2013{end}"

    def csl(self) -> dict[str, object]:
        """CSL-JSON date: date-parts (two for a range), circa when approximate."""
        points = [p for p in (self.start, self.end) if p is not None]
        if not points:
            return {"literal": self.written}
        value: dict[str, object] = {"date-parts": [p.parts for p in points]}
        if any(p.approximate or p.uncertain or p.unspecified for p in points):
            value["circa"] = True
        return value


def _point(text: str) -> Point | None:
    match = _POINT.fullmatch(text)
    if match is None:
        return None
    raw_year = match["year"]
    unspecified = raw_year if any(c in raw_year for c in "uX") else ""
    year = int(raw_year.replace("u", "0").replace("X", "0"))
    month = match["month"]
    day = match["day"]
    month_number = int(month) if month and month.isdigit() else None
    day_number = int(day) if day and day.isdigit() and month_number else None
    if month_number is not None and not (1 <= month_number <= 12 or month_number in SEASONS):
        return None
    if day_number is not None and not 1 <= day_number <= 31:
        return None
    qualifier = match["qualifier"]
    return Point(
        year=year,
        month=month_number,
        day=day_number,
        unspecified=unspecified,
        uncertain="?" in qualifier or "%" in qualifier,
        approximate="~" in qualifier or "%" in qualifier,
    )


def parse_date(written: str) -> DateValue | None:
    """A biblatex `date` field, or None when it is not a date biblatex would read."""
    text = written.strip()
    if "/" not in text:
        point = _point(text)
        return DateValue(text, point) if point else None
    first, _, second = text.partition("/")
    start = None if first in ("", "..", "unknown") else _point(first)
    end = None if second in ("", "..", "unknown") else _point(second)
    if (start is None and first not in ("", "..", "unknown")) or (
        end is None and second not in ("", "..", "unknown")
    ):
        return None
    if start is None and end is None:
        return None
    return DateValue(text, start, end, is_range=True)


def from_year_month(year: str, month: str | None) -> DateValue | None:
    """BibTeX's `year` (and `month`, a number or a month name) as a date."""
    found = re.fullmatch(r"\s*(-?\d{1,4})\s*", year)
    if found is None:
        return None
    number = None
    if month:
        key = month.strip().lower()
        number = int(key) if key.isdigit() else _MONTH_NAMES.get(key[:3])
        if number is not None and not 1 <= number <= 12:
            number = None
    return DateValue(year.strip(), Point(int(found.group(1)), number))
