"""`reportgen import`: a plain-text or Markdown brief with `[n]` markers into a content file.

Briefs arrive as text shaped like the seed: a title line, "Executive summary",
numbered sections, a section on open questions or limitations, a closing
"Bottom line", and often their own numbered list of sources. Markdown briefs
(`# Title`, `## 1. Section`, `**Bottom line:**`, bullet lists) are read the
same way. This module finds those parts, splits prose into claims at the
citation groups that back them, and maps `[n]` to bib keys. Whatever it
cannot place becomes a diagnostic at the brief's line and column, never a
silent claim, and the file is still written so the editor can finish in YAML.
"""

from __future__ import annotations

import datetime
import json
import re
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from reportgen.diagnostics import error, warning
from reportgen.model import Diagnostic, Position
from reportgen.tools.briefsources import SourceLine

_SECTION = re.compile(r"^\s*(?:section\s+)?(\d+)[.):]\s+(\S.*)$", re.IGNORECASE)
_SUMMARY = re.compile(
    r"^\s*(executive\s+summary|summary|key\s+findings|in\s+brief)\s*:?\s*(.*)$", re.IGNORECASE
)
_BOTTOM = re.compile(r"^\s*bottom\s+line\s*[:.\u2014-]?\s*(.*)$", re.IGNORECASE)
_SOURCES_HEADING = re.compile(
    r"^\s*(sources|references|notes|works\s+cited|bibliography|citations)\s*:?\s*$",
    re.IGNORECASE,
)
_SOURCE_LINE = re.compile(r"^\s*(?:[-*+]\s+)?\[(\d+)\]\s*[:.]?\s+(\S.*)$")
_NUMBERED_LINE = re.compile(r"^\s*(?:[-*+]\s+)?(?:\[(\d+)\]|(\d+)[.)])?\s*(\S.*)$")
_DATE_LINE = re.compile(
    r"^\s*(?:published|date|dated|as\s+of)\s*:?\s*(\d{4}-\d{2}-\d{2})\s*\.?$", re.IGNORECASE
)
_HEADING_MARK = re.compile(r"^\s*#{1,6}\s+")
_BULLET = re.compile(r"^\s*[-*+]\s+")
_STRONG = re.compile(r"\*\*(.+?)\*\*|__(.+?)__")
_OPEN = re.compile(
    r"open questions|limitations|not settle|unsettled|unresolved|unknowns|what we don.t know",
    re.IGNORECASE,
)
# One marker: [1], [1, 2], [1-3]; a run of markers separated by spaces is one group.
_MARKER = r"\[\d+(?:\s*[,;\u2013-]\s*\d+)*\]"
_GROUP = re.compile(rf"{_MARKER}(?:\s*{_MARKER})*")
_SENTENCE_END = ".!?\u2026"


@dataclass
class Part:
    """A stretch of the brief: its heading and its prose lines with their line numbers."""

    kind: str
    title: str
    line: int
    lines: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class Brief:
    """What the brief's text holds besides its prose parts."""

    parts: list[Part]
    sources: list[SourceLine]
    date: str | None = None
    column: dict[int, int] = field(default_factory=dict)
    """1-based line -> column where its text starts (after indentation and Markdown marks)."""


def _plain(line: str) -> tuple[str, int, bool]:
    """A line without Markdown heading marks, bullets and bold; its text column; a bullet?"""
    indent = len(line) - len(line.lstrip())
    text = line.strip()
    heading = _HEADING_MARK.match(text)
    bullet = _BULLET.match(text) if heading is None else None
    cut = heading or bullet
    if cut is not None:
        indent += cut.end()
        text = text[cut.end() :]
    text = _STRONG.sub(lambda m: m.group(1) or m.group(2), text)
    return text.strip(), indent + 1, bullet is not None


@dataclass
class ImportResult:
    """The YAML text to write and everything the editor should look at."""

    yaml_text: str
    slug: str
    diagnostics: list[Diagnostic]
    claims: int = 0
    sources: list[SourceLine] = field(default_factory=list)
    """The brief's own source list, if it has one."""


def parse_map(text: str) -> dict[int, str]:
    """`1=key,2=other` as {1: 'key', 2: 'other'}."""
    mapping: dict[int, str] = {}
    for item in filter(None, (p.strip() for p in text.split(","))):
        number, _, key = item.partition("=")
        if not number.strip().isdigit() or not key.strip():
            raise ValueError(f"--map entry {item!r} is not NUMBER=KEY")
        mapping[int(number)] = key.strip()
    return mapping


