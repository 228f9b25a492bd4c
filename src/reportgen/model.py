"""Typed objects every pipeline stage passes along.

Each object that came from an editor's file keeps a `Position`, so a later
stage (check, render, a test) can point back at the exact text that produced
it without re-reading the file.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from typing import NamedTuple

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
"""A report's slug, matched whole: it names content/SLUG.yaml and the page address."""
_SPACE_BEFORE_PUNCTUATION = re.compile(r"\s+([.,;:?!])")


class Position(NamedTuple):
    """A place in a source file; line and column are 1-based like compilers print them.

    A named tuple rather than a dataclass: every claim and key carries one, and
    tuples are several times cheaper to create.
    """

    file: str
    line: int = 1
    column: int = 1

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


class Severity(enum.Enum):
    """Warnings do not fail a build unless the run is strict."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Diagnostic:
    """One finding about the input, with a stable code editors and tools can key on."""

    severity: Severity
    code: str
    message: str
    position: Position
    hint: str | None = None
    excerpt: str | None = None
    """The source line the position points into, shown under the message with a caret."""

    def sort_key(self) -> tuple[str, int, int, str, str]:
        """Order like a compiler: by file, then line, then column."""
        p = self.position
        return (p.file, p.line, p.column, self.code, self.message)

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR


@dataclass(frozen=True, slots=True)
class Citation:
    """One `@key` inside a citation group."""

    key: str
    position: Position
    locator: str | None = None
    """Where in the source, as readers see it: 'p. 33', 'pp. 4-6', 'sec. 2'."""


@dataclass(frozen=True, slots=True)
class CitationGroup:
    """A bracketed `[@a; @b]` group; rendered as adjacent numbered markers."""

    citations: tuple[Citation, ...]
    position: Position


Segment = str | CitationGroup
"""A claim is plain text interleaved with citation groups, in reading order."""


class ClaimKind(enum.Enum):
    """Where a claim sits in the report; diagnostics and anchors use it."""

    SUMMARY = "summary sentence"
    SECTION = "claim"
    OPEN_QUESTION = "open question"
    BOTTOM_LINE = "bottom-line claim"


@dataclass(frozen=True, slots=True)
class EditorNote:
    """What an editor adds beside a claim whose evidence says less than its text."""

    text: str
    date: str | None
    position: Position


@dataclass(frozen=True, slots=True)
class Passage:
    """The words of a source that support a claim, as the editor copied them.

    `before` and `after` are the words around it in the source: a short or
    repeated passage needs them for a text fragment to land on the right spot.
    """

    key: str
    text: str
    position: Position
    before: str | None = None
    after: str | None = None


@dataclass(frozen=True, slots=True)
class Correction:
    """A dated correction of a published report: what changed, and in which claims.

    Readers see it at the top of the page and on the site's corrections page;
    the corrected claims keep their ids, so links to them still work.
    """

    date: str
    text: str
    claims: tuple[tuple[str, Position], ...]
    """The corrected claims' ids, each where the editor wrote it."""
    position: Position


@dataclass(frozen=True, slots=True)
class Claim:
    """A piece of text that must be backed by at least one source."""

    id: str
    kind: ClaimKind
    segments: tuple[Segment, ...]
    position: Position
    explicit_id: bool = False
    malformed: bool = False
    """A citation group in it could not be read (reported as citation-syntax)."""
    note: EditorNote | None = None
    quotes: tuple[Passage, ...] = ()
    """The passages of cited sources that support the claim, one per source key."""
    text: str = field(default="", compare=False, repr=False, metadata={"derived": True})
    """The claim's prose without its citation markers (for excerpts, checks and open data).

    Derived from the segments once, when the claim is made: checks, pages,
    feeds and search records all read it, tens of times per claim.
    """
    citations: tuple[Citation, ...] = field(
        default=(), compare=False, repr=False, metadata={"derived": True}
    )
    """Every citation of the claim, in reading order (derived from the segments)."""

    def __post_init__(self) -> None:
        prose = "".join(s for s in self.segments if isinstance(s, str))
        text = _SPACE_BEFORE_PUNCTUATION.sub(r"\1", " ".join(prose.split()))
        object.__setattr__(self, "text", text)
        cited = tuple(c for s in self.segments if isinstance(s, CitationGroup) for c in s.citations)
        object.__setattr__(self, "citations", cited)

    def quote_for(self, key: str) -> Passage | None:
        return next((passage for passage in self.quotes if passage.key == key), None)


