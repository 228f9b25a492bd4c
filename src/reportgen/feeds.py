"""Stage 3 (feeds): Atom feeds of the site, built with feedgen rather than templates.

A feed is read by programs that are strict about XML and dates; a library
that writes Atom gets escaping, required elements and date formats right.
Everything comes from the content, never the clock, so two builds of one
commit write the same bytes.
"""

from __future__ import annotations

import datetime
import uuid

from feedgen.feed import FeedGenerator

from reportgen.model import Report
from reportgen.numbering import correction_anchor
from reportgen.sourcefmt import human_date
from reportgen.urls import absolute, page_address

CORRECTIONS_FEED = "feeds/corrections.xml"
REPORTS_FEED = "feeds/reports.xml"
REPORTS_IN_FEED = 50
"""The newest reports a feed lists: feed readers poll it, it must stay small."""
_NAMESPACE = uuid.UUID("6f1e7d55-4b0e-4c53-9a0f-2b8f2f1c9a61")
"""Entry ids are name-based UUIDs, stable when the site moves to another address."""


def _moment(date: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(date).replace(tzinfo=datetime.UTC)


def corrections_feed(
    reports: list[Report],
    *,
    site_name: str,
    site_url: str | None,
    directory_urls: bool = True,
) -> str:
    """Every correction of every report, newest first, as an Atom document."""
    items = [
        (correction, report, index)
        for report in reports
        for index, correction in enumerate(report.corrections)
    ]
    items.sort(key=lambda item: (item[0].date, item[1].slug), reverse=True)
    feed = FeedGenerator()
    feed.id(f"urn:uuid:{uuid.uuid5(_NAMESPACE, 'corrections')}")
    feed.title(f"{site_name}: corrections")
    feed.subtitle("Dated corrections of published reports, newest first.")
    feed.link(href=absolute(site_url, CORRECTIONS_FEED), rel="self")
    feed.link(href=absolute(site_url, page_address("corrections.md", directory_urls)))
    feed.author({"name": site_name})
    feed.language("en")
    dates = [c.date for c, _, _ in items] or [r.published for r in reports] or ["1970-01-01"]
    feed.updated(_moment(max(dates)))
    for correction, report, index in reversed(items):  # feedgen prepends each new entry
        anchor = correction_anchor(report, index)
        page = page_address(f"reports/{report.slug}.md", directory_urls)
        entry = feed.add_entry()
        entry.id(f"urn:uuid:{uuid.uuid5(_NAMESPACE, f'{report.slug}#{anchor}')}")
        entry.title(f"Correction to: {report.title}")
        entry.link(href=absolute(site_url, f"{page}#{anchor}"))
        entry.updated(_moment(correction.date))
        entry.published(_moment(correction.date))
        entry.summary(correction.text)
    xml: bytes = feed.atom_str(pretty=True)
    return xml.decode("utf-8")


def reports_feed(
    reports: list[Report],
    *,
    site_name: str,
    site_url: str | None,
    directory_urls: bool = True,
) -> str:
    """New and updated reports, most recently changed first, with their summaries."""
    changed = sorted(reports, key=lambda r: (r.modified, r.published, r.slug), reverse=True)
    listed = changed[:REPORTS_IN_FEED]
    feed = FeedGenerator()
    feed.id(f"urn:uuid:{uuid.uuid5(_NAMESPACE, 'reports')}")
    feed.title(f"{site_name}: reports")
    feed.subtitle("New and updated research briefs, each claim tied to its sources.")
    feed.link(href=absolute(site_url, REPORTS_FEED), rel="self")
    feed.link(href=absolute(site_url, ""))
    feed.author({"name": site_name})
    feed.language("en")
    dates = [r.modified for r in listed] or ["1970-01-01"]
    feed.updated(_moment(max(dates)))
    for report in reversed(listed):  # feedgen prepends each new entry
        entry = feed.add_entry()
        entry.id(f"urn:uuid:{uuid.uuid5(_NAMESPACE, report.slug)}")
        entry.title(report.title)
        entry.link(
            href=absolute(site_url, page_address(f"reports/{report.slug}.md", directory_urls))
        )
        entry.published(_moment(report.published))
        entry.updated(_moment(report.modified))
        for name in report.authors:
            entry.author({"name": name})
        summary = " ".join(claim.text for claim in report.summary)
        checked = f"Sources last checked {human_date(report.last_checked)}."
        entry.summary(f"{summary} {checked}")
    xml: bytes = feed.atom_str(pretty=True)
    return xml.decode("utf-8")