def slugify(title: str) -> str:
    words = re.findall(r"[a-z0-9]+", title.lower())
    slug = ""
    for word in words:
        if len(slug) + len(word) + 1 > 60:
            break
        slug = f"{slug}-{word}" if slug else word
    return slug or "report"


def split_parts(lines: list[str], shown: str) -> tuple[Brief, list[Diagnostic]]:
    """Title, summary, sections, bottom line and source list, by the brief's own headings."""
    parts: list[Part] = []
    problems: list[Diagnostic] = []
    sources: list[SourceLine] = []
    brief = Brief(parts, sources)
    current: Part | None = None
    in_sources = False
    wrapped = any(not line.strip() for line in lines[1:-1])
    for number, raw in enumerate(lines, start=1):
        line, column, bullet = _plain(raw)
        brief.column[number] = column
        if not line:
            if current is not None:
                current.lines.append((number, ""))  # paragraph break
            continue
        if parts and _SOURCES_HEADING.match(line):
            in_sources, current = True, None
            continue
        listed = _SOURCE_LINE.match(raw.strip())
        if parts and (in_sources or listed):
            found = listed or _NUMBERED_LINE.match(raw.strip())
            assert found is not None
            given = found.group(1) or (found.group(2) if not listed else None)
            text = found.group(2) if listed else found.group(3)
            sources.append(
                SourceLine(
                    int(given) if given else len(sources) + 1, number, raw.find(text) + 1, text
                )
            )
            continue
        dated = _DATE_LINE.match(line)
        if parts and dated and brief.date is None:
            brief.date = dated.group(1)
            continue
        if current is not None and (not wrapped or bullet):
            current.lines.append((number, ""))  # one paragraph per line, or per bullet
        if not parts:
            parts.append(Part("title", line, number))
            continue
        section = _SECTION.match(line)
        bottom = _BOTTOM.match(line)
        summary = _SUMMARY.match(line)
        if summary:
            current = Part("summary", "Executive summary", number)
            if summary.group(2):
                current.lines.append((number, summary.group(2)))
        elif section and not bullet:
            kind = "open" if _OPEN.search(section.group(2)) else "section"
            current = Part(kind, section.group(2).strip().rstrip(":"), number)
        elif bottom:
            current = Part("bottom", "Bottom line", number)
            if bottom.group(1):
                current.lines.append((number, bottom.group(1)))
        elif current is None and _is_heading(raw) and _OPEN.search(line):
            current = Part("open", line.rstrip(":"), number)
        elif current is None:
            current = Part("summary", "Executive summary", number)
            current.lines.append((number, line))
        elif _is_heading(raw):
            kind = "open" if _OPEN.search(line) else "section"
            current = Part(kind, line.rstrip(":"), number)
        else:
            current.lines.append((number, line))
            continue
        parts.append(current)
    if not parts:
        problems.append(error("import-structure", "the brief is empty", Position(shown)))
    return brief, problems


def _is_heading(raw: str) -> bool:
    """A Markdown heading (`## Open questions`) or a whole-line bold heading."""
    stripped = raw.strip()
    return bool(_HEADING_MARK.match(stripped)) or bool(
        re.fullmatch(r"(\*\*|__)[^*_]+(\*\*|__):?", stripped)
    )


@dataclass
class _Claim:
    text: str
    line: int
    cited: bool
    column: int = 0
    """0-based offset of the claim in its first line's text."""
    starts: list[tuple[int, int]] = field(default_factory=list)
    """(offset in `text`, line) for each brief line the claim's text runs over."""


def paragraphs(lines: list[tuple[int, str]]) -> list[list[tuple[int, str]]]:
    """Group lines into paragraphs at the breaks `split_parts` recorded."""
    out: list[list[tuple[int, str]]] = [[]]
    for number, text in lines:
        if text:
            out[-1].append((number, text))
        elif out[-1]:
            out.append([])
    return [p for p in out if p]


