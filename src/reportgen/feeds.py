"""Stage 3 (feeds): Atom feeds of the site, built with feedgen rather than templates.

A feed is read by programs that are strict about XML and dates; a library
that writes Atom gets escaping, required elements and date formats right.
Everything comes from the content, never the clock, so two builds of one
commit write the same bytes.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass

from feedgen.feed import FeedGenerator

from reportgen.model import Correction, Report
from reportgen.numbering import claim_names, correction_anchor
from reportgen.sourcefmt import human_date
from reportgen.urls import SiteInfo, absolute, page_address

CORRECTIONS_FEED = "feeds/corrections.xml"
REPORTS_FEED = "feeds/reports.xml"
REPORTS_IN_FEED = 50
"""The newest reports a feed lists: feed readers poll it, it must stay small."""
_NAMESPACE = uuid.UUID("6f1e7d55-4b0e-4c53-9a0f-2b8f2f1c9a61")
"""Entry ids are name-based UUIDs, stable when the site moves to another address."""


def _moment(date: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(date).replace(tzinfo=datetime.UTC)


@dataclass(frozen=True)
class CorrectionEntry:
    """One correction of the site, as the corrections page and feed list it."""

    report: Report
    correction: Correction
    anchor: str
    names: dict[str, str]
    """Claim id -> its place in the report, for link texts."""


def correction_entries(reports: list[Report]) -> list[CorrectionEntry]:
    """Every correction of the site, newest first; same-day ones by report title."""
    entries = [
        CorrectionEntry(report, correction, correction_anchor(report, index), claim_names(report))
        for report in reports
        for index, correction in enumerate(report.corrections)
    ]
    by_title = sorted(entries, key=lambda e: (e.report.title.casefold(), e.report.slug))
    return sorted(by_title, key=lambda e: e.correction.date, reverse=True)


def _feed(
    site: SiteInfo, name: str, subtitle: str, path: str, alternate: str, updated: str
) -> FeedGenerator:
    """A feed of the site with what Atom requires; entries are added newest last."""
    feed = FeedGenerator()
    feed.id(f"urn:uuid:{uuid.uuid5(_NAMESPACE, name)}")
    feed.title(f"{site.name}: {name}")
    feed.subtitle(subtitle)
    feed.link(href=absolute(site.url, path), rel="self")
    feed.link(href=absolute(site.url, alternate))
    feed.author({"name": site.name})
    feed.language("en")
    feed.updated(_moment(updated))
    return feed


def _page(site: SiteInfo, report: Report, anchor: str = "") -> str:
    address = page_address(f"reports/{report.slug}.md", site.directory_urls)
    return absolute(site.url, address + (f"#{anchor}" if anchor else ""))


def _xml(feed: FeedGenerator) -> str:
    xml: bytes = feed.atom_str(pretty=True)
    return xml.decode("utf-8")


def corrections_feed(reports: list[Report], site: SiteInfo) -> str:
    """Every correction of every report, newest first, as an Atom document."""
    entries = correction_entries(reports)
    dates = [e.correction.date for e in entries] or [r.published for r in reports]
    feed = _feed(
        site,
        "corrections",
        "Dated corrections of published reports, newest first.",
        CORRECTIONS_FEED,
        page_address("corrections.md", site.directory_urls),
        max(dates or ["1970-01-01"]),
    )
    for item in reversed(entries):  # feedgen prepends each new entry
        entry = feed.add_entry()
        entry.id(f"urn:uuid:{uuid.uuid5(_NAMESPACE, f'{item.report.slug}#{item.anchor}')}")
        entry.title(f"Correction to: {item.report.title}")
        entry.link(href=_page(site, item.report, item.anchor))
        entry.updated(_moment(item.correction.date))
        entry.published(_moment(item.correction.date))
        entry.summary(item.correction.text)
    return _xml(feed)


def reports_feed(reports: list[Report], site: SiteInfo) -> str:
    """New and updated reports, most recently changed first, with their summaries."""
    changed = sorted(reports, key=lambda r: (r.modified, r.published, r.slug), reverse=True)
    listed = changed[:REPORTS_IN_FEED]
    feed = _feed(
        site,
        "reports",
        "New and updated research briefs, each claim tied to its sources.",
        REPORTS_FEED,
        "",
        max([r.modified for r in listed] or ["1970-01-01"]),
    )
    for report in reversed(listed):  # feedgen prepends each new entry
        entry = feed.add_entry()
        entry.id(f"urn:uuid:{uuid.uuid5(_NAMESPACE, report.slug)}")
        entry.title(report.title)
        entry.link(href=_page(site, report))
        entry.published(_moment(report.published))
        entry.updated(_moment(report.modified))
        for name in report.authors:
            entry.author({"name": name})
        summary = " ".join(claim.text for claim in report.summary)
        checked = f"Sources last checked {human_date(report.last_checked)}."
        entry.summary(f"{summary} {checked}")
    return _xml(feed)