@dataclass(frozen=True)
class Section:
    """A numbered section of a report."""

    number: int
    title: str
    anchor: str
    claims: tuple[Claim, ...]
    position: Position


@dataclass(frozen=True)
class Report:
    """One brief, as loaded from one content file."""

    path: str
    slug: str
    title: str
    published: str
    last_checked: str
    summary: tuple[Claim, ...]
    sections: tuple[Section, ...]
    open_questions_title: str
    open_questions: tuple[Claim, ...]
    bottom_line: tuple[Claim, ...]
    position: Position
    open_questions_position: Position | None = None
    description: str | None = None
    authors: tuple[str, ...] = ()
    """Who wrote it; empty means the site (its organization) is the author."""
    corrections: tuple[Correction, ...] = ()
    """Newest first, as readers see them."""
    field_positions: tuple[tuple[str, Position], ...] = ()
    """Where each top-level field's value starts, for diagnostics about it."""
    source_digest: str = field(default="", repr=False)
    """Digest of the file's path and text (equal digests, equal reports): what caches key on."""

    def position_of(self, name: str) -> Position:
        return dict(self.field_positions).get(name, self.position)

    @property
    def modified(self) -> str:
        """The last change readers should know of: a source check or a correction."""
        return max([self.last_checked, *(c.date for c in self.corrections)])

    @property
    def claims(self) -> tuple[Claim, ...]:
        """Every claim in reading order; citation numbering follows this order."""
        out: list[Claim] = list(self.summary)
        for section in self.sections:
            out.extend(section.claims)
        out.extend(self.open_questions)
        out.extend(self.bottom_line)
        return tuple(out)


@dataclass(frozen=True, slots=True)
class Name:
    """One person or organization, in BibTeX's parts (First von Last, Jr)."""

    family: str
    given: str = ""
    particle: str = ""
    """The 'von' part: 'van der' in 'van der Meer, Jan'."""
    suffix: str = ""
    """The 'Jr' part: 'Jr.' in 'Bennett, Jr., Frank G.'."""
    literal: bool = False
    """Written in braces: an organization, never split into given and family names."""

    @property
    def display(self) -> str:
        """'Frank G. Bennett, Jr.', 'Jan van der Meer', or the literal name."""
        if self.literal:
            return self.family
        text = " ".join(p for p in (self.given, self.particle, self.family) if p)
        return f"{text}, {self.suffix}" if self.suffix else text


@dataclass(frozen=True)
class Source:
    """One bibliography entry with its fields already decoded from LaTeX."""

    key: str
    entry_type: str
    fields: dict[str, str]
    authors: tuple[str, ...]
    position: Position
    field_positions: dict[str, Position] = field(default_factory=dict)
    raw: str = ""
    """The entry as written in the bib, for faithful BibTeX downloads."""
    organizations: frozenset[str] = frozenset()
    """Authors written in braces: institutions, never split into given and family names."""
    names: tuple[Name, ...] = ()
    """The creators (authors, else editors) with their BibTeX name parts."""
    et_al: bool = False
    """The list ended with `and others`: more creators than named."""
    raw_fields: dict[str, str] = field(default_factory=dict)
    """Field values as written (LaTeX kept), with @string macros and crossref resolved."""
    parents: tuple[str, ...] = ()
    """Keys this entry inherits from (crossref, xdata): citing it uses them too."""

    def get(self, name: str) -> str | None:
        value = self.fields.get(name)
        return value if value else None


@dataclass(frozen=True)
class Bibliography:
    """Every usable entry of the shared `references.bib`, by key."""

    path: str
    sources: dict[str, Source]
    readable: bool = True
    """False when the file itself could not be read; citation checks then say nothing."""
    source_digest: str = field(default="", repr=False)
    """Digest of the file's path and text: what caches key on."""


@dataclass(frozen=True)
class Project:
    """Everything a build needs: all reports plus the shared bibliography."""

    reports: tuple[Report, ...]
    bibliography: Bibliography
