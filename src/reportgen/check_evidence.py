"""Stage 2 (evidence): the checks on what lets readers verify a claim.

Quotes, editors' notes and corrections are promises to readers: a quote
must belong to a source the claim cites, a note and a correction must say
when they were made, and a correction must point at claims that exist, or
its links would land nowhere.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from reportgen.diagnostics import error, suggest, warning
from reportgen.model import Diagnostic, Position, Report

SHORT_QUOTE_WORDS = 4
"""A quote this short likely occurs more than once in its source."""


def check_evidence(
    report: Report, today: datetime.date, max_quote_words: int
) -> Iterator[Diagnostic]:
    yield from _notes(report)
    yield from _quotes(report, max_quote_words)
    yield from _corrections(report, today)


def excerpt(text: str, width: int = 50) -> str:
    """The start of a long text, to name a claim in a message."""
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1].rstrip() + "\u2026"


def _quotes(report: Report, max_words: int) -> Iterator[Diagnostic]:
    """A quote must back a citation of its claim, and stay short (fair use)."""
    for claim in report.claims:
        cited = {c.key for c in claim.citations}
        for passage in claim.quotes:
            key = passage.key
            if key not in cited:
                yield error(
                    "quote-not-cited",
                    f"the quote for '{key}' supports a source this claim does not cite",
                    passage.position,
                    "cite it in the claim, or move the quote to the claim that does",
                )
            words = len(passage.text.split())
            if words > max_words:
                yield error(
                    "quote-too-long",
                    f"the quote for '{key}' is {words} words; at most {max_words} are allowed",
                    passage.position,
                    "quote the sentence that supports the claim, or raise max_quote_words",
                )
            elif words < SHORT_QUOTE_WORDS and not (passage.before or passage.after):
                yield warning(
                    "quote-needs-context",
                    f"the quote for '{key}' is {words} word{'s' * (words != 1)}: the link may"
                    " open the source at another place with the same words",
                    passage.position,
                    "write it as {text: ..., before: ..., after: ...} with the words around it",
                )


def _notes(report: Report) -> Iterator[Diagnostic]:
    """An editor's note tells readers when it was added; undated, it cannot be trusted."""
    for claim in report.claims:
        if claim.note is not None and claim.note.date is None:
            yield error(
                "note-without-date",
                f"the editor's note on {claim.kind.value} '{excerpt(claim.text)}' has no date",
                claim.note.position,
                "add 'date: YYYY-MM-DD' under 'note:'",
            )


def in_future(
    what: str, date: str, position: Position, today: datetime.date, when: str
) -> Iterator[Diagnostic]:
    """A date after tomorrow (time zones allow a day): nothing checked can have happened then."""
    if datetime.date.fromisoformat(date) > today + datetime.timedelta(days=1):
        yield error(
            "date-order",
            f"{what} {date} is in the future (today is {today.isoformat()})",
            position,
            f"use the date {when}",
        )


def _corrections(report: Report, today: datetime.date) -> Iterator[Diagnostic]:
    """Each correction names existing claims and a date between publication and today."""
    ids = [claim.id for claim in report.claims]
    known = set(ids)
    for correction in report.corrections:
        when = datetime.date.fromisoformat(correction.date)
        if when < datetime.date.fromisoformat(report.published):
            yield error(
                "date-order",
                f"correction dated {correction.date} is before published {report.published}",
                correction.position,
                "a correction is made after the report is published",
            )
        else:
            yield from in_future(
                "correction dated",
                correction.date,
                correction.position,
                today,
                "the correction was made",
            )
        for claim_id, position in correction.claims:
            if claim_id in known:
                continue
            yield error(
                "correction-unknown-claim",
                f"the correction of {correction.date} names claim '{claim_id}',"
                " which this report does not have",
                position,
                suggest(claim_id, ids)
                or "use a claim's id: its 'id:', or the one in its permalink (s1-2, oq-1)",
            )