def split_claims(lines: list[tuple[int, str]]) -> list[_Claim]:
    """Cut prose after each citation group that closes a sentence.

    Groups inside a sentence (before `;` or `,`) stay inline; a sentence with
    no group is carried into the next claim; prose left at the end of a
    paragraph becomes a claim without citations.
    """
    claims: list[_Claim] = []
    for paragraph in paragraphs(lines):
        starts: list[tuple[int, int]] = []
        text = ""
        for number, line in paragraph:
            text = f"{text} " if text else text
            starts.append((len(text), number))
            text += " ".join(line.split())

        cursor = 0
        for match in _GROUP.finditer(text):
            end = match.end()
            after = text[end:]
            before = text[: match.start()].rstrip()
            closes = after[:1] in tuple(_SENTENCE_END) and (len(after) == 1 or after[1:2] == " ")
            follows_end = before[-1:] in tuple(_SENTENCE_END) and (not after or after[:1] == " ")
            if not (closes or follows_end or not after.strip()):
                continue
            if closes:
                end += 1
            start = cursor + len(text[cursor:end]) - len(text[cursor:end].lstrip())
            claims.append(_claim(text, start, end, starts, True))
            cursor = end
        rest = text[cursor:].strip()
        if rest:
            start = cursor + len(text[cursor:]) - len(text[cursor:].lstrip())
            claims.append(_claim(text, start, len(text), starts, bool(_GROUP.search(rest))))
    return claims


def _claim(text: str, start: int, end: int, starts: list[tuple[int, int]], cited: bool) -> _Claim:
    """A claim cut from a joined paragraph, remembering where its pieces stand in the brief."""
    line = _line_at(starts, start)
    line_start = [offset for offset, number in starts if offset <= start][-1]
    inside = [(max(offset - start, 0), number) for offset, number in starts if offset < end]
    inside = [(offset, number) for offset, number in inside if number >= line]
    return _Claim(text[start:end].strip(), line, cited, start - line_start, inside)


def _line_at(starts: list[tuple[int, int]], offset: int) -> int:
    """The brief line on which a character of a joined paragraph stands."""
    return [number for start, number in starts if start <= offset][-1]


def _where(claim: _Claim, offset: int, columns: dict[int, int]) -> tuple[int, int]:
    """1-based (line, column) in the brief of a character of a claim's text."""
    line_offset, line = 0, claim.line
    for start, number in claim.starts:
        if start <= offset:
            line_offset, line = start, number
    base = claim.column if line == claim.line else 0
    return line, columns.get(line, 1) + base + offset - line_offset


def _numbers(marker_group: str) -> list[int]:
    out: list[int] = []
    for marker in re.findall(_MARKER, marker_group):
        for item in re.split(r"\s*[,;]\s*", marker[1:-1]):
            if re.fullmatch(r"\d+\s*[\u2013-]\s*\d+", item):
                low, high = (int(x) for x in re.split(r"\s*[\u2013-]\s*", item))
                out.extend(range(low, high + 1))
            else:
                out.append(int(item))
    return out


