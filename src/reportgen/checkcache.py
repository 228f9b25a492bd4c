"""`reportgen check --cache DIR`: each file's findings kept until what they depend on changes.

A check of an archive re-reads every file, but a pull request changes a few.
What a report's rules find depends on its own text, on the bibliography
(unknown keys, did-you-mean), on the day (dates in the future) and on the
quote limit: all of them are in its key, so any change to one re-checks it.
The bibliography's own findings depend on its text alone. The rules across
reports (two reports with one slug, entries no report cites) always run, on
small facts kept beside the findings. Files are still read and hashed on
every run; an unchanged file is neither parsed nor decoded, which is what
brings a check of 1,000 reports near the cost of merely parsing them.

Anything that cannot be cached (an unreadable file) is reported fresh on
every run, exactly as an uncached check reports it: tests compare the two.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reportgen import cachefile
from reportgen.bib import load_bibliography
from reportgen.check import (
    check_bibliography,
    check_report,
    cited_keys,
    duplicate_slugs,
    unused_sources,
)
from reportgen.load import LoadResult, content_files, load_report, missing_content
from reportgen.loadcache import LoadCache
from reportgen.model import Bibliography, Diagnostic, Position
from reportgen.modelcodec import decoder, encode
from reportgen.settings import Settings
from reportgen.textfile import read_text

FILE = "check.json"
FORMAT = 1


@dataclass(frozen=True)
class ReportFacts:
    """What the rules across reports need of a report."""

    slug: str
    path: str
    position: Position
    cited: tuple[str, ...]


@dataclass(frozen=True)
class SourceFacts:
    """What the unused-source rule needs of a bib entry."""

    key: str
    entry_type: str
    position: Position
    parents: tuple[str, ...]


@dataclass(frozen=True)
class ReportResult:
    diagnostics: tuple[Diagnostic, ...]
    facts: ReportFacts | None
    """None: the file did not load (its citations are unknown)."""


@dataclass(frozen=True)
class BibResult:
    diagnostics: tuple[Diagnostic, ...]
    readable: bool
    sources: tuple[SourceFacts, ...]


_REPORT = decoder(ReportResult)
_BIB = decoder(BibResult)


@dataclass
class _Run:
    settings: Settings
    folder: Path
    saved: dict[str, Any]
    salt: str
    used: dict[str, Any] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)
    parses: LoadCache | None = None
    bibliography: tuple[Bibliography, list[Diagnostic]] | None = None
    misses: int = 0
    read: dict[str, str] = field(default_factory=dict)
    """Texts the caller has read already, by shown path."""

    def read_text(
        self, path: Path, shown: str, limit: int, what: str
    ) -> tuple[str | None, Diagnostic | None]:
        if shown in self.read:
            return self.read[shown], None
        return read_text(path, shown, limit, what)

    def save(self) -> None:
        if self.misses or len(self.used) != len(self.saved):
            self.folder.mkdir(parents=True, exist_ok=True)
            cachefile.write(self.folder / FILE, self.used, self.salt)
        if self.parses is not None:
            self.parses.save(complete=False)  # only the files checked again were parsed

    def lookup(self, key: str, decode: Any) -> Any | None:
        data = self.saved.get(key)
        if data is None:
            return None
        try:
            value = decode(data)
        except cachefile.DECODE_ERRORS:
            return None
        self.used[key] = data
        return value

    def keep(self, key: str, value: Any) -> None:
        self.used[key] = encode(value)
        self.misses += 1

    def load_memo(self) -> LoadCache:
        """Parses are remembered too, for the build that usually follows a check."""
        if self.parses is None:
            self.parses = LoadCache(self.folder)
        return self.parses

    def load_bib(self) -> tuple[Bibliography, list[Diagnostic]]:
        """The bib's model, loaded once and only if a file has to be checked again."""
        if self.bibliography is None:
            path = self.settings.bibliography_path
            self.bibliography = load_bibliography(path, self.settings, None, self.load_memo())
        return self.bibliography