def import_brief(
    brief: str,
    shown: str,
    keys: list[str],
    *,
    mapping: dict[int, str] | None = None,
    slug: str | None = None,
    today: datetime.date | None = None,
    date: str | None = None,
) -> ImportResult:
    """Convert a brief's text; never raises on odd briefs, it reports them."""
    by_number = dict(mapping) if mapping else {i: k for i, k in enumerate(keys, start=1)}
    shape, diagnostics = split_parts(brief.splitlines(), shown)
    parts = shape.parts
    title = parts[0].title if parts else "Untitled brief"
    report_slug = slug or slugify(title)
    seen: list[int] = []
    renumbered: list[int] = []

    def convert(claim: _Claim) -> str:
        def group(match: re.Match[str]) -> str:
            refs = []
            at = Position(shown, *_where(claim, match.start(), shape.column))
            for number in _numbers(match.group(0)):
                key = by_number.get(number)
                if key is None:
                    diagnostics.append(
                        error(
                            "import-unknown-number",
                            f"[{number}] has no source (the sources list has {len(by_number)})",
                            at,
                            "add the source, or map it with --map N=key",
                        )
                    )
                    key = f"source-{number}"
                elif number not in seen:
                    if number != len(seen) + 1 and not renumbered:
                        renumbered.append(number)
                        diagnostics.append(
                            warning(
                                "import-numbering",
                                f"[{number}] is the first citation of source {len(seen) + 1};"
                                " the site numbers sources in order of first citation, so from"
                                " here on its markers differ from the brief's",
                                at,
                            )
                        )
                    seen.append(number)
                refs.append("@" + key)
            return "[" + "; ".join(refs) + "]"

        return _GROUP.sub(group, claim.text)

    sections: list[tuple[Part, list[str]]] = []
    summary: list[str] = []
    open_part: Part | None = None
    open_questions: list[str] = []
    bottom: list[str] = []
    total = 0
    for part in parts[1:]:
        claims = split_claims(part.lines)
        if not claims and part.kind != "title":
            diagnostics.append(
                error(
                    "import-empty-section",
                    f"'{part.title}' has no text",
                    Position(shown, part.line),
                )
            )
        texts = []
        for claim in claims:
            if not claim.cited:
                diagnostics.append(
                    error(
                        "uncited-claim",
                        f"no citation backs '{_excerpt(claim.text)}'",
                        Position(shown, *_where(claim, 0, shape.column)),
                        "add a [n] marker in the brief or a citation in the content file",
                    )
                )
            texts.append(convert(claim))
        total += len(texts)
        if part.kind == "summary":
            summary.extend(texts)
        elif part.kind == "open" and open_part is None:
            open_part, open_questions = part, texts
        elif part.kind == "bottom":
            bottom.extend(texts)
        else:
            sections.append((part, texts))
    if open_part is None:
        diagnostics.append(
            error(
                "missing-open-questions",
                "no section on open questions or limitations was found",
                Position(shown, parts[-1].line if parts else 1),
                "add a numbered section titled 'Open questions' to the brief or the content file",
            )
        )
    for kind, found in (("summary", summary), ("bottom line", bottom)):
        if not found:
            diagnostics.append(
                error("import-structure", f"the brief has no {kind}", Position(shown, 1))
            )
    yaml_text = _emit(
        title=title,
        slug=report_slug,
        day=date or shape.date or (today or datetime.date.today()).isoformat(),
        summary=summary,
        sections=[(p.title, texts) for p, texts in sections],
        open_title=open_part.title if open_part else None,
        open_questions=open_questions,
        bottom=bottom,
    )
    return ImportResult(yaml_text, report_slug, diagnostics, total, shape.sources)


def _excerpt(text: str, width: int = 50) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "\u2026"


def _scalar(text: str, indent: int) -> str:
    """A folded block scalar when it reads back identically, else a JSON-quoted string."""
    pad = " " * (indent + 2)
    wrapped = textwrap.wrap(
        text, width=max(40, 88 - indent), break_long_words=False, break_on_hyphens=False
    )
    candidate = ">-\n" + "\n".join(pad + line for line in wrapped)
    try:
        loaded = yaml.safe_load("x: " + candidate)
    except Exception:  # any parse failure means: fall back to the quoted form
        loaded = None
    if isinstance(loaded, dict) and loaded.get("x") == text and wrapped:
        return candidate
    return json.dumps(text, ensure_ascii=False)


def _claims(texts: list[str], indent: int) -> list[str]:
    return [f"{' ' * indent}- {_scalar(t, indent)}" for t in texts]


def _emit(
    *,
    title: str,
    slug: str,
    day: str,
    summary: list[str],
    sections: list[tuple[str, list[str]]],
    open_title: str | None,
    open_questions: list[str],
    bottom: list[str],
) -> str:
    out = [
        "# Imported by `reportgen import`; run `reportgen check` and fix what it reports.",
        f"slug: {slug}",
        f"title: {json.dumps(title, ensure_ascii=False)}",
        f"published: {day}",
        f"last_checked: {day}",
        "summary:" if summary else "summary: []",
        *(_claims(summary, 2) if summary else []),
        "sections:" if sections else "sections: []",
    ]
    for section_title, texts in sections:
        out.append(f"  - title: {json.dumps(section_title, ensure_ascii=False)}")
        out.append("    claims:" if texts else "    claims: []")
        if texts:
            out.extend(_claims(texts, 6))
    if open_title:
        out.append(f"open_questions_title: {json.dumps(open_title, ensure_ascii=False)}")
    out.append("open_questions:" if open_questions else "open_questions: []")
    out.extend(_claims(open_questions, 2) if open_questions else [])
    out.append("bottom_line:" if bottom else "bottom_line: []")
    out.extend(_claims(bottom, 2) if bottom else [])
    return "\n".join(out) + "\n"


def write_import(result: ImportResult, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(result.yaml_text, encoding="utf-8")