def cached_check(
    settings: Settings,
    folder: Path,
    *,
    max_quote_words: int,
    today: datetime.date | None = None,
    parses: LoadCache | None = None,
    loaded: LoadResult | None = None,
) -> tuple[list[Diagnostic], dict[str, str], Callable[[], None]]:
    """Every diagnostic `load` + `check` would give, and the texts read (for excerpts).

    The third value saves what was found into `folder`; it may raise OSError.
    A caller that loaded the project itself (a build) passes its memo of
    parses and what it `loaded`: files are then not read again, and a file
    checked again uses the bibliography already in memory.
    """
    day = today or datetime.date.today()
    salt = f"{FORMAT}:{cachefile.code_digest()}"
    saved = cachefile.read(folder / FILE, salt)
    run = _Run(settings, folder, saved if isinstance(saved, dict) else {}, salt, parses=parses)
    if loaded is not None:
        bibliography = loaded.project.bibliography
        own = [d for d in loaded.diagnostics if d.position.file == bibliography.path]
        run.bibliography = (bibliography, own)
        run.read = dict(loaded.texts)
    bib_key, bib = _bibliography(run)
    found = list(bib.diagnostics)
    reports: list[ReportFacts] = []
    skipped = 0
    context = f"{bib_key}\n{day.isoformat()}\n{max_quote_words}"
    for path in content_files(settings.content_path):
        shown = settings.display(path)
        text, problem = run.read_text(path, shown, settings.max_content_bytes, "content")
        if problem is not None or text is None:
            found.extend([problem] if problem is not None else [])
            skipped += 1
            continue
        run.texts[shown] = text
        key = cachefile.digest(b"report", shown.encode(), text.encode(), context.encode())
        result = run.lookup(key, _REPORT)
        if result is None:
            result = _check_report(run, path, day, max_quote_words)
            run.keep(key, result)
        found.extend(result.diagnostics)
        if result.facts is None:
            skipped += 1
        else:
            reports.append(result.facts)
    found.extend(missing_content(settings))
    found.extend(duplicate_slugs(reports))
    if skipped == 0 and bib.readable:
        cited = {key for report in reports for key in report.cited}
        found.extend(unused_sources(cited, bib.sources))
    return found, run.texts, run.save


def _bibliography(run: _Run) -> tuple[str, BibResult]:
    settings = run.settings
    path = settings.bibliography_path
    shown = settings.display(path)
    text, problem = run.read_text(path, shown, settings.max_bib_bytes, "bibliography")
    if problem is not None or text is None:  # reported as an uncached load reports it
        run.bibliography = load_bibliography(path, settings, run.texts)
        bibliography, diagnostics = run.bibliography
        return "unreadable", BibResult(tuple(diagnostics), bibliography.readable, ())
    run.texts[shown] = text
    key = cachefile.digest(b"bib", shown.encode(), text.encode())
    result = run.lookup(key, _BIB)
    if result is None:
        bibliography, loaded = run.load_bib()
        diagnostics = [*loaded, *check_bibliography(bibliography)]
        facts = tuple(
            SourceFacts(s.key, s.entry_type, s.position, s.parents)
            for s in bibliography.sources.values()
        )
        result = BibResult(tuple(diagnostics), bibliography.readable, facts)
        run.keep(key, result)
    return key, result


def _check_report(run: _Run, path: Path, day: datetime.date, max_quote_words: int) -> ReportResult:
    report, diagnostics = load_report(path, run.settings, None, run.load_memo())
    if report is None:
        return ReportResult(tuple(diagnostics), None)
    diagnostics += check_report(report, run.load_bib()[0], day, max_quote_words)
    cited = tuple(sorted(cited_keys(report)))
    facts = ReportFacts(report.slug, report.path, report.position, cited)
    return ReportResult(tuple(diagnostics), facts)
